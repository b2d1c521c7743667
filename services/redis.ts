import Redis from 'ioredis';
import type { Logger } from './logger';

export type { Redis };

export interface RedisOptions {
  blocking?: boolean;
  /** Connect through Redis Sentinel: the URL then gives only credentials and the database. */
  sentinel?: { sentinels: { host: string; port: number }[]; master: string };
}

/**
 * One ioredis connection. Commands fail fast while Redis is away (no offline queue growth that
 * would hang a child's turn); the client keeps reconnecting in the background.
 */
export function createRedis(url: string, name: string, logger: Logger, opts: RedisOptions = {}): Redis {
  const parsed = new URL(url);
  const viaSentinel = opts.sentinel
    ? {
        sentinels: opts.sentinel.sentinels,
        name: opts.sentinel.master,
        username: decodeURIComponent(parsed.username) || undefined,
        password: decodeURIComponent(parsed.password) || undefined,
        db: Number(parsed.pathname.slice(1) || 0),
      }
    : {};
  const options = {
    ...viaSentinel,
    connectionName: `sishu-${name}`,
    lazyConnect: false,
    enableOfflineQueue: opts.blocking ?? false,
    maxRetriesPerRequest: opts.blocking ? null : 1,
    connectTimeout: 2000,
    commandTimeout: opts.blocking ? undefined : 2000,
    retryStrategy: (times: number) => Math.min(times * 100, 2000),
  };
  const redis = opts.sentinel ? new Redis(options) : new Redis(url, options);
  let warned = false;
  redis.on('error', (err: Error) => {
    if (!warned) logger.warn({ redis: name, err: { message: err.message } }, 'redis connection problem');
    warned = true;
  });
  redis.on('ready', () => {
    if (warned) logger.info({ redis: name }, 'redis connection back');
    warned = false;
  });
  return redis;
}

/** The Sentinel settings of the config, when there are any. */
export function sentinelOf(config: { redisSentinels?: { host: string; port: number }[]; REDIS_SENTINEL_MASTER: string }): RedisOptions['sentinel'] {
  return config.redisSentinels ? { sentinels: config.redisSentinels, master: config.REDIS_SENTINEL_MASTER } : undefined;
}

/**
 * Waits (at most `ms`) for the first connection, so the first turn after start-up does not fail
 * only because the socket was still opening. A Redis that is down does not stop start-up: /readyz
 * says so and the client keeps trying.
 */
export async function untilReady(redis: Redis, ms = 5000): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    redis.on('ready', onReady);
  });
}

/**
 * A Lua script run with EVALSHA (loaded on first use, reloaded after a Redis restart).
 * The script text carries a header that documents its KEYS and ARGV.
 */
export class LuaScript {
  private sha?: string;
  constructor(private readonly source: string) {}

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    this.sha ??= (await redis.script('LOAD', this.source)) as string;
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.includes('NOSCRIPT')) throw err;
      this.sha = (await redis.script('LOAD', this.source)) as string;
      return redis.evalsha(this.sha, keys.length, ...keys, ...args);
    }
  }
}
