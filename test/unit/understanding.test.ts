import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../services/logger';
import { EmbeddedUnderstanding, createUnderstanding, normalise } from '../../services/understanding';
import { PhraseMatcher, phraseWords } from '../../services/understanding/lexicon';
import { loadLexicons } from '../../services/understanding/lexiconFiles';
import { matchKey, tokenise } from '../../services/understanding/normalise';

const reader = new EmbeddedUnderstanding();
const read = (text: string) => reader.classify(text);

describe('normalise', () => {
  it('composes to NFC, so a decomposed and a composed letter read the same', () => {
    expect(normalise('e\u0301')).toBe('\u00e9');
    expect(normalise('ক\u09bc')).toBe(normalise('ক\u09bc'.normalize('NFC')));
  });

  it('strips ZWJ, ZWNJ and other invisible characters', () => {
    expect(normalise('ক্\u200dষ\u200c\u200b\ufeff')).toBe('ক্ষ');
  });

  it('maps Bengali and Devanagari digits to ASCII and lower-cases', () => {
    expect(normalise('১৪ বছৰ')).toBe('14 বছৰ');
    expect(normalise('१५ साल')).toBe('15 साल');
    expect(normalise('HELP Me')).toBe('help me');
  });

  it('turns control characters into spaces', () => {
    expect(normalise('a\u0000b\u001bc')).toBe('a b c');
  });

  it('numbers clauses so a negation does not reach across punctuation', () => {
    expect(tokenise(normalise('no, he hits me')).map((t) => t.clause)).toEqual([0, 1, 1, 1]);
  });
});

describe('folding what people really type', () => {
  it('collapses a vowel sign or vowel letter repeated for stress, not repeated consonants', () => {
    expect(matchKey('বচাওওও')).toBe(matchKey('বচাও'));
    expect(matchKey('बचाओओओ')).toBe(matchKey('बचाओ'));
    expect(matchKey('মাাাৰ')).toBe(matchKey('মাৰ'));
    expect(matchKey('ককাই')).not.toBe(matchKey('কাই'));
  });

  it('reads Assamese typed on a Bengali keyboard, precomposed nukta letters and a missing anusvara alike', () => {
    expect(matchKey(normalise('মোর'))).toBe(matchKey(normalise('মোৰ')));
    expect(matchKey(normalise('\u095c'))).toBe(matchKey(normalise('\u0921\u093c'))); // ड़ precomposed and decomposed
    expect(matchKey(normalise('मैं'))).toBe(matchKey(normalise('मै')));
    expect(matchKey(normalise('ছেড়ে'))).toBe(matchKey(normalise('ছে\u09a1\u09bcে')));
  });

  it('writes out romanised words typed without vowels', () => {
    expect(matchKey('mrte')).toBe(matchKey('marte'));
    expect(matchKey('bht')).toBe(matchKey('bahut'));
    expect(matchKey('gya')).toBe(matchKey('gaya'));
    expect(matchKey('mjhe')).toBe(matchKey('mujhe'));
    expect(matchKey('plzz')).toBe(matchKey('please'));
    expect(matchKey('helppp')).toBe(matchKey('help'));
    expect(matchKey('sucide')).toBe(matchKey('suicide'));
  });

  it('splits and normalises lexicon phrases as it does messages (hyphens, ZWJ)', () => {
    expect(phraseWords('मार-पीट')).toEqual(['मार', 'पीट']);
    expect(phraseWords('জোৰ-জবৰদস্তি*')).toEqual(['জোৰ', 'জবৰদস্তি*']);
    expect(phraseWords('র\u200d্যাগিং*')).toEqual(['র্যাগিং*']);
    const matcher = new PhraseMatcher([['hit', ['मार-पीट']]]);
    expect(matcher.match(tokenise(normalise('घर में मार-पीट होती है'))).map((h) => h.signal)).toEqual(['hit']);
  });

  it('reads text-speak and stressed letters in a real message', () => {
    expect(read('papa mujhe abhi mrte ja rhe h')).toMatchObject({ risk: 'high', intent: 'emergency' });
    expect(read('pleaseee helppp my dad is beatingg me')).toMatchObject({ risk: 'high', intent: 'emergency' });
    expect(read('দেউতাই মোক এতিয়া মারি আছে, বচাওওক')).toMatchObject({ risk: 'high', language: 'as' });
  });
});

describe('wanting to die, and harms named only as a topic', () => {
  it('reads a dying word near a wanting word as self-harm, in every language', () => {
    for (const text of ['মই মৰিব বিচাৰিছো', 'moi moribole bisarisu', 'मैं सच में मरना चाहती हूँ', 'ami morte chai', 'আমি মরতে চাই']) {
      expect({ text, ...read(text) }).toMatchObject({ text, category: 'self_harm', risk: 'high' });
    }
  });

  it('does not read "I do not want to die" as self-harm', () => {
    expect(read('मैं मरना नहीं चाहता')).toMatchObject({ risk: 'normal' });
    expect(read('মই মৰিব নিবিচাৰো')).toMatchObject({ risk: 'normal' });
  });

  it('keeps an essay, a film or the news about a harm normal, but not the harm itself', () => {
    for (const text of ['I need to write an essay about child marriage', 'film me ek ladki gayab ho jati hai', 'বাতৰিত আহিছে এটা ল\'ৰা নিৰুদ্দেশ']) {
      expect({ text, ...read(text) }).toMatchObject({ text, risk: 'normal', category: null });
    }
    expect(read('no news of my son since monday')).toMatchObject({ risk: 'high', category: 'missing_child' });
    expect(read('mama mujhe gandi film dikhata hai aur chhoota hai')).toMatchObject({ risk: 'high', category: 'sexual_abuse' });
  });
});

describe('the word lists on their own (no learnt reader)', () => {
  const lists = new EmbeddedUnderstanding(undefined, {});
  const readByLists = (text: string) => ({ text, ...lists.classify(text) });

  it('read an age in brackets after a person, a child\'s and an adult\'s', () => {
    expect(readByLists('my cousin (16) is being married to a 35 yr old man this sunday')).toMatchObject({ risk: 'high', category: 'child_marriage' });
    expect(readByLists('মোৰ ভনীজনী (১৫ বছৰ) বিয়া দিব')).toMatchObject({ risk: 'high', category: 'child_marriage' });
    expect(readByLists('my sister (25) is getting married on sunday')).toMatchObject({ risk: 'normal', category: null });
  });

  it('read a school class as a child, whatever adult age is also given', () => {
    expect(readByLists('suwali ekon 8th class t pore, tair ghoror manuhe 35 bosoriya manuh eta r logot aji rati biya xajise')).toMatchObject({ risk: 'high', category: 'child_marriage' });
    expect(readByLists('my sister in class 9 is being married to a 30 year old man next month')).toMatchObject({ risk: 'high', category: 'child_marriage' });
  });

  it('read "15 y/o", "left home" and an attempt to touch', () => {
    expect(readByLists('my 15 y/o brother left home after a fight yesterday morning')).toMatchObject({ risk: 'high', category: 'missing_child' });
    expect(readByLists('her stepfather tries to touch her when nobody is home')).toMatchObject({ risk: 'high', category: 'sexual_abuse' });
  });

  it('read "no news for months" as someone gone, not as the news', () => {
    const text = 'a man took 4 girls from our village promising hotel jobs in Kerala, no news for months';
    expect(readByLists(text)).toMatchObject({ risk: 'high', category: 'trafficking' });
  });

  it('read someone else\'s wish to die, and its negation', () => {
    for (const text of ['এক ছাত্রী বলেছে সে মরে যেতে চায়', 'এজনী ছাত্ৰীয়ে খাতাত মৰিব বিচৰা কথা লিখিছে']) {
      expect(readByLists(text)).toMatchObject({ text, risk: 'high', category: 'self_harm' });
    }
    expect(readByLists('সে মরতে চায় না, ভালো আছে')).toMatchObject({ risk: 'normal', category: null });
  });
});

describe('language and script', () => {
  it.each([
    ['मुझे डर लग रहा है', 'hi', 'native'],
    ['নমস্কাৰ', 'as', 'native'],
    ['মোর ভাইক মারিছে', 'as', 'native'], // Assamese on a Bengali keyboard: র for ৰ, the words decide
    ['আমি কোথায় যাব', 'bn', 'native'],
    ['mujhe kisi se baat karni hai', 'hi', 'romanised'],
    ['moi etiya ki koribo', 'as', 'romanised'],
    ['where can I get help', 'en', 'romanised'],
  ])('%s → %s/%s', (text, language, script) => {
    expect(read(text)).toMatchObject({ language, script });
  });
});

describe('danger, negation and safety statements', () => {
  it.each([
    ['moi bhoy khaisu, deutai mok marise etiya', 'emergency', 'physical_abuse'],
    ['मेरे पापा मुझे अभी मार रहे हैं', 'emergency', 'physical_abuse'],
    ["I don't want to live anymore", 'emergency', 'self_harm'],
    ['he has not come home since yesterday', 'report_concern', 'missing_child'],
    ['my sister is getting married next month, she is 15', 'report_concern', 'child_marriage'],
  ])('%s is high risk', (text, intent, category) => {
    expect(read(text)).toMatchObject({ risk: 'high', intent, category });
  });

  it.each([
    'nobody is hitting me',
    'कोई मुझे नहीं मार रहा',
    'আমাকে কেউ মারছে না',
    'দেউতাই মোক আৰু নামাৰে, মই ভালে আছো',
    'I am safe now',
    'मैं सुरक्षित हूँ',
    'my phone is lost',
    'my sister is getting married next month, she is 25',
    'they sold vegetables at the market',
  ])('%s does not raise risk', (text) => {
    expect(read(text)).toMatchObject({ risk: 'normal', category: null });
  });

  it('a negated safety statement does not hide danger', () => {
    expect(read('I am not safe, he is hitting me')).toMatchObject({ risk: 'high', intent: 'emergency' });
  });

  it('reads danger in a message mixing scripts', () => {
    expect(read('mujhe help chahiye, মোক মাৰিছে')).toMatchObject({ risk: 'high', category: 'physical_abuse' });
    expect(read('मेरे पापा beating me right now')).toMatchObject({ risk: 'high', intent: 'emergency' });
  });

  it('a teacher hitting is corporal punishment; a teacher asking about a beating at home is not', () => {
    expect(read('my teacher hit me')).toMatchObject({ category: 'corporal_punishment', risk: 'normal' });
    expect(read('I am a teacher, a student says her father beats her, what should I do?')).toMatchObject({
      intent: 'teacher_guidance',
      category: 'physical_abuse',
    });
  });
});

describe('bad input', () => {
  it.each(['', '   ', '😢😢😢', '\u0000\u0007\u001b', '1234', '!!!???'])('%j gets a calm default', (text) => {
    expect(read(text)).toMatchObject({ intent: 'other', risk: 'normal', category: null });
  });

  it('reads a 5,000-character message and still finds the danger in it', () => {
    const text = `${'আজি বৰষুণ দিছে। '.repeat(400)}দেউতাই মোক এতিয়া মাৰি আছে`.slice(-5000);
    expect(text.length).toBe(5000);
    expect(read(text)).toMatchObject({ risk: 'high', intent: 'emergency', language: 'as' });
  });

  it('reads at most a bounded prefix of a huge message', () => {
    const head = 'someone is hurting me right now. '.repeat(300);
    expect(read(head + 'x'.repeat(100_000))).toEqual(read(head + 'y'.repeat(100_000)));
  });
});

describe('lexicons', () => {
  // Latin folding once made English "sold" read as "should", "bully" as Assamese "buli" (saying) and
  // "mock" as "mok" (me). A one-word harm entry must not fold onto another language's function word.
  const HELPERS = new Set(['negation', 'greeting', 'help', 'safe', 'urgent', 'ask', 'service', 'child', 'year', 'object', 'lure', 'work', 'counsellor', 'report', 'comeback',
    'self', 'copula', 'role', 'game', 'reflexive', 'fear', 'plea', 'night', 'many', 'swallow', 'pills', 'idiom', 'resolved', 'past', 'today', 'senior']);
  const ALLOWED = new Set([
    'as:end:sesh', 'as:end:xex', 'as:end:hex', 'as:end:ses', // only counts next to a living word
    'hi:rescue:bachao', 'hi:rescue:bachaao', 'bn:rescue:bachao', // "save (me)!" is the same word in Hindi and Bengali
  ]);

  it('have no one-word harm entry that folds onto another language\'s marker word', () => {
    const files = loadLexicons();
    const markerOwners = new Map<string, Set<string>>();
    for (const f of files) {
      for (const m of f.markers.filter((w) => /^[a-z']+$/.test(w))) {
        markerOwners.set(matchKey(m), (markerOwners.get(matchKey(m)) ?? new Set()).add(f.language));
      }
    }
    const collisions = files.flatMap((f) =>
      Object.entries(f.signals)
        .filter(([signal]) => !HELPERS.has(signal))
        .flatMap(([signal, phrases]) => phrases.filter((p) => /^[a-z']+$/.test(p)).map((p) => `${f.language}:${signal}:${p}`))
        .filter((id) => !ALLOWED.has(id))
        .filter((id) => [...(markerOwners.get(matchKey(id.split(':')[2])) ?? [])].some((owner) => owner !== f.language)),
    );
    expect(collisions).toEqual([]);
  });

  it('refuse a misspelt signal name instead of silently matching nothing', () => {
    expect(() => new PhraseMatcher([['hitt', ['beat']]])).toThrow('unknown lexicon signal "hitt"');
  });

  it('createUnderstanding is the embedded reader when Azure is not configured', async () => {
    const understanding = createUnderstanding({ logger: createLogger({ level: 'silent' }) });
    expect(understanding).toBeInstanceOf(EmbeddedUnderstanding);
    await expect(understanding.understand('hello')).resolves.toMatchObject({ intent: 'greeting' });
  });
});

describe('every message in the fixtures', () => {
  it('classifies without throwing and with a confidence in [0, 1]', () => {
    const file = join(__dirname, '..', 'fixtures', 'understanding-fresh.jsonl');
    for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
      const { confidence } = read((JSON.parse(line) as { text: string }).text);
      expect(confidence).toBeGreaterThanOrEqual(0);
      expect(confidence).toBeLessThanOrEqual(1);
    }
  });
});
