import { MemoryStorage, type Storage } from 'botbuilder';
import { RedisStorage } from '../../services/storage/RedisStorage';
import { openTestRedis, type TestRedis } from '../support/redis';

/** One contract, in the manner of botbuilder's storageBaseTests, for every Storage the service uses. */
function storageContract(name: string, make: () => Promise<Storage>): void {
  describe(`Storage contract: ${name}`, () => {
    let storage: Storage;
    beforeEach(async () => {
      storage = await make();
    });

    it('returns nothing for keys never written', async () => {
      expect(await storage.read(['missing'])).toEqual({});
    });

    it('reads back what it wrote, with an eTag', async () => {
      await storage.write({ a: { count: 1, nested: { lang: 'as' } } });
      const { a } = await storage.read(['a']);
      expect(a).toMatchObject({ count: 1, nested: { lang: 'as' } });
      expect(typeof a.eTag).toBe('string');
    });

    it('reads several keys at once, leaving out the missing ones', async () => {
      await storage.write({ k1: { v: 1 }, k2: { v: 2 } });
      const items = await storage.read(['k1', 'k2', 'k3']);
      expect(Object.keys(items).sort()).toEqual(['k1', 'k2']);
    });

    it('accepts a write carrying the current eTag and changes the eTag', async () => {
      await storage.write({ b: { v: 1 } });
      const { b } = await storage.read(['b']);
      await storage.write({ b: { ...b, v: 2 } });
      const after = (await storage.read(['b'])).b;
      expect(after.v).toBe(2);
      expect(after.eTag).not.toBe(b.eTag);
    });

    it('refuses a stale write instead of overwriting', async () => {
      await storage.write({ c: { v: 1 } });
      const first = (await storage.read(['c'])).c;
      await storage.write({ c: { ...first, v: 2 } });
      await expect(storage.write({ c: { ...first, v: 3 } })).rejects.toThrow(/eTag/);
      expect((await storage.read(['c'])).c.v).toBe(2);
    });

    it('writes regardless when the eTag is "*"', async () => {
      await storage.write({ d: { v: 1 } });
      await storage.write({ d: { v: 9, eTag: '*' } });
      expect((await storage.read(['d'])).d.v).toBe(9);
    });

    it('lets exactly one of two concurrent writers with the same eTag win', async () => {
      await storage.write({ e: { v: 0 } });
      const seen = (await storage.read(['e'])).e;
      const results = await Promise.allSettled([
        storage.write({ e: { ...seen, v: 1 } }),
        storage.write({ e: { ...seen, v: 2 } }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const winner = results.findIndex((r) => r.status === 'fulfilled') + 1;
      expect((await storage.read(['e'])).e.v).toBe(winner);
    });

    it('deletes', async () => {
      await storage.write({ f: { v: 1 } });
      await storage.delete(['f']);
      expect(await storage.read(['f'])).toEqual({});
    });
  });
}

let testRedis: TestRedis;
beforeAll(async () => {
  testRedis = await openTestRedis('storage');
});
afterAll(async () => {
  await testRedis.cleanup();
});

storageContract('MemoryStorage (demo mode)', async () => new MemoryStorage());
storageContract('RedisStorage', async () => new RedisStorage(testRedis.redis, `${testRedis.prefix}${Math.random()}:`, 3600));

describe('RedisStorage retention', () => {
  it('puts the retention TTL on every item it writes', async () => {
    const storage = new RedisStorage(testRedis.redis, testRedis.prefix, 90 * 86400);
    await storage.write({ 'webchat/conversations/x': { v: 1 } });
    const ttl = await testRedis.redis.ttl(`${testRedis.prefix}webchat/conversations/x`);
    expect(ttl).toBeGreaterThan(89 * 86400);
    expect(ttl).toBeLessThanOrEqual(90 * 86400);
  });
});
