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
  return editDistanceOf(Array.from(a), Array.from(b), max);
}

/** editDistance over strings already split into code points (a caller comparing many names splits each once). */
export function editDistanceOf(s: readonly string[], t: readonly string[], max: number): number {
  if (Math.abs(s.length - t.length) > max) return max + 1;
  const width = t.length + 1;
  // Three rolling rows (two back, for transpositions), reused instead of one array per row.
  let prevPrev = new Int32Array(width);
  let prev = new Int32Array(width);
  let row = new Int32Array(width);
  for (let j = 0; j < width; j++) prev[j] = j;
  for (let i = 1; i <= s.length; i++) {
    const si = s[i - 1];
    row[0] = i;
    let rowMin = i;
    for (let j = 1; j < width; j++) {
      const tj = t[j - 1];
      let d = prev[j - 1] + (si === tj ? 0 : 1);
      if (prev[j] + 1 < d) d = prev[j] + 1;
      if (row[j - 1] + 1 < d) d = row[j - 1] + 1;
      if (i > 1 && j > 1 && si === t[j - 2] && s[i - 2] === tj && prevPrev[j - 2] + 1 < d) d = prevPrev[j - 2] + 1;
      row[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    const spare = prevPrev;
    prevPrev = prev;
    prev = row;
    row = spare;
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
