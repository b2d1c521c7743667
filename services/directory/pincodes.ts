// PIN codes (India Post's 6-digit postal codes) as a way to say where one is: "781005" typed in a
// chat or keyed on the phone. Assam's PIN codes begin 781-788. The shipped table
// (data/gazetteer/pincode-prefixes.csv) maps each 3-digit prefix to the districts a PIN under it
// may be in; it is NOT verified, so a PIN decides the district alone only when exactly one district
// is a candidate, and otherwise the person picks. An operator's table of whole PIN codes
// (data/gazetteer/pincodes-assam.csv, made by `npm run pincodes:import` from India Post's All India
// Pincode Directory) is used first when present.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../paths';
import { CsvSyntaxError, parseCsv } from './csv';
import { readDataFile } from './dataFiles';
import type { District } from './districts';
import type { Gazetteer } from './gazetteer';

export const PREFIX_FILE = 'gazetteer/pincode-prefixes.csv';
export const EXACT_FILE = 'gazetteer/pincodes-assam.csv';

/** What a PIN code says about where someone is. */
export type PinLookup =
  /** an Assam PIN code and the districts it may be in (one: it decides; several: the person picks) */
  | { kind: 'assam'; districts: District[]; exact: boolean }
  /** 78xxxx, but no row of either table knows it */
  | { kind: 'unknown' }
  /** a 6-digit PIN code of another State */
  | { kind: 'outsideAssam' }
  /** only digits, but not 6 of them */
  | { kind: 'badLength' };

const ASSAM = /^78\d{4}$/;
const BENGALI_ZERO = 0x09e6;
const DEVANAGARI_ZERO = 0x0966;
/** Words people put around a PIN code: "PIN 781005", "pin code: 781 005", "পিন কোড", "पिन कोड". */
const PIN_WORDS = /\b(?:my|is|postal|post|pin|pincode|code|zip|no)\b|পিন|কোড|पिन|कोड|नंबर|নম্বৰ|নম্বর/giu;

/** Bengali/Assamese and Devanagari digits as ASCII ("৭৮১০০৫" → "781005"). */
export function asciiDigits(text: string): string {
  return text.replace(/[\u09e6-\u09ef\u0966-\u096f]/g, (d) => {
    const code = d.charCodeAt(0);
    return String(code - (code >= BENGALI_ZERO ? BENGALI_ZERO : DEVANAGARI_ZERO));
  });
}

/**
 * The PIN code in a message, or a message that was only digits: a 6-digit number standing alone
 * (one space or dash may split it 3+3) anywhere in the text, or the whole message being digits
 * around PIN words. `undefined` when the message is about something else (a phone number, a
 * sentence with no PIN).
 */
export function readPinCode(text: string): { pin: string } | { digits: string } | undefined {
  const ascii = asciiDigits(text.normalize('NFC'));
  const pins = [...ascii.matchAll(/(?<![\d+])(\d{3})[ -]?(\d{3})(?![\d])/g)].map((m) => `${m[1]}${m[2]}`);
  // A longer number holding six digits (a phone number "98765 43210") is no PIN: the lookarounds see to it.
  if (pins.length === 1) return { pin: pins[0] };
  const bare = ascii.replace(PIN_WORDS, '').replace(/[\s.,:;#\-–]/g, '');
  if (/^\d{1,12}$/.test(bare)) return { digits: bare };
  return undefined;
}

export class PinCodes {
  constructor(
    /** 3-digit prefix → candidate districts */
    private readonly prefixes: ReadonlyMap<string, readonly District[]>,
    /** whole PIN code → districts (an operator's import of India Post's directory) */
    private readonly exact: ReadonlyMap<string, readonly District[]> = new Map(),
  ) {}

  /** What a message says as a PIN code; `undefined` when it holds none. */
  lookupText(text: string): PinLookup | undefined {
    const read = readPinCode(text);
    if (!read) return undefined;
    return 'pin' in read ? this.lookup(read.pin) : { kind: 'badLength' };
  }

  lookup(pin: string): PinLookup {
    const digits = asciiDigits(pin.trim());
    if (!/^\d{6}$/.test(digits)) return { kind: 'badLength' };
    if (!ASSAM.test(digits)) return { kind: 'outsideAssam' };
    const exact = this.exact.get(digits);
    if (exact && exact.length > 0) return { kind: 'assam', districts: [...exact], exact: true };
    const candidates = this.prefixes.get(digits.slice(0, 3));
    if (candidates && candidates.length > 0) return { kind: 'assam', districts: [...candidates], exact: false };
    return { kind: 'unknown' };
  }

  /** How many whole PIN codes the operator's table holds (0 when there is none). */
  exactCount(): number {
    return this.exact.size;
  }
}

/** The CSV text without its `#` comment lines (kept blank, so line numbers stay right). */
function withoutComments(text: string): string {
  return text
    .split('\n')
    .map((line) => (line.trimStart().startsWith('#') ? '' : line))
    .join('\n');
}

function districtsOf(cell: string, gazetteer: Gazetteer, where: string): District[] {
  return cell
    .split(';')
    .map((id) => id.trim())
    .filter((id) => id.length > 0)
    .map((id) => {
      const district = gazetteer.district(id);
      if (!district) throw new Error(`${where}: unknown district id "${id}"`);
      return district;
    });
}

/** The prefix table: `prefix,districts,verified,source`, `#` lines are comments. */
export function parsePrefixTable(text: string, gazetteer: Gazetteer, file = PREFIX_FILE): Map<string, District[]> {
  const [header, ...rows] = parseCsv(withoutComments(text));
  if (header?.cells.join(',') !== 'prefix,districts,verified,source') throw new Error(`${file}: expected columns prefix,districts,verified,source`);
  const out = new Map<string, District[]>();
  for (const { line, cells } of rows) {
    const [prefix, districts, verified] = cells;
    if (!/^78[1-8]$/.test(prefix ?? '')) throw new Error(`${file} line ${line}: prefix must be 781-788`);
    if (verified !== 'yes' && verified !== 'no') throw new Error(`${file} line ${line}: verified must be yes or no`);
    if (out.has(prefix)) throw new Error(`${file} line ${line}: prefix ${prefix} twice`);
    out.set(prefix, districtsOf(districts ?? '', gazetteer, `${file} line ${line}`));
  }
  return out;
}

/** The operator's table: `pincode,districts`, `#` lines are comments. */
export function parseExactTable(text: string, gazetteer: Gazetteer, file = EXACT_FILE): Map<string, District[]> {
  const [header, ...rows] = parseCsv(withoutComments(text));
  if (header?.cells.join(',') !== 'pincode,districts') throw new Error(`${file}: expected columns pincode,districts`);
  const out = new Map<string, District[]>();
  for (const { line, cells } of rows) {
    const [pin, districts] = cells;
    if (!ASSAM.test(pin ?? '')) throw new Error(`${file} line ${line}: pincode must be 6 digits starting 78`);
    out.set(pin, districtsOf(districts ?? '', gazetteer, `${file} line ${line}`));
  }
  return out;
}

/** The shipped prefix table, and the operator's whole-PIN table when it is there. */
export function loadPinCodes(gazetteer: Gazetteer): PinCodes {
  const prefixes = parsePrefixTable(readDataFile(PREFIX_FILE), gazetteer);
  const exact = existsSync(join(dataDir(), EXACT_FILE)) ? parseExactTable(readDataFile(EXACT_FILE), gazetteer) : new Map<string, District[]>();
  return new PinCodes(prefixes, exact);
}

export interface PinImport {
  /** the whole-PIN table to write to data/gazetteer/pincodes-assam.csv */
  csv: string;
  pins: number;
  assamRows: number;
  /** India Post district names no gazetteer entry matched (their rows are left out) */
  unknownDistricts: string[];
  /** Assam rows whose PIN code is not 78xxxx (left out) */
  oddPins: number;
}

/**
 * India Post's All India Pincode Directory (data.gov.in) as CSV: columns `pincode`, `district` (or
 * `districtname`) and `statename`, in any order and case. Only Assam's rows are kept; every district
 * a PIN code's post offices name becomes one of its candidates.
 */
export function importPincodeDirectory(content: string, gazetteer: Gazetteer, header: string): PinImport {
  let rows;
  try {
    rows = parseCsv(content);
  } catch (err) {
    throw new Error(err instanceof CsvSyntaxError ? err.message : String(err));
  }
  const [head, ...body] = rows;
  const columns = (head?.cells ?? []).map((c) => c.trim().toLowerCase());
  const pinAt = columns.indexOf('pincode');
  const districtAt = columns.includes('district') ? columns.indexOf('district') : columns.indexOf('districtname');
  const stateAt = columns.indexOf('statename');
  if (pinAt < 0 || districtAt < 0 || stateAt < 0) throw new Error('expected the columns pincode, district (or districtname) and statename');
  const byPin = new Map<string, Set<District>>();
  const unknown = new Set<string>();
  let assamRows = 0;
  let oddPins = 0;
  for (const { cells } of body) {
    if ((cells[stateAt] ?? '').trim().toUpperCase() !== 'ASSAM') continue;
    assamRows++;
    const pin = (cells[pinAt] ?? '').trim();
    if (!ASSAM.test(pin)) {
      oddPins++;
      continue;
    }
    const name = (cells[districtAt] ?? '').trim();
    // No guessing at misspellings: an unknown name is reported, and a line in variants.json fixes it.
    const match = gazetteer.findPlace(name);
    const district = gazetteer.exact(name) ?? (match?.distance === 0 ? match.district : undefined);
    if (!district) {
      unknown.add(name);
      continue;
    }
    const set = byPin.get(pin) ?? new Set<District>();
    set.add(district);
    byPin.set(pin, set);
  }
  const lines = [...byPin.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([pin, set]) => `${pin},${[...set].map((d) => d.id).sort().join(';')}`);
  const csv = [...header.split('\n').map((l) => `# ${l}`), 'pincode,districts', ...lines, ''].join('\n');
  return { csv, pins: byPin.size, assamRows, unknownDistricts: [...unknown].sort(), oddPins };
}
