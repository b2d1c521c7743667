// A reproducible list of made-up services spread over Assam, for the nearest-search benchmark and
// the tests that compare the grid index with a brute-force scan.
import { ASSAM_BOUNDS, SERVICE_KINDS, ServiceEntry } from '../services/directory/schema';
import { seededRandom } from '../services/seededRandom';

export function randomPointInAssam(random: () => number): { lat: number; lon: number } {
  return {
    lat: ASSAM_BOUNDS.minLat + random() * (ASSAM_BOUNDS.maxLat - ASSAM_BOUNDS.minLat),
    lon: ASSAM_BOUNDS.minLon + random() * (ASSAM_BOUNDS.maxLon - ASSAM_BOUNDS.minLon),
  };
}

export function syntheticServices(count: number, seed: number): ServiceEntry[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i): ServiceEntry => {
    const kind = SERVICE_KINDS[Math.floor(random() * SERVICE_KINDS.length)];
    return {
      id: `synthetic-${i}`,
      kind,
      name: { as: `সেৱা ${i}`, hi: `सेवा ${i}`, en: `Service ${i}` },
      districtId: 'synthetic',
      phones: ['1098'],
      coordinates: { ...randomPointInAssam(random), approx: false },
      serves:
        kind === 'osc'
          ? { girls: true, boys: true, boysMaxAge: 8, women: true, men: false }
          : { girls: true, boys: true, women: random() < 0.5, men: random() < 0.3 },
      languages: ['as'],
      source: 'synthetic',
      verified: false,
    };
  });
}
