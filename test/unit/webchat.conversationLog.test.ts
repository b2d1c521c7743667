import { createLogger } from '../../services/logger';
import type { ConversationLog, LoggedActivity } from '../../bridges/webchat/conversationLog';
import { MemoryConversationLog } from '../../bridges/webchat/memoryConversationLog';
import { RedisConversationLog } from '../../bridges/webchat/redisConversationLog';
import { openTestRedis, type TestRedis } from '../support/redis';

/** One contract for both logs: what the socket sessions rely on. */
let testRedis: TestRedis;
const redisLogs: RedisConversationLog[] = [];

beforeAll(async () => {
  testRedis = await openTestRedis('webchat-log');
});

afterAll(async () => {
  for (const log of redisLogs) await log.close();
  await testRedis.cleanup();
});

const OPTS = { ttlSeconds: 60, maxEntries: 3 };
const factories: [string, () => ConversationLog][] = [
  ['memory', () => new MemoryConversationLog(OPTS)],
  [
    'redis',
    () => {
      const log = new RedisConversationLog(testRedis.redis, createLogger({ level: 'silent' }), testRedis.prefix, OPTS);
      redisLogs.push(log);
      return log;
    },
  ],
];

/** Subscribes (and waits until the subscription holds); `heard` resolves with the first `count` entries. */
async function listen(log: ConversationLog, conversationId: string, count: number): Promise<{ heard: Promise<LoggedActivity[]> }> {
  const got: LoggedActivity[] = [];
  let done: (entries: LoggedActivity[]) => void = () => undefined;
  const heard = new Promise<LoggedActivity[]>((resolve) => (done = resolve));
  await log.subscribe(conversationId, (entry) => {
    got.push(entry);
    if (got.length === count) done(got);
  });
  return { heard };
}

describe.each(factories)('ConversationLog contract (%s)', (_name, make) => {
  let log: ConversationLog;
  beforeEach(() => {
    log = make();
  });

  it('opens conversations with distinct unguessable ids, resumable only with their own token', async () => {
    const a = await log.open();
    const b = await log.open();
    expect(a.conversationId).not.toBe(b.conversationId);
    expect(Buffer.from(a.conversationId, 'base64url')).toHaveLength(16);
    expect(await log.verify(a.conversationId, a.token)).toBe(true);
    expect(await log.verify(a.conversationId, b.token)).toBe(false);
    expect(await log.verify('unknown', a.token)).toBe(false);
  });

  it('numbers appended activities in order and keeps only the most recent', async () => {
    const { conversationId } = await log.open();
    for (const text of ['a', 'b', 'c', 'd']) await log.append(conversationId, { type: 'message', text });
    const kept = await log.since(conversationId, 0);
    expect(kept.map((e) => [e.seq, e.activity.id, e.activity.text])).toEqual([
      [2, '2', 'b'],
      [3, '3', 'c'],
      [4, '4', 'd'],
    ]);
    expect((await log.since(conversationId, 3)).map((e) => e.activity.text)).toEqual(['d']);
  });

  it('recognises a repeated dedupe key and returns the first seq without announcing it', async () => {
    const { conversationId } = await log.open();
    const { heard } = await listen(log, conversationId, 2);
    expect(await log.append(conversationId, { type: 'message', text: 'x' }, { dedupeKey: 'k' })).toEqual({ seq: 1, duplicate: false });
    expect(await log.append(conversationId, { type: 'message', text: 'x' }, { dedupeKey: 'k' })).toEqual({ seq: 1, duplicate: true });
    await log.append(conversationId, { type: 'message', text: 'y' });
    expect((await heard).map((e) => [e.seq, e.activity.text])).toEqual([
      [1, 'x'],
      [2, 'y'],
    ]);
  });

  it('announces transient activities live without keeping them', async () => {
    const { conversationId } = await log.open();
    const { heard } = await listen(log, conversationId, 1);
    await log.announce(conversationId, { type: 'typing' });
    expect(await heard).toEqual([{ activity: { type: 'typing' } }]);
    expect(await log.since(conversationId, 0)).toEqual([]);
  });

  it('stops calling a listener once it unsubscribes, and keeps other conversations apart', async () => {
    const one = await log.open();
    const two = await log.open();
    const calls: string[] = [];
    const stop = await log.subscribe(one.conversationId, (e) => calls.push(`one:${e.activity.text}`));
    const heardTwo = (await listen(log, two.conversationId, 1)).heard;
    await log.append(two.conversationId, { type: 'message', text: 'for two' });
    await heardTwo;
    await stop();
    await log.append(one.conversationId, { type: 'message', text: 'after' });
    const heardTwoAgain = (await listen(log, two.conversationId, 1)).heard;
    await log.append(two.conversationId, { type: 'message', text: 'sync' });
    await heardTwoAgain; // by now a live message for "one" would have arrived too
    expect(calls).toEqual([]);
  });
});

describe('conversation expiry', () => {
  it('memory: a quiet conversation and its activities are gone after the TTL', async () => {
    let now = 1_000_000;
    const log = new MemoryConversationLog({ ttlSeconds: 60, maxEntries: 10 }, () => now);
    const { conversationId, token } = await log.open();
    await log.append(conversationId, { type: 'message', text: 'a' });
    now += 59_000;
    expect(await log.verify(conversationId, token)).toBe(true); // appending refreshed it
    now += 61_000;
    expect(await log.verify(conversationId, token)).toBe(false);
    expect(await log.since(conversationId, 0)).toEqual([]);
  });

  it('redis: every key of a conversation carries the TTL, refreshed by each append', async () => {
    const log = new RedisConversationLog(testRedis.redis, createLogger({ level: 'silent' }), testRedis.prefix, { ttlSeconds: 120, maxEntries: 10 });
    redisLogs.push(log);
    const { conversationId } = await log.open();
    await log.append(conversationId, { type: 'message', text: 'a' }, { dedupeKey: 'k' });
    const keys = await testRedis.redis.keys(`${testRedis.prefix}webchat:{${conversationId}}:*`);
    expect(keys.map((k) => k.split(':').pop()).sort()).toEqual(['dedupe', 'log', 'seq', 'token']);
    for (const key of keys) {
      const ttl = await testRedis.redis.ttl(key);
      expect(ttl).toBeGreaterThan(100);
      expect(ttl).toBeLessThanOrEqual(120);
    }
    // only a hash of the token is stored
    const stored = await testRedis.redis.get(`${testRedis.prefix}webchat:{${conversationId}}:token`);
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
  });
});
