import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGazetteer } from '../../services/directory/gazetteer';
import { asciiDigits, importPincodeDirectory, loadPinCodes, parseExactTable, parsePrefixTable, PinCodes, PREFIX_FILE, readPinCode } from '../../services/directory/pincodes';
import { dataDir } from '../../services/paths';

const gazetteer = loadGazetteer();
const d = (id: string) => gazetteer.district(id)!;
/** A table of the test's own, so one-candidate and several-candidate prefixes do not depend on the shipped data. */
const pins = new PinCodes(
  new Map([
    ['785', [d('jorhat'), d('golaghat')]],
    ['786', [d('tinsukia')]],
  ]),
  new Map([['785001', [d('jorhat')]]]),
);
const ids = (lookup: ReturnType<PinCodes['lookup']> | undefined) => (lookup?.kind === 'assam' ? lookup.districts.map((x) => x.id) : lookup?.kind);

describe('PIN code lookup', () => {
  it('a prefix with one candidate district decides it', () => {
    expect(pins.lookup('786125')).toEqual({ kind: 'assam', districts: [d('tinsukia')], exact: false });
  });

  it('a prefix with several candidates gives them all, for the person to pick', () => {
    expect(ids(pins.lookup('785640'))).toEqual(['jorhat', 'golaghat']);
  });

  it("the operator's whole-PIN table wins over the prefix table", () => {
    expect(pins.lookup('785001')).toEqual({ kind: 'assam', districts: [d('jorhat')], exact: true });
  });

  it('a PIN of another State is outside Assam; an Assam-looking one with no row is unknown', () => {
    expect(pins.lookup('110001').kind).toBe('outsideAssam');
    expect(pins.lookup('795001').kind).toBe('outsideAssam');
    expect(pins.lookup('781005').kind).toBe('unknown');
  });

  it('anything but 6 digits is the wrong length', () => {
    for (const pin of ['78100', '7810051', '', 'abcdef']) expect(pins.lookup(pin).kind).toBe('badLength');
  });

  it('reads a PIN in a message, in Bengali/Assamese or Devanagari digits too', () => {
    expect(asciiDigits('৭৮৬১২৫ / ७८६१२५')).toBe('786125 / 786125');
    for (const text of ['786125', '৭৮৬১২৫', '७८६१२५', 'PIN 786 125', 'my pin code is 786-125', 'পিন কোড ৭৮৬১২৫']) {
      expect(ids(pins.lookupText(text))).toEqual(['tinsukia']);
    }
  });

  it('a message of only digits, not six, is the wrong length; a phone number or a sentence is no PIN', () => {
    expect(readPinCode('7810')).toEqual({ digits: '7810' });
    expect(pins.lookupText('৭৮১০')?.kind).toBe('badLength');
    expect(pins.lookupText('pin 78612')?.kind).toBe('badLength');
    expect(pins.lookupText('call me on 98765 43210 please')).toBeUndefined();
    expect(pins.lookupText('+91 9876543210')).toBeUndefined();
    expect(pins.lookupText('Jorhat')).toBeUndefined();
    expect(pins.lookupText('I am 12 years old')).toBeUndefined();
  });
});

describe('the shipped prefix table (data/gazetteer/pincode-prefixes.csv)', () => {
  const text = readFileSync(join(dataDir(), PREFIX_FILE), 'utf8');
  const table = parsePrefixTable(text, gazetteer);

  it('covers 781 to 788, every district of Assam in at least one prefix', () => {
    expect([...table.keys()].sort()).toEqual(['781', '782', '783', '784', '785', '786', '787', '788']);
    const named = new Set([...table.values()].flat().map((x) => x.id));
    expect(gazetteer.districts.filter((x) => !named.has(x.id)).map((x) => x.id)).toEqual([]);
  });

  it('says it is unverified, row by row and in its header, and never decides a district alone', () => {
    expect(text).toMatch(/UNVERIFIED/);
    expect(text).toMatch(/All India Pincode Directory on data\.gov\.in/);
    const rows = text.split('\n').filter((l) => /^78\d,/.test(l));
    expect(rows).toHaveLength(8);
    for (const row of rows) expect(row.split(',')[2]).toBe('no');
    for (const candidates of table.values()) expect(candidates.length).toBeGreaterThan(1);
  });

  it('is what the service loads, and a Guwahati PIN offers Kamrup Metropolitan among others', () => {
    const lookup = loadPinCodes(gazetteer).lookup('781005');
    expect(lookup.kind === 'assam' && lookup.districts.map((x) => x.id)).toContain('kamrup-metropolitan');
  });

  it('refuses a table naming an unknown district or a prefix outside Assam', () => {
    expect(() => parsePrefixTable('prefix,districts,verified,source\n781,atlantis,no,x\n', gazetteer)).toThrow('unknown district id "atlantis"');
    expect(() => parsePrefixTable('prefix,districts,verified,source\n110,jorhat,no,x\n', gazetteer)).toThrow('781-788');
  });
});

describe('importing India Post\'s All India Pincode Directory', () => {
  const directory = [
    'circlename,regionname,divisionname,officename,pincode,officetype,delivery,district,statename,latitude,longitude',
    'Assam Circle,Guwahati,Guwahati,Pan Bazar S.O,781001,S.O,Delivery,KAMRUP METRO,ASSAM,26.18,91.74',
    'Assam Circle,Dibrugarh,Sibsagar,Nazira S.O,785685,S.O,Delivery,SIBSAGAR,ASSAM,,',
    'Assam Circle,Dibrugarh,Sibsagar,Border B.O,785685,B.O,Delivery,CHARAIDEO,ASSAM,,',
    'Assam Circle,Dibrugarh,Nowhere,Odd B.O,785999,B.O,Delivery,ATLANTIS,ASSAM,,',
    'Delhi Circle,Delhi,New Delhi,Connaught Place,110001,H.O,Delivery,NEW DELHI,DELHI,,',
  ].join('\n');

  it('keeps Assam rows, maps old district names, and lists every district a PIN code is given', () => {
    const result = importPincodeDirectory(directory, gazetteer, 'test import');
    expect(result).toMatchObject({ pins: 2, assamRows: 4, unknownDistricts: ['ATLANTIS'], oddPins: 0 });
    const table = parseExactTable(result.csv, gazetteer);
    expect(table.get('781001')?.map((x) => x.id)).toEqual(['kamrup-metropolitan']);
    expect(table.get('785685')?.map((x) => x.id)).toEqual(['charaideo', 'sivasagar']);
    expect(table.has('110001')).toBe(false);
  });

  it('accepts the older column name districtname, and refuses a file without the columns', () => {
    const older = 'pincode,districtname,statename\n788001,Cachar,Assam\n';
    expect(importPincodeDirectory(older, gazetteer, 'x').pins).toBe(1);
    expect(() => importPincodeDirectory('a,b\n1,2\n', gazetteer, 'x')).toThrow('expected the columns');
  });
});
