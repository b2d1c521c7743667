import type { District } from '../../services/directory/districts';
import { haversineKm, type GeoPoint } from '../../services/directory/geo';
import { ASSAM_BOUNDS } from '../../services/directory/schema';

/** What the report needs of the gazetteer (services/directory's Gazetteer fits it). */
export interface DistrictFinder {
  readonly districts: readonly District[];
  district(id: string): District | undefined;
  findPlace(text: string): { district: District } | undefined;
  closest(text: string, count: number): District[];
}

/** The district whose headquarters is nearest the point; undefined outside Assam. Only the district is kept. */
export function nearestDistrict(finder: DistrictFinder, point: GeoPoint): District | undefined {
  const inside = point.lat >= ASSAM_BOUNDS.minLat && point.lat <= ASSAM_BOUNDS.maxLat && point.lon >= ASSAM_BOUNDS.minLon && point.lon <= ASSAM_BOUNDS.maxLon;
  if (!inside) return undefined;
  let best: District | undefined;
  let bestKm = Infinity;
  for (const district of finder.districts) {
    const km = haversineKm(point, district.location);
    if (km < bestKm) [best, bestKm] = [district, km];
  }
  return best;
}
