import { createHmac } from 'node:crypto';
import { keepAliveAgent, LoadRecorder, postJson, WARM_UP_MS } from './pacedRequests';

/**
 * Signed WhatsApp webhooks at a fixed rate, from its own process so it does not share the event
 * loop it measures: `node dist/bench/whatsappLoadgen.js '{"url":..., "rate":500, "seconds":8, ...}'`.
 * Each counted message carries its due time (`t=<epoch ms>`) so the Graph sink can time the whole
 * trip; the first second's messages open the connections and are not counted.
 * Prints the figures as JSON on stdout (the shape of autocannon's, which this replaced).
 *
 * Open loop and evenly paced: webhook n is due at start + n/rate and is sent then, whether or not
 * earlier ones were answered (Meta does not wait either). autocannon's overallRate did neither:
 * each connection sent its share back to back at the top of every second, so a "500/s" run was a
 * 500-request burst each second followed by silence, and its latency correction assumed a 1 ms
 * interval between requests.
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

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as LoadSpec;
  const target = new URL(spec.url);
  const agent = keepAliveAgent(spec.connections);
  const recorder = new LoadRecorder();
  const sent: Promise<void>[] = [];

  const send = (n: number, dueAt: number, counted: boolean) => {
    // Warm-up messages carry no send time, so the Graph sink times only the counted ones.
    const stamp = counted ? ` t=${performance.timeOrigin + dueAt}` : '';
    const from = `9170${String(process.pid).padStart(5, '0')}${String(n % spec.users).padStart(4, '0')}`;
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: 'bench', changes: [{ field: 'messages', value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '15550000000', phone_number_id: spec.phoneNumberId },
        messages: [{ from, id: `wamid.bench.${process.pid}.${n}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: `my teacher beats me every day, help${stamp}` } }],
      } }] }],
    });
    const signature = `sha256=${createHmac('sha256', spec.appSecret).update(body).digest('hex')}`;
    sent.push(postJson(agent, target, body, { 'x-hub-signature-256': signature }).then((outcome) => {
      if (counted) recorder.record(outcome, dueAt);
    }));
  };

  const interval = 1000 / spec.rate;
  const warmUp = Math.round((spec.rate * WARM_UP_MS) / 1000);
  const total = warmUp + Math.round(spec.rate * spec.seconds);
  const start = performance.now();
  const measureFrom = start + warmUp * interval;
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) {
        send(next, start + next * interval, next >= warmUp);
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
  const elapsedS = (performance.now() - measureFrom) / 1000;
  await Promise.all(sent);
  agent.destroy();
  process.stdout.write(JSON.stringify(recorder.summary(total - warmUp, Math.max(elapsedS, spec.seconds))));
}

void main();
