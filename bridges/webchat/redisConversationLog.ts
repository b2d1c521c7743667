import type { Activity } from 'botbuilder';
import { LuaScript, type Redis } from '../../services/redis';
import type { Logger } from '../../services/logger';
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

const APPEND = new LuaScript(`
-- Appends one activity to a web chat conversation's recent log and announces it live, atomically,
-- so the order of seq numbers is the order subscribers hear them in.
-- KEYS[1] seq counter   KEYS[2] log (list of entries)   KEYS[3] dedupe hash (key -> seq)
-- KEYS[4] resume token hash (its TTL is refreshed: an active conversation does not expire)
-- ARGV[1] activity JSON (without id)   ARGV[2] max entries kept   ARGV[3] TTL seconds
-- ARGV[4] dedupe key ('' for none)     ARGV[5] pub/sub channel of the conversation
-- Returns {seq, 1} for a new entry, {first seq, 0} for a duplicate dedupe key.
if ARGV[4] ~= '' then
  local seen = redis.call('HGET', KEYS[3], ARGV[4])
  if seen then return {tonumber(seen), 0} end
end
local seq = redis.call('INCR', KEYS[1])
local entry = '{"seq":' .. seq .. ',"activity":' .. ARGV[1] .. '}'
redis.call('RPUSH', KEYS[2], entry)
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
if ARGV[4] ~= '' then redis.call('HSET', KEYS[3], ARGV[4], seq) end
for i = 1, 4 do redis.call('EXPIRE', KEYS[i], ARGV[3]) end
redis.call('PUBLISH', ARGV[5], entry)
return {seq, 1}
`);

/**
 * The log in Redis, shared by every instance. Live delivery is Redis pub/sub on one channel per
 * conversation; each instance holds one subscriber connection for all its sockets.
 */
export class RedisConversationLog implements ConversationLog {
  private readonly subscriber: Redis;
  /** Per channel: its listeners, and the SUBSCRIBE that must finish before a listener may rely on it. */
  private readonly channels = new Map<string, { listeners: Set<LiveListener>; subscribed: Promise<unknown> }>();

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly prefix = '',
    private readonly opts: ConversationLogOptions = DEFAULT_LOG_OPTIONS,
  ) {
    // Subscriptions wait in the offline queue while Redis reconnects, and ioredis resubscribes; no
    // ready check (its INFO would be refused once the connection is in subscriber mode).
    this.subscriber = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined, enableReadyCheck: false });
    this.subscriber.on('error', () => undefined); // the main connection already reports Redis trouble
    this.subscriber.on('message', (channel: string, message: string) => this.deliver(channel, message));
  }

  async open(): Promise<{ conversationId: string; token: string }> {
    const conversationId = newConversationId();
    const token = newResumeToken();
    await this.redis.set(this.key(conversationId, 'token'), hashToken(token), 'EX', this.opts.ttlSeconds);
    return { conversationId, token };
  }

  async verify(conversationId: string, token: string): Promise<boolean> {
    return tokenMatches(token, await this.redis.get(this.key(conversationId, 'token')));
  }

  async append(conversationId: string, activity: Partial<Activity>, opts: AppendOptions = {}): Promise<AppendResult> {
    const keys = (['seq', 'log', 'dedupe', 'token'] as const).map((k) => this.key(conversationId, k));
    const { id: _id, ...withoutId } = activity;
    const [seq, isNew] = (await APPEND.run(this.redis, keys, [
      JSON.stringify(withoutId),
      this.opts.maxEntries,
      this.opts.ttlSeconds,
      opts.dedupeKey ?? '',
      this.channel(conversationId),
    ])) as [number, number];
    return { seq, duplicate: isNew === 0 };
  }

  async announce(conversationId: string, activity: Partial<Activity>): Promise<void> {
    await this.redis.publish(this.channel(conversationId), JSON.stringify({ activity }));
  }

  async since(conversationId: string, afterSeq: number): Promise<LoggedActivity[]> {
    const raw = await this.redis.lrange(this.key(conversationId, 'log'), 0, -1);
    return raw
      .map((line) => JSON.parse(line) as { seq: number; activity: Partial<Activity> })
      .filter((e) => e.seq > afterSeq)
      .map((e) => withId(e.seq, e.activity));
  }

  async subscribe(conversationId: string, listener: LiveListener): Promise<() => Promise<void>> {
    const channel = this.channel(conversationId);
    let entry = this.channels.get(channel);
    if (!entry) {
      const created = { listeners: new Set<LiveListener>(), subscribed: this.subscriber.subscribe(channel) };
      created.subscribed.catch(() => this.channels.get(channel) === created && this.channels.delete(channel));
      this.channels.set(channel, created);
      entry = created;
    }
    const current = entry;
    current.listeners.add(listener);
    await current.subscribed;
    return async () => {
      current.listeners.delete(listener);
      if (current.listeners.size > 0 || this.channels.get(channel) !== current) return;
      this.channels.delete(channel);
      await this.subscriber.unsubscribe(channel).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    this.channels.clear();
    this.subscriber.disconnect();
  }

  private deliver(channel: string, message: string): void {
    const listeners = this.channels.get(channel)?.listeners;
    if (!listeners) return;
    let entry: { seq?: number; activity: Partial<Activity> };
    try {
      entry = JSON.parse(message) as typeof entry;
    } catch {
      this.logger.warn({ channel }, 'webchat: unreadable live message dropped');
      return;
    }
    const logged = entry.seq === undefined ? { activity: entry.activity } : withId(entry.seq, entry.activity);
    for (const listener of listeners) listener(structuredClone(logged));
  }

  /** The {conversationId} hash tag keeps one conversation's keys in one Redis Cluster slot. */
  private key(conversationId: string, part: string): string {
    return `${this.prefix}webchat:{${conversationId}}:${part}`;
  }

  private channel(conversationId: string): string {
    return this.key(conversationId, 'live');
  }
}
