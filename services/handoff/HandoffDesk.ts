import { randomUUID } from 'node:crypto';
import {
  ActivityTypes, EventFactory, HandoffEventNames, TurnContext, type Activity, type BotAdapter, type ConversationState, type StatePropertyAccessor,
} from 'botbuilder';
import type { HandoffPort } from '../../bots/ports';
import { message, type Button } from '../../bots/replies';
import { langOf } from '../../bots/state';
import type { Lang, Translator } from '../i18n';
import type { Logger } from '../logger';
import type { Understood } from '../understanding';
import type { DeliverToUser, ShowTyping } from './HandoffWorker';
import type { HandoffMetrics } from './metrics';
import type { DutySchedule } from './schedule';
import type { SupervisorAlert } from './supervisorAlert';
import type { ChatMessage, Enqueued, HandoffChat, HandoffStore, Priority } from './types';

/** What the counsellor journey knows when the user asks for a person. */
export interface HandoffAsk {
  lang: Lang;
  /** 1 emergency, 2 high risk, 3 normal; raised to what this conversation showed earlier. */
  priority: Priority;
  category?: string;
  caseRef?: string;
  /** For counsellors, redacted: labels only, never the user's words. */
  summary: string;
}

/** A channel's way to reach a user outside a turn: every bridge's adapter has it. */
export type Proactive = Pick<BotAdapter, 'continueConversation'>;

export interface HandoffDeskDeps {
  store: HandoffStore;
  i18n: Translator;
  schedule: DutySchedule;
  conversationState: ConversationState;
  logger: Logger;
  metrics: HandoffMetrics;
  alert?: SupervisorAlert;
  /**
   * HANDOFF_MODE=botframework: on Azure Bot Service channels (not our own bridges) the bot emits
   * `handoff.initiate` for an external agent hub instead of using the queue.
   */
  agentHub?: boolean;
  clock?: () => number;
}

/** Channels our own bridges serve: their users always reach our counsellors through the queue. */
const OWN_CHANNELS = new Set(['whatsapp', 'webchat', 'ivr']);

/** Channels that cannot show "typing": a counsellor's typing is not sent there. */
const NO_TYPING_CHANNELS = new Set(['whatsapp', 'ivr']);
/** A user's typing reaches the console at most this often per conversation (per instance). */
export const USER_TYPING_THROTTLE_MS = 2000;
/** Past this many remembered conversations, the throttle forgets those outside its window. */
const TYPING_MEMORY = 5000;

/** Over this estimate the user is also given 1098. */
const LONG_WAIT_SECONDS = 10 * 60;
const RATING = /^rate:([1-5])$/;

/** Kept in the conversation's state: the most urgent thing it has shown, and the language of the handoff. */
interface HandoffMemory {
  priority?: Priority;
  lang?: Lang;
}

export function conversationIdOf(activity: Partial<Activity>): string {
  return `${activity.channelId ?? 'unknown'}:${activity.conversation?.id ?? 'unknown'}`;
}

/**
 * The bot's side of the handoff: puts a conversation in the queue and says honestly where it stands
 * (before the chat can be claimed, so "you are number N" always comes before "a counsellor has
 * joined"); relays the user's messages while the queue or a counsellor holds the conversation;
 * ends it on the safe word; renders what counsellors send for the user's channel.
 */
export class HandoffDesk implements HandoffPort {
  private readonly memory: StatePropertyAccessor<HandoffMemory>;
  private readonly clock: () => number;
  /** conversationId → when its user's typing last went to the console. */
  private readonly lastTyping = new Map<string, number>();

  constructor(private readonly deps: HandoffDeskDeps) {
    this.memory = deps.conversationState.createProperty<HandoffMemory>('handoff');
    this.clock = deps.clock ?? Date.now;
  }

  async relayIfHeld(context: TurnContext, understood: Understood | undefined): Promise<boolean> {
    await this.rememberRisk(context, understood);
    const rating = RATING.exec(String(context.activity.value ?? context.activity.text ?? ''));
    if (rating) {
      this.deps.metrics.ratings.inc({ rating: rating[1] });
      await context.sendActivity(message(this.t(context, 'handoff:rateThanks')));
      return true;
    }
    const chat = await this.deps.store.holderFor(conversationIdOf(context.activity));
    if (!chat) return false;
    const text = typeof context.activity.text === 'string' ? context.activity.text.trim() : '';
    if (text) {
      await this.deps.store.post(chat.id, { msgId: context.activity.id ?? randomUUID(), from: 'user', to: 'counsellor', text });
    }
    // Silent while a counsellor holds it; while waiting, the user hears their place again.
    if (chat.state !== 'active') {
      const position = (await this.deps.store.position(chat.id)) ?? 1;
      await context.sendActivity(message(this.deps.i18n.t(chat.language, 'handoff:stillWaiting', { position })));
    }
    return true;
  }

  /**
   * The user is typing: while a counsellor holds the conversation, their console hears it as a
   * transient signal (throttled; nothing stored, nothing queued). True when it was passed on.
   */
  async relayTyping(context: TurnContext): Promise<boolean> {
    const conversationId = conversationIdOf(context.activity);
    const now = this.clock();
    if (now - (this.lastTyping.get(conversationId) ?? -Infinity) < USER_TYPING_THROTTLE_MS) return false;
    if (this.lastTyping.size >= TYPING_MEMORY) {
      for (const [id, at] of this.lastTyping) if (now - at >= USER_TYPING_THROTTLE_MS) this.lastTyping.delete(id);
    }
    this.lastTyping.set(conversationId, now);
    const chat = await this.deps.store.holderFor(conversationId);
    if (chat?.state !== 'active') return false;
    await this.deps.store.signal({ type: 'typing', chatId: chat.id, from: 'user', counsellorId: chat.counsellorId });
    return true;
  }

  async endForUser(context: TurnContext): Promise<void> {
    const chat = await this.deps.store.abandon(conversationIdOf(context.activity));
    if (chat) this.deps.metrics.abandoned.inc({ priority: String(chat.priority) });
  }

  /** The counsellor journey: into the queue, the honest answer, then claimable. */
  async enter(context: TurnContext, ask: HandoffAsk): Promise<void> {
    const { activity } = context;
    const memory = await this.memory.get(context, {});
    const priority = Math.min(ask.priority, memory.priority ?? 3) as Priority;
    memory.lang = ask.lang;
    if (this.deps.agentHub && !OWN_CHANNELS.has(activity.channelId ?? '')) {
      // No transcript goes with it: the bot keeps no record of what the user wrote.
      const details = { language: ask.lang, priority, category: ask.category, caseRef: ask.caseRef, summary: ask.summary };
      await context.sendActivity(EventFactory.createHandoffInitiation(context, details));
      await context.sendActivity(message(this.deps.i18n.t(ask.lang, 'handoff:agentHubAsked')));
      return;
    }
    const entered = await this.deps.store.enqueue({
      conversationId: conversationIdOf(activity),
      reference: TurnContext.getConversationReference(activity),
      channel: activity.channelId ?? 'unknown',
      language: ask.lang,
      priority,
      category: ask.category,
      caseRef: ask.caseRef,
      summary: ask.summary,
    });
    await context.sendActivity(message(this.answer(ask.lang, entered, priority)));
    if (entered.created) await this.deps.store.open(entered.chat.id);
  }

  private answer(lang: Lang, entered: Enqueued, priority: Priority): string {
    const t = (key: string, vars?: Record<string, unknown>) => this.deps.i18n.t(lang, `handoff:${key}`, vars);
    if (!entered.created) return t('alreadyWaiting', { position: entered.position });
    const onDuty = this.deps.schedule.isOpen(this.clock());
    if (!onDuty || entered.counsellorsOnline === 0) {
      if (priority <= 2) this.deps.alert?.(entered.chat, onDuty ? 'no-counsellor' : 'out-of-hours');
      return onDuty ? t('noCounsellor') : t('outOfHours', { hours: this.deps.schedule.text });
    }
    const seconds = entered.estimatedWaitSeconds;
    const lines = [
      t('queued', { position: entered.position }),
      seconds === null ? t('estimateUnknown') : t('estimate', { minutes: Math.max(1, Math.round(seconds / 60)) }),
    ];
    if (seconds !== null && seconds > LONG_WAIT_SECONDS) lines.push(t('longWait'));
    return lines.join('\n');
  }

  /**
   * The external agent hub's `handoff.status` event: accepted → the agent talks, the bot stays quiet;
   * failed → the honest answer with 1098 and 112; completed → the bot is back and asks for a rating.
   * Returns false for any other activity.
   */
  async answerHandoffStatus(context: TurnContext): Promise<boolean> {
    const { activity } = context;
    if (activity.type !== ActivityTypes.Event || activity.name !== HandoffEventNames.HandoffStatus) return false;
    const lang = (await this.memory.get(context, {})).lang ?? langOf(context);
    const state = (activity.value as { state?: unknown } | undefined)?.state;
    if (state === 'failed') await context.sendActivity(message(this.deps.i18n.t(lang, 'handoff:unavailable')));
    if (state === 'completed') await context.sendActivity(this.endedMessage(lang));
    return true;
  }

  private async rememberRisk(context: TurnContext, understood: Understood | undefined): Promise<void> {
    if (understood?.risk !== 'high' && understood?.intent !== 'emergency') return;
    const memory = await this.memory.get(context, {});
    memory.priority = Math.min(memory.priority ?? 3, understood.intent === 'emergency' ? 1 : 2) as Priority;
  }

  private t(context: TurnContext, key: string): string {
    return this.deps.i18n.t(langOf(context), key);
  }

  /** Delivers through the chat's own channel; the composition root gives the channelId → adapter map. */
  deliverer(adapters: ReadonlyMap<string, Proactive>): DeliverToUser {
    return async (chat, msg) => {
      const adapter = adapters.get(chat.reference.channelId ?? chat.channel);
      if (!adapter) {
        this.deps.logger.warn({ chatId: chat.id, channel: chat.channel }, 'handoff: no adapter can reach this channel; message kept in the transcript only');
        return;
      }
      if (msg.notice?.key === 'joined') this.deps.metrics.waitSeconds.observe({ priority: String(chat.priority) }, (msg.at - chat.createdAt) / 1000);
      await adapter.continueConversation(chat.reference, async (context) => {
        await context.sendActivity(this.render(chat, msg));
      });
    };
  }

  /** A 'typing' activity through the chat's own channel, where it can show one (not WhatsApp, not the phone). */
  typingShower(adapters: ReadonlyMap<string, Proactive>): ShowTyping {
    return async (chat) => {
      const channel = chat.reference.channelId ?? chat.channel;
      const adapter = adapters.get(channel);
      if (!adapter || NO_TYPING_CHANNELS.has(channel)) return;
      await adapter.continueConversation(chat.reference, async (context) => {
        // channelData.typingBy lets the web chat page say who is typing.
        await context.sendActivity({ type: ActivityTypes.Typing, channelData: { typingBy: 'counsellor' } });
      });
    };
  }

  private render(chat: HandoffChat, msg: ChatMessage): Partial<Activity> {
    if (!msg.notice) return message(msg.text ?? '');
    if (msg.notice.key === 'ended') return this.endedMessage(chat.language);
    return message(this.deps.i18n.t(chat.language, `handoff:notice.${msg.notice.key}`, msg.notice.vars));
  }

  /** The bot is back: the question of the 1-5 rating, with its buttons. */
  private endedMessage(lang: Lang): Partial<Activity> {
    const buttons: Button[] = ['1', '2', '3', '4', '5'].map((n) => ({ title: this.deps.i18n.t(lang, `handoff:rate.${n}`), value: `rate:${n}` }));
    return message(this.deps.i18n.t(lang, 'handoff:notice.ended'), buttons);
  }
}
