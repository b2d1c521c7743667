import { loadResources, LANGUAGES } from '../../services/i18n';

type Tree = Record<string, unknown>;

function leaves(tree: unknown, path = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (tree !== null && typeof tree === 'object') {
    for (const [key, value] of Object.entries(tree as Tree)) {
      for (const [k, v] of leaves(value, path ? `${path}.${key}` : key)) out.set(k, v);
    }
  } else {
    out.set(path, tree);
  }
  return out;
}

const variables = (text: string): string[] => [...text.matchAll(/{{\s*([\w.]+)\s*}}/g)].map((m) => m[1]).sort();

const resources = loadResources();
const namespaces = [...new Set(LANGUAGES.flatMap((lng) => Object.keys(resources[lng])))].sort();

describe.each(namespaces)('locales namespace %s', (ns) => {
  const byLang = Object.fromEntries(LANGUAGES.map((lng) => [lng, leaves(resources[lng][ns] ?? {})]));
  const allKeys = [...new Set(LANGUAGES.flatMap((lng) => [...byLang[lng].keys()]))].sort();

  it.each(LANGUAGES)('exists in %s', (lng) => {
    expect(resources[lng][ns]).toBeDefined();
  });

  it.each(LANGUAGES)('has every key, none empty, in %s', (lng) => {
    const missing = allKeys.filter((k) => !byLang[lng].has(k));
    const empty = allKeys.filter((k) => byLang[lng].has(k) && String(byLang[lng].get(k)).trim() === '');
    expect({ missing, empty }).toEqual({ missing: [], empty: [] });
  });

  it('uses the same {{variables}} in every language', () => {
    const differing = allKeys.filter((k) => {
      const [as, hi, en] = LANGUAGES.map((lng) => JSON.stringify(variables(String(byLang[lng].get(k) ?? ''))));
      return as !== en || hi !== en;
    });
    expect(differing).toEqual([]);
  });

  it('writes Assamese with ৰ, never the Bengali র', () => {
    const bengaliRa = [...byLang.as].filter(([, v]) => String(v).includes('র')).map(([k]) => k);
    expect(bengaliRa).toEqual([]);
  });

  it('keeps numbers in ASCII digits', () => {
    const nativeDigits = LANGUAGES.flatMap((lng) => [...byLang[lng]].filter(([, v]) => /[০-৯०-९]/.test(String(v))).map(([k]) => `${lng}:${k}`));
    expect(nativeDigits).toEqual([]);
  });
});
