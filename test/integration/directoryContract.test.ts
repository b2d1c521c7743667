// One contract for both directories: the memory one (demo mode) and the Redis one (an imported list).
import { Directory, MemoryIndexSource, ServiceDirectory } from '../../services/directory/directory';
import { loadGazetteer } from '../../services/directory/gazetteer';
import { RedisIndexSource, RedisServiceListStore } from '../../services/directory/redisStore';
import { loadShippedList } from '../../services/directory/shipped';
import { createLogger } from '../../services/logger';
import { openTestRedis, TestRedis } from '../support/redis';

const gazetteer = loadGazetteer();
const shipped = loadShippedList(gazetteer.districts);
/** The shipped list under another name, so the Redis directory demonstrably serves the imported copy. */
const imported = { ...shipped, provenance: { ...shipped.provenance, source: 'imported.json' } };
let t: TestRedis;

beforeAll(async () => {
  t = await openTestRedis('directory-contract');
  await new RedisServiceListStore(t.redis, t.prefix).replace(imported);
});
afterAll(async () => {
  await t.cleanup();
});

const implementations: [string, () => Directory][] = [
  ['memory', () => new ServiceDirectory(gazetteer, new MemoryIndexSource(imported))],
  ['redis', () => new ServiceDirectory(gazetteer, new RedisIndexSource(new RedisServiceListStore(t.redis, t.prefix), shipped, createLogger({ level: 'silent' }), 0))],
];

describe.each(implementations)('Directory contract: %s', (_name, make) => {
  it('serves the list it holds, with its provenance', async () => {
    expect((await make().provenance()).source).toBe('imported.json');
  });

  it('finds the nearest services of a kind, closest first, for whom they serve', async () => {
    const near = await make().nearest({ lat: 26.76, lon: 94.22 }, { kinds: ['osc'], person: { who: 'girl' } }, 3);
    expect(near.map((n) => n.service.id)).toEqual(['osc-jorhat', 'osc-majuli', 'osc-golaghat']);
    expect(near[0].distanceKm).toBeLessThan(near[1].distanceKm);
    expect(await make().nearest({ lat: 26.76, lon: 94.22 }, { kinds: ['osc'], person: { who: 'boy', age: 12 } }, 3)).toEqual([]);
  });

  it('lists a district and the statewide numbers through the same filter', async () => {
    expect((await make().inDistrict('dhubri', { kinds: ['cwc', 'dcpu'] })).map((s) => s.id)).toEqual(['cwc-dhubri', 'dcpu-dhubri']);
    expect((await make().statewide({ person: { who: 'boy', age: 12 } })).map((s) => s.phones[0])).toEqual(['112', '1098', '1930', '14416']);
  });

  it('knows places and where Assam is', () => {
    const directory = make();
    expect(directory.findPlace('Nowgong').found?.district.id).toBe('nagaon');
    expect(directory.covers({ lat: 26.14, lon: 91.74 })).toBe(true);
    expect(directory.covers({ lat: 28.61, lon: 77.21 })).toBe(false);
    expect(directory.districts()).toHaveLength(35);
  });
});
