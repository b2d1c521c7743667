import { createHmac, randomUUID } from 'node:crypto';
import {
  ActivityTypes,
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import type { Lang } from '../../services/i18n';

/** The bot as a bridge sees it: anything that can take a turn. */
export interface TurnHandler {
  run(context: TurnContext): Promise<void>;
}

/** One thing the caller did: a chosen option's value, typed digits or recognised speech. */
export interface CallTurn {
  callSid: string;
  /** A pseudonym of the caller's number (see callerPseudonym): the bot never sees the number. */
  callerId: string;
  lang: Lang;
  text: string;
}

/**
 * The caller's number as a stable id the bot can keep state under, without holding the number:
 * an HMAC with a server secret, so nobody can turn a log line or a stored key back into a number.
 */
export function callerPseudonym(secret: string, from: string, callSid: string): string {
  // A withheld number ("anonymous", empty) gets an id for this call only.
  const identity = /^\+?\d{6,15}$/.test(from) ? from : `call:${callSid}`;
  return `ivr:${createHmac('sha256', secret).update(identity, 'utf8').digest('hex').slice(0, 32)}`;
}

const REPLIES = Symbol('ivr.replies');

/**
 * The phone line as a Bot Framework channel ('ivr'): a call turn becomes a message Activity, the bot
 * runs through the adapter's middleware, and its replies are collected for the call to read out.
 * A phone call has no way to receive a message later, so proactive sends are refused.
 */
export class IvrAdapter extends BotAdapter {
  constructor(private readonly bot: TurnHandler, private readonly serviceUrl: string) {
    super();
  }

  async runTurn(turn: CallTurn): Promise<Partial<Activity>[]> {
    const activity: Partial<Activity> = {
      type: ActivityTypes.Message,
      id: randomUUID(),
      channelId: 'ivr',
      serviceUrl: this.serviceUrl,
      timestamp: new Date(),
      locale: turn.lang,
      from: { id: turn.callerId, name: '', role: 'user' },
      recipient: { id: 'sishu-mitra', name: 'Sishu Mitra', role: 'bot' },
      conversation: { id: turn.callSid, isGroup: false, conversationType: 'personal', name: '' },
      text: turn.text,
      channelData: { lang: turn.lang },
    };
    const context = new TurnContext(this, activity);
    const replies: Partial<Activity>[] = [];
    context.turnState.set(REPLIES, replies);
    await this.runMiddleware(context, (ctx) => this.bot.run(ctx));
    return replies;
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const replies = context.turnState.get(REPLIES) as Partial<Activity>[] | undefined;
    if (!replies) throw new Error('the phone line cannot send outside a call turn');
    replies.push(...activities);
    return activities.map(() => ({ id: randomUUID() }));
  }

  async updateActivity(): Promise<void> {
    throw new Error('the phone line cannot change what was already said');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('the phone line cannot take back what was already said');
  }

  async continueConversation(_reference: Partial<ConversationReference>, _logic: (context: TurnContext) => Promise<void>): Promise<void> {
    throw new Error('a phone call cannot receive proactive messages');
  }
}
