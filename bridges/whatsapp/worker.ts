import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { TurnContext } from 'botbuilder';
import type { Logger } from '../../services/logger';
import { errSummary } from '../../services/http/server';
import type { WhatsAppAdapter } from './adapter';
import { GraphSendError, type SendFailure } from './graphClient';
import { asksToDeleteChat } from './deleteChat';
import { toActivity } from './inboundActivity';
import { moreOffset } from './render';
import type { QueuedMessage, UserClaim, WhatsAppStore } from './store';
import type { InboundMessage } from './webhookPayload';
import type { WhatsAppMetrics } from './whatsappMetrics';

/** Anything with the bot's entry point. */
export interface TurnRunner {
  run(context: TurnContext): Promise<void>;
}

export interface WorkerOptions {
  store: WhatsAppStore;
  adapter: WhatsAppAdapter;
  bot: TurnRunner;
  /** The bot's id in activities: the WhatsApp phone number id. */
  botId: string;
  logger: Logger;
  metrics: WhatsAppMetrics;
  /** Users served at once by this instance (each one message at a time). */
  concurrency?: number;
  blockMs?: number;
  /** Turns that throw this many times are set aside (dead-lettered) so the user's next messages flow. */
  maxTurnAttempts?: number;
  /** Waits between tries while WhatsApp cannot be reached. */
  retryDelayMs?: (attempt: number) => number;
}

/** Failures that say "WhatsApp is unreachable for now": the message stays first in line and is tried again. */
const TRANSIENT: ReadonlySet<SendFailure> = new Set(['circuit-open', 'timeout', 'network', 'rate-limited', 'server']);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the bot on stored messages after the webhook has been acknowledged. Each claimed user's
 * messages are handled one at a time, oldest first; a message leaves the inbox only once its
 * turn is done. While WhatsApp is unreachable the message is retried, never dropped.
 */
export class WhatsAppWorker {
  readonly consumer = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private running = false;
  private loop?: Promise<void>;
  private readonly active = new Set<Promise<void>>();
  private readonly concurrency: number;
  private readonly blockMs: number;
  private readonly maxTurnAttempts: number;
  private readonly retryDelayMs: (attempt: number) => number;

  constructor(private readonly opts: WorkerOptions) {
    this.concurrency = opts.concurrency ?? 32;
    this.blockMs = opts.blockMs ?? 1000;
    this.maxTurnAttempts = opts.maxTurnAttempts ?? 3;
    this.retryDelayMs = opts.retryDelayMs ?? ((attempt) => Math.min(1000 * 2 ** (attempt - 1), 30_000));
  }

  start(): void {
    if (this.loop) return;
    this.running = true;
    this.loop = this.claimLoop();
  }

  /** Finishes the turns in flight; waiting messages stay stored for the next start (or another instance). */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all(this.active);
    this.loop = undefined;
  }

  private async claimLoop(): Promise<void> {
    let storeDown = false;
    while (this.running) {
      if (this.active.size >= this.concurrency) {
        await Promise.race(this.active);
        continue;
      }
      let claims: UserClaim[];
      try {
        claims = await this.opts.store.claim(this.consumer, this.concurrency - this.active.size, this.blockMs);
        if (storeDown) this.opts.logger.info('whatsapp inbox reachable again');
        storeDown = false;
      } catch (err) {
        if (!storeDown) this.opts.logger.warn({ err: errSummary(err) }, 'whatsapp inbox unavailable; retrying');
        storeDown = true;
        await sleep(500);
        continue;
      }
      for (const claim of claims) {
        const work: Promise<void> = this.drain(claim).finally(() => this.active.delete(work));
        this.active.add(work);
      }
    }
  }

  /** Handles the user's messages in order until none wait (then releases them) or the claim is lost. */
  private async drain(claim: UserClaim): Promise<void> {
    const { store, logger } = this.opts;
    try {
      while (this.running) {
        const entry = await store.head(claim);
        if (!entry) {
          if (await store.release(claim)) return;
          continue;
        }
        if (!(await this.handle(claim, entry))) return;
      }
    } catch (err) {
      // The claim stays pending: this or another instance takes the user over after the lease.
      logger.warn({ err: errSummary(err) }, 'whatsapp inbox failed while handling a user; their messages wait');
    }
  }

  /** One message, to the end: true to go on with the user's next one, false to stop (claim lost or stopping). */
  private async handle(claim: UserClaim, entry: QueuedMessage): Promise<boolean> {
    const { store, logger, metrics } = this.opts;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.turn(entry.message);
        return store.remove(claim, this.consumer, entry.entryId);
      } catch (err) {
        if (err instanceof GraphSendError) {
          // Refused for good (already counted by the adapter): retrying cannot change it.
          if (!TRANSIENT.has(err.reason)) return store.remove(claim, this.consumer, entry.entryId);
          if (!this.running) return false;
          await sleep(this.retryDelayMs(attempt));
          if (!(await store.renew(claim, this.consumer))) return false;
          continue;
        }
        logger.error({ err: errSummary(err), attempt }, 'whatsapp turn failed');
        if (attempt >= this.maxTurnAttempts) {
          await store.deadLetter(claim, entry);
          metrics.deadLettered.inc();
          return true;
        }
      }
    }
  }

  private async turn(message: InboundMessage): Promise<void> {
    const { content } = message;
    // A picture may show abuse: it is never fetched; the user is told why and where to report.
    if (content.kind === 'media') return this.opts.adapter.sendNotice(message.userId, 'whatsapp:mediaRefused');
    if (content.kind === 'text' && asksToDeleteChat(content.text)) return this.opts.adapter.sendNotice(message.userId, 'whatsapp:deleteChat');
    const more = content.kind === 'choice' ? moreOffset(content.value) : undefined;
    if (more !== undefined) return this.opts.adapter.sendChoicePage(message.userId, more);
    const activity = toActivity({ ...message, content }, this.opts.botId);
    await this.opts.adapter.processActivity(activity, (context) => this.opts.bot.run(context));
  }
}
