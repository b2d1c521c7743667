// The live service list in Redis, replaced whole by an import. The new list is written under a
// staging key first, then one Lua script renames it over the live key, records its provenance and
// bumps the version, so a reader gets the old list or the new one, never half of each.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger';
import { LuaScript, type Redis } from '../redis';
import type { IndexSource } from './directory';
import { Provenance, ServiceList, serviceListSchema } from './schema';
import { ServiceIndex } from './serviceIndex';

/** How many past imports' provenance records are kept. */
const HISTORY_KEPT = 50;
/** A staging key left by an import that died before the swap expires on its own. */
const STAGING_TTL_SECONDS = 3600;

const SWAP = new LuaScript(`
-- Makes a staged service list live.
-- KEYS[1] staging key holding the new list (JSON); KEYS[2] live list key;
-- KEYS[3] version counter; KEYS[4] provenance history (list, newest first)
-- ARGV[1] provenance JSON of the new list; ARGV[2] how many history entries to keep
-- Returns the new version number.
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('staged list missing') end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('PERSIST', KEYS[2])
redis.call('LPUSH', KEYS[4], ARGV[1])
redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[2]) - 1)
return redis.call('INCR', KEYS[3])
`);

export class RedisServiceListStore {
  /** `{directory}` is a hash tag: all keys share one Cluster slot, as the Lua script needs. */
  private readonly keys: { live: string; version: string; history: string };

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.keys = { live: `${prefix}{directory}:list`, version: `${prefix}{directory}:version`, history: `${prefix}{directory}:history` };
  }

  /** Replaces the live list in one step; returns the new version. */
  async replace(list: ServiceList): Promise<number> {
    const staging = `${this.prefix}{directory}:staging:${randomUUID()}`;
    await this.redis.set(staging, JSON.stringify(list), 'EX', STAGING_TTL_SECONDS);
    const keys = [staging, this.keys.live, this.keys.version, this.keys.history];
    return Number(await SWAP.run(this.redis, keys, [JSON.stringify(list.provenance), HISTORY_KEPT]));
  }

  async version(): Promise<number> {
    return Number((await this.redis.get(this.keys.version)) ?? 0);
  }

  /** The live list and its version, read together (MGET is atomic); no list before the first import. */
  async read(): Promise<{ version: number; list?: ServiceList }> {
    const [json, version] = await this.redis.mget(this.keys.live, this.keys.version);
    return { version: Number(version ?? 0), list: json === null ? undefined : serviceListSchema.parse(JSON.parse(json)) };
  }

  /** Provenance of past imports, newest first. */
  async history(): Promise<Provenance[]> {
    return (await this.redis.lrange(this.keys.history, 0, -1)).map((json) => JSON.parse(json) as Provenance);
  }
}

/**
 * The index of the list in Redis, or of the shipped list until the first import. Checks the
 * version at most every `recheckMs`, and rebuilds the index only when an import changed it.
 */
export class RedisIndexSource implements IndexSource {
  private live: { index: ServiceIndex; provenance: Provenance; version: number };
  private checkedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: RedisServiceListStore,
    shipped: ServiceList,
    private readonly logger: Logger,
    private readonly recheckMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.live = { index: new ServiceIndex(shipped.services), provenance: shipped.provenance, version: 0 };
  }

  async current(): Promise<{ index: ServiceIndex; provenance: Provenance }> {
    if (this.now() - this.checkedAt >= this.recheckMs) await this.refresh();
    return this.live;
  }

  /** Loads the live list if an import changed it; on a Redis problem keeps serving the list it has. */
  async refresh(): Promise<void> {
    try {
      this.checkedAt = this.now();
      if ((await this.store.version()) === this.live.version) return;
      const { version, list } = await this.store.read();
      if (!list) return;
      this.live = { index: new ServiceIndex(list.services), provenance: list.provenance, version };
      this.logger.info({ version, services: list.services.length }, 'service directory reloaded');
    } catch (err) {
      this.logger.warn({ err: { message: (err as Error).message } }, 'service directory: keeping the list it has');
    }
  }
}
