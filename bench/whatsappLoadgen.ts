import autocannon from 'autocannon';
import { createHmac } from 'node:crypto';

/**
 * Signed WhatsApp webhooks at a fixed rate, from its own process so it does not share the event
 * loop it measures: `node dist/bench/whatsappLoadgen.js '{"url":..., "rate":500, "seconds":8, ...}'`.
 * Each message carries its send time (`t=<epoch ms>`) so the Graph sink can time the whole trip.
 * Prints autocannon's result as JSON on stdout.
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
  let sequence = 0;
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    overallRate: spec.rate,
    method: 'POST',
    requests: [
      {
        setupRequest: (req) => {
          const n = sequence++;
          const from = `9170${String(process.pid).padStart(5, '0')}${String(n % spec.users).padStart(4, '0')}`;
          const sentAt = performance.timeOrigin + performance.now();
          const body = JSON.stringify({
            object: 'whatsapp_business_account',
            entry: [{ id: 'bench', changes: [{ field: 'messages', value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000000', phone_number_id: spec.phoneNumberId },
              messages: [{ from, id: `wamid.bench.${process.pid}.${n}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: `my teacher beats me every day, help t=${sentAt}` } }],
            } }] }],
          });
          const signature = `sha256=${createHmac('sha256', spec.appSecret).update(body).digest('hex')}`;
          return { ...req, body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature } };
        },
      },
    ],
  });
  process.stdout.write(JSON.stringify({ requests: result.requests, latency: result.latency, errors: result.errors, non2xx: result.non2xx, timeouts: result.timeouts }));
}

void main();
