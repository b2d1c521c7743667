import { randomUUID } from 'node:crypto';
import type { Redis } from '../redis';
import type { Logger } from '../logger';
import { LANGUAGES, type Lang } from '../i18n';
import { estimateWaitSeconds, parseServedWait, RECENT_WAITS } from './estimate';
import * as lua from './luaScripts';
import { PRIORITIES } from './types';
import type {
  Actor, ChatMessage, ChatRefusal, ChatResult, Counsellor, Enqueued, HandoffChat, HandoffRequest,
  HandoffStore, HandoffTimings, LiveSignal, NewMessage, Notice, QueueEvent, QueueEventType, Sender, SignalListener, TransferTarget,
} from './types';

export interface RedisHandoffDeps {
  redis: Redis;
  /** Opens the extra connection the live event pump blocks on (XREAD BLOCK); closed by close(). */
  openBlocking: () => Redis;
  /** Ends with a `{hash tag}:`-free prefix such as "sm:"; the store appends "{handoff}:". */
  prefix: string;
  timings: HandoffTimings;
  logger: Logger;
  clock?: () => number;
}

type Fields = Record<string, string>;
type StreamEntry = [id: string, fields: string[]];

const EVENT_BLOCK_MS = 5000;
/** How far back a new event reader starts (also covers small clock differences with Redis). */
const EVENT_CATCH_UP_MS = 1000;

/** The queue, sessions, relay and events in Redis: shared by every instance, survives restarts. */
export class RedisHandoffStore implements HandoffStore {
  private readonly base: string;
  private readonly eventsKey: string;
  private readonly clock: () => number;
  private readonly listeners = new Set<(event: QueueEvent) => void>();
  private pump?: EventPump;
  private readonly signalsChannel: string;
  private readonly signalListeners = new Set<SignalListener>();
  /** Tells this instance's own signals from others' on the shared channel. */
  private readonly origin = randomUUID();
  private subscriber?: Redis;

  constructor(private readonly deps: RedisHandoffDeps) {
    this.base = `${deps.prefix}{handoff}:`;
    this.eventsKey = `${this.base}events`;
    this.signalsChannel = `${this.base}signals`;
    this.clock = deps.clock ?? Date.now;
  }

  private key(...parts: string[]): string {
    return this.base + parts.join(':');
  }

  private run(script: typeof lua.ENQUEUE, args: (string | number)[]): Promise<unknown> {
    return script.run(this.deps.redis, [this.eventsKey], [this.base, ...args]);
  }

  private get timings(): HandoffTimings {
    return this.deps.timings;
  }

  async enqueue(request: HandoffRequest): Promise<Enqueued> {
    const now = this.clock();
    const result = (await this.run(lua.ENQUEUE, [
      now, this.timings.retentionMs, randomUUID(), request.conversationId, request.language,
      request.priority, JSON.stringify(request),
    ])) as [number, string, number?];
    const created = result[0] === 1;
    const [chat, position, counsellorsOnline] = await Promise.all([
      this.get(result[1]),
      created ? Number(result[2]) : this.position(result[1]).then((p) => p ?? 0),
      this.counsellorsOnline(),
    ]);
    if (!chat) throw new Error('handoff chat vanished right after enqueue');
    return { chat, position, created, counsellorsOnline, estimatedWaitSeconds: await this.estimate(position) };
  }

  private async estimate(position: number): Promise<number | null> {
    const recent = await this.deps.redis.lrange(this.key('waits'), 0, RECENT_WAITS - 1);
    return estimateWaitSeconds(recent.map(parseServedWait), position);
  }

  async open(chatId: string): Promise<void> {
    await this.run(lua.OPEN, [this.clock(), chatId]);
  }

  async get(chatId: string): Promise<HandoffChat | null> {
    return chatFromHash(await this.deps.redis.hgetall(this.key('chat', chatId)));
  }

  async holderFor(conversationId: string): Promise<HandoffChat | null> {
    const id = await this.deps.redis.get(this.key('conv', conversationId));
    const chat = id ? await this.get(id) : null;
    return chat && chat.state !== 'ended' ? chat : null;
  }

  async position(chatId: string): Promise<number | null> {
    const [state, lang, prio, seq] = await this.deps.redis.hmget(this.key('chat', chatId), 'state', 'lang', 'prio', 'seq');
    if ((state !== 'pending' && state !== 'waiting') || !lang || !prio || !seq) return null;
    const tx = this.deps.redis.multi();
    for (const p of PRIORITIES.filter((p) => p < Number(prio))) tx.zcard(this.key('lane', lang, String(p)));
    tx.zcount(this.key('lane', lang, prio), '-inf', `(${seq}`);
    const counts = (await tx.exec()) ?? [];
    return counts.reduce((sum, [, n]) => sum + Number(n), 0) + 1;
  }

  async listWaiting(): Promise<HandoffChat[]> {
    const tx = this.deps.redis.multi();
    for (const p of PRIORITIES) for (const lang of LANGUAGES) tx.zrange(this.key('lane', lang, String(p)), 0, -1, 'WITHSCORES');
    const lanes = ((await tx.exec()) ?? []).map(([, r]) => r as string[]);
    const ordered: { id: string; prio: number; seq: number }[] = [];
    lanes.forEach((flat, i) => {
      for (let j = 0; j < flat.length; j += 2) ordered.push({ id: flat[j], prio: Math.floor(i / LANGUAGES.length), seq: Number(flat[j + 1]) });
    });
    ordered.sort((a, b) => a.prio - b.prio || a.seq - b.seq);
    return this.getMany(ordered.map((o) => o.id));
  }

  async listActive(counsellorId?: string): Promise<HandoffChat[]> {
    const ids = counsellorId
      ? await this.deps.redis.smembers(this.key('cc', counsellorId))
      : await this.deps.redis.zrange(this.key('leases'), 0, -1);
    const chats = await this.getMany(ids);
    return chats
      .filter((c) => c.state === 'active' && (!counsellorId || c.counsellorId === counsellorId))
      .sort((a, b) => (a.claimedAt ?? 0) - (b.claimedAt ?? 0));
  }

  async listFollowUps(): Promise<HandoffChat[]> {
    return this.getMany(await this.deps.redis.zrevrange(this.key('followups'), 0, -1));
  }

  private async getMany(ids: string[]): Promise<HandoffChat[]> {
    if (ids.length === 0) return [];
    const tx = this.deps.redis.pipeline();
    for (const id of ids) tx.hgetall(this.key('chat', id));
    const rows = (await tx.exec()) ?? [];
    return rows.map(([, h]) => chatFromHash(h as Fields)).filter((c): c is HandoffChat => c !== null);
  }

  async claimNext(counsellor: Counsellor): Promise<HandoffChat | null> {
    const result = await this.claimScript('', counsellor);
    return result.ok ? result.chat : null;
  }

  claim(chatId: string, counsellor: Counsellor): Promise<ChatResult> {
    return this.claimScript(chatId, counsellor);
  }

  private async claimScript(chatId: string, counsellor: Counsellor): Promise<ChatResult> {
    const result = (await this.run(lua.CLAIM, [
      this.clock(), this.timings.retentionMs, this.timings.leaseMs, counsellor.id, counsellor.alias,
      counsellor.languages.join(','), this.timings.languageFallbackMs, chatId, LANGUAGES.join(','),
    ])) as [number, string];
    return this.toResult(result);
  }

  private async toResult([ok, value]: [number, string]): Promise<ChatResult> {
    if (ok !== 1) return { ok: false, reason: (value === 'empty' ? 'not-found' : value) as ChatRefusal };
    const chat = await this.get(value);
    return chat ? { ok: true, chat } : { ok: false, reason: 'not-found' };
  }

  async heartbeat(counsellorId: string): Promise<void> {
    await this.run(lua.HEARTBEAT, [this.clock(), this.timings.leaseMs, counsellorId]);
  }

  counsellorsOnline(): Promise<number> {
    return this.deps.redis.zcount(this.key('online'), this.clock() - this.timings.leaseMs, '+inf');
  }

  async transfer(chatId: string, actor: Actor, to: TransferTarget): Promise<ChatResult> {
    const [mode, target, alias] = 'counsellor' in to
      ? ['counsellor', to.counsellor.id, to.counsellor.alias]
      : ['queue', to.queueLanguage, ''];
    const result = (await this.run(lua.TRANSFER, [
      this.clock(), this.timings.retentionMs, this.timings.leaseMs, chatId, actor.counsellorId,
      actor.supervisor ? '1' : '0', mode, target, alias,
    ])) as [number, string];
    return this.toResult(result);
  }

  async end(chatId: string, actor: Actor, disposition: string): Promise<ChatResult> {
    const result = (await this.run(lua.END, [
      this.clock(), this.timings.retentionMs, chatId, actor.counsellorId, actor.supervisor ? '1' : '0', disposition,
    ])) as [number, string];
    return this.toResult(result);
  }

  async abandon(conversationId: string): Promise<HandoffChat | null> {
    const id = (await this.run(lua.ABANDON, [this.clock(), this.timings.retentionMs, conversationId])) as string | null;
    return id ? this.get(id) : null;
  }

  async sweep(): Promise<{ requeued: string[]; opened: string[] }> {
    const [requeued, opened] = (await this.run(lua.SWEEP, [
      this.clock(), this.timings.retentionMs, this.timings.pendingGraceMs, this.timings.leaseMs,
    ])) as [string[], string[]];
    return { requeued, opened };
  }

  async retellPositions(): Promise<string[]> {
    return (await this.run(lua.RETELL_POSITIONS, [this.clock(), this.timings.retentionMs, LANGUAGES.join(',')])) as string[];
  }

  async post(chatId: string, message: NewMessage, actor?: Actor): Promise<ChatMessage | null> {
    const logId = (await this.run(lua.POST, [
      this.clock(), this.timings.retentionMs, chatId, message.msgId, message.from, message.to,
      message.text ?? '', message.notice ? JSON.stringify(message.notice) : '',
      actor?.counsellorId ?? '', actor?.supervisor ? '1' : '0',
    ])) as string | null;
    if (!logId) return null;
    const [entry] = (await this.deps.redis.xrange(this.key('log', chatId), logId, logId)) as StreamEntry[];
    return entry ? messageFromEntry(chatId, entry) : null;
  }

  async messages(chatId: string, afterId?: string): Promise<ChatMessage[]> {
    const entries = (await this.deps.redis.xrange(this.key('log', chatId), afterId ? `(${afterId}` : '-', '+')) as StreamEntry[];
    return entries.map((e) => messageFromEntry(chatId, e));
  }

  async takeDeliveries(chatId: string, owner: string, lockMs: number): Promise<ChatMessage[] | null> {
    const entries = (await this.run(lua.TAKE_DELIVERIES, [chatId, owner, lockMs, 50, this.clock() + this.timings.retentionMs])) as StreamEntry[] | null;
    return entries ? entries.map((e) => messageFromEntry(chatId, e)) : null;
  }

  async ackDeliveries(chatId: string, owner: string, upToId: string | null): Promise<void> {
    await this.run(lua.ACK_DELIVERIES, [chatId, owner, upToId ?? '', this.clock(), this.timings.retentionMs]);
  }

  undelivered(): Promise<string[]> {
    return this.deps.redis.zrange(this.key('undelivered'), 0, -1);
  }

  async events(afterId?: string): Promise<QueueEvent[]> {
    const entries = (await this.deps.redis.xrange(this.eventsKey, afterId ? `(${afterId}` : '-', '+')) as StreamEntry[];
    return entries.map(eventFromEntry);
  }

  onEvent(listener: (event: QueueEvent) => void): () => void {
    this.listeners.add(listener);
    this.pump ??= this.startPump();
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** One blocking reader per instance fans the event stream out to this instance's listeners. */
  private startPump(): EventPump {
    const redis = this.deps.openBlocking();
    const pump: EventPump = { redis, clientId: redis.client('ID') as Promise<number>, stopped: false, done: Promise.resolve() };
    // A reconnect (a Sentinel failover, a restarted Redis) is a new connection with a new id: close() must unblock that one.
    redis.on('ready', () => {
      if (!pump.stopped) pump.clientId = redis.client('ID') as Promise<number>;
    });
    // Not '$': the first XREAD may be sent a moment after the first listener subscribed, and an event
    // in between would be lost. Starting a little in the past replays at most that moment (listeners
    // and deliveries tolerate a repeat, not a gap).
    let lastId = `${Date.now() - EVENT_CATCH_UP_MS}-0`;
    pump.done = (async () => {
      await pump.clientId.catch(() => undefined);
      while (!pump.stopped) {
        try {
          const reply = (await redis.xread('BLOCK', EVENT_BLOCK_MS, 'STREAMS', this.eventsKey, lastId)) as
            [string, StreamEntry[]][] | null;
          for (const entry of reply?.[0]?.[1] ?? []) {
            lastId = entry[0];
            const event = eventFromEntry(entry);
            for (const listener of this.listeners) listener(event);
          }
        } catch (err) {
          if (pump.stopped) break;
          this.deps.logger.warn({ err }, 'handoff event pump: read failed, retrying');
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    })();
    return pump;
  }

  /**
   * Local listeners hear it at once; other instances through one PUBLISH (nothing is written, so a
   * signal nobody hears is simply gone). A publish that fails is dropped: signals are never retried.
   */
  async signal(signal: LiveSignal): Promise<void> {
    for (const listener of this.signalListeners) listener(signal, true);
    await this.deps.redis.publish(this.signalsChannel, JSON.stringify({ origin: this.origin, signal })).catch((err: unknown) => {
      this.deps.logger.debug({ err, type: signal.type }, 'handoff: a live signal could not be published');
    });
  }

  onSignal(listener: SignalListener): () => void {
    this.signalListeners.add(listener);
    this.subscriber ??= this.subscribeSignals();
    return () => {
      this.signalListeners.delete(listener);
    };
  }

  /** One subscriber connection per instance; ioredis subscribes again after a reconnect. */
  private subscribeSignals(): Redis {
    // No ready check: its INFO is refused once the connection is in subscriber mode.
    const subscriber = this.deps.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined, enableReadyCheck: false });
    subscriber.on('error', () => undefined); // the main connection already reports Redis trouble
    subscriber.on('message', (_channel: string, raw: string) => {
      let parsed: { origin?: string; signal?: LiveSignal };
      try {
        parsed = JSON.parse(raw) as typeof parsed;
      } catch {
        return;
      }
      if (parsed.origin === this.origin || !parsed.signal) return;
      for (const listener of this.signalListeners) listener(parsed.signal, false);
    });
    void subscriber.subscribe(this.signalsChannel).catch((err: unknown) => this.deps.logger.warn({ err }, 'handoff: could not subscribe to live signals'));
    return subscriber;
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.signalListeners.clear();
    this.subscriber?.disconnect();
    this.subscriber = undefined;
    const pump = this.pump;
    if (!pump) return;
    pump.stopped = true;
    // Wake the blocked XREAD at once (a disconnect alone leaves the socket open until the block times out).
    // Just after a reconnect the new id waits behind the resent XREAD, so both waits are bounded and the
    // connection is then dropped instead.
    const id = await within(pump.clientId, 500);
    if (id !== undefined) await this.deps.redis.client('UNBLOCK', id).catch(() => undefined);
    if (await within(pump.done.then(() => true), 1000)) await pump.redis.quit().catch(() => undefined);
    else pump.redis.disconnect();
  }
}

/** The promise's value, or undefined when it fails or takes longer than `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

interface EventPump {
  redis: Redis;
  clientId: Promise<number>;
  stopped: boolean;
  done: Promise<void>;
}

function pairs(fields: string[]): Fields {
  const out: Fields = {};
  for (let i = 0; i < fields.length; i += 2) out[fields[i]] = fields[i + 1];
  return out;
}

function optionalNumber(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

function chatFromHash(h: Fields): HandoffChat | null {
  if (!h.id || !h.req) return null;
  const request = JSON.parse(h.req) as HandoffRequest;
  return {
    ...request,
    id: h.id,
    state: h.state as HandoffChat['state'],
    createdAt: Number(h.createdAt),
    queueLanguage: h.lang as Lang,
    counsellorId: h.counsellorId,
    counsellorAlias: h.alias,
    claimedAt: optionalNumber(h.claimedAt),
    leaseUntil: optionalNumber(h.leaseUntil),
    endedAt: optionalNumber(h.endedAt),
    endedBy: h.endedBy as HandoffChat['endedBy'],
    disposition: h.disposition,
  };
}

function messageFromEntry(chatId: string, [id, raw]: StreamEntry): ChatMessage {
  const f = pairs(raw);
  return {
    id, chatId, msgId: f.msgId, from: f.from as Sender, to: f.to as ChatMessage['to'], at: Number(f.at),
    text: f.text, notice: f.notice ? (JSON.parse(f.notice) as Notice) : undefined,
  };
}

function eventFromEntry([id, raw]: StreamEntry): QueueEvent {
  const f = pairs(raw);
  return {
    id, type: f.type as QueueEventType, chatId: f.chat, at: Number(f.at),
    counsellorId: f.counsellor || undefined, from: f.from as Sender | undefined,
  };
}
