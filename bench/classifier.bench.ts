// Embedded classifier throughput on one core, messages per CPU second: cold (a fresh classifier's first 5,000
// messages, each one unseen, while the JIT warms) and warm (after that pass). Target ≥ 20,000/s
// for both; loading the lexicons is reported on its own.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../services/paths';
import { EmbeddedUnderstanding } from '../services/understanding';
import type { BenchResult } from './types';

const TARGET_PER_SECOND = 20_000;
const WARM_MESSAGES = 200_000;
/** Cold pass length: each message made unique so no cache has seen it. */
const COLD_MESSAGES = 5_000;
const FIXTURES = ['understanding-heldout.jsonl', 'understanding-fresh.jsonl'];

/** Real, varied messages in every language and script (the labelled fixtures, labels ignored). */
function corpus(): string[] {
  return FIXTURES.flatMap((file) =>
    readFileSync(join(projectRoot(), 'test', 'fixtures', file), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => (JSON.parse(line) as { text: string }).text),
  );
}

/** CPU time of this process in ms: "on one core" stays measurable on a machine busy with other work. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function perSecond(count: number, ms: number): number {
  return Math.round((count / ms) * 1000);
}

export async function run(): Promise<BenchResult[]> {
  const texts = corpus();
  const loadStart = cpuMs();
  const understanding = new EmbeddedUnderstanding();
  const loadMs = cpuMs() - loadStart;
  const unseen = Array.from({ length: COLD_MESSAGES }, (_, i) => `${texts[i % texts.length]} ${i}`);
  const coldStart = cpuMs();
  for (const text of unseen) understanding.classify(text);
  const coldRate = perSecond(unseen.length, cpuMs() - coldStart);

  const warmStart = cpuMs();
  for (let i = 0; i < WARM_MESSAGES; i++) understanding.classify(texts[i % texts.length]);
  const warmRate = perSecond(WARM_MESSAGES, cpuMs() - warmStart);

  return [
    { name: 'classifier, warm', figure: warmRate, unit: 'msg/s', target: `≥ ${TARGET_PER_SECOND}`, met: warmRate >= TARGET_PER_SECOND },
    { name: 'classifier, cold (first pass)', figure: coldRate, unit: 'msg/s', target: `≥ ${TARGET_PER_SECOND}`, met: coldRate >= TARGET_PER_SECOND },
    { name: 'classifier, lexicon load', figure: Math.round(loadMs * 10) / 10, unit: 'ms', target: 'reported', met: true },
  ];
}
