// Folding of place names so that the spellings people actually type meet: case, accents,
// long/short vowel signs, র/ৰ (Bengali and Assamese keyboards), nukta and chandrabindu, and a few
// romanisation habits (sh/s, x for স in romanised Assamese, z/j, w/v, ee/i, oo/u, doubled letters).

const DROP = /[\u0300-\u036f\u09bc\u093c\u0981\u200c\u200d]/g;
const CHAR_FOLDS: Record<string, string> = {
  '\u09b0': '\u09f0', // Bengali ra → Assamese ra
  '\u09c0': '\u09bf', // Bengali ii sign → i sign
  '\u09c2': '\u09c1', // Bengali uu sign → u sign
  '\u0940': '\u093f', // Devanagari ii sign → i sign
  '\u0942': '\u0941', // Devanagari uu sign → u sign
  '\u0901': '\u0902', // Devanagari chandrabindu → anusvara
  '\u0908': '\u0907', // Devanagari II → I
  '\u090a': '\u0909', // Devanagari UU → U
  '\u0988': '\u0987', // Bengali II → I
  '\u098a': '\u0989', // Bengali UU → U
};
const CHAR_FOLD_PATTERN = new RegExp(Object.keys(CHAR_FOLDS).join('|'), 'g');
const LATIN_FOLDS: Array<[RegExp, string]> = [
  [/sh/g, 's'],
  [/x/g, 's'],
  [/z/g, 'j'],
  [/w/g, 'v'],
  [/ee/g, 'i'],
  [/oo/g, 'u'],
  [/([a-z])\1+/g, '$1'],
];

/** Splits text into words of letters, marks and digits, folded but not yet glued. */
export function placeWords(text: string): string[] {
  return text
    .normalize('NFD')
    .toLowerCase()
    .replace(DROP, '')
    .replace(CHAR_FOLD_PATTERN, (ch) => CHAR_FOLDS[ch])
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .filter((word) => word !== '')
    .map((word) => LATIN_FOLDS.reduce((w, [pattern, replacement]) => w.replace(pattern, replacement), word));
}

/** The matching key of a place name: its folded words glued together ("N. Lakhimpur" → "nlakhimpur"). */
export function placeKey(text: string): string {
  return placeWords(text).join('');
}

/**
 * Edit distance with adjacent transpositions (optimal string alignment), by code point, giving up
 * early once the distance must exceed `max` (the caller only cares about small distances).
 */
export function editDistance(a: string, b: string, max: number): number {
  const s = Array.from(a);
  const t = Array.from(b);
  if (Math.abs(s.length - t.length) > max) return max + 1;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, prevPrev[j - 2] + 1);
      row.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > max) return max + 1;
    prevPrev = prev;
    prev = row;
  }
  return prev[t.length];
}

/** How many edits a typed name may be off by: none for short names, where one edit makes another word. */
export function toleranceFor(key: string): number {
  const length = Array.from(key).length;
  if (length >= 10) return 2;
  if (length >= 6) return 1;
  return 0;
}
