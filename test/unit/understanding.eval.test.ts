import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedUnderstanding } from '../../services/understanding';
import { evaluate, parseLabelled, type Scores } from '../../services/understanding/evaluation';

// The targets, per language and per script, on the development set and on our own sets.
const TARGETS = { riskRecall: 0.97, riskPrecision: 0.85, intentAccuracy: 0.9, languageAccuracy: 0.97, categoryAccuracy: 0.85 };
const GROUPS = ['all', 'as', 'hi', 'en', 'bn', 'native', 'romanised'];

const root = join(__dirname, '..', '..');
const SETS = [
  join(root, '..', 'shared', 'eval', 'dev.jsonl'),
  join(root, 'test', 'fixtures', 'understanding-heldout.jsonl'),
  join(root, 'test', 'fixtures', 'understanding-fresh.jsonl'),
  join(root, 'test', 'fixtures', 'understanding-third.jsonl'),
  join(root, 'test', 'fixtures', 'understanding-fourth.jsonl'),
  join(root, 'test', 'fixtures', 'understanding-fifth.jsonl'),
  join(root, 'test', 'fixtures', 'understanding-seventh.jsonl'),
  // written blind and scored once before any fitting (high-risk recall 71.3 % and 86.4 %), then used to find
  // failure classes: now regression checks
  join(root, 'test', 'fixtures', 'understanding-sixth.jsonl'),
  join(root, 'test', 'fixtures', 'understanding-eighth.jsonl'),
  // blind once too: scored 88.4 % recall / 90.8 % precision before fitting, then used to find failure classes; now a regression set
  join(root, 'test', 'fixtures', 'understanding-ninth.jsonl'),
  // a blind measure once, 87.4 % recall / 91.5 % precision before any fitting, now a regression set
  join(root, 'test', 'fixtures', 'understanding-tenth.jsonl'),
  // one or more messages per failure class found on the sixth set (rescue cries, overdose, night intrusion, colloquial
  // Bengali, resolved harms, idioms) and on the eighth and ninth (overdose, cutting, poison, material shown in person,
  // parents away, drugs, sport, the menu) and the tenth (last goodbyes, children put on a train now, abuse told years
  // later, law questions, negated beatings, school rules), written after the fix: a regression check, not a blind measure
  join(root, 'test', 'fixtures', 'understanding-classes.jsonl'),
].filter((file) => existsSync(file));

const reader = new EmbeddedUnderstanding();

describe.each(SETS)('%s', (file) => {
  const { scores } = evaluate(parseLabelled(readFileSync(file, 'utf8'), file), (text) => reader.classify(text));
  const byGroup = new Map(scores.map((s) => [s.group, s]));

  it.each(GROUPS.filter((g) => byGroup.has(g)))('%s meets every target', (group) => {
    const s = byGroup.get(group) as Scores;
    for (const [metric, target] of Object.entries(TARGETS)) {
      const value = s[metric as keyof typeof TARGETS];
      if (value !== null) expect({ group, metric, value: value >= target ? 'met' : value }).toEqual({ group, metric, value: 'met' });
    }
  });
});

describe('evaluation files', () => {
  it('count at least 200 labelled messages of our own', () => {
    const own = SETS.filter((f) => f.includes('fixtures')).flatMap((f) => parseLabelled(readFileSync(f, 'utf8'), f));
    expect(own.length).toBeGreaterThanOrEqual(200);
  });

  it('reject a bad line with its line number', () => {
    expect(() => parseLabelled('{"text": "hi", "language": "en", "intent": "greeting", "risk": "normal"}\nnot json', 'x.jsonl')).toThrow(
      'x.jsonl:2: not JSON',
    );
  });

  it('score recall and precision of high risk', () => {
    const examples = parseLabelled(
      ['{"text": "a", "language": "en", "intent": "other", "risk": "high", "category": null}',
       '{"text": "b", "language": "en", "intent": "other", "risk": "normal", "category": null}'].join('\n'),
      'y.jsonl',
    );
    const { scores } = evaluate(examples, () => ({ language: 'en', script: 'romanised', intent: 'other', risk: 'high', category: null, confidence: 1 }));
    expect(scores[0]).toMatchObject({ group: 'all', riskRecall: 1, riskPrecision: 0.5, intentAccuracy: 1 });
  });
});
