import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../../services/directory/csv';
import { loadGazetteer } from '../../services/directory/gazetteer';
import { parseImportFile } from '../../services/directory/importFile';

const gazetteer = loadGazetteer();
const now = new Date('2026-12-05T10:00:00Z');
const fixture = readFileSync(join(__dirname, '../fixtures/directory/verified.csv'), 'utf8');
const [csvHeader, ...csvRows] = fixture.trimEnd().split('\n');

describe('import file: CSV', () => {
  it('reads a valid file into a list with provenance, district names in any script becoming ids', () => {
    const result = parseImportFile('/tmp/verified.csv', fixture, gazetteer, now);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const [osc, cwc] = result.list.services;
    expect(osc).toMatchObject({
      districtId: 'jorhat',
      phones: ['0376 000 0000'],
      serves: { girls: true, women: true, boys: true, boysMaxAge: 8, men: false },
      coordinates: { lat: 26.76, lon: 94.21, approx: false },
      address: { en: 'Test Road, Jorhat' },
      verified: true,
      verifiedAt: '2026-12-01',
    });
    expect(cwc).toMatchObject({ districtId: 'jorhat', phones: [], referralPhone: '1098', verified: false });
    expect(cwc.serves).toEqual({ girls: true, boys: true, women: false, men: false });
    expect(result.list.provenance).toMatchObject({ source: 'verified.csv', importedAt: '2026-12-05T10:00:00.000Z', count: 2 });
    expect(result.list.provenance.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects the whole file when one row is broken, naming each bad line', () => {
    const broken = [
      csvHeader,
      csvRows[0],
      csvRows[1].replace('cwc-jorhat-test,cwc', 'cwc-x,shelter'),
      csvRows[0].replace('Jorhat,"Test', 'Atlantis,"Test'),
      csvRows[1].replace('26.75,94.2', '12.9,77.6').replace('children', 'kids'),
      csvRows[1].replace('cwc-jorhat-test', 'cwc-y').replace(',1098,', ',,'),
    ].join('\n');
    const result = parseImportFile('list.csv', broken, gazetteer, now);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byLine = (line: number) => result.problems.filter((p) => p.line === line).map((p) => p.message).join(' | ');
    expect(byLine(2)).toBe('');
    expect(byLine(3)).toMatch(/^kind: /);
    expect(byLine(6)).toMatch(/^phones: .*phone number or a referralPhone/);
    expect(byLine(4)).toMatch(/Atlantis.*not a district/);
    expect(byLine(4)).toMatch(/already on line 2/);
    expect(byLine(5)).toMatch(/coordinates\.lat/);
    expect(byLine(5)).toMatch(/serves: "kids"/);
  });

  it('names the header line when columns are missing or unknown, and a row with the wrong cell count', () => {
    const noPhones = parseImportFile('a.csv', 'id,kind,colour\nx,osc,red\n', gazetteer, now);
    expect(!noPhones.ok && noPhones.problems.map((p) => p.line)).toEqual([1, 1]);
    const short = parseImportFile('a.csv', `${csvHeader}\n\n${csvRows[0]}\nosc-x,osc\n`, gazetteer, now);
    expect(!short.ok && short.problems).toEqual([{ line: 4, message: '2 cells where the header has 18' }]);
  });

  it('reports an unclosed quote, an empty file and an unknown file type', () => {
    const unclosed = parseImportFile('a.csv', `${csvHeader}\n${csvRows[0]}\n"osc-y,osc\n`, gazetteer, now);
    expect(!unclosed.ok && unclosed.problems).toEqual([{ line: 3, message: 'a quoted field is never closed' }]);
    expect(parseImportFile('a.csv', `${csvHeader}\n`, gazetteer, now)).toEqual({ ok: false, problems: [{ line: 0, message: 'the file holds no services' }] });
    expect(parseImportFile('a.xlsx', 'x', gazetteer, now).ok).toBe(false);
  });

  it('reports a field the CSV reader rejected once, not again from the schema', () => {
    const row = csvRows[1].replace('children', 'kids').replace('test fixture,false', 'test fixture,maybe');
    const result = parseImportFile('a.csv', `${csvHeader}\n${row}\n`, gazetteer, now);
    expect(!result.ok && result.problems.map((p) => p.message.split(':')[0])).toEqual(['serves', 'verified']);
  });

  it('requires verifiedAt on a verified row', () => {
    const result = parseImportFile('a.csv', `${csvHeader}\n${csvRows[0].replace(',2026-12-01', ',')}\n`, gazetteer, now);
    expect(!result.ok && result.problems).toEqual([{ line: 2, message: expect.stringMatching(/^verifiedAt: .*says when/) }]);
  });
});

describe("the README's sample file", () => {
  it('passes the check except for the placeholder number it tells the operator to replace', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const sample = /## Service directory[\s\S]*?```csv\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const result = parseImportFile('sample.csv', sample, gazetteer, now);
    expect(!result.ok && result.problems).toEqual([{ line: 3, message: expect.stringMatching(/^phones\.0: /) }]);
    const fixed = parseImportFile('sample.csv', sample.replace('(office number)', '1098'), gazetteer, now);
    expect(fixed.ok && fixed.list.services.map((s) => [s.id, s.districtId])).toEqual([['osc-jorhat', 'jorhat'], ['cwc-jorhat', 'jorhat']]);
  });
});

describe('import file: JSON', () => {
  const valid = parseImportFile('v.csv', fixture, gazetteer, now);
  const services = valid.ok ? valid.list.services : [];

  it('accepts an array or an object with "services", and names the line of a broken entry', () => {
    const json = JSON.stringify({ services: [services[0], { ...services[1], phones: ['call me'] }] }, null, 2);
    const result = parseImportFile('list.json', json, gazetteer, now);
    const brokenLine = json.split('\n').findIndex((l, i, all) => l === '    {' && all.slice(0, i).some((x) => x === '    },')) + 1;
    expect(!result.ok && result.problems).toEqual([{ line: brokenLine, message: expect.stringMatching(/^phones\.0: a phone number/) }]);
    const array = parseImportFile('list.json', JSON.stringify(services), gazetteer, now);
    expect(array.ok && array.list.services.map((s) => s.id)).toEqual(['osc-jorhat-test', 'cwc-jorhat-test']);
  });

  it('rejects malformed JSON and unknown fields', () => {
    expect(parseImportFile('a.json', '[{', gazetteer, now)).toMatchObject({ ok: false, problems: [{ line: 0 }] });
    const extra = parseImportFile('a.json', JSON.stringify([{ ...services[0], colour: 'red' }]), gazetteer, now);
    expect(!extra.ok && extra.problems[0].message).toMatch(/colour/);
  });
});

describe('CSV reader', () => {
  it('keeps quoted commas, doubled quotes and line breaks, and the line each row starts on', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi""\nthere"\n\nlast,1')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, y', 'say "hi"\nthere'] },
      { line: 5, cells: ['last', '1'] },
    ]);
  });
});
