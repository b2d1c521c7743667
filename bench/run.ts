import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../services/paths';
import { jsonFromChildProcess } from './processes';
import type { BenchResult } from './types';

/**
 * `npm run bench [-- NAME...]`: runs every bench/*.bench module (or those named), each in a process
 * of its own, prints one table, writes bench/results.json, and exits 1 when any figure misses its target.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--one') {
    // A child run: one benchmark, its rows as JSON on stdout.
    const mod = (await import(join(__dirname, `${args[1]}.bench.js`))) as { run: () => Promise<BenchResult[]> };
    process.stdout.write(JSON.stringify(await mod.run()));
    return;
  }
  const benches = readdirSync(__dirname)
    .filter((f) => /\.bench\.js$/.test(f))
    .map((f) => f.replace(/\.bench\.js$/, ''))
    .filter((b) => args.length === 0 || args.some((w) => b.startsWith(w)))
    .sort();
  const rows: (BenchResult & { bench: string })[] = [];
  for (const bench of benches) {
    process.stderr.write(`bench: ${bench}...\n`);
    for (const result of await runAlone(bench)) rows.push({ bench, ...result });
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

/** Each benchmark in a fresh process, so none inherits another's heap, sockets or JIT state. */
function runAlone(bench: string): Promise<BenchResult[]> {
  return jsonFromChildProcess<BenchResult[]>([...process.execArgv, __filename, '--one', bench], `bench ${bench}`);
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
