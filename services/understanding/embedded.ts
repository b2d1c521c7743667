import { detectLanguage, type MarkerSets } from './language';
import { markerSets, PhraseMatcher, type Hit, type LexiconFile } from './lexicon';
import { loadLexicons } from './lexiconFiles';
import { MAX_CHARS, matchKey, normalise, tokenise, type Token } from './normalise';
import { loadLabelModels, NO_CATEGORY, type LabelModels } from './labelModel';
import { categoryOf, intentOf, isEmergency, riskOf, type Ages } from './rules';
import { loadRiskModel, type RiskModel } from './riskModel';
import { presentSignals, type Signal, type SignalSet } from './signals';
import { FeatureReader, type TextFeatures } from './textFeatures';
import type { Category, Intent, Understanding, Understood } from './types';

/** Oldest age that still makes a child in "14 saal", "১৪ বছৰীয়া", "13 year old". */
const ADULT_AGE = 18;
/** Fewest words a message needs before the learnt models are asked. */
const MODEL_MIN_WORDS = 3;
/**
 * How sure a label model must be to fill a gap the rules left (intent `other`, no category), and to
 * overrule a label the rules gave: fill 0.5-0.65 × overrule 0.65-0.85 tried leave-one-file-out over the
 * fixtures, each set read by models that had not learnt from it. Over the eleventh to twenty-second sets
 * (3,160 lines, 2026-12-06): intent 79.0 → 89.5 %, category 79.9 → 88.1 %, high-risk recall 96.6 → 97.3 %,
 * precision 87.6 → 87.1 %. README's table has the sets written blind and read once.
 */
const FILL_GAP = 0.5;
const OVERRULE = 0.7;
/** Words that name a teacher or a school: without one the intent model may not read a teacher's question. */
const TEACHER_SIGNALS: readonly Signal[] = ['teacher_role', 'role', 'school_actor', 'school'];
/** Intents that carry the harm they are about. */
const CASE_INTENTS: ReadonlySet<Intent> = new Set(['emergency', 'report_concern', 'teacher_guidance']);

/** The readers learnt from the labelled fixtures (data/models); any may be left out. */
export interface LearntReaders {
  risk?: RiskModel;
  labels?: LabelModels;
}

export function loadLearntReaders(): LearntReaders {
  return { risk: loadRiskModel(), labels: loadLabelModels() };
}

/**
 * The default reader: no network, lexicons from data/lexicons. Every language's lexicon is applied to
 * every message (people mix languages in one line), and language only decides the reply language.
 * Learnt models (data/models) read beside the lexicons: the risk model can only raise danger; the
 * intent and category models fill the rules' gaps and overrule them when sure, but never take an
 * emergency away.
 */
export class EmbeddedUnderstanding implements Understanding {
  private readonly matcher: PhraseMatcher;
  private readonly markers: MarkerSets;
  private readonly features = new FeatureReader();

  constructor(
    lexicons: readonly LexiconFile[] = loadLexicons(),
    private readonly models: LearntReaders = loadLearntReaders(),
  ) {
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
    const ages = agesIn(normalised, tokens, hits);
    const ruleCategory = categoryOf(signals, ages);
    const emergency = isEmergency(signals, ruleCategory);
    const ruleIntent = intentOf(signals, ruleCategory, emergency);
    const lexiconRisk = riskOf(signals, ruleCategory, emergency);
    let intent = ruleIntent;
    let category = ruleCategory;
    let risk = lexiconRisk;
    // A word or two ("help", "menu", "bachao") is for the word lists: commands and cries are listed there,
    // and the models, which learnt from whole sentences, read "help" alone as a cry.
    if (tokens.length >= MODEL_MIN_WORDS && (this.models.risk || this.models.labels)) {
      const features = this.features.read(normalised);
      // Where the lists explained harm words away (negated, a game, an essay), the models may not bring harm back.
      const mayRaise = !explainedAway(hits, signals, ages);
      if (this.models.labels) {
        ({ intent, category } = this.overrule(ruleIntent, ruleCategory, signals, mayRaise, this.models.labels, features));
        if (mayRaise && risk === 'normal') risk = riskOf(signals, category, intent === 'emergency');
      }
      if (mayRaise && risk === 'normal' && this.models.risk?.isHigh(features)) risk = 'high';
    }
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

  /** The rules' intent and category, with the label models' sure readings put in (see FILL_GAP, OVERRULE). */
  private overrule(
    intent: Intent,
    category: Category | null,
    signals: SignalSet,
    mayRaise: boolean,
    models: LabelModels,
    features: TextFeatures,
  ): { intent: Intent; category: Category | null } {
    const readIntent = models.intent.read(features);
    const sure = (reading: { probability: number }, gap: boolean) => reading.probability > OVERRULE || (gap && reading.probability > FILL_GAP);
    // An emergency the rules saw is never taken away (the emergency answer is the safer mistake), nor a case the
    // user asked to report ("I want to report child labour": a name the model learnt mostly from school projects).
    // Where the lists explained the harm words away, the model may not turn the message into a case; and it
    // reads a teacher only where a teacher or a school is named.
    const toCase = CASE_INTENTS.has(readIntent.label);
    const intentMayChange =
      intent !== 'emergency' &&
      readIntent.label !== intent &&
      (mayRaise || !toCase) &&
      !(signals.has('report') && CASE_INTENTS.has(intent) && !toCase) &&
      (readIntent.label !== 'teacher_guidance' || TEACHER_SIGNALS.some((s) => signals.has(s)));
    if (intentMayChange && sure(readIntent, intent === 'other')) intent = readIntent.label;
    // Only a case carries a category, and only where the lists did not explain the harm words away.
    if (!CASE_INTENTS.has(intent)) return { intent, category: null };
    if (!mayRaise) return { intent, category };
    const readCategory = models.category.read(features);
    if (readCategory.label !== NO_CATEGORY && readCategory.label !== category && sure(readCategory, category === null)) category = readCategory.label;
    return { intent, category };
  }
}

/**
 * Whether the lexicons saw words of harm and read them as something else: negated ("nobody hits me"),
 * an idiom or a game ("mar gaya main toh"), the topic of an essay, film or the news, a safety
 * statement, or a wedding of adults. The learnt readers cannot tell these apart, so they may not raise harm there.
 */
function explainedAway(hits: Hit[], signals: ReadonlySet<string>, ages: Ages): boolean {
  if (ages.adultOnly || signals.has('topic') || signals.has('safe')) return true;
  // "I don't want to die" is explained; "I don't want to be here any more" is the danger itself.
  const aboutDying = hits.some((h) => h.signal === 'self_harm' || h.signal === 'die');
  return hits.some((h) => h.signal !== 'negation' && h.signal !== 'end' && !signals.has(h.signal) && (h.signal !== 'want' || aboutDying));
}

/** Ages written as "14 saal", "১৪ বছৰীয়া", "13-year-old", "15yrs", "she is 25", "my cousin (16)" (a number near a
 * year word, a bare number after "is"/"aged", or alone in brackets): whether a child's age and whether only adults' ages appear. */
function agesIn(normalised: string, tokens: Token[], hits: Hit[]): Ages {
  const yearStarts = new Set(hits.filter((h) => h.signal === 'year').map((h) => h.start));
  let minor = false;
  let adult = false;
  for (const [, n] of normalised.matchAll(BRACKETED_AGE)) {
    if (Number(n) < ADULT_AGE) minor = true;
    else adult = true;
  }
  tokens.forEach((t, i) => {
    const m = /^(\d{1,2})([a-z]*)$/.exec(t.text);
    const spelt = m ? undefined : NUMBER_WORDS.get(t.key);
    if (!m && spelt === undefined) return;
    const age = m ? Number(m[1]) : (spelt as number);
    if (age === 0) return;
    // "15 y/o" is cut into "15", "y", "o".
    const yearWord = (m !== null && /^(y|yo|yr|yrs|years?)$/.test(m[2])) || yearStarts.has(i + 1) || tokens[i + 1]?.text === 'y';
    const afterIs = i > 0 && AGE_LEADS.has(tokens[i - 1].text);
    // "wo 15 ki hai", "bhai 12 ka hai": a bare number, "ki/ka/ke", then a copula.
    const hindiAge = m !== null && i + 2 < tokens.length && AGE_POSSESSIVES.has(tokens[i + 1].text) && AGE_COPULAS.has(tokens[i + 2].text);
    // "8th class", "class 7", "कक्षा 8": a child in school, whatever other ages the line gives.
    const schoolClass = m !== null && age <= 12 && (CLASS_WORDS.has(tokens[i + 1]?.text) || (i > 0 && CLASS_WORDS.has(tokens[i - 1].text)));
    if (schoolClass) minor = true;
    if (!yearWord && !afterIs && !hindiAge) return;
    if (age < ADULT_AGE) minor = true;
    else adult = true;
  });
  return { minor, adultOnly: adult && !minor };
}

/** "(16)", "(16 yrs)", "(৮ বছৰ)" right after a word ("my cousin (16)"; not a list's "(1)"): digits are ASCII after normalising. */
const BRACKETED_AGE = /(?<=[\p{L}\p{M}] ?)\(\s*([1-9]\d?)\s*(?:y|yo|yrs?|years?|saal|sal|বছৰ|বছর|साल|bosor|bochor)?\s*\)/gu;
const CLASS_WORDS: ReadonlySet<string | undefined> = new Set(['class', 'std', 'standard', 'grade', 'কক্ষা', 'কেলাছ', 'ক্লাছ', 'ক্লাস', 'श्रेणी', 'कक्षा', 'क्लास']);
const AGE_POSSESSIVES = new Set(['ki', 'ka', 'ke', 'की', 'का', 'के']);
const AGE_COPULAS = new Set(['hai', 'h', 'he', 'hain', 'thi', 'tha', 'hu', 'hoon', 'है', 'हैं', 'थी', 'था', 'हूं', 'हूँ']);

/** Words that come before a bare age: "she is 15", "only 14", "umar 13", "মাত্ৰ ১৫", "सिर्फ 16". */
const AGE_LEADS = new Set([
  'is', "she's", "he's", 'shes', 'hes', 'aged', 'age', 'only', 'just', 'umar', 'umr', 'boyos', 'বয়স', 'বয়স', 'matro', 'matra', 'sirf', 'keval', 'kewal',
  'মাত্ৰ', 'মাত্র', 'শুধু', 'सिर्फ', 'केवल', 'मात्र', 'उम्र', 'उमर', 'বয়স', 'বয়স',
]);

/** Ages written as words (1-19 and round adult ages), in English, Hindi, Assamese and Bengali, native and romanised.
 * Matched on the folded key, so spelling variants (chaudah/choudah, পোন্ধৰ/পোন্ধর) meet one entry. */
const NUMBER_WORDS: ReadonlyMap<string, number> = (() => {
  const table: Array<[number, string[]]> = [
    [5, ['five', 'paanch', 'panch', 'पांच', 'पाँच', 'পাঁচ']],
    [6, ['six', 'chhah', 'chhe', 'छह', 'छः', 'ছয়', 'ছয়']],
    [7, ['seven', 'saat', 'सात', 'সাত']],
    [8, ['eight', 'aath', 'आठ', 'আঠ', 'আট']],
    [9, ['nine', 'nau', 'नौ', 'নয়', 'নয়']],
    [10, ['ten', 'das', 'dos', 'doh', 'dosh', 'दस', 'দহ', 'দশ']],
    [11, ['eleven', 'gyarah', 'gyara', 'egaro', 'eghar', 'ग्यारह', 'এঘাৰ', 'এগারো', 'এগার']],
    [12, ['twelve', 'barah', 'bara', 'baro', 'बारह', 'বাৰ', 'বারো']],
    [13, ['thirteen', 'terah', 'tera', 'tero', 'tera', 'तेरह', 'তেৰ', 'তেরো', 'তের']],
    [14, ['fourteen', 'chaudah', 'chauda', 'choudah', 'choudo', 'choidhya', 'soidhya', 'चौदह', 'চৈধ্য', 'চৌদ্দ', 'চোদ্দ']],
    [15, ['fifteen', 'pandrah', 'pandra', 'pondhoro', 'ponero', 'পোন্ধৰ', 'পনেরো', 'पंद्रह', 'पन्द्रह']],
    [16, ['sixteen', 'solah', 'sola', 'sulo', 'xulo', 'sholo', 'सोलह', 'ষোল্ল', 'ষোলো', 'ষোল']],
    [17, ['seventeen', 'satrah', 'satra', 'xotor', 'sotor', 'sotero', 'सत्रह', 'সোতৰ', 'সতেরো']],
    [20, ['twenty', 'bees', 'बीस', 'বিশ', 'কুৰি']],
    [25, ['pachis', 'pachees', 'पच्चीस', 'পঁচিশ']],
    [30, ['thirty', 'tees', 'तीस', 'ত্ৰিশ', 'ত্রিশ']],
    [35, ['thirty-five']],
    [40, ['forty', 'chalis', 'chaalis', 'चालीस', 'চল্লিশ']],
  ];
  const map = new Map<string, number>();
  for (const [age, words] of table) for (const w of words) map.set(matchKey(w.normalize('NFC').toLowerCase()), age);
  return map;
})();
