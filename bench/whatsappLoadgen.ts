import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';

/**
 * Signed WhatsApp webhooks at a fixed rate, from its own process so it does not share the event
 * loop it measures: `node dist/bench/whatsappLoadgen.js '{"url":..., "rate":500, "seconds":8, ...}'`.
 * Each message carries its send time (`t=<epoch ms>`) so the Graph sink can time the whole trip.
 * Prints the figures as JSON on stdout (the shape of autocannon's, which this replaced).
 *
 * Open loop and evenly paced: webhook n is due at start + n/rate and is sent then, whether or not
 * earlier ones were answered (Meta does not wait either), over keep-alive connections with Nagle
 * off. Latency and the `t=` stamp count from the time it was due, so a stall (in the service or
 * here) shows in the figures instead of delaying the next sends (no coordinated omission).
 * autocannon's overallRate did neither: each connection sent its share back to back at the top of
 * every second, so a "500/s" run was a 500-request burst each second followed by silence, and its
 * latency correction assumed a 1 ms interval between requests.
 */
interface LoadSpec {
  url: string;
  rate: number;
  seconds: number;
  connections: number;
  users: number;
  appSecret: string;
  phoneNumberId: string;
}

const TIMEOUT_MS = 10_000;

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : Number.NaN;
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as LoadSpec;
  const target = new URL(spec.url);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections, noDelay: true } as ConstructorParameters<typeof Agent>[0]);
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  let timeouts = 0;
  let inFlight = 0;
  let allSent = false;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const settle = () => {
    inFlight--;
    if (allSent && inFlight === 0) finish();
  };

  const send = (n: number, dueAt: number) => {
    const from = `9170${String(process.pid).padStart(5, '0')}${String(n % spec.users).padStart(4, '0')}`;
    const sentAt = performance.timeOrigin + dueAt;
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: 'bench', changes: [{ field: 'messages', value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '15550000000', phone_number_id: spec.phoneNumberId },
        messages: [{ from, id: `wamid.bench.${process.pid}.${n}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: `my teacher beats me every day, help t=${sentAt}` } }],
      } }] }],
    });
    const signature = `sha256=${createHmac('sha256', spec.appSecret).update(body).digest('hex')}`;
    inFlight++;
    let done = false;
    const end = (outcome: 'ok' | 'non2xx' | 'error' | 'timeout') => {
      if (done) return;
      done = true;
      if (outcome === 'ok') latencies.push(performance.now() - dueAt);
      else if (outcome === 'non2xx') non2xx++;
      else if (outcome === 'timeout') timeouts++;
      else errors++;
      settle();
    };
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-hub-signature-256': signature },
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
  };

  const interval = 1000 / spec.rate;
  const total = Math.round(spec.rate * spec.seconds);
  const start = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) {
        send(next, start + next * interval);
        next++;
      }
      if (next >= total) {
        resolve();
        return;
      }
      setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    tick();
  });
  const elapsedS = (performance.now() - start) / 1000;
  allSent = true;
  if (inFlight > 0) await finished;
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  const average = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : Number.NaN;
  process.stdout.write(
    JSON.stringify({
      requests: { average: round(total / Math.max(elapsedS, spec.seconds)), total },
      latency: { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), average: round(average), max: round(sorted[sorted.length - 1] ?? Number.NaN) },
      errors,
      non2xx,
      timeouts,
    }),
  );
}

void main();
