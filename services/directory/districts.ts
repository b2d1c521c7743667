// Assam's districts and their headquarters, read from data/gazetteer/districts.csv.
import { parseCsv } from './csv';
import { readDataFile } from './dataFiles';
import type { GeoPoint } from './geo';

export interface LocalisedName {
  as: string;
  hi: string;
  en: string;
}

export interface District {
  /** stable id: the English name in lower case with dashes, e.g. "kamrup-metropolitan" */
  id: string;
  name: LocalisedName;
  hq: LocalisedName;
  /** the headquarters town; an estimate to about ±5 km, worse where `approx` */
  location: GeoPoint;
  approx: boolean;
  officialLanguages: string[];
}

const COLUMNS = ['district', 'district_as', 'district_hi', 'hq', 'hq_as', 'hq_hi', 'lat', 'lon', 'approx', 'official_languages'];

export function districtId(englishName: string): string {
  return englishName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function parseDistricts(csvText: string): District[] {
  const [header, ...rows] = parseCsv(csvText);
  if (header?.cells.join(',') !== COLUMNS.join(',')) throw new Error(`districts.csv: expected columns ${COLUMNS.join(',')}`);
  return rows.map(({ line, cells }) => {
    const [en, as, hi, hqEn, hqAs, hqHi, lat, lon, approx, languages] = cells;
    const location = { lat: Number(lat), lon: Number(lon) };
    if (cells.length !== COLUMNS.length || !Number.isFinite(location.lat) || !Number.isFinite(location.lon)) {
      throw new Error(`districts.csv line ${line}: expected ${COLUMNS.length} cells with numeric lat/lon`);
    }
    return {
      id: districtId(en),
      name: { as, hi, en },
      hq: { as: hqAs, hi: hqHi, en: hqEn },
      location,
      approx: approx === 'true',
      officialLanguages: languages.split(';'),
    };
  });
}

export function loadDistricts(): District[] {
  return parseDistricts(readDataFile('gazetteer/districts.csv'));
}
