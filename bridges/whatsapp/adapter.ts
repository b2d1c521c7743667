import {
  ActivityTypes,
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import { langOf } from '../../bots/state';
import { LANGUAGES, isLang, type Lang, type Translator } from '../../services/i18n';
import type { Logger } from '../../services/logger';
import { GraphSendError, type GraphClient } from './graphClient';
import type { WhatsAppIdentity } from './identity';
import { LIMITS, type GraphMessage } from './graphMessages';
import { choicesOf, renderActivity, renderChoicePage, type Choice, type RenderLabels } from './render';
import type { WhatsAppStore } from './store';
import type { WhatsAppMetrics } from './whatsappMetrics';

/** WhatsApp lets a business write freely for 24 hours after the user's last message. */
export const SERVICE_WINDOW_MS = 24 * 3600 * 1000;

/** An approved template that asks the user to write back, and the languages it is approved in, best first. */
export interface ReengagementTemplate {
  name: string;
  /** Graph language codes, e.g. ['hi', 'en']: Assamese templates may not exist. */
  languages: string[];
}

export interface WhatsAppAdapterOptions {
  graph: GraphClient;
  store: WhatsAppStore;
  identity: WhatsAppIdentity;
  i18n: Translator;
  logger: Logger;
  metrics: WhatsAppMetrics;
  reengagement?: ReengagementTemplate;
  now?: () => number;
}

const FAILED_SEND = Symbol('whatsapp.failedSend');
/** A typing pause longer than this only delays a child's answer. */
const MAX_DELAY_MS = 2000;

/**
 * The WhatsApp channel for the bot: runs turns through the middleware and the bot, and sends
 * the bot's activities to the Graph API, rendered within WhatsApp's limits. Proactive messages
 * (a counsellor's reply) go through continueConversation, which respects the 24-hour window and
 * tells its caller when a message could not be delivered.
 */
export class WhatsAppAdapter extends BotAdapter {
  private readonly now: () => number;

  constructor(private readonly opts: WhatsAppAdapterOptions) {
    super();
    this.now = opts.now ?? Date.now;
  }

  /** Runs one inbound activity through the middleware and `logic` (the bot). Rejects with the first failed send. */
  async processActivity(activity: Partial<Activity>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const context = new TurnContext(this, activity);
    await this.runMiddleware(context, logic);
    const failed = context.turnState.get(FAILED_SEND) as GraphSendError | undefined;
    if (failed) throw failed;
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      if (activity.type === 'delay') {
        await new Promise((resolve) => setTimeout(resolve, Math.min(Number(activity.value) || 0, MAX_DELAY_MS)));
        responses.push({ id: '' });
      } else if (activity.type === ActivityTypes.Message) {
        responses.push({ id: await this.deliverInTurn(context, activity) });
      } else {
        responses.push({ id: '' });
      }
    }
    return responses;
  }

  private async deliverInTurn(context: TurnContext, activity: Partial<Activity>): Promise<string> {
    const userId = activity.recipient?.id ?? context.activity.from?.id ?? '';
    // A user's turn has the bot's language; a proactive one (a counsellor) uses the last one known.
    const turnLang = context.activity.type === ActivityTypes.Message ? langOf(context) : undefined;
    try {
      return await this.deliver(userId, activity, turnLang);
    } catch (err) {
      // Remembered even if the bot's error handler swallows it, so the worker can retry the turn.
      if (err instanceof GraphSendError && !context.turnState.get(FAILED_SEND)) context.turnState.set(FAILED_SEND, err);
      throw err;
    }
  }

  /** Sends one of the bridge's own sentences, or lists of steps (locales/<lng>/whatsapp.json), to a user. */
  async sendNotice(userId: string, key: string): Promise<void> {
    const { store, i18n } = this.opts;
    const contact = await store.contact(userId);
    const languages: readonly Lang[] = isLang(contact?.language) ? [contact.language] : LANGUAGES;
    const say = (lng: Lang) => {
      const steps = i18n.list(lng, key);
      return steps.length > 0 ? steps.join('\n') : i18n.t(lng, key);
    };
    // Not knowing the user's language yet, say it in all three rather than guess.
    const text = languages.map(say).join('\n\n');
    await this.deliver(userId, { type: ActivityTypes.Message, text });
  }

  async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: ActivityTypes.Event, name: 'continueConversation' }, reference, true);
    const context = new TurnContext(this, activity);
    // The bot's error handler must not swallow a failed proactive send: the counsellor has to know.
    let failure: unknown;
    await this.runMiddleware(context, async (ctx) => {
      try {
        await logic(ctx);
      } catch (err) {
        failure = err;
      }
    });
    if (failure) throw failure;
  }

  async updateActivity(): Promise<void> {
    throw new Error('WhatsApp messages cannot be edited');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('WhatsApp messages cannot be deleted by the sender');
  }

  /** The next page of the last long list of choices, when the user taps its "more" row. */
  async sendChoicePage(userId: string, offset: number): Promise<void> {
    const recipient = await this.recipient(userId);
    const choices = JSON.parse(recipient.choices ?? '[]') as Choice[];
    if (offset >= choices.length) return;
    const labels = this.labels(recipient.lang);
    await this.send(recipient.number, renderChoicePage(choices, offset, labels.moreChoices, labels));
  }

  private async deliver(userId: string, activity: Partial<Activity>, turnLang?: Lang): Promise<string> {
    const recipient = await this.recipient(userId, baseLanguage(activity.locale) ?? turnLang);
    const choices = choicesOf(activity);
    if (choices.length > LIMITS.rows) await this.opts.store.remember(userId, 'choices', JSON.stringify(choices));
    let wamid = '';
    for (const message of renderActivity(activity, this.labels(recipient.lang))) wamid = await this.send(recipient.number, message);
    return wamid;
  }

  /** Whom to send to and in which language; outside the 24-hour window, the template path (which throws). */
  private async recipient(userId: string, stated?: Lang): Promise<{ number: string; lang: Lang; choices?: string }> {
    const { store, identity } = this.opts;
    const contact = await store.contact(userId);
    if (!contact) throw this.failure(new GraphSendError('rejected', 'no WhatsApp number is kept for this user any more'));
    if (stated && stated !== contact.language) await store.remember(userId, 'language', stated);
    const lang = stated ?? baseLanguage(contact.language) ?? 'en';
    const number = identity.openNumber(contact.sealedNumber);
    if (this.now() - contact.lastInboundAt > SERVICE_WINDOW_MS) return this.reengage(number, lang);
    return { number, lang, choices: contact.choices };
  }

  private labels(lang: Lang): RenderLabels {
    const t = (key: string) => this.opts.i18n.t(lang, `whatsapp:${key}`);
    return { listButton: t('listButton'), chooseBody: t('chooseBody'), moreChoices: t('moreChoices'), moreRow: t('moreRow') };
  }

  /**
   * Outside the 24-hour window only a template may be sent: the configured one, in the user's
   * language or the next approved one, asks them to write back. The message itself is not
   * delivered, and the caller (the counsellor) is told so either way.
   */
  private async reengage(number: string, lang: Lang): Promise<never> {
    const template = this.opts.reengagement;
    if (!template) throw this.failure(new GraphSendError('window-closed', 'the user last wrote more than 24 hours ago and no template is configured'));
    const code = [lang, 'hi', 'en'].map((l) => template.languages.find((c) => c === l || c.startsWith(`${l}_`))).find(Boolean) ?? template.languages[0];
    await this.send(number, { type: 'template', template: { name: template.name, language: { code } } });
    throw this.failure(new GraphSendError('window-closed', 'the user last wrote more than 24 hours ago; they were asked to write back, send the message again when they do'));
  }

  private async send(number: string, message: GraphMessage): Promise<string> {
    try {
      return await this.opts.graph.send(number, message);
    } catch (err) {
      throw err instanceof GraphSendError ? this.failure(err) : err;
    }
  }

  private failure(err: GraphSendError): GraphSendError {
    this.opts.metrics.sendFailures.inc({ reason: err.reason });
    this.opts.logger.warn({ reason: err.reason, status: err.status, code: err.code }, 'whatsapp send failed');
    return err;
  }
}

/** 'as', 'hi' or 'en' from a locale such as 'hi-IN'; undefined for anything else. */
function baseLanguage(locale: string | undefined): Lang | undefined {
  const base = locale?.split(/[-_]/)[0].toLowerCase();
  return isLang(base) ? base : undefined;
}
