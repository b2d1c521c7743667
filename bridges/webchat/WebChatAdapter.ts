import {
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import type { ClaimsIdentity } from 'botframework-connector';
import type { ConversationLog } from './conversationLog';

export const CHANNEL_ID = 'webchat';
export const BOT_ACCOUNT = { id: 'sishu-mitra', name: 'Sishu Mitra', role: 'bot' } as const;

/** Anything that can take a turn: the helpline bot, or a test's echo bot. */
export interface Bot {
  run(context: TurnContext): Promise<void>;
}

type Logic = (context: TurnContext) => Promise<void>;

/** The fields a page needs; the rest of an activity (serviceUrl, internal channelData) stays here. */
const PAGE_FIELDS = [
  'type', 'timestamp', 'from', 'conversation', 'text', 'textFormat', 'locale', 'suggestedActions',
  'attachments', 'entities', 'inputHint', 'name', 'value', 'channelData', 'replyToId',
] as const satisfies readonly (keyof Activity)[];

export function forPage(activity: Partial<Activity>): Partial<Activity> {
  const out: Partial<Activity> = {};
  for (const field of PAGE_FIELDS) {
    if (activity[field] !== undefined) (out as Record<string, unknown>)[field] = activity[field];
  }
  return out;
}

/**
 * The web chat's BotAdapter (in the manner of botkit's web adapter). Every activity the bot sends
 * is appended to the conversation's log, which announces it to the socket holding that
 * conversation on whichever instance it is, or keeps it for the page's return.
 */
export class WebChatAdapter extends BotAdapter {
  constructor(private readonly log: ConversationLog, private readonly bot: Bot) {
    super();
  }

  /** Runs one incoming activity through the middleware and the bot. */
  async processActivity(activity: Partial<Activity>): Promise<void> {
    await this.runMiddleware(new TurnContext(this, activity), (context) => this.bot.run(context));
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      responses.push(await this.sendOne(context, activity));
    }
    return responses;
  }

  private async sendOne(context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse> {
    if (activity.type === 'delay') {
      await new Promise((resolve) => setTimeout(resolve, Math.min(Number(activity.value) || 1000, 10_000)));
      return { id: '' };
    }
    if (activity.type === 'invokeResponse' || activity.type === 'trace') return { id: '' };
    const conversationId = activity.conversation?.id ?? context.activity.conversation?.id;
    if (!conversationId) throw new Error('webchat: an activity without a conversation cannot be sent');
    const outgoing = forPage({
      ...activity,
      from: activity.from?.role ? activity.from : BOT_ACCOUNT,
      conversation: { id: conversationId } as Activity['conversation'],
      timestamp: new Date(),
    });
    if (activity.type === 'typing') {
      await this.log.announce(conversationId, outgoing);
      return { id: '' };
    }
    // A sender that names its delivery (a counsellor's message, sent at least once) is de-duplicated
    // by that name; TurnContext strips `id`, so the name travels as channelData.deliveryId.
    const deliveryId = (activity.channelData as { deliveryId?: unknown } | undefined)?.deliveryId;
    const dedupeKey = typeof deliveryId === 'string' && deliveryId ? `out:${deliveryId}` : undefined;
    const { seq } = await this.log.append(conversationId, outgoing, { dedupeKey });
    return { id: String(seq) };
  }

  async updateActivity(): Promise<void> {
    throw new Error('webchat: a sent message cannot be changed');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('webchat: a sent message cannot be deleted');
  }

  /** Proactive messages (a counsellor's reply): the page receives them live or on its return. */
  async continueConversation(reference: Partial<ConversationReference>, logic: Logic): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: 'event', name: 'continueConversation' }, reference, true);
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }

  /** CloudAdapter's form of the same call; the identity and audience mean nothing on this channel. */
  override async continueConversationAsync(
    _identity: string | ClaimsIdentity,
    reference: Partial<ConversationReference>,
    logicOrAudience: Logic | string,
    maybeLogic?: Logic,
  ): Promise<void> {
    const logic = typeof logicOrAudience === 'function' ? logicOrAudience : maybeLogic;
    if (!logic) throw new Error('webchat: continueConversationAsync needs a logic callback');
    await this.continueConversation(reference, logic);
  }
}
