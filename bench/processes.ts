import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface LoadResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  errors: number;
  non2xx: number;
  timeouts: number;
}

/** Runs bench/loadgen in its own process against `url` and returns autocannon's figures. */
export function load(url: string, opts: { connections: number; seconds: number; texts: string[] }): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'loadgen.js'), JSON.stringify({ url, ...opts })], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`loadgen exited ${code}`))));
  });
}

/** Resident memory of this process, in MiB. */
export function residentMiB(): number {
  return process.memoryUsage().rss / 1024 / 1024;
}
