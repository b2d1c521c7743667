// Distances on the Earth's surface, for "how far is the nearest help".

export interface GeoPoint {
  lat: number;
  lon: number;
}

const EARTH_RADIUS_KM = 6371.0088;
const RAD = Math.PI / 180;

/** Great-circle distance in kilometres (haversine). */
export function haversineKm(a: GeoPoint, b: GeoPoint): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLon = (b.lon - a.lon) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Kilometres per degree of latitude (along a meridian). */
export const KM_PER_DEGREE = EARTH_RADIUS_KM * RAD;

/** A point a user sent, if it is a real coordinate pair (numbers, in range). */
export function toGeoPoint(lat: unknown, lon: unknown): GeoPoint | undefined {
  const la = typeof lat === 'string' && lat.trim() !== '' ? Number(lat) : lat;
  const lo = typeof lon === 'string' && lon.trim() !== '' ? Number(lon) : lon;
  if (typeof la !== 'number' || typeof lo !== 'number' || !Number.isFinite(la) || !Number.isFinite(lo)) return undefined;
  if (Math.abs(la) > 90 || Math.abs(lo) > 180) return undefined;
  return { lat: la, lon: lo };
}
