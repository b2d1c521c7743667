import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../services/paths';
import type { BenchResult } from './types';

/**
 * `npm run bench [-- NAME...]`: runs every bench/*.bench module (or those named), prints one table,
 * writes bench/results.json, and exits 1 when any figure misses its target.
 */
async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => /\.bench\.js$/.test(f))
    .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
    .sort();
  const rows: (BenchResult & { bench: string })[] = [];
  for (const file of files) {
    const bench = file.replace(/\.bench\.js$/, '');
    process.stderr.write(`bench: ${bench}...\n`);
    const mod = (await import(join(__dirname, file))) as { run: () => Promise<BenchResult[]> };
    for (const result of await mod.run()) rows.push({ bench, ...result });
  }
  const table = [
    '| bench | measure | figure | target | met |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.bench} | ${r.name} | ${formatFigure(r.figure)} ${r.unit} | ${r.target} | ${r.met ? 'yes' : 'NO'} |`),
  ].join('\n');
  console.log(table);
  writeFileSync(join(projectRoot(), 'bench', 'results.json'), `${JSON.stringify({ at: new Date().toISOString(), rows }, null, 2)}\n`);
  if (rows.some((r) => !r.met)) process.exitCode = 1;
}

function formatFigure(n: number): string {
  return Number.isInteger(n) ? String(n) : n >= 100 ? n.toFixed(0) : n.toFixed(n >= 1 ? 2 : 3);
}

main().then(
  () => process.exit(),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
