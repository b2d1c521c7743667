// npm run eval -- [--misreads] FILE...
// Prints the embedded classifier's scores on labelled JSONL files (../shared/eval/dev.jsonl when none is
// given): high-risk recall and precision, intent, language and category accuracy, overall, by language,
// by script and by both. --misreads also lists every message read wrongly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedUnderstanding } from '../services/understanding';
import { evaluate, parseLabelled, type Scores } from '../services/understanding/evaluation';
import { projectRoot } from '../services/paths';

const DEV_SET = join(projectRoot(), '..', 'shared', 'eval', 'dev.jsonl');

const pct = (v: number | null): string => (v === null ? '    -' : `${(v * 100).toFixed(1).padStart(5)}`);

function row(s: Scores): string {
  return [
    s.group.padEnd(14),
    String(s.n).padStart(4),
    pct(s.riskRecall),
    pct(s.riskPrecision),
    pct(s.intentAccuracy),
    pct(s.languageAccuracy),
    pct(s.categoryAccuracy),
  ].join('  ');
}

function main(args: string[]): number {
  const showMisreads = args.includes('--misreads');
  const files = args.filter((a) => a !== '--misreads');
  const understanding = new EmbeddedUnderstanding();
  for (const file of files.length > 0 ? files : [DEV_SET]) {
    let examples;
    try {
      examples = parseLabelled(readFileSync(file, 'utf8'), file);
    } catch (err) {
      console.error((err as Error).message);
      return 2;
    }
    const { scores, misreads } = evaluate(examples, (text) => understanding.classify(text));
    console.log(`\n${file}`);
    console.log('group              n  riskR  riskP  intent  lang    cat   (%)');
    for (const s of scores) console.log(row(s));
    if (showMisreads) {
      for (const m of misreads) {
        const want = m.fields.map((f) => `${f} ${String(m.example[f])}→${String(m.got[f])}`).join(', ');
        console.log(`  ✗ ${want}: ${m.example.text}`);
      }
    }
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
