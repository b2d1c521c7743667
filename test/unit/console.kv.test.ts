import { MemoryConsoleKv, RedisConsoleKv, type ConsoleKv } from '../../console/kv';
import { manualClock } from '../support/console';
import { openTestRedis, type TestRedis } from '../support/redis';

/** One contract for both stores the console runs on: Redis, and demo mode's memory. */
function kvContract(name: string, open: () => Promise<{ kv: ConsoleKv; done(): Promise<void> }>): void {
  describe(`ConsoleKv contract: ${name}`, () => {
    let kv: ConsoleKv;
    let done: () => Promise<void>;

    beforeAll(async () => {
      ({ kv, done } = await open());
    });
    afterAll(async () => {
      await done();
    });

    it('stores, reads and deletes JSON values', async () => {
      expect(await kv.getJson('missing')).toBeNull();
      await kv.setJson('a', { n: 1, s: 'x' }, 60_000);
      expect(await kv.getJson('a')).toEqual({ n: 1, s: 'x' });
      await kv.del('a');
      expect(await kv.getJson('a')).toBeNull();
    });

    it('counts up from 1', async () => {
      expect(await kv.incr('c', 60_000)).toBe(1);
      expect(await kv.incr('c', 60_000)).toBe(2);
      expect(await kv.incr('other', 60_000)).toBe(1);
    });

    it('keeps hash fields apart and lists them', async () => {
      await kv.hashSet('h', 'x', { v: 1 });
      await kv.hashSet('h', 'y', { v: 2 });
      expect(await kv.hashGet('h', 'x')).toEqual({ v: 1 });
      expect((await kv.hashAll<{ v: number }>('h')).map((e) => e.v).sort()).toEqual([1, 2]);
      expect(await kv.hashDel('h', 'x')).toBe(true);
      expect(await kv.hashDel('h', 'x')).toBe(false);
      expect(await kv.hashGet('h', 'x')).toBeNull();
    });

    it('gives the newest log entries first, each with its time', async () => {
      for (let i = 1; i <= 4; i++) await kv.append('log', { n: String(i) }, 1000 * i, 60_000);
      expect(await kv.latest('log', 3)).toEqual([
        { at: '4000', n: '4' },
        { at: '3000', n: '3' },
        { at: '2000', n: '2' },
      ]);
    });
  });
}

kvContract('memory', async () => ({ kv: new MemoryConsoleKv(manualClock().now), done: async () => undefined }));

let t: TestRedis;
kvContract('redis', async () => {
  t = await openTestRedis('console-kv');
  return { kv: new RedisConsoleKv(t.redis, t.prefix), done: () => t.cleanup() };
});

describe('MemoryConsoleKv expiry', () => {
  it('forgets values and counters after their time, by its clock', async () => {
    const clock = manualClock();
    const kv = new MemoryConsoleKv(clock.now);
    await kv.setJson('v', 1, 1000);
    await kv.incr('c', 1000);
    clock.advance(999);
    expect(await kv.getJson('v')).toBe(1);
    expect(await kv.incr('c', 1000)).toBe(2);
    clock.advance(1);
    expect(await kv.getJson('v')).toBeNull();
    expect(await kv.incr('c', 1000)).toBe(1);
  });
});
