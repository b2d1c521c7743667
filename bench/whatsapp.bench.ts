import { ActivityHandler } from 'botbuilder';
import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerWhatsApp } from '../bridges/whatsapp';
import { createHttpServer } from '../services/http/server';
import { createI18n } from '../services/i18n';
import { createLogger } from '../services/logger';
import { createMetrics } from '../services/metrics';
import { createRedis, type Redis } from '../services/redis';
import { EmbeddedUnderstanding } from '../services/understanding';
import { runLoadgen } from './processes';
import type { BenchResult } from './types';
import { percentile } from './percentile';

const RATE = 500;
const SECONDS = 8;
const APP_SECRET = 'bench-app-secret';
const ACCESS_TOKEN = 'bench-token';
const PHONE_NUMBER_ID = '100000000000001';

/** A Graph API stand-in that answers at once and times each message from the send time it carries. */
async function startGraphSink(): Promise<{ server: HttpServer; url: string; trips: number[] }> {
  const trips: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.timeOrigin + performance.now();
      const sentAt = /t=([\d.]+)/.exec(Buffer.concat(chunks).toString('utf8'))?.[1];
      if (sentAt) trips.push(at - Number(sentAt));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ messaging_product: 'whatsapp', messages: [{ id: `wamid.sink.${trips.length}` }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v21.0`, trips };
}

/** The bot of the measure: reads every message with the embedded classifier, then answers it. */
function classifyingBot(): ActivityHandler {
  const understanding = new EmbeddedUnderstanding();
  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    const understood = await understanding.understand(context.activity.text ?? '');
    await context.sendActivity(`${understood.risk}: ${context.activity.text ?? ''}`);
    await next();
  });
  return bot;
}

const load = (spec: object) => runLoadgen('whatsappLoadgen', spec);

/**
 * Webhooks at 500 a second into the bridge on Redis: how fast each is acknowledged (stored
 * first), and how long from the webhook to the bot's answer reaching the Graph API.
 */
export async function run(): Promise<BenchResult[]> {
  const logger = createLogger({ level: 'silent' });
  const redis: Redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'bench-wa', logger);
  const prefix = `bench:wa:${randomBytes(3).toString('hex')}:`;
  const sink = await startGraphSink();
  const server = createHttpServer(logger);
  const bridge = registerWhatsApp(server, {
    config: {
      WHATSAPP_VERIFY_TOKEN: 'bench',
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
      WHATSAPP_GRAPH_URL: sink.url,
      WHATSAPP_TEMPLATE_NAME: undefined,
      WHATSAPP_TEMPLATE_LANGUAGES: 'hi,en',
      CASE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      REDIS_KEY_PREFIX: prefix,
    },
    redis,
    bot: classifyingBot(),
    i18n: createI18n(),
    logger,
    metrics: createMetrics(),
  });
  if (!bridge) throw new Error('the WhatsApp bridge did not start');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/whatsapp`;
  const spec = { url, rate: RATE, connections: 50, users: 200, appSecret: APP_SECRET, phoneNumberId: PHONE_NUMBER_ID };
  try {
    const untilAnswered = async (count: number) => {
      for (let waited = 0; sink.trips.length < count && waited < 15_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    };
    const warmUp = await load({ ...spec, seconds: 2 });
    await untilAnswered(warmUp.requests.total);
    sink.trips.length = 0;
    const result = await load({ ...spec, seconds: SECONDS });
    await untilAnswered(result.requests.total);
    const failures = result.errors + result.non2xx + result.timeouts;
    const tripP50 = percentile(sink.trips, 50);
    const answered = result.requests.total > 0 ? sink.trips.length / result.requests.total : 0;
    return [
      { name: `webhooks acknowledged at ${RATE}/s`, figure: result.requests.average, unit: 'req/s', target: `~${RATE}`, met: result.requests.average >= RATE * 0.95 },
      { name: 'acknowledgement p99 (stored in Redis first)', figure: result.latency.p99, unit: 'ms', target: '< 10 ms', met: result.latency.p99 < 10 },
      { name: 'webhook to Graph API call p50 (embedded classifier)', figure: tripP50, unit: 'ms', target: '< 50 ms', met: tripP50 < 50 },
      { name: 'webhook to Graph API call p99', figure: percentile(sink.trips, 99), unit: 'ms', target: 'report', met: true },
      { name: 'webhooks answered', figure: answered * 100, unit: '%', target: '100 %', met: answered >= 1 },
      { name: 'failed webhooks', figure: failures, unit: '', target: '0', met: failures === 0 },
    ];
  } finally {
    await bridge.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    sink.server.closeAllConnections();
    await new Promise<void>((resolve) => sink.server.close(() => resolve()));
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}
