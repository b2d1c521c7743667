import { detectLanguage, type MarkerSets } from './language';
import { markerSets, PhraseMatcher, type Hit, type LexiconFile } from './lexicon';
import { loadLexicons } from './lexiconFiles';
import { MAX_CHARS, normalise, tokenise, type Token } from './normalise';
import { categoryOf, intentOf, isEmergency, riskOf, type Ages } from './rules';
import { presentSignals } from './signals';
import type { Understanding, Understood } from './types';

/** Oldest age that still makes a child in "14 saal", "১৪ বছৰীয়া", "13 year old". */
const ADULT_AGE = 18;

/**
 * The default reader: no network, lexicons from data/lexicons. Every language's lexicon is applied to
 * every message (people mix languages in one line), and language only decides the reply language.
 */
export class EmbeddedUnderstanding implements Understanding {
  private readonly matcher: PhraseMatcher;
  private readonly markers: MarkerSets;

  constructor(lexicons: readonly LexiconFile[] = loadLexicons()) {
    this.matcher = new PhraseMatcher(lexicons.flatMap((l) => Object.entries(l.signals)));
    this.markers = markerSets([...lexicons]);
  }

  async understand(text: string): Promise<Understood> {
    return this.classify(text);
  }

  classify(text: string): Understood {
    return this.read(text).understood;
  }

  /** The labels plus how sure the language guess alone is (Azure is asked only when it is weak). */
  read(text: string): { understood: Understood; languageConfidence: number } {
    const normalised = normalise(text.slice(0, MAX_CHARS));
    const tokens = tokenise(normalised);
    const guess = detectLanguage(normalised, tokens, this.markers);
    const hits = this.matcher.match(tokens);
    const signals = presentSignals(hits);
    const category = categoryOf(signals, agesIn(tokens, hits));
    const emergency = isEmergency(signals, category);
    const intent = intentOf(signals, category, emergency);
    const risk = riskOf(signals, category, emergency);
    const evidence = category !== null ? 0.9 : intent === 'other' ? 0.3 : 0.75;
    const understood: Understood = {
      language: guess.language,
      script: guess.script,
      intent,
      risk,
      category,
      confidence: Math.round(evidence * Math.max(guess.confidence, 0.5) * 100) / 100,
    };
    return { understood, languageConfidence: guess.confidence };
  }
}

/** Ages written as "14 saal", "১৪ বছৰীয়া", "13-year-old", "15yrs", "she is 25" (a number near a year word, or
 * a bare 18-99 after "is"/"aged"): whether a child's age and whether only adults' ages appear. */
function agesIn(tokens: Token[], hits: Hit[]): Ages {
  const yearStarts = new Set(hits.filter((h) => h.signal === 'year').map((h) => h.start));
  let minor = false;
  let adult = false;
  tokens.forEach((t, i) => {
    const m = /^(\d{1,2})([a-z]*)$/.exec(t.text);
    if (!m || Number(m[1]) === 0) return;
    const age = Number(m[1]);
    const yearWord = /^(y|yo|yr|yrs|years?)$/.test(m[2]) || yearStarts.has(i + 1);
    const afterIs = i > 0 && /^(is|aged|age|only|just|umar|boyos|বয়স)$/.test(tokens[i - 1].text);
    if (!yearWord && !afterIs) return;
    if (age < ADULT_AGE) minor = true;
    else adult = true;
  });
  return { minor, adultOnly: adult && !minor };
}
