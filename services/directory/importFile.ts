// Reads an operator's service list (CSV or JSON) into a ServiceList, checking every row. Nothing
// is returned unless every row passes; every problem names the line it is on.
import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import { CsvSyntaxError, parseCsv } from './csv';
import type { Gazetteer } from './gazetteer';
import { ServiceEntry, ServiceList, serviceSchema, Serves } from './schema';

export interface ImportProblem {
  /** 1-based line of the file; 0 when the problem is the file as a whole */
  line: number;
  message: string;
}

export type ImportResult = { ok: true; list: ServiceList } | { ok: false; problems: ImportProblem[] };

interface Row {
  line: number;
  value: unknown;
}

const REQUIRED_COLUMNS = ['id', 'kind', 'name_en', 'name_as', 'name_hi', 'phones', 'serves', 'source', 'verified'];
const OPTIONAL_COLUMNS = ['district', 'address_en', 'address_as', 'address_hi', 'referral_phone', 'lat', 'lon', 'location_approx', 'hours', 'languages', 'verified_at'];
export const CSV_COLUMNS = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];

/** `serves` in a CSV cell: words joined by `;`; "boys<=8" is boys up to 8 years old. */
const SERVES_WORDS: Record<string, Partial<Serves>> = {
  girls: { girls: true },
  boys: { boys: true },
  women: { women: true },
  men: { men: true },
  children: { girls: true, boys: true },
  all: { girls: true, boys: true, women: true, men: true },
};

export function parseImportFile(fileName: string, content: string, gazetteer: Gazetteer, now: Date): ImportResult {
  const problems: ImportProblem[] = [];
  const type = extname(fileName).toLowerCase();
  let rows: Row[];
  try {
    if (type === '.csv') rows = csvRows(content, problems);
    else if (type === '.json') rows = jsonRows(content);
    else return { ok: false, problems: [{ line: 0, message: 'the file name must end in .csv or .json' }] };
  } catch (err) {
    const line = err instanceof CsvSyntaxError ? err.line : 0;
    return { ok: false, problems: [{ line, message: err instanceof CsvSyntaxError ? err.message.replace(/^line \d+: /, '') : `not valid JSON: ${(err as Error).message}` }] };
  }
  if (rows.length === 0 && problems.length === 0) problems.push({ line: 0, message: 'the file holds no services' });
  const services: ServiceEntry[] = [];
  const firstLineOfId = new Map<string, number>();
  for (const { line, value } of rows) {
    const parsed = serviceSchema.safeParse(withCanonicalDistrict(value, gazetteer));
    if (!parsed.success) {
      // A field the CSV reader already reported on this line (e.g. verified: "maybe") is not reported twice.
      const reported = new Set(problems.filter((p) => p.line === line).map((p) => p.message.split(':')[0]));
      for (const issue of parsed.error.issues) {
        if (!reported.has(String(issue.path[0]))) problems.push({ line, message: `${issue.path.join('.') || 'row'}: ${issue.message}` });
      }
      continue;
    }
    const entry = parsed.data;
    if (entry.districtId !== undefined && !gazetteer.district(entry.districtId)) {
      problems.push({ line, message: `district: "${entry.districtId}" is not a district of Assam (see data/gazetteer/districts.csv)` });
    }
    const seenAt = firstLineOfId.get(entry.id);
    if (seenAt !== undefined) problems.push({ line, message: `id: "${entry.id}" is used already on line ${seenAt}` });
    firstLineOfId.set(entry.id, seenAt ?? line);
    services.push(entry);
  }
  if (problems.length > 0) return { ok: false, problems: problems.sort((a, b) => a.line - b.line) };
  const provenance = {
    source: basename(fileName),
    sha256: createHash('sha256').update(content).digest('hex'),
    importedAt: now.toISOString(),
    count: services.length,
  };
  return { ok: true, list: { provenance, services } };
}

/** A district given by name in any script ("Jorhat", "যোৰহাট") becomes its id; unknown names stay for the check. */
function withCanonicalDistrict(value: unknown, gazetteer: Gazetteer): unknown {
  if (typeof value !== 'object' || value === null || !('districtId' in value) || typeof value.districtId !== 'string') return value;
  return { ...value, districtId: gazetteer.exact(value.districtId)?.id ?? value.districtId };
}

function csvRows(content: string, problems: ImportProblem[]): Row[] {
  const [header, ...rows] = parseCsv(content);
  if (!header) return [];
  const columns = header.cells.map((cell) => cell.trim().toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((name) => !columns.includes(name));
  const unknown = columns.filter((name) => !CSV_COLUMNS.includes(name));
  if (missing.length > 0) problems.push({ line: header.line, message: `missing column(s): ${missing.join(', ')}` });
  if (unknown.length > 0) problems.push({ line: header.line, message: `unknown column(s): ${unknown.join(', ')} (known: ${CSV_COLUMNS.join(', ')})` });
  if (problems.length > 0) return [];
  return rows.map(({ line, cells }) => {
    if (cells.length !== columns.length) {
      problems.push({ line, message: `${cells.length} cells where the header has ${columns.length}` });
      return { line, value: undefined };
    }
    const cell = (name: string): string | undefined => {
      const at = columns.indexOf(name);
      const text = at < 0 ? '' : cells[at].trim();
      return text === '' ? undefined : text;
    };
    return { line, value: csvRecord(cell, line, problems) };
  }).filter((row) => row.value !== undefined);
}

function csvRecord(cell: (name: string) => string | undefined, line: number, problems: ImportProblem[]): Record<string, unknown> {
  const list = (name: string): string[] => (cell(name) ?? '').split(';').map((s) => s.trim()).filter((s) => s !== '');
  const flag = (name: string): boolean | undefined => {
    const text = (cell(name) ?? 'false').toLowerCase();
    if (['true', 'yes'].includes(text)) return true;
    if (['false', 'no'].includes(text)) return false;
    problems.push({ line, message: `${name}: "${text}" is not true or false` });
    return undefined;
  };
  const lat = cell('lat');
  const lon = cell('lon');
  const addressEn = cell('address_en');
  return {
    id: cell('id'),
    kind: cell('kind'),
    name: { en: cell('name_en'), as: cell('name_as'), hi: cell('name_hi') },
    districtId: cell('district'),
    address: addressEn === undefined && !cell('address_as') && !cell('address_hi') ? undefined : { en: addressEn, as: cell('address_as'), hi: cell('address_hi') },
    phones: list('phones'),
    referralPhone: cell('referral_phone'),
    coordinates: lat === undefined && lon === undefined ? undefined : { lat: Number(lat), lon: Number(lon), approx: flag('location_approx') },
    hours: cell('hours'),
    serves: servesFromWords(list('serves'), line, problems),
    languages: list('languages'),
    source: cell('source'),
    verified: flag('verified'),
    verifiedAt: cell('verified_at'),
  };
}

function servesFromWords(words: string[], line: number, problems: ImportProblem[]): Serves {
  const serves: Serves = { girls: false, boys: false, women: false, men: false };
  for (const word of words) {
    const boysUpTo = /^boys<=(\d{1,2})$/.exec(word);
    if (boysUpTo) Object.assign(serves, { boys: true, boysMaxAge: Number(boysUpTo[1]) });
    else if (SERVES_WORDS[word]) Object.assign(serves, SERVES_WORDS[word]);
    else problems.push({ line, message: `serves: "${word}" is not one of ${[...Object.keys(SERVES_WORDS), 'boys<=AGE'].join(', ')}` });
  }
  return serves;
}

/** The entries of a JSON array, or of an object's `services` array, with the line each starts on. */
function jsonRows(content: string): Row[] {
  const parsed: unknown = JSON.parse(content);
  const wrapped = !Array.isArray(parsed);
  // `null` is valid JSON too: it has no services, like a number or a string.
  const entries = wrapped ? (parsed as { services?: unknown } | null)?.services : parsed;
  if (!Array.isArray(entries)) throw new Error('expected an array of services, or an object with a "services" array');
  const lines = entryStartLines(content, wrapped ? 2 : 1);
  return entries.map((value, i) => ({ line: lines.length === entries.length ? lines[i] : 0, value }));
}

/** Lines where objects open directly inside an array nested `depth` containers deep. */
function entryStartLines(content: string, depth: number): number[] {
  const lines: number[] = [];
  const stack: string[] = [];
  let line = 1;
  let inString = false;
  for (let i = 0; i < content.length; i++) {
    const ch = content[i];
    if (ch === '\n') line++;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') {
      if (ch === '{' && stack.length === depth && stack[depth - 1] === '[') lines.push(line);
      stack.push(ch);
    } else if (ch === '}' || ch === ']') stack.pop();
  }
  return lines;
}
