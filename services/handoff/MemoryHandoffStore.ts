import { randomUUID } from 'node:crypto';
import { estimateWaitSeconds, RECENT_WAITS, type ServedWait } from './estimate';
import type {
  Actor, ChatMessage, ChatResult, Counsellor, Enqueued, HandoffChat, HandoffRequest, HandoffStore,
  HandoffTimings, LiveSignal, NewMessage, NoticeKey, QueueEvent, QueueEventType, SignalListener, TransferTarget,
} from './types';

/** One chat and what the Redis store keeps in its companion keys. */
interface Entry {
  chat: HandoffChat;
  /** Arrival order: the place a requeued chat goes back to. */
  seq: number;
  positionAtEntry: number;
  /** The last place the user heard. */
  told: number;
  expiresAt: number;
  log: ChatMessage[];
  /** How many log entries the user has been given (delivery cursor). */
  delivered: number;
  lock?: { owner: string; until: number };
  followUp: boolean;
}

/**
 * Demo mode: the same contract as RedisHandoffStore inside one process (nothing survives a restart).
 * JavaScript runs each method to its first await without interleaving, which is what makes claims atomic here.
 */
export class MemoryHandoffStore implements HandoffStore {
  private readonly entries = new Map<string, Entry>();
  private readonly liveByConversation = new Map<string, string>();
  private readonly online = new Map<string, number>();
  private readonly waits: ServedWait[] = [];
  private readonly eventLog: QueueEvent[] = [];
  private readonly listeners = new Set<(event: QueueEvent) => void>();
  private readonly signalListeners = new Set<SignalListener>();
  private seq = 0;
  private nextId = 0;

  constructor(private readonly timings: HandoffTimings, private readonly clock: () => number = Date.now) {}

  private entry(chatId: string): Entry | undefined {
    const found = this.entries.get(chatId);
    if (found && found.expiresAt <= this.clock()) {
      this.entries.delete(chatId);
      return undefined;
    }
    return found;
  }

  private touch(e: Entry): void {
    e.expiresAt = this.clock() + this.timings.retentionMs;
  }

  private id(): string {
    return String(++this.nextId).padStart(12, '0');
  }

  private emit(type: QueueEventType, chatId: string, extra: Partial<QueueEvent> = {}): void {
    const event: QueueEvent = { id: this.id(), type, chatId, at: this.clock(), ...extra };
    this.eventLog.push(event);
    if (this.eventLog.length > 10000) this.eventLog.shift();
    for (const listener of this.listeners) queueMicrotask(() => listener(event));
  }

  private append(e: Entry, message: NewMessage): ChatMessage {
    const seen = e.log.find((m) => m.msgId === message.msgId);
    if (seen) return seen;
    const stored: ChatMessage = { ...message, id: this.id(), chatId: e.chat.id, at: this.clock() };
    e.log.push(stored);
    this.emit('message', e.chat.id, { from: message.from });
    return stored;
  }

  private notify(e: Entry, to: 'user' | 'counsellor', key: NoticeKey, vars: Record<string, string | number> = {}): void {
    this.append(e, { msgId: `sys:${this.id()}`, from: 'system', to, notice: { key, vars } });
  }

  private waitingIn(lang: string, priority?: number): Entry[] {
    return [...this.entries.values()].filter(
      (e) => e.chat.state === 'waiting' && e.chat.queueLanguage === lang && (priority === undefined || e.chat.priority === priority),
    );
  }

  private positionOf(e: Entry): number {
    return this.waitingIn(e.chat.queueLanguage).filter(
      (o) => o.chat.priority < e.chat.priority || (o.chat.priority === e.chat.priority && o.seq < e.seq),
    ).length + 1;
  }

  async enqueue(request: HandoffRequest): Promise<Enqueued> {
    const live = await this.holderFor(request.conversationId);
    if (live) {
      const position = (await this.position(live.id)) ?? 0;
      return { chat: live, position, created: false, ...(await this.outlook(position)) };
    }
    const now = this.clock();
    const e: Entry = {
      chat: { ...request, id: randomUUID(), state: 'pending', createdAt: now, queueLanguage: request.language },
      seq: ++this.seq, positionAtEntry: 0, told: 0, expiresAt: 0, log: [], delivered: 0, followUp: false,
    };
    e.positionAtEntry = this.positionOf(e);
    e.told = e.positionAtEntry;
    this.touch(e);
    this.entries.set(e.chat.id, e);
    this.liveByConversation.set(request.conversationId, e.chat.id);
    return { chat: { ...e.chat }, position: e.positionAtEntry, created: true, ...(await this.outlook(e.positionAtEntry)) };
  }

  private async outlook(position: number): Promise<Pick<Enqueued, 'estimatedWaitSeconds' | 'counsellorsOnline'>> {
    return { estimatedWaitSeconds: estimateWaitSeconds(this.waits, position), counsellorsOnline: await this.counsellorsOnline() };
  }

  async open(chatId: string): Promise<void> {
    const e = this.entry(chatId);
    if (e?.chat.state !== 'pending') return;
    e.chat.state = 'waiting';
    this.emit('waiting', chatId);
  }

  async get(chatId: string): Promise<HandoffChat | null> {
    const e = this.entry(chatId);
    return e ? { ...e.chat } : null;
  }

  async holderFor(conversationId: string): Promise<HandoffChat | null> {
    const id = this.liveByConversation.get(conversationId);
    const chat = id ? await this.get(id) : null;
    return chat && chat.state !== 'ended' ? chat : null;
  }

  async position(chatId: string): Promise<number | null> {
    const e = this.entry(chatId);
    return e && (e.chat.state === 'pending' || e.chat.state === 'waiting') ? this.positionOf(e) : null;
  }

  async listWaiting(): Promise<HandoffChat[]> {
    return [...this.entries.values()]
      .filter((e) => e.chat.state === 'waiting')
      .sort((a, b) => a.chat.priority - b.chat.priority || a.seq - b.seq)
      .map((e) => ({ ...e.chat }));
  }

  async listActive(counsellorId?: string): Promise<HandoffChat[]> {
    return [...this.entries.values()]
      .filter((e) => e.chat.state === 'active' && (!counsellorId || e.chat.counsellorId === counsellorId))
      .sort((a, b) => (a.chat.claimedAt ?? 0) - (b.chat.claimedAt ?? 0))
      .map((e) => ({ ...e.chat }));
  }

  async listFollowUps(): Promise<HandoffChat[]> {
    return [...this.entries.values()]
      .filter((e) => e.followUp)
      .sort((a, b) => (b.chat.endedAt ?? 0) - (a.chat.endedAt ?? 0))
      .map((e) => ({ ...e.chat }));
  }

  async claimNext(counsellor: Counsellor): Promise<HandoffChat | null> {
    const now = this.clock();
    const eligible = [...this.entries.values()]
      .filter((e) => e.chat.state === 'waiting')
      .filter((e) => counsellor.languages.includes(e.chat.queueLanguage) || now - e.chat.createdAt >= this.timings.languageFallbackMs)
      .sort((a, b) => a.chat.priority - b.chat.priority || a.seq - b.seq);
    return eligible[0] ? this.take(eligible[0], counsellor) : null;
  }

  async claim(chatId: string, counsellor: Counsellor): Promise<ChatResult> {
    const e = this.entry(chatId);
    if (!e) return { ok: false, reason: 'not-found' };
    if (e.chat.state !== 'waiting') return { ok: false, reason: 'not-waiting' };
    return { ok: true, chat: this.take(e, counsellor) };
  }

  private take(e: Entry, counsellor: Counsellor): HandoffChat {
    const now = this.clock();
    Object.assign(e.chat, {
      state: 'active', counsellorId: counsellor.id, counsellorAlias: counsellor.alias, claimedAt: now,
      leaseUntil: now + this.timings.leaseMs,
    });
    this.waits.unshift({ waitMs: now - e.chat.createdAt, positionAtEntry: e.positionAtEntry });
    this.waits.length = Math.min(this.waits.length, RECENT_WAITS);
    this.notify(e, 'user', 'joined', { alias: counsellor.alias });
    this.emit('claimed', e.chat.id, { counsellorId: counsellor.id });
    this.touch(e);
    return { ...e.chat };
  }

  async heartbeat(counsellorId: string): Promise<void> {
    const now = this.clock();
    this.online.set(counsellorId, now);
    for (const e of this.entries.values()) {
      if (e.chat.state === 'active' && e.chat.counsellorId === counsellorId) e.chat.leaseUntil = now + this.timings.leaseMs;
    }
  }

  async counsellorsOnline(): Promise<number> {
    const since = this.clock() - this.timings.leaseMs;
    return [...this.online.values()].filter((at) => at >= since).length;
  }

  private holderRefusal(e: Entry | undefined, actor: Actor): ChatResult | null {
    if (!e) return { ok: false, reason: 'not-found' };
    if (e.chat.state !== 'active') return { ok: false, reason: 'not-active' };
    if (e.chat.counsellorId !== actor.counsellorId && !actor.supervisor) return { ok: false, reason: 'not-yours' };
    return null;
  }

  private requeue(e: Entry): void {
    e.chat.state = 'waiting';
    delete e.chat.counsellorId;
    delete e.chat.counsellorAlias;
    delete e.chat.claimedAt;
    delete e.chat.leaseUntil;
  }

  async transfer(chatId: string, actor: Actor, to: TransferTarget): Promise<ChatResult> {
    const e = this.entry(chatId);
    const refusal = this.holderRefusal(e, actor);
    if (refusal || !e) return refusal ?? { ok: false, reason: 'not-found' };
    if ('counsellor' in to) {
      Object.assign(e.chat, { counsellorId: to.counsellor.id, counsellorAlias: to.counsellor.alias, leaseUntil: this.clock() + this.timings.leaseMs });
      this.notify(e, 'user', 'transferred', { alias: to.counsellor.alias });
    } else {
      e.chat.queueLanguage = to.queueLanguage;
      this.requeue(e);
      this.notify(e, 'user', 'transferredToQueue');
    }
    this.emit('transferred', chatId, { counsellorId: actor.counsellorId });
    this.touch(e);
    return { ok: true, chat: { ...e.chat } };
  }

  async end(chatId: string, actor: Actor, disposition: string): Promise<ChatResult> {
    const e = this.entry(chatId);
    const refusal = this.holderRefusal(e, actor);
    if (refusal || !e) return refusal ?? { ok: false, reason: 'not-found' };
    Object.assign(e.chat, { state: 'ended', endedAt: this.clock(), endedBy: 'counsellor', disposition });
    this.liveByConversation.delete(e.chat.conversationId);
    this.notify(e, 'user', 'ended');
    this.emit('ended', chatId, { counsellorId: actor.counsellorId });
    this.touch(e);
    return { ok: true, chat: { ...e.chat } };
  }

  async abandon(conversationId: string): Promise<HandoffChat | null> {
    const id = this.liveByConversation.get(conversationId);
    this.liveByConversation.delete(conversationId);
    const e = id ? this.entry(id) : undefined;
    if (!e || e.chat.state === 'ended') return null;
    if (e.chat.state === 'active') this.notify(e, 'counsellor', 'endedByUser');
    Object.assign(e.chat, { state: 'ended', endedAt: this.clock(), endedBy: 'user' });
    e.followUp = e.chat.priority <= 2;
    this.emit('ended', e.chat.id);
    this.touch(e);
    return { ...e.chat };
  }

  async sweep(): Promise<{ requeued: string[]; opened: string[] }> {
    const now = this.clock();
    const requeued: string[] = [];
    const opened: string[] = [];
    for (const e of this.entries.values()) {
      if (e.chat.state === 'active' && (e.chat.leaseUntil ?? 0) <= now) {
        const holder = e.chat.counsellorId;
        this.requeue(e);
        this.notify(e, 'user', 'requeued');
        this.emit('requeued', e.chat.id, { counsellorId: holder });
        this.touch(e);
        requeued.push(e.chat.id);
      } else if (e.chat.state === 'pending' && e.chat.createdAt <= now - this.timings.pendingGraceMs) {
        await this.open(e.chat.id);
        opened.push(e.chat.id);
      }
    }
    for (const [id, at] of this.online) if (at < now - this.timings.leaseMs) this.online.delete(id);
    return { requeued, opened };
  }

  async retellPositions(): Promise<string[]> {
    const told: string[] = [];
    for (const e of this.entries.values()) {
      if (e.chat.state !== 'waiting') continue;
      const place = this.positionOf(e);
      if (place === e.told) continue;
      e.told = place;
      this.notify(e, 'user', 'position', { position: place });
      this.touch(e);
      told.push(e.chat.id);
    }
    return told;
  }

  async post(chatId: string, message: NewMessage, actor?: Actor): Promise<ChatMessage | null> {
    const e = this.entry(chatId);
    if (!e || e.chat.state === 'ended') return null;
    if (message.from === 'counsellor' && (e.chat.state !== 'active' || (e.chat.counsellorId !== actor?.counsellorId && !actor?.supervisor))) {
      return null;
    }
    const stored = this.append(e, message);
    this.touch(e);
    return stored;
  }

  async messages(chatId: string, afterId?: string): Promise<ChatMessage[]> {
    const log = this.entry(chatId)?.log ?? [];
    return afterId ? log.filter((m) => m.id > afterId) : [...log];
  }

  async takeDeliveries(chatId: string, owner: string, lockMs: number): Promise<ChatMessage[] | null> {
    const e = this.entry(chatId);
    if (!e) return [];
    const now = this.clock();
    if (e.lock && e.lock.owner !== owner && e.lock.until > now) return null;
    const due = e.log.slice(e.delivered).filter((m) => m.to === 'user').slice(0, 50);
    e.lock = due.length > 0 ? { owner, until: now + lockMs } : undefined;
    if (due.length === 0) e.delivered = e.log.length;
    return due;
  }

  async ackDeliveries(chatId: string, owner: string, upToId: string | null): Promise<void> {
    const e = this.entry(chatId);
    if (!e || e.lock?.owner !== owner) return;
    if (upToId) e.delivered = e.log.findIndex((m) => m.id === upToId) + 1;
    e.lock = undefined;
  }

  async undelivered(): Promise<string[]> {
    return [...this.entries.values()]
      .filter((e) => e.log.slice(e.delivered).some((m) => m.to === 'user'))
      .map((e) => e.chat.id);
  }

  async events(afterId?: string): Promise<QueueEvent[]> {
    return afterId ? this.eventLog.filter((ev) => ev.id > afterId) : [...this.eventLog];
  }

  onEvent(listener: (event: QueueEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async signal(signal: LiveSignal): Promise<void> {
    for (const listener of this.signalListeners) queueMicrotask(() => listener(signal, true));
  }

  onSignal(listener: SignalListener): () => void {
    this.signalListeners.add(listener);
    return () => {
      this.signalListeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.signalListeners.clear();
  }
}
