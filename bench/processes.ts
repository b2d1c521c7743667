import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { LoadSpec } from './loadgen';

export interface LoadResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  errors: number;
  non2xx: number;
  timeouts: number;
}

/** Runs `node ...args` and resolves with the JSON it printed on stdout (stderr passes through). */
export function jsonFromChildProcess<T>(args: string[], what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as T) : reject(new Error(`${what} exited ${code}`))));
  });
}

/** Runs a load generator (bench/<script>.js) in its own process with `spec` and returns its figures. */
export function runLoadgen(script: string, spec: object): Promise<LoadResult> {
  return jsonFromChildProcess<LoadResult>([join(__dirname, `${script}.js`), JSON.stringify(spec)], script);
}

/** POSTs activities to `url` from bench/loadgen (closed loop, or paced when `rate` is given). */
export function load(url: string, opts: Omit<LoadSpec, 'url'>): Promise<LoadResult> {
  return runLoadgen('loadgen', { url, ...opts });
}

/** Resident memory of this process, in MiB. */
export function residentMiB(): number {
  return process.memoryUsage().rss / 1024 / 1024;
}
