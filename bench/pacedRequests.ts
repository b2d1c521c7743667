import { Agent, request } from 'node:http';
import { percentileOfSorted } from './percentile';
import type { LoadResult } from './processes';

/**
 * The parts the paced load generators share (bench/loadgen for /api/messages, bench/whatsappLoadgen
 * for webhooks): keep-alive POSTs with Nagle off, and one summary in the shape of autocannon's.
 * Latency counts from the time a request was due, not from when it went out, so a stall (in the
 * service or in the generator) shows in the figures instead of quietly delaying the next sends.
 */
export type Outcome = 'ok' | 'non2xx' | 'error' | 'timeout';

const TIMEOUT_MS = 10_000;
/** The first second of a paced run opens the connections and warms the generator up; it is not counted. */
export const WARM_UP_MS = 1000;

export function keepAliveAgent(connections: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: connections, noDelay: true } as ConstructorParameters<typeof Agent>[0]);
}

export function postJson(agent: Agent, url: URL, body: string, headers: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    let done = false;
    const end = (outcome: Outcome) => {
      if (done) return;
      done = true;
      resolve(outcome);
    };
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
        timeout: TIMEOUT_MS,
      },
      (res) => {
        res.resume();
        res.on('end', () => end(res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300 ? 'ok' : 'non2xx'));
        res.on('error', () => end('error'));
      },
    );
    req.on('timeout', () => {
      end('timeout');
      req.destroy();
    });
    req.on('error', () => end('error'));
    req.end(body);
  });
}

/** Collects outcomes and latencies (ms from the due time) and summarises them. */
export class LoadRecorder {
  private readonly latencies: number[] = [];
  private readonly failures = { non2xx: 0, error: 0, timeout: 0 };

  record(outcome: Outcome, dueAt: number): void {
    if (outcome === 'ok') this.latencies.push(performance.now() - dueAt);
    else this.failures[outcome]++;
  }

  summary(total: number, elapsedS: number): LoadResult {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const round = (n: number) => Math.round(n * 100) / 100;
    const average = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : Number.NaN;
    return {
      requests: { average: round(total / elapsedS), total },
      latency: { p50: round(percentileOfSorted(sorted, 50)), p99: round(percentileOfSorted(sorted, 99)), average: round(average) },
      errors: this.failures.error,
      non2xx: this.failures.non2xx,
      timeouts: this.failures.timeout,
    };
  }
}

export const sleepUntil = (at: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())));
