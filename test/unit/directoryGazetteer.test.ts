import { loadDistricts } from '../../services/directory/districts';
import { loadGazetteer } from '../../services/directory/gazetteer';
import { editDistance, placeKey } from '../../services/directory/placeText';
import variants from '../../data/gazetteer/variants.json';

const gazetteer = loadGazetteer();
const districts = loadDistricts();
const resolved = (text: string): string | undefined => gazetteer.findPlace(text)?.district.id;

describe('gazetteer built from data/gazetteer/districts.csv', () => {
  it('holds the 35 districts with distinct ids', () => {
    expect(districts).toHaveLength(35);
    expect(new Set(districts.map((d) => d.id)).size).toBe(35);
    expect(gazetteer.district('sribhumi')?.hq.en).toBe('Sribhumi');
  });

  it.each(districts.flatMap((d) => (['as', 'hi', 'en'] as const).flatMap((lng) => [[d.id, lng, d.name[lng]], [d.id, lng, d.hq[lng]]])))(
    '%s resolves from its %s name %s, alone and inside a sentence',
    (id, _lng, name) => {
      expect(resolved(name)).toBe(id);
      expect(resolved(`help near ${name} please`)).toBe(id);
    },
  );

  it.each(Object.entries(variants).flatMap(([id, names]) => names.map((name) => [id, name])))('variant of %s: %s', (id, name) => {
    expect(resolved(name)).toBe(id);
  });

  it.each([
    ['Gauhati', 'kamrup-metropolitan'],
    ['guwahati', 'kamrup-metropolitan'],
    ['Sibsagar', 'sivasagar'],
    ['Karimganj', 'sribhumi'],
    ['North Lakhimpur', 'lakhimpur'],
    ['north-lakhimpur', 'lakhimpur'],
    ['Lakhimpur', 'lakhimpur'],
    ['Nowgong', 'nagaon'],
    ['Kamrup', 'kamrup'],
    ['Kamrup Metropolitan', 'kamrup-metropolitan'],
    ['West Karbi Anglong', 'west-karbi-anglong'],
    ['Karbi Anglong', 'karbi-anglong'],
    ['childline number in Jorhat', 'jorhat'],
    ['Tezpur ৰ ওচৰত পুলিচ', 'sonitpur'],
    ['गुवाहाटी में सबसे पास का पुलिस स्टेशन', 'kamrup-metropolitan'],
    ['শিলচর', 'cachar'],
    ['গুৱাহাটি', 'kamrup-metropolitan'],
    ['xivxagar', 'sivasagar'],
    ['DIBRUGARH!', 'dibrugarh'],
    ['যোৰহাটত চাইল্ড লাইনৰ নম্বৰ', 'jorhat'],
    ['গুৱাহাটীলৈ কেনেকৈ যাম', 'kamrup-metropolitan'],
    ['ডিব্ৰুগড়ৰ থানা', 'dibrugarh'],
    ["Jorhat's police", 'jorhat'],
  ])('%s → %s', (text, id) => {
    expect(resolved(text)).toBe(id);
  });

  it.each([
    ['Guwahatti', 'kamrup-metropolitan'],
    ['Guwhati', 'kamrup-metropolitan'],
    ['Dibrugrah', 'dibrugarh'],
    ['Tinsukai', 'tinsukia'],
    ['Golaghta', 'golaghat'],
    ['Bongaigoan', 'bongaigaon'],
    ['Kokrajahr', 'kokrajhar'],
    ['Hailakndi', 'hailakandi'],
    ['Dhemajii', 'dhemaji'],
    ['Sivasagr', 'sivasagar'],
    ['Morigoan', 'morigaon'],
    ['Biswanath Chariyali', 'biswanath'],
    ['Kamrup Metroplitan', 'kamrup-metropolitan'],
    ['ডিব্ৰুগড', 'dibrugarh'],
    ['तिनसुकीया', 'tinsukia'],
  ])('misspelling %s within tolerance → %s', (text, id) => {
    expect(resolved(text)).toBe(id);
  });

  it.each([
    '',
    'asdfgh',
    'qwertyuiop',
    'hello',
    'I need help',
    'where is the nearest police station',
    'childline number',
    'सबसे पास का पुलिस स्टेशन',
    'মোক সহায় লাগে',
    'Delhi',
    'Kolkata',
    'Shillong',
    'xyz',
    'Jorxyzhat',
  ])('nonsense or a place outside Assam does not resolve: %s', (text) => {
    expect(gazetteer.findPlace(text)).toBeUndefined();
  });

  it('offers the closest districts when nothing matched', () => {
    expect(gazetteer.closest('Dibrugarhpur', 3).map((d) => d.id)).toContain('dibrugarh');
    expect(gazetteer.closest('Jorxyzhat', 3).map((d) => d.id)).toContain('jorhat');
    expect(gazetteer.closest('where is the nearest one stop centre', 3)).toEqual([]);
  });
});

describe('place text folding', () => {
  it('folds case, spacing, র/ৰ, long vowels and romanisation habits', () => {
    expect(placeKey('North  Lakhimpur')).toBe(placeKey('north-lakhimpur'));
    expect(placeKey('শিলচর')).toBe(placeKey('শিলচৰ'));
    expect(placeKey('Shribhumi')).toBe(placeKey('Sribhumi'));
    expect(placeKey('तिनसुकीया')).toBe(placeKey('तिनसुकिया'));
  });

  it('counts edits with transpositions and stops past the limit', () => {
    expect(editDistance('jorhat', 'jorhat', 1)).toBe(0);
    expect(editDistance('jorhat', 'johrat', 1)).toBe(1);
    expect(editDistance('jorhat', 'dhubri', 1)).toBe(2);
  });
});
