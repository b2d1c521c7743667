import type { Storage, StoreItems } from 'botbuilder';
import type { Redis } from '../redis';
import { LuaScript } from '../redis';

/**
 * KEYS[1] the item's key
 * ARGV[1] the eTag the writer read ('*' or '' = write regardless)
 * ARGV[2] the new eTag
 * ARGV[3] the item as JSON without its eTag
 * ARGV[4] time to live in seconds
 * Returns 1 when written, 0 when the stored eTag differs (a stale write is refused).
 */
const WRITE_IF_CURRENT = new LuaScript(`
local stored = redis.call('HGET', KEYS[1], 'eTag')
if ARGV[1] ~= '*' and ARGV[1] ~= '' and stored and stored ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], 'eTag', ARGV[2], 'item', ARGV[3])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return 1
`);

export class StaleWriteError extends Error {
  constructor(key: string) {
    super(`eTag conflict: ${key} changed since it was read`);
  }
}

/**
 * botbuilder Storage on Redis: one hash per key holding the JSON item and its eTag, written with
 * optimistic concurrency and a retention TTL (RETENTION_DAYS) refreshed on every write.
 */
export class RedisStorage implements Storage {
  private counter = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.hmget(this.prefix + key, 'eTag', 'item');
    const results = (await pipeline.exec()) ?? [];
    const items: StoreItems = {};
    results.forEach(([err, value], i) => {
      if (err) throw err;
      const [eTag, item] = value as [string | null, string | null];
      if (item !== null) items[keys[i]] = { ...(JSON.parse(item) as object), eTag };
    });
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    await Promise.all(
      Object.entries(changes).map(async ([key, value]) => {
        const { eTag, ...item } = (value ?? {}) as { eTag?: string } & Record<string, unknown>;
        const written = await WRITE_IF_CURRENT.run(this.redis, [this.prefix + key], [
          eTag ?? '*',
          this.nextETag(),
          JSON.stringify(item),
          this.ttlSeconds,
        ]);
        if (written !== 1) throw new StaleWriteError(key);
      }),
    );
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length > 0) await this.redis.del(...keys.map((k) => this.prefix + k));
  }

  private nextETag(): string {
    this.counter = (this.counter + 1) % Number.MAX_SAFE_INTEGER;
    return `${Date.now().toString(36)}.${process.pid.toString(36)}.${this.counter.toString(36)}.${Math.random().toString(36).slice(2, 8)}`;
  }
}
