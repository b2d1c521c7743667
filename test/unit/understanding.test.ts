import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../services/logger';
import { EmbeddedUnderstanding, createUnderstanding, normalise } from '../../services/understanding';
import { PhraseMatcher } from '../../services/understanding/lexicon';
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
    'self', 'copula', 'role', 'game', 'reflexive']);
  const ALLOWED = new Set(['as:end:sesh', 'as:end:xex', 'as:end:hex', 'as:end:ses']); // only counts next to a living word

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
