/**
 * Text preparation shared by every reader of a message. `normalise` is the public, reversible-looking
 * form (what a person would call "the same text"); `matchKey` folds further, only for lexicon matching,
 * so that spelling variants people really type meet one lexicon entry.
 */

/** Longest text the classifier reads: keeps the cost of one message bounded whatever arrives. */
export const MAX_CHARS = 10_000;

const INVISIBLES = /[\u200b-\u200d\u2060\ufeff\u00ad]/g; // ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const BENGALI_ZERO = 0x09e6;
const DEVANAGARI_ZERO = 0x0966;

/** NFC; ZWJ/ZWNJ and other invisibles removed; Bengali and Devanagari digits as ASCII; lower case. */
export function normalise(text: string): string {
  return text
    .normalize('NFC')
    .replace(INVISIBLES, '')
    .replace(CONTROLS, ' ')
    .replace(/[\u09e6-\u09ef\u0966-\u096f]/g, (d) => {
      const code = d.charCodeAt(0);
      return String(code - (code >= BENGALI_ZERO ? BENGALI_ZERO : DEVANAGARI_ZERO));
    })
    .toLowerCase();
}

/**
 * Folding for matching only. Native scripts: nukta, chandrabindu and anusvara dropped, long/short i and u
 * merged, Assamese ৰ/ৱ read as Bengali র/ব (so Assamese typed on a Bengali keyboard still matches).
 * Latin: the spelling freedom of romanised Hindi and Assamese (x/s/c, aspirated h, doubled letters,
 * ee/i, oo/u/o, w/v, y/i, z/j) collapsed into one skeleton.
 */
export function matchKey(token: string): string {
  let key = foldCache.get(token);
  if (key === undefined) {
    key = /[a-z]/.test(token) ? foldLatin(token) : foldNative(token);
    if (foldCache.size >= FOLD_CACHE_LIMIT) foldCache.clear();
    foldCache.set(token, key);
  }
  return key;
}

/** Words repeat across messages, folding them is most of the work: remember recent ones (bounded). */
const FOLD_CACHE_LIMIT = 50_000;
const foldCache = new Map<string, string>();

function foldNative(token: string): string {
  if (!/[\u0900-\u09ff'’]/.test(token)) return token; // digits and other scripts: nothing to fold
  return token
    .replace(/'|’|\u093c|\u09bc|\u0901|\u0902|\u0981/g, '') // apostrophe, nukta, chandrabindu, anusvara
    .replace(/\u0940/g, '\u093f')
    .replace(/\u0942/g, '\u0941')
    .replace(/\u09c0/g, '\u09bf')
    .replace(/\u09c2/g, '\u09c1')
    .replace(/\u09f0/g, '\u09b0')
    .replace(/\u09f1/g, '\u09ac')
    .replace(/(.)\1+/g, (run, ch: string) => (isVowel(ch.charCodeAt(0)) ? ch : run));
}

/** A vowel sign or vowel letter typed again and again for stress ("বচাওওও", "बचाओओ", "মাাাৰ"): once. Consonants
 * are left alone, they repeat in real words (ককাই, মমতা). */
function isVowel(code: number): boolean {
  return (code >= 0x0905 && code <= 0x0914) || (code >= 0x093e && code <= 0x094c) || (code >= 0x0985 && code <= 0x0994) || (code >= 0x09be && code <= 0x09cc);
}

function foldLatin(token: string): string {
  let word = token.replace(/[^a-z0-9]/g, '');
  if (word === 'h') word = 'hai';
  else if (/^(rh|kr|nh)/.test(word)) word = expandShorthand(word);
  else word = TEXT_SPEAK.get(word) ?? word;
  return word
    .replace(/ph/g, 'f')
    .replace(/ck|q/g, 'k')
    .replace(/([bcdgjkpstrx])h+/g, '$1')
    .replace(/[xc]/g, 's')
    .replace(/z/g, 'j')
    .replace(/w/g, 'v')
    .replace(/y/g, 'i')
    .replace(/ee/g, 'i')
    .replace(/o/g, 'u')
    .replace(/(.)\1+/g, '$1');
}

/** Romanised words typed without their vowels, as in text messages, written out before folding: "mrte" = marte,
 * "bht" = bahut, "gya" = gaya, "mjhe" = mujhe. Only shapes no other word takes (no English word is spelt "mrta"). */
const TEXT_SPEAK: ReadonlyMap<string, string> = new Map([
  // Hindi: beat/die, time, help, fear
  ['mrta', 'marta'], ['mrte', 'marte'], ['mrti', 'marti'], ['mrna', 'marna'], ['mrne', 'marne'], ['mra', 'mara'], ['mri', 'mari'],
  // romanised Assamese: "mrbo" = moribo, "mrim" = morim (will die)
  ['mrbo', 'moribo'], ['mribo', 'moribo'], ['mrim', 'morim'],
  ['mrke', 'marke'], ['mrunga', 'marunga'], ['mrungi', 'marungi'], ['mrdalega', 'mardalega'], ['mrdenge', 'mardenge'],
  ['ptai', 'pitai'], ['ptte', 'pitte'], ['pitta', 'pitte'],
  ['bht', 'bahut'], ['bhot', 'bahut'], ['bhut', 'bahut'], ['jldi', 'jaldi'], ['jldy', 'jaldi'], ['abi', 'abhi'],
  ['bchao', 'bachao'], ['bchalo', 'bachalo'], ['bcha', 'bacha'], ['bchaa', 'bacha'], ['bachaoo', 'bachao'],
  ['mje', 'mujhe'], ['mjhe', 'mujhe'], ['mujhy', 'mujhe'], ['mjhko', 'mujhko'], ['mjhse', 'mujhse'],
  ['ghr', 'ghar'], ['pta', 'pata'], ['kch', 'kuch'], ['kuchh', 'kuch'], ['sb', 'sab'], ['tk', 'tak'], ['pr', 'par'],
  ['gya', 'gaya'], ['gyi', 'gayi'], ['gye', 'gaye'], ['gyaa', 'gaya'], ['lg', 'lag'], ['lgta', 'lagta'], ['lgti', 'lagti'],
  ['lga', 'laga'], ['dr', 'dar'], ['drr', 'dar'], ['jna', 'jina'],
  ['chhte', 'chhute'], ['gnda', 'ganda'], ['gndi', 'gandi'], ['glt', 'galat'], ['shdi', 'shadi'], ['bhg', 'bhag'], ['lpta', 'lapata'], ['lapta', 'lapata'], ['gyb', 'gayab'],
  ['sucide', 'suicide'], ['suside', 'suicide'], ['sucied', 'suicide'], ['suiside', 'suicide'], ['sewside', 'suicide'],
  // Assamese and Bengali
  ['mk', 'mok'], ['amk', 'amake'], ['ekhn', 'ekhon'], ['etiy', 'etiya'], ['etya', 'etiya'], ['bhy', 'bhoy'],
  // English text-speak
  ['pls', 'please'], ['plz', 'please'], ['plzz', 'please'], ['pleez', 'please'], ['plis', 'please'], ['rn', 'now'],
  ['hlp', 'help'], ['halp', 'help'], ['u', 'you'], ['kil', 'kill'], ['dnt', 'dont'], ['wnt', 'want'],
]);

/** Texting shorthand of romanised Hindi written out: "rha/rhe" = raha/rahe, "kr/krte" = kar/karte, "nhi" = nahi ("h" = hai above). */
function expandShorthand(word: string): string {
  if (/^rh[aeiou]/.test(word)) return `rah${word.slice(2)}`;
  if (/^nh[aeiou]/.test(word)) return `nah${word.slice(2)}`;
  if (/^kr($|[aeiou]|n[aei]|t[aei]|k[ei])/.test(word)) return `kar${word.slice(2)}`;
  return word;
}

export interface Token {
  /** the word as normalised */
  text: string;
  /** the folded form lexicons are matched against */
  key: string;
  /** index of the clause (split at punctuation) the word sits in: negation does not cross it */
  clause: number;
}

const WORD_OR_STOP = /[\p{L}\p{M}\p{N}'’]+|[.!?;:,।॥\n]/gu;

/** Words of a normalised text, with clause numbers; apostrophes at a word's edges are dropped. */
export function tokenise(normalised: string): Token[] {
  const tokens: Token[] = [];
  let clause = 0;
  for (const match of normalised.matchAll(WORD_OR_STOP)) {
    const piece = match[0].replace(/^['’]+|['’]+$/g, '');
    if (piece.length === 0) continue;
    if (/^[.!?;:,।॥\n]$/.test(piece)) {
      clause += 1;
      continue;
    }
    const key = matchKey(piece);
    if (key.length > 0) tokens.push({ text: piece, key, clause });
  }
  return tokens;
}
