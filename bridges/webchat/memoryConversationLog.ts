import type { Activity } from 'botbuilder';
import {
  DEFAULT_LOG_OPTIONS,
  hashToken,
  newConversationId,
  newResumeToken,
  tokenMatches,
  withId,
  type AppendOptions,
  type AppendResult,
  type ConversationLog,
  type ConversationLogOptions,
  type LiveListener,
  type LoggedActivity,
} from './conversationLog';

interface Conversation {
  tokenHash?: string;
  seq: number;
  entries: LoggedActivity[];
  dedupe: Map<string, number>;
  expiresAt: number;
}

/** Demo mode's log: one process, so "live" is a set of listeners; expiry is checked lazily. */
export class MemoryConversationLog implements ConversationLog {
  private readonly conversations = new Map<string, Conversation>();
  private readonly listeners = new Map<string, Set<LiveListener>>();

  constructor(
    private readonly opts: ConversationLogOptions = DEFAULT_LOG_OPTIONS,
    private readonly now: () => number = Date.now,
  ) {}

  async open(): Promise<{ conversationId: string; token: string }> {
    this.sweep();
    const conversationId = newConversationId();
    const token = newResumeToken();
    this.conversations.set(conversationId, { tokenHash: hashToken(token), seq: 0, entries: [], dedupe: new Map(), expiresAt: this.expiry() });
    return { conversationId, token };
  }

  async verify(conversationId: string, token: string): Promise<boolean> {
    return tokenMatches(token, this.live(conversationId)?.tokenHash);
  }

  async append(conversationId: string, activity: Partial<Activity>, opts: AppendOptions = {}): Promise<AppendResult> {
    const conv: Conversation = this.live(conversationId) ?? { seq: 0, entries: [], dedupe: new Map(), expiresAt: 0 };
    this.conversations.set(conversationId, conv);
    conv.expiresAt = this.expiry();
    const seen = opts.dedupeKey === undefined ? undefined : conv.dedupe.get(opts.dedupeKey);
    if (seen !== undefined) return { seq: seen, duplicate: true };
    conv.seq += 1;
    if (opts.dedupeKey !== undefined) conv.dedupe.set(opts.dedupeKey, conv.seq);
    const entry = withId(conv.seq, structuredClone(activity));
    conv.entries.push(entry);
    if (conv.entries.length > this.opts.maxEntries) conv.entries.splice(0, conv.entries.length - this.opts.maxEntries);
    this.emit(conversationId, entry);
    return { seq: conv.seq, duplicate: false };
  }

  async announce(conversationId: string, activity: Partial<Activity>): Promise<void> {
    this.emit(conversationId, { activity: structuredClone(activity) });
  }

  async since(conversationId: string, afterSeq: number): Promise<LoggedActivity[]> {
    const conv = this.live(conversationId);
    return conv ? conv.entries.filter((e) => (e.seq ?? 0) > afterSeq).map((e) => structuredClone(e)) : [];
  }

  async subscribe(conversationId: string, listener: LiveListener): Promise<() => Promise<void>> {
    const set = this.listeners.get(conversationId) ?? new Set<LiveListener>();
    this.listeners.set(conversationId, set);
    set.add(listener);
    return async () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(conversationId);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  private emit(conversationId: string, entry: LoggedActivity): void {
    // A listener gets its own copy, as it would from Redis, and runs after the append returns.
    for (const listener of this.listeners.get(conversationId) ?? []) queueMicrotask(() => listener(structuredClone(entry)));
  }

  private live(conversationId: string): Conversation | undefined {
    const conv = this.conversations.get(conversationId);
    if (conv && conv.expiresAt <= this.now()) {
      this.conversations.delete(conversationId);
      return undefined;
    }
    return conv;
  }

  private sweep(): void {
    const t = this.now();
    for (const [id, conv] of this.conversations) if (conv.expiresAt <= t) this.conversations.delete(id);
  }

  private expiry(): number {
    return this.now() + this.opts.ttlSeconds * 1000;
  }
}
