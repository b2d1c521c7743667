import type { Logger } from '../logger';
import type { ChatMessage, HandoffChat, HandoffStore } from './types';

/** Gives one message to the user through their own channel (a bridge's continueConversation). */
export type DeliverToUser = (chat: HandoffChat, message: ChatMessage) => Promise<void>;

/** Shows the user that their counsellor is typing, where the channel can (a no-op where it cannot). */
export type ShowTyping = (chat: HandoffChat) => Promise<void>;

export interface HandoffWorkerDeps {
  store: HandoffStore;
  deliver: DeliverToUser;
  /** The counsellor's typing, for the user: best effort, never retried. */
  showTyping?: ShowTyping;
  /** This instance's id: the delivery lock's owner. */
  owner: string;
  logger: Logger;
  /** How often to sweep leases and retry deliveries that failed or whose deliverer died. */
  intervalMs: number;
  /** Told how many claims a sweep returned to the queue (metrics). */
  onRequeued?: (count: number) => void;
}

/** A delivery lock outlives a slow channel call; a dead instance's lock expires after this. */
const DELIVERY_LOCK_MS = 15_000;

/**
 * Runs on every instance. Messages for users cross instances through the store's event stream:
 * whichever instance takes a chat's delivery lock first delivers, in order, and records how far it
 * got; a failure or a crash leaves the rest for the next sweep (at least once; the transcript id
 * travels as the activity id so a channel can drop a repeat).
 */
export class HandoffWorker {
  private readonly draining = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private unsubscribeSignals?: () => void;

  constructor(private readonly deps: HandoffWorkerDeps) {}

  start(): void {
    this.unsubscribe = this.deps.store.onEvent((event) => {
      if (event.type === 'message' && event.from !== 'user') void this.drain(event.chatId);
    });
    // A counsellor's typing crosses instances as a transient signal; the instance that sent it shows
    // it (every adapter reaches its users from any instance), so the user sees it once.
    this.unsubscribeSignals = this.deps.store.onSignal((signal, local) => {
      if (local && signal.type === 'typing' && signal.from === 'counsellor') void this.showTyping(signal.chatId);
    });
    this.timer = setInterval(() => void this.tick(), this.deps.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribeSignals?.();
    if (this.timer) clearInterval(this.timer);
    await Promise.all(this.draining.values());
  }

  /**
   * One sweep: expired leases back to the queue, stale pending chats opened, users whose place moved
   * told the new one (once per sweep, not every second), stuck deliveries retried.
   */
  async tick(): Promise<void> {
    try {
      const { requeued } = await this.deps.store.sweep();
      if (requeued.length > 0) {
        this.deps.onRequeued?.(requeued.length);
        this.deps.logger.info({ requeued: requeued.length }, 'handoff: counsellor leases expired, chats back in the queue');
      }
      await this.deps.store.retellPositions();
      await Promise.all((await this.deps.store.undelivered()).map((chatId) => this.drain(chatId)));
    } catch (err) {
      this.deps.logger.warn({ err }, 'handoff: sweep failed');
    }
  }

  /** Typing is not a message: not kept, not retried, and a failure is no lost message. */
  private async showTyping(chatId: string): Promise<void> {
    if (!this.deps.showTyping) return;
    try {
      const chat = await this.deps.store.get(chatId);
      if (chat?.state === 'active') await this.deps.showTyping(chat);
    } catch (err) {
      this.deps.logger.debug({ err, chatId }, 'handoff: could not show the counsellor typing');
    }
  }

  /** Delivers what the user has not had; one drain per chat per instance, re-run if asked meanwhile. */
  drain(chatId: string): Promise<void> {
    const running = this.draining.get(chatId);
    if (running) {
      this.again.add(chatId);
      return running;
    }
    const work = (async () => {
      do {
        this.again.delete(chatId);
        await this.deliverDue(chatId);
      } while (this.again.has(chatId));
    })().finally(() => this.draining.delete(chatId));
    this.draining.set(chatId, work);
    return work;
  }

  private async deliverDue(chatId: string): Promise<void> {
    const { store, owner } = this.deps;
    for (;;) {
      // null: another instance holds the lock; it takes again after acknowledging, so it sees ours too.
      const due = await store.takeDeliveries(chatId, owner, DELIVERY_LOCK_MS);
      if (!due || due.length === 0) return;
      const chat = await store.get(chatId);
      let last: string | null = null;
      try {
        for (const message of due) {
          if (chat) await this.deps.deliver(chat, message);
          last = message.id;
        }
      } catch (err) {
        this.deps.logger.warn({ err, chatId, channel: chat?.channel }, 'handoff: delivery to the user failed; retrying on the next sweep');
        await store.ackDeliveries(chatId, owner, last);
        return;
      }
      await store.ackDeliveries(chatId, owner, last);
    }
  }
}
