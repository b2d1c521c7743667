import { ServiceDirectory } from '../../services/directory/directory';
import { loadGazetteer } from '../../services/directory/gazetteer';
import { parseImportFile } from '../../services/directory/importFile';
import { RedisIndexSource, RedisServiceListStore } from '../../services/directory/redisStore';
import { ServiceList } from '../../services/directory/schema';
import { loadShippedList } from '../../services/directory/shipped';
import { createLogger } from '../../services/logger';
import { createRedis } from '../../services/redis';
import { openTestRedis, TestRedis } from '../support/redis';
import { syntheticServices } from '../../bench/syntheticServices';

const gazetteer = loadGazetteer();
const shipped = loadShippedList(gazetteer.districts);
const logger = createLogger({ level: 'silent' });

/** A list whose every id carries its generation, so a mixed read would show. */
function generation(name: string, count: number): ServiceList {
  const services = syntheticServices(count, 1).map((s, i) => ({ ...s, id: `${name}-${i}`, districtId: 'jorhat' }));
  return { provenance: { source: `${name}.json`, sha256: 'b'.repeat(64), importedAt: '2026-12-05T10:00:00.000Z', count }, services };
}

let t: TestRedis;
let store: RedisServiceListStore;

beforeAll(async () => {
  t = await openTestRedis('directory');
  store = new RedisServiceListStore(t.redis, t.prefix);
});
afterAll(async () => {
  await t.cleanup();
});

describe('the service list in Redis', () => {
  it('serves the shipped list until the first import, then the imported one', async () => {
    const source = new RedisIndexSource(store, shipped, logger, 0);
    const directory = new ServiceDirectory(gazetteer, source);
    expect((await directory.provenance()).source).toMatch(/^shipped/);
    expect(await directory.inDistrict('jorhat', { kinds: ['osc'] })).toHaveLength(1);

    const imported = generation('first', 3);
    expect(await store.replace(imported)).toBe(1);
    expect(await directory.provenance()).toEqual(imported.provenance);
    expect((await directory.inDistrict('jorhat')).map((s) => s.id)).toEqual(['first-0', 'first-1', 'first-2']);
    expect(await t.redis.ttl(`${t.prefix}{directory}:list`)).toBe(-1);
    expect((await store.history())[0]).toEqual(imported.provenance);
  });

  it('keeps the old list when an import file has a broken row (nothing is written)', async () => {
    const before = await store.read();
    const csv = 'id,kind,name_en,name_as,name_hi,phones,serves,source,verified\nok-1,cwc,A,অ,अ,1098,children,x,false\nbad,cwc,B,ব,ब,not-a-phone,children,x,false\n';
    const result = parseImportFile('broken.csv', csv, gazetteer, new Date());
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map((p) => p.line)).toEqual([3]);
    expect(await store.read()).toEqual(before);
  });

  it('never lets a reader see half of one list and half of another', async () => {
    const lists = [generation('alpha', 400), generation('beta', 250)];
    const reader = await openTestRedis('directory-reader');
    const readerStore = new RedisServiceListStore(reader.redis, t.prefix);
    let writing = true;
    const writes = (async () => {
      for (let i = 0; i < 20; i++) await store.replace(lists[i % 2]);
      writing = false;
    })();
    while (writing) {
      const { list } = await readerStore.read();
      if (!list) continue;
      const generations = new Set(list.services.map((s) => s.id.split('-')[0]));
      expect(generations.size).toBe(1);
      expect(list.services).toHaveLength(list.provenance.count);
      expect(list.provenance.source).toBe(`${[...generations][0]}.json`);
    }
    await writes;
    await reader.cleanup();
    expect((await store.read()).list?.provenance.source).toBe('beta.json');
  });

  it('rebuilds the index only after the version check interval', async () => {
    let clock = 0;
    const source = new RedisIndexSource(store, shipped, logger, 1000, () => clock);
    await store.replace(generation('gamma', 2));
    expect((await source.current()).provenance.source).toBe('gamma.json');
    await store.replace(generation('delta', 2));
    clock = 999;
    expect((await source.current()).provenance.source).toBe('gamma.json');
    clock = 1000;
    expect((await source.current()).provenance.source).toBe('delta.json');
  });

  it('keeps serving the list it has while Redis is away', async () => {
    const away = createRedis('redis://127.0.0.1:1', 'directory-away', logger);
    const source = new RedisIndexSource(new RedisServiceListStore(away, t.prefix), shipped, logger, 0);
    const directory = new ServiceDirectory(gazetteer, source);
    expect(await directory.inDistrict('dhubri', { kinds: ['cwc'] })).toHaveLength(1);
    away.disconnect();
  });
});
