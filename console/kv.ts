import type { Redis } from '../services/redis';

/**
 * The few storage operations the console needs (accounts, sessions, login counters, notes, audit),
 * so that its logic is written once and runs on Redis or, in demo mode, in this process.
 * Keys are relative: each implementation adds its own prefix.
 */
export interface ConsoleKv {
  getJson<T>(key: string): Promise<T | null>;
  /** Stores a value that Redis forgets after `ttlMs` (garbage collection; logic checks times itself). */
  setJson(key: string, value: unknown, ttlMs?: number): Promise<void>;
  del(key: string): Promise<void>;
  /** Adds 1 and returns the new count; the counter disappears `ttlMs` after it was created. */
  incr(key: string, ttlMs: number): Promise<number>;
  hashGet<T>(key: string, field: string): Promise<T | null>;
  hashSet(key: string, field: string, value: unknown): Promise<void>;
  /** true when the field was there. */
  hashDel(key: string, field: string): Promise<boolean>;
  hashAll<T>(key: string): Promise<T[]>;
  /** Appends to an ordered log (stored with an `at` field); entries and the log itself are kept for `keepMs`. */
  append(key: string, entry: Record<string, string>, at: number, keepMs: number): Promise<void>;
  /** The newest `count` entries, newest first. */
  latest(key: string, count: number): Promise<Record<string, string>[]>;
}

/** Where the console's keys live under the service's REDIS_KEY_PREFIX (the server and the script agree on it). */
export const consoleKeyPrefix = (keyPrefix: string): string => `${keyPrefix}console:`;

export class RedisConsoleKv implements ConsoleKv {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  async getJson<T>(key: string): Promise<T | null> {
    const raw = await this.redis.get(this.prefix + key);
    return raw === null ? null : (JSON.parse(raw) as T);
  }

  async setJson(key: string, value: unknown, ttlMs?: number): Promise<void> {
    if (ttlMs) await this.redis.set(this.prefix + key, JSON.stringify(value), 'PX', Math.ceil(ttlMs));
    else await this.redis.set(this.prefix + key, JSON.stringify(value));
  }

  async del(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async incr(key: string, ttlMs: number): Promise<number> {
    // One round trip, and the TTL is set only when the counter is new (NX), so a window never slides.
    const replies = await this.redis.multi().incr(this.prefix + key).pexpire(this.prefix + key, Math.ceil(ttlMs), 'NX').exec();
    return Number(replies?.[0]?.[1] ?? 0);
  }

  async hashGet<T>(key: string, field: string): Promise<T | null> {
    const raw = await this.redis.hget(this.prefix + key, field);
    return raw === null ? null : (JSON.parse(raw) as T);
  }

  async hashSet(key: string, field: string, value: unknown): Promise<void> {
    await this.redis.hset(this.prefix + key, field, JSON.stringify(value));
  }

  async hashDel(key: string, field: string): Promise<boolean> {
    return (await this.redis.hdel(this.prefix + key, field)) > 0;
  }

  async hashAll<T>(key: string): Promise<T[]> {
    return Object.values(await this.redis.hgetall(this.prefix + key)).map((raw) => JSON.parse(raw) as T);
  }

  async append(key: string, entry: Record<string, string>, at: number, keepMs: number): Promise<void> {
    // Stream ids are Redis's own clock: MINID trims entries older than keepMs by it; the key expires with its last entry.
    const minId = String(Math.max(0, Date.now() - keepMs));
    await this.redis
      .multi()
      .xadd(this.prefix + key, 'MINID', '~', minId, '*', 'at', String(at), ...Object.entries(entry).flat())
      .pexpire(this.prefix + key, Math.ceil(keepMs))
      .exec();
  }

  async latest(key: string, count: number): Promise<Record<string, string>[]> {
    const entries = (await this.redis.xrevrange(this.prefix + key, '+', '-', 'COUNT', count)) as [string, string[]][];
    return entries.map(([, fields]) => {
      const out: Record<string, string> = {};
      for (let i = 0; i < fields.length; i += 2) out[fields[i]] = fields[i + 1];
      return out;
    });
  }
}

/** Demo mode: the same operations in this process, with expiry read from the injected clock. */
export class MemoryConsoleKv implements ConsoleKv {
  private readonly values = new Map<string, { value: string; until?: number }>();
  private readonly hashes = new Map<string, Map<string, string>>();
  private readonly logs = new Map<string, { at: number; entry: Record<string, string> }[]>();

  constructor(private readonly clock: () => number = Date.now) {}

  private live(key: string): string | null {
    const found = this.values.get(key);
    if (found?.until !== undefined && found.until <= this.clock()) {
      this.values.delete(key);
      return null;
    }
    return found?.value ?? null;
  }

  async getJson<T>(key: string): Promise<T | null> {
    const raw = this.live(key);
    return raw === null ? null : (JSON.parse(raw) as T);
  }

  async setJson(key: string, value: unknown, ttlMs?: number): Promise<void> {
    this.values.set(key, { value: JSON.stringify(value), until: ttlMs ? this.clock() + ttlMs : undefined });
  }

  async del(key: string): Promise<void> {
    this.values.delete(key);
  }

  async incr(key: string, ttlMs: number): Promise<number> {
    const current = this.live(key);
    const count = (current === null ? 0 : Number(current)) + 1;
    const until = current === null ? this.clock() + ttlMs : this.values.get(key)?.until;
    this.values.set(key, { value: String(count), until });
    return count;
  }

  async hashGet<T>(key: string, field: string): Promise<T | null> {
    const raw = this.hashes.get(key)?.get(field);
    return raw === undefined ? null : (JSON.parse(raw) as T);
  }

  async hashSet(key: string, field: string, value: unknown): Promise<void> {
    const hash = this.hashes.get(key) ?? new Map<string, string>();
    hash.set(field, JSON.stringify(value));
    this.hashes.set(key, hash);
  }

  async hashDel(key: string, field: string): Promise<boolean> {
    return this.hashes.get(key)?.delete(field) ?? false;
  }

  async hashAll<T>(key: string): Promise<T[]> {
    return [...(this.hashes.get(key)?.values() ?? [])].map((raw) => JSON.parse(raw) as T);
  }

  async append(key: string, entry: Record<string, string>, at: number, keepMs: number): Promise<void> {
    const log = (this.logs.get(key) ?? []).filter((e) => e.at >= at - keepMs);
    log.push({ at, entry: { at: String(at), ...entry } });
    this.logs.set(key, log);
  }

  async latest(key: string, count: number): Promise<Record<string, string>[]> {
    return (this.logs.get(key) ?? []).slice(-count).reverse().map((e) => e.entry);
  }
}
