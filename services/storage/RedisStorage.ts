import type { Storage, StoreItems } from 'botbuilder';
import type { Redis } from '../redis';
import { LuaScript } from '../redis';

/**
 * Writes any number of items, each only if it is current, in one round trip.
 * KEYS[i] the i-th item's key
 * ARGV[1] time to live in seconds
 * ARGV[3i-1] the eTag the writer of item i read ('*' or '' = write regardless)
 * ARGV[3i]   item i's new eTag
 * ARGV[3i+1] item i as JSON without its eTag
 * Returns one flag per key, in order: 1 when written, 0 when the stored eTag differs (a stale write is refused).
 */
const WRITE_IF_CURRENT = new LuaScript(`
local ttl = tonumber(ARGV[1])
local written = {}
for i, key in ipairs(KEYS) do
  local expected = ARGV[3 * i - 1]
  local stored = redis.call('HGET', key, 'eTag')
  if expected ~= '*' and expected ~= '' and stored and stored ~= expected then
    written[i] = 0
  else
    redis.call('HSET', key, 'eTag', ARGV[3 * i], 'item', ARGV[3 * i + 1])
    redis.call('EXPIRE', key, ttl)
    written[i] = 1
  end
end
return written
`);

export class StaleWriteError extends Error {
  constructor(key: string) {
    super(`eTag conflict: ${key} changed since it was read`);
  }
}

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

/**
 * Gathers the calls made in one tick (a turn loads its conversation and user state together, and
 * saves them together; concurrent turns join in) and runs them as one Redis round trip.
 */
class TickBatch<In, Out> {
  private pending: { input: In; waiter: Waiter<Out> }[] = [];

  constructor(private readonly flush: (inputs: In[]) => Promise<(Out | Error)[]>) {}

  add(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      if (this.pending.length === 0) process.nextTick(() => this.run());
      this.pending.push({ input, waiter: { resolve, reject } });
    });
  }

  private run(): void {
    const batch = this.pending;
    this.pending = [];
    this.flush(batch.map((b) => b.input)).then(
      (outs) => batch.forEach(({ waiter }, i) => (outs[i] instanceof Error ? waiter.reject(outs[i]) : waiter.resolve(outs[i] as Out))),
      (err: unknown) => batch.forEach(({ waiter }) => waiter.reject(err)),
    );
  }
}

/**
 * botbuilder Storage on Redis: one hash per key holding the JSON item and its eTag, written with
 * optimistic concurrency and a retention TTL (RETENTION_DAYS) refreshed on every write. Reads made
 * in the same tick share one pipeline, and writes one script call, so a turn costs one round trip
 * to load its state and one to save it.
 */
export class RedisStorage implements Storage {
  private counter = 0;
  private readonly reads = new TickBatch<string, [string | null, string | null]>((keys) => this.readKeys(keys));
  private readonly writes = new TickBatch<[string, string, string], true>((items) => this.writeItems(items));

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    const values = await Promise.all(keys.map((key) => this.reads.add(key)));
    const items: StoreItems = {};
    values.forEach(([eTag, item], i) => {
      if (item !== null) items[keys[i]] = { ...(JSON.parse(item) as object), eTag };
    });
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    await Promise.all(
      Object.entries(changes).map(([key, value]) => {
        const { eTag, ...item } = (value ?? {}) as { eTag?: string } & Record<string, unknown>;
        return this.writes.add([key, eTag ?? '*', JSON.stringify(item)]);
      }),
    );
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length > 0) await this.redis.del(...keys.map((k) => this.prefix + k));
  }

  private async readKeys(keys: string[]): Promise<([string | null, string | null] | Error)[]> {
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.hmget(this.prefix + key, 'eTag', 'item');
    const results = (await pipeline.exec()) ?? [];
    return keys.map((_, i) => {
      const [err, value] = results[i] ?? [new Error('redis pipeline returned no result'), null];
      return err ?? (value as [string | null, string | null]);
    });
  }

  private async writeItems(items: [string, string, string][]): Promise<(true | Error)[]> {
    const args: (string | number)[] = [this.ttlSeconds];
    for (const [, eTag, json] of items) args.push(eTag, this.nextETag(), json);
    const written = (await WRITE_IF_CURRENT.run(this.redis, items.map(([key]) => this.prefix + key), args)) as number[];
    return items.map(([key], i) => (written[i] === 1 ? true : new StaleWriteError(key)));
  }

  private nextETag(): string {
    this.counter = (this.counter + 1) % Number.MAX_SAFE_INTEGER;
    return `${Date.now().toString(36)}.${process.pid.toString(36)}.${this.counter.toString(36)}.${Math.random().toString(36).slice(2, 8)}`;
  }
}
