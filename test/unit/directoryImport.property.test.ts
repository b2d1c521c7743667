import fc from 'fast-check';
import { extname } from 'node:path';
import { loadGazetteer } from '../../services/directory/gazetteer';
import { CSV_COLUMNS, parseImportFile, type ImportResult } from '../../services/directory/importFile';
import { phoneSchema, SERVICE_KINDS } from '../../services/directory/schema';

/**
 * Any file an operator could hand to `npm run directory:import` is either imported whole or rejected
 * with reasons that each name a line of the file (or 0, the file as a whole): the reader never
 * throws, and never passes on a JavaScript error as a reason.
 */
const gazetteer = loadGazetteer();
const now = new Date('2026-12-05T10:00:00Z');
const REQUIRED = ['id', 'kind', 'name_en', 'name_as', 'name_hi', 'phones', 'serves', 'source', 'verified'];
const OPTIONAL = CSV_COLUMNS.filter((c) => !REQUIRED.includes(c));

/** Lines of the file as the CSV reader counts them (\n, \r\n or a lone \r ends a line). */
const lineCount = (content: string) => content.split(/\r\n|\r|\n/).length;

/** No problem may be a JavaScript error passed through, whatever the input. */
const LEAKED_ERROR = /Cannot read|is not a function|is not iterable|undefined \(reading|TypeError|RangeError/;

function parse(name: string, content: string): ImportResult {
  let result: ImportResult | undefined;
  expect(() => (result = parseImportFile(name, content, gazetteer, now))).not.toThrow();
  return result!;
}

/**
 * Rejections name lines of the file (or 0), each with a reason that is not a leaked exception
 * (checked only when the file does not itself hold such words, which a reason may quote).
 */
function expectLineNumberedReasons(result: ImportResult, content: string, lines: (line: number) => boolean): void {
  if (result.ok) return;
  expect(result.problems.length).toBeGreaterThan(0);
  for (const problem of result.problems) {
    expect(Number.isInteger(problem.line)).toBe(true);
    expect(problem.line === 0 || lines(problem.line)).toBe(true);
    expect(problem.message.trim().length).toBeGreaterThan(0);
    if (!LEAKED_ERROR.test(content)) expect(problem.message).not.toMatch(LEAKED_ERROR);
  }
}

// ---- valid rows, built column by column ----

/** Text with something in it after trimming, which may hold commas, quotes and line breaks. */
const text = fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), fc.constantFrom('One Stop Centre, Jorhat', 'Say "hello"', 'two\nlines', 'শিশু কল্যাণ সমিতি', 'बाल कल्याण समिति'))
  .filter((t) => t.trim().length > 0 && !t.includes(';'));
const phone = fc
  .tuple(fc.constantFrom('', '+'), fc.array(fc.stringMatching(/^[0-9]{1,4}$/), { minLength: 1, maxLength: 4 }), fc.constantFrom(' ', '-'))
  .map(([plus, groups, sep]) => plus + groups.join(sep))
  .filter((p) => phoneSchema.safeParse(p).success);
/** A district as an operator may write it: its id or its name in any script, where the gazetteer knows it by that. */
const districtCells = gazetteer.districts
  .flatMap((d) => [d.id, d.name.en, d.name.as, d.name.hi].map((cell) => ({ cell, id: d.id })))
  .filter(({ cell, id }) => (gazetteer.exact(cell)?.id ?? cell) === id)
  .map(({ cell }) => cell);
const serveWord = fc.oneof(fc.constantFrom('girls', 'boys', 'women', 'men', 'children', 'all'), fc.integer({ min: 0, max: 17 }).map((n) => `boys<=${n}`));
const date = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const TRUE_WORDS = ['true', 'TRUE', 'yes', 'Yes'];
const FALSE_WORDS = ['false', 'False', 'no', 'NO'];

/** What one valid row may hold, before it is fitted to a file's columns. */
const rowParts = fc.record({
  idTail: fc.stringMatching(/^[a-z0-9-]{0,20}$/),
  kind: fc.constantFrom(...SERVICE_KINDS),
  names: fc.tuple(text, text, text),
  district: fc.option(fc.constantFrom(...districtCells), { nil: undefined }),
  address: fc.option(fc.tuple(text, fc.option(text, { nil: undefined }), fc.option(text, { nil: undefined })), { nil: undefined }),
  phones: fc.array(phone, { maxLength: 5 }),
  referral: fc.option(phone, { nil: undefined }),
  at: fc.option(fc.tuple(fc.double({ min: 24, max: 28.3, noNaN: true }), fc.double({ min: 89.6, max: 96.2, noNaN: true }), fc.option(fc.boolean(), { nil: undefined })), { nil: undefined }),
  hours: fc.option(text, { nil: undefined }),
  serves: fc.array(serveWord, { minLength: 1, maxLength: 3 }),
  languages: fc.array(fc.stringMatching(/^[a-z]{2,3}$/), { maxLength: 4 }),
  source: text,
  verified: fc.boolean(),
  verifiedWord: fc.nat({ max: 3 }),
  verifiedAt: date,
  spaced: fc.boolean(),
});
type RowParts = typeof rowParts extends fc.Arbitrary<infer T> ? T : never;

/** One valid row, as cells by column name, for a file with these columns. */
function validRow(columns: Set<string>, index: number, r: RowParts): Record<string, string> {
  const has = (c: string) => columns.has(c);
  const district = has('district') ? r.district : undefined;
  const at = has('lat') && has('lon') && district !== undefined ? r.at : undefined;
  const referral = has('referral_phone') ? r.referral : undefined;
  // One of the two numbers is needed; without a referral column the service has its own.
  const phones = r.phones.length === 0 && referral === undefined ? ['1098'] : r.phones;
  const verified = r.verified && has('verified_at');
  const join = (list: string[]) => list.join(r.spaced ? ' ; ' : ';');
  return {
    id: `s${index}-${r.idTail}`,
    kind: r.kind,
    name_en: r.names[0],
    name_as: r.names[1],
    name_hi: r.names[2],
    district: district ?? '',
    address_en: has('address_en') && r.address ? r.address[0] : '',
    address_as: has('address_en') && r.address?.[1] ? r.address[1] : '',
    address_hi: has('address_en') && r.address?.[2] ? r.address[2] : '',
    phones: join(phones),
    referral_phone: referral ?? '',
    lat: at ? String(at[0]) : '',
    lon: at ? String(at[1]) : '',
    location_approx: at && at[2] !== undefined ? String(at[2]) : '',
    hours: r.hours ?? '',
    serves: join(r.serves),
    languages: join(r.languages),
    source: r.source,
    verified: (verified ? TRUE_WORDS : FALSE_WORDS)[r.verifiedWord],
    verified_at: verified ? r.verifiedAt : '',
  };
}

/** The required columns and some optional ones, in any order, in any case. */
const columnsArb = fc
  .subarray(OPTIONAL)
  .chain((optional) => fc.shuffledSubarray([...REQUIRED, ...optional], { minLength: REQUIRED.length + optional.length }))
  .chain((columns) => fc.array(fc.boolean(), { minLength: columns.length, maxLength: columns.length }).map((upper) => columns.map((c, i) => ({ name: c, header: upper[i] ? c.toUpperCase() : c }))));

interface CsvFile {
  content: string;
  /** The line each data row starts on. */
  rowLines: number[];
  rows: string[][];
}

function encodeCell(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** Writes rows as CSV, and where each starts as the reader counts lines (a line break inside quotes counts; a lone \r there does not). */
function csvFile(header: string[], rows: string[][], eol: string): CsvFile {
  let line = 1;
  const rowLines: number[] = [];
  const lines = [header, ...rows].map((cells, i) => {
    if (i > 0) rowLines.push(line);
    line += 1 + cells.reduce((n, c) => n + (c.match(/\n/g)?.length ?? 0), 0);
    return cells.map(encodeCell).join(',');
  });
  return { content: lines.join(eol) + eol, rowLines, rows };
}

const validFile = fc.tuple(columnsArb, fc.array(rowParts, { minLength: 1, maxLength: 6 }), fc.constantFrom('\n', '\r\n')).map(([columns, parts, eol]) => {
  const names = new Set(columns.map((c) => c.name));
  const rows = parts.map((r, i) => validRow(names, i, r)).map((cells) => columns.map((c) => cells[c.name]));
  return { columns, file: csvFile(columns.map((c) => c.header), rows, eol) };
});

describe('property: the directory import reads any file', () => {
  it('imports any file of valid rows, every row, in order', () => {
    fc.assert(
      fc.property(validFile, ({ columns, file }) => {
        const result = parse('services.csv', file.content);
        if (!result.ok) throw new Error(`valid file refused: ${JSON.stringify(result.problems)}\n${file.content}`);
        const idAt = columns.findIndex((c) => c.name === 'id');
        expect(result.list.services.map((s) => s.id)).toEqual(file.rows.map((r) => r[idAt]));
        expect(result.list.provenance.count).toBe(file.rows.length);
      }),
      { numRuns: 200 },
    );
  });

  it('imports or rejects valid rows with cells changed to anything, naming only lines where rows start', () => {
    const anyCell = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('', ' ', '"', ';', ';;', 'true', 'maybe', '999', 'NaN', '-1', 'boys<=99', 'Atlantis', 'id'));
    const edit = fc.record({
      row: fc.nat(),
      kind: fc.constantFrom('cell', 'cell', 'cell', 'drop', 'add', 'duplicate-id'),
      at: fc.nat(),
      value: anyCell,
    });
    fc.assert(
      fc.property(validFile, fc.array(edit, { minLength: 1, maxLength: 5 }), ({ columns, file }, edits) => {
        const rows = file.rows.map((r) => [...r]);
        for (const e of edits) {
          const row = rows[e.row % rows.length];
          if (e.kind === 'cell') row[e.at % row.length] = e.value;
          else if (e.kind === 'drop') row.splice(e.at % row.length, 1);
          else if (e.kind === 'add') row.push(e.value);
          else row[columns.findIndex((c) => c.name === 'id')] = rows[0][columns.findIndex((c) => c.name === 'id')] ?? '';
        }
        const changed = csvFile(columns.map((c) => c.header), rows, '\n');
        const result = parse('services.csv', changed.content);
        const starts = new Set([1, ...changed.rowLines]);
        expectLineNumberedReasons(result, changed.content, (line) => starts.has(line));
        if (result.ok) expect(result.list.services).toHaveLength(rows.length);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects or imports any text at all without throwing, naming lines within the file', () => {
    const header = CSV_COLUMNS.join(',');
    const content = fc.oneof(
      fc.string({ maxLength: 400 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.array(fc.constantFrom(',', '"', '\n', '\r', '\r\n', ';', 'osc', 'true', ' ', 'x', '\ufeff', '1098'), { maxLength: 60 }).map((parts) => parts.join('')),
      fc.string({ maxLength: 300 }).map((body) => `${header}\n${body}`),
      fc.array(fc.array(fc.string({ maxLength: 12 }), { maxLength: 20 }), { maxLength: 5 }).map((rows) => `${header}\n${rows.map((r) => r.join(',')).join('\n')}`),
    );
    fc.assert(
      fc.property(content, (csv) => {
        const result = parse('services.csv', csv);
        const lines = lineCount(csv);
        expectLineNumberedReasons(result, csv, (line) => line >= 1 && line <= lines);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects or imports any JSON file without throwing, naming lines within the file', () => {
    const content = fc.oneof(
      fc.json({ maxDepth: 3 }),
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ services: v }, null, 2)),
      fc.array(fc.dictionary(fc.constantFrom('id', 'kind', 'name', 'phones', 'serves', 'source', 'verified', 'languages', 'districtId'), fc.jsonValue({ maxDepth: 2 })), { maxLength: 4 }).map((v) => JSON.stringify(v, null, 2)),
    );
    fc.assert(
      fc.property(content, fc.constantFrom('services.json', 'SERVICES.JSON'), (json, name) => {
        const result = parse(name, json);
        const lines = lineCount(json);
        expectLineNumberedReasons(result, json, (line) => line >= 1 && line <= lines);
      }),
      { numRuns: 200 },
    );
  });

  it('says what is wrong with a JSON file holding null, a number or a string (found by the property above)', () => {
    for (const json of ['null', '42', '"services"', '{}', '{"services": null}']) {
      expect(parse('services.json', json)).toEqual({
        ok: false,
        problems: [{ line: 0, message: 'not valid JSON: expected an array of services, or an object with a "services" array' }],
      });
    }
  });

  it('rejects a file of any other name as a whole', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }).filter((n) => !['.csv', '.json'].includes(extname(n).toLowerCase())), fc.string({ maxLength: 50 }), (name, content) => {
        const result = parse(name, content);
        expect(result).toEqual({ ok: false, problems: [{ line: 0, message: 'the file name must end in .csv or .json' }] });
      }),
      { numRuns: 100 },
    );
  });
});
