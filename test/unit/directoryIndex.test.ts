import { seededRandom } from '../../services/seededRandom';
import { randomPointInAssam, syntheticServices } from '../../bench/syntheticServices';
import { MemoryIndexSource, ServiceDirectory } from '../../services/directory/directory';
import { loadDistricts } from '../../services/directory/districts';
import { loadGazetteer } from '../../services/directory/gazetteer';
import { haversineKm, toGeoPoint } from '../../services/directory/geo';
import { ServiceList } from '../../services/directory/schema';
import { matches, ServiceFilter, ServiceIndex } from '../../services/directory/serviceIndex';
import { loadShippedList } from '../../services/directory/shipped';

const districts = loadDistricts();
const shipped = loadShippedList(districts);
const index = new ServiceIndex(shipped.services);
/** About 1.5 km north-east of a headquarters town. */
const nearHq = (d: (typeof districts)[number]) => ({ lat: d.location.lat + 0.01, lon: d.location.lon + 0.01 });

describe('the shipped directory', () => {
  it('has the statewide numbers and five bodies per district, none claiming to be verified', () => {
    expect(shipped.services.filter((s) => !s.districtId).map((s) => s.phones[0])).toEqual(['112', '1098', '181', '1930', '14416']);
    for (const district of districts) {
      expect(index.inDistrict(district.id, {}).map((s) => s.kind).sort()).toEqual(['cwc', 'dcpu', 'dlsa', 'osc', 'sjpu']);
    }
    expect(shipped.services.every((s) => !s.verified)).toBe(true);
    expect(shipped.provenance.count).toBe(5 + 35 * 5);
  });

  it('invents no phone number or address: district bodies say which helpline to call', () => {
    const domainNumbers = new Set(['112', '1098', '181', '1930', '14416', '1-800-891-4416']);
    for (const service of shipped.services) {
      for (const phone of [...service.phones, service.referralPhone ?? '112']) expect(domainNumbers).toContain(phone);
      if (service.districtId) {
        expect(service.phones).toEqual([]);
        expect(service.address).toBeUndefined();
        expect(['1098', '181', '112']).toContain(service.referralPhone);
      }
    }
    expect(index.inDistrict('jorhat', { kinds: ['osc'] })[0].referralPhone).toBe('181');
  });

  it.each(districts.map((d) => [d.id, d]))('a location near the %s headquarters finds that district first', (id, district) => {
    for (const kind of ['cwc', 'dcpu', 'osc', 'dlsa', 'sjpu'] as const) {
      const [first] = index.nearest(nearHq(district), { kinds: [kind] }, 3);
      expect(first.service.districtId).toBe(id);
      expect(first.distanceKm).toBeLessThan(3);
    }
  });
});

describe('who a service takes', () => {
  const jorhat = nearHq(districts.find((d) => d.id === 'jorhat')!);
  const kinds = (filter: ServiceFilter) => index.nearest(jorhat, filter, 20).map((n) => n.service.kind);

  it('never sends a boy over 8, or of unknown age, to a One Stop Centre', () => {
    expect(kinds({ person: { who: 'boy', age: 9 } })).not.toContain('osc');
    expect(kinds({ person: { who: 'boy', age: 15 } })).not.toContain('osc');
    expect(kinds({ person: { who: 'boy' } })).not.toContain('osc');
    expect(kinds({ person: { who: 'boy', age: 9 } })).toEqual(expect.arrayContaining(['cwc', 'dcpu', 'sjpu', 'dlsa']));
  });

  it('takes girls, women and boys up to 8 at a One Stop Centre', () => {
    expect(kinds({ person: { who: 'boy', age: 8 } })).toContain('osc');
    expect(kinds({ person: { who: 'girl', age: 14 } })).toContain('osc');
    expect(kinds({ person: { who: 'woman' } })).toContain('osc');
    expect(new Set(kinds({ person: { who: 'man' } }))).toEqual(new Set(['dlsa']));
  });

  it('filters statewide helplines too: 181 is for women and girls', () => {
    expect(index.statewide({ person: { who: 'boy', age: 12 } }).map((s) => s.phones[0])).not.toContain('181');
    expect(index.statewide({ person: { who: 'girl' } }).map((s) => s.phones[0])).toContain('181');
  });
});

describe('nearest search on the grid', () => {
  const services = syntheticServices(3000, 7);
  const grid = new ServiceIndex(services);
  const random = seededRandom(11);

  it('returns what a brute-force scan returns, closest first, for 300 fixed random queries', () => {
    for (let i = 0; i < 300; i++) {
      const point = randomPointInAssam(random);
      const filter: ServiceFilter = i % 3 === 0 ? { kinds: ['osc'], person: { who: 'girl' } } : i % 3 === 1 ? { person: { who: 'boy', age: 12 } } : {};
      const expected = services
        .filter((s) => matches(s, filter))
        .map((s) => haversineKm(point, s.coordinates!))
        .sort((a, b) => a - b)
        .slice(0, 5);
      const got = grid.nearest(point, filter, 5).map((n) => n.distanceKm);
      expect(got).toHaveLength(5);
      got.forEach((d, k) => expect(d).toBeCloseTo(expected[k], 9));
    }
  });

  it('returns fewer when fewer services fit, and nothing from an empty list', () => {
    expect(grid.nearest({ lat: 26, lon: 92 }, { kinds: ['ascpcr'], person: { who: 'man' } }, 3000).length).toBeLessThan(3000);
    expect(new ServiceIndex([]).nearest({ lat: 26, lon: 92 }, {}, 3)).toEqual([]);
  });
});

describe('ServiceDirectory over a memory list', () => {
  const source = new MemoryIndexSource(shipped);
  const directory = new ServiceDirectory(loadGazetteer(), source);

  it('finds a place, or offers the closest names', () => {
    const found = directory.findPlace('Sibsagar');
    expect(found.found?.district.id).toBe('sivasagar');
    const notFound = directory.findPlace('Sivaxyzgarh');
    expect(notFound.found).toBeUndefined();
    expect(notFound.found === undefined && notFound.closest.map((d) => d.id)).toContain('sivasagar');
  });

  it('serves a replaced list whole', async () => {
    const replacement: ServiceList = {
      provenance: { source: 'test.json', sha256: 'a'.repeat(64), importedAt: '2026-12-05T10:00:00.000Z', count: 1 },
      services: [{ ...shipped.services[10], id: 'only-one', districtId: 'jorhat' }],
    };
    source.replace(replacement);
    expect((await directory.nearest({ lat: 26.75, lon: 94.2 }, {}, 5)).map((n) => n.service.id)).toEqual(['only-one']);
    expect((await directory.provenance()).source).toBe('test.json');
    expect(await directory.statewide()).toEqual([]);
  });
});

describe('toGeoPoint', () => {
  it('accepts numbers and numeric strings in range, and nothing else', () => {
    expect(toGeoPoint(26.1, '91.7')).toEqual({ lat: 26.1, lon: 91.7 });
    expect(toGeoPoint('abc', 91)).toBeUndefined();
    expect(toGeoPoint(91, 26)).toBeUndefined();
    expect(toGeoPoint(undefined, 26)).toBeUndefined();
    expect(toGeoPoint(Number.NaN, 26)).toBeUndefined();
    expect(toGeoPoint('', '')).toBeUndefined();
  });
});
