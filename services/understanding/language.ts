import type { Token } from './normalise';
import type { Language, Script } from './types';

/**
 * Language and script of one message, from its letters and its function words.
 * - Devanagari → Hindi.
 * - Bengali-Assamese script → Assamese when ৰ/ৱ appear or Assamese words outweigh Bengali ones (Assamese
 *   typed on a Bengali keyboard has র for ৰ and ব for ৱ, so the words decide), else Bengali.
 * - Latin → whichever of English, romanised Hindi, romanised Assamese, romanised Bengali has most
 *   marker words; a few Assamese verb endings count too.
 */
export interface LanguageGuess {
  language: Language;
  script: Script;
  /** 0..1 */
  confidence: number;
}

const ASSAMESE_ONLY_LETTERS = /[\u09f0\u09f1]/; // ৰ ৱ
/** Bengali spellings Assamese never uses: progressive চ্ছ, past -লাম, polite -ুন, -েছে perfect. */
const BENGALI_ENDINGS = /(চ্ছ|লাম$|লেন$|ছেন$|েছে$|েছি$|য়েছ|ুন$|বেন$)/;
/** Assamese verb endings: -িছে/-িছো perfect, -িব future, -ত locative on nouns. */
const ASSAMESE_ENDINGS = /(িছ[েোা]$|িব$|িবা$|িলে$|ছো$|ৰ$)/;
/** Romanised Assamese verb/case endings, e.g. marise, korichhe, koribo, ghorot. */
const ROMAN_ASSAMESE_ENDINGS = /^[a-z]{2,}(ise|ice|ichhe|iche|isu|isil|ibo|ibu|iboi|ot)$/;
/** Romanised Bengali verb endings: feleche, korse, jaitese, chilo. */
const ROMAN_BENGALI_ENDINGS = /^[a-z]{2,}(eche|echi|rse|rsi|lse|lsi|tese|tesi|teche|techi|tase|tasi|chilo|silo)$/;
/** Words those endings would misread: English (police, horse) and romanised Hindi (peeche, neeche). */
const ENDING_LOOKALIKES = new Set([
  'office', 'police', 'service', 'notice', 'practice', 'advice', 'advise', 'otherwise', 'rise', 'nice', 'price',
  'twice', 'device', 'justice', 'choice', 'voice', 'promise', 'exercise', 'surprise', 'wise', 'raise', 'noise',
  'horse', 'nurse', 'worse', 'purse', 'course', 'else', 'false', 'pulse', 'verse', 'reverse', 'universe', 'diverse', 'coarse',
  'hoarse', 'sparse', 'peeche', 'neeche', 'beche', 'kheeche', 'piche', 'niche',
  'robot', 'spot', 'forgot', 'shot', 'knot', 'slot', 'plot', 'parrot', 'carrot', 'idiot', 'pilot', 'ballot', 'hot',
]);

export type MarkerSets = Map<string, Set<string>>;

interface Counts { bengali: number; devanagari: number; latin: number }

function countScripts(text: string): Counts {
  const counts: Counts = { bengali: 0, devanagari: 0, latin: 0 };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x0980 && c <= 0x09ff) counts.bengali++;
    else if (c >= 0x0900 && c <= 0x097f) counts.devanagari++;
    else if (c >= 0x61 && c <= 0x7a) counts.latin++;
  }
  return counts;
}

function markerScore(tokens: Token[], markers: Set<string> | undefined): number {
  if (!markers) return 0;
  let score = 0;
  for (const t of tokens) if (markers.has(t.text)) score++;
  return score;
}

export function detectLanguage(normalised: string, tokens: Token[], markers: MarkerSets): LanguageGuess {
  const counts = countScripts(normalised);
  const total = counts.bengali + counts.devanagari + counts.latin;
  if (total === 0) return { language: 'en', script: 'romanised', confidence: 0 };
  if (counts.devanagari >= counts.bengali && counts.devanagari >= counts.latin) {
    return { language: 'hi', script: 'native', confidence: 0.95 };
  }
  if (counts.bengali >= counts.latin) return assameseOrBengali(normalised, tokens, markers);
  return romanised(tokens, markers);
}

function assameseOrBengali(normalised: string, tokens: Token[], markers: MarkerSets): LanguageGuess {
  const native = tokens.filter((t) => /[\u0980-\u09ff]/.test(t.text));
  let as = markerScore(native, markers.get('as')) + (ASSAMESE_ONLY_LETTERS.test(normalised) ? 3 : 0);
  let bn = markerScore(native, markers.get('bn'));
  for (const t of native) {
    if (BENGALI_ENDINGS.test(t.text)) bn += 0.5;
    else if (ASSAMESE_ENDINGS.test(t.text)) as += 0.5;
  }
  if (as === bn) {
    // No evidence either way: without ৰ an Assamese keyboard was not used, so Bengali is likelier.
    return { language: normalised.includes('\u09b0') ? 'bn' : 'as', script: 'native', confidence: 0.5 };
  }
  const language: Language = as > bn ? 'as' : 'bn';
  return { language, script: 'native', confidence: Math.min(0.99, 0.6 + Math.abs(as - bn) * 0.1) };
}

/** Scanned in this order with a strict comparison: a tie with English goes to the Indian language. */
const ROMAN_ORDER: Language[] = ['hi', 'as', 'bn', 'en'];
const ENGLISH_WEIGHT = 0.9;

function romanised(tokens: Token[], markers: MarkerSets): LanguageGuess {
  const scores = new Map<Language, number>(ROMAN_ORDER.map((l) => [l, markerScore(tokens, markers.get(l))]));
  // Romanised Hindi and Assamese borrow English words freely; English rarely borrows theirs, so a tie goes to them.
  scores.set('en', (scores.get('en') ?? 0) * ENGLISH_WEIGHT);
  // "ki ki" (what all) is Assamese and Bengali; Hindi says "kya kya", its "ki" (of, that) is never doubled.
  for (let i = 1; i < tokens.length; i++) {
    if (tokens[i].text === 'ki' && tokens[i - 1].text === 'ki') scores.set('hi', Math.max(0, (scores.get('hi') ?? 0) - 2));
  }
  for (const t of tokens) {
    if (ENDING_LOOKALIKES.has(t.text)) continue;
    if (ROMAN_ASSAMESE_ENDINGS.test(t.text)) scores.set('as', (scores.get('as') ?? 0) + 0.5);
    else if (ROMAN_BENGALI_ENDINGS.test(t.text)) scores.set('bn', (scores.get('bn') ?? 0) + 0.5);
  }
  let best: Language = 'en';
  let bestScore = 0;
  let second = 0;
  for (const language of ROMAN_ORDER) {
    const score = scores.get(language) ?? 0;
    if (score > bestScore) {
      second = bestScore;
      best = language;
      bestScore = score;
    } else if (score > second) second = score;
  }
  const confidence = bestScore === 0 ? 0.4 : Math.min(0.99, 0.55 + (bestScore - second) * 0.1);
  return { language: best, script: 'romanised', confidence };
}
