import type { Activity } from 'botbuilder';
import type { WebSocket } from 'ws';
import type { Logger } from '../../services/logger';
import { errSummary } from '../../services/http/server';
import type { ConversationLog, LoggedActivity } from './conversationLog';
import { errorFrame, parseClientFrame, type ClientMessage } from './frames';
import { TokenBucket, type RateLimitOptions } from './rateLimit';
import { BOT_ACCOUNT, CHANNEL_ID, forPage, type WebChatAdapter } from './WebChatAdapter';

export interface SessionStart {
  conversationId: string;
  /** Set only for a new conversation: the page keeps it (sessionStorage) to resume. */
  token?: string;
  /** The last activity id the page has seen; 0 for "send me everything kept". */
  watermark: number;
  locale?: string;
}

/** A socket's typing frames are passed on at most this often (the page sends one every 3 s). */
const TYPING_INTERVAL_MS = 1000;

/**
 * One open socket: it sends the conversation's activities in seq order with no gaps and no
 * repeats (replaying what the page missed, buffering live ones meanwhile), and turns the page's
 * frames into turns of the bot, one at a time.
 */
export class SocketSession {
  private lastSent: number;
  private catchingUp = false;
  private pending: LoggedActivity[] = [];
  private turns: Promise<void> = Promise.resolve();
  private unsubscribe?: () => Promise<void>;
  /** Frames that arrive while the session is still opening wait here, then go in order. */
  private early: (string | null)[] | undefined = [];
  private readonly bucket: TokenBucket;
  /** Cleared by each heartbeat ping, set by the pong: a socket silent for a whole interval is dead. */
  private alive = true;
  private lastTyping = -Infinity;

  constructor(
    private readonly ws: WebSocket,
    private readonly start: SessionStart,
    private readonly log: ConversationLog,
    private readonly adapter: WebChatAdapter,
    private readonly logger: Logger,
    rateLimit: RateLimitOptions,
    private readonly serviceUrl: string,
  ) {
    this.lastSent = start.watermark;
    this.bucket = new TokenBucket(rateLimit);
    ws.on('pong', () => (this.alive = true));
    ws.on('message', (data, isBinary) => {
      const raw = isBinary ? null : data.toString('utf8');
      if (this.early) this.early.push(raw);
      else this.onFrame(raw);
    });
  }

  get conversationId(): string {
    return this.start.conversationId;
  }

  /** Subscribes first, then replays, so nothing appended in between is missed. */
  async open(isNew: boolean): Promise<void> {
    this.unsubscribe = await this.log.subscribe(this.conversationId, (entry) => this.onLive(entry));
    if (this.ws.readyState !== this.ws.OPEN) {
      await this.close(); // the page left while we subscribed
      return;
    }
    this.sendRaw({
      type: 'event',
      name: 'webchat/session',
      value: { conversationId: this.conversationId, token: this.start.token, resumed: !isNew },
    });
    await this.catchUp();
    if (isNew) {
      this.enqueueTurn({
        ...this.incomingBase(),
        type: 'conversationUpdate',
        membersAdded: [{ id: this.userId(), name: '' }],
        locale: this.start.locale,
      });
    }
    const early = this.early ?? [];
    this.early = undefined;
    for (const raw of early) this.onFrame(raw);
  }

  ping(): void {
    if (!this.alive) {
      this.ws.terminate();
      return;
    }
    this.alive = false;
    this.ws.ping();
  }

  async close(): Promise<void> {
    await this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.turns;
  }

  private onLive(entry: LoggedActivity): void {
    if (this.catchingUp) {
      this.pending.push(entry);
    } else if (entry.seq !== undefined && entry.seq > this.lastSent + 1) {
      // A gap (a live message lost while Redis reconnected): read the kept ones instead.
      this.pending.push(entry);
      void this.catchUp();
    } else {
      this.send(entry);
    }
  }

  private async catchUp(): Promise<void> {
    if (this.catchingUp) return;
    this.catchingUp = true;
    try {
      for (const entry of await this.log.since(this.conversationId, this.lastSent)) this.send(entry);
    } catch (err) {
      this.logger.warn({ err: errSummary(err) }, 'webchat: could not replay kept activities');
    } finally {
      this.catchingUp = false;
      const buffered = this.pending.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
      this.pending = [];
      for (const entry of buffered) this.send(entry);
    }
  }

  private send(entry: LoggedActivity): void {
    if (entry.seq !== undefined) {
      if (entry.seq <= this.lastSent) return;
      this.lastSent = entry.seq;
    }
    this.sendRaw(entry.activity);
  }

  private sendRaw(frame: unknown): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(frame));
  }

  private onFrame(raw: string | null): void {
    const decision = this.bucket.take();
    if (decision === 'disconnect') {
      this.ws.close(1008, 'too many messages');
      return;
    }
    if (decision === 'refuse') {
      this.sendRaw(errorFrame('rate-limited', 'too many messages; wait a moment'));
      return;
    }
    const parsed = raw === null ? { ok: false as const, reason: 'frames must be text' } : parseClientFrame(raw);
    if (!parsed.ok) {
      this.sendRaw(errorFrame('bad-frame', parsed.reason));
      return;
    }
    if ('typing' in parsed) {
      this.relayTyping();
      return;
    }
    this.enqueueTurn(this.toActivity(parsed.message), parsed.message.channelData.clientActivityID);
  }

  /**
   * The user is typing: a 'typing' activity for the bot (which passes it to a counsellor holding the
   * chat), outside the queue of turns and never kept in the log. At most one per interval.
   */
  private relayTyping(): void {
    const now = Date.now();
    if (now - this.lastTyping < TYPING_INTERVAL_MS) return;
    this.lastTyping = now;
    this.adapter.processActivity({ ...this.incomingBase(), type: 'typing' }).catch((err: unknown) => {
      this.logger.debug({ err: errSummary(err), channel: CHANNEL_ID }, 'webchat: typing not passed on');
    });
  }

  /** Turns run one after another, so the bot sees a conversation's messages in order. */
  private enqueueTurn(activity: Partial<Activity>, clientActivityID?: string): void {
    this.turns = this.turns.then(() => this.runTurn(activity, clientActivityID));
  }

  private async runTurn(activity: Partial<Activity>, clientActivityID?: string): Promise<void> {
    try {
      if (clientActivityID !== undefined) {
        // The echo: kept and announced like any activity; a resent message is recognised here.
        const { seq, duplicate } = await this.log.append(this.conversationId, forPage(activity), { dedupeKey: `in:${clientActivityID}` });
        if (duplicate) return;
        activity.id = String(seq);
      }
      await this.adapter.processActivity(activity);
    } catch (err) {
      this.logger.error({ err: errSummary(err), channel: CHANNEL_ID }, 'webchat: turn failed');
      this.sendRaw(errorFrame('unavailable', 'your message could not be handled; send it again'));
    }
  }

  private toActivity(message: ClientMessage): Partial<Activity> {
    return {
      ...this.incomingBase(),
      type: 'message',
      text: message.text,
      value: message.value,
      locale: message.locale ?? this.start.locale,
      entities: message.entities,
      channelData: { clientActivityID: message.channelData.clientActivityID },
    };
  }

  private incomingBase(): Partial<Activity> {
    return {
      channelId: CHANNEL_ID,
      serviceUrl: this.serviceUrl,
      timestamp: new Date(),
      from: { id: this.userId(), name: '', role: 'user' },
      recipient: { ...BOT_ACCOUNT },
      conversation: { id: this.conversationId, isGroup: false, conversationType: 'personal', name: '' },
    };
  }

  /** Web chat users are anonymous: one user per conversation. */
  private userId(): string {
    return `webchat-user:${this.conversationId}`;
  }
}
