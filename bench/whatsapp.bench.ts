import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createHttpServer } from '../services/http/server';
import { createLogger } from '../services/logger';
import { createRedis, type Redis } from '../services/redis';
import { runLoadgen } from './processes';
import type { BenchResult } from './types';
import { percentile } from './percentile';
import { answererProcess, startAnswerer, startBridge, type Answerer, type AnswererSpec, type WhatsAppBenchConfig } from './whatsappAnswerer';

const RATE = 500;
const SECONDS = 8;
const APP_SECRET = 'bench-app-secret';
const PHONE_NUMBER_ID = '100000000000001';

const load = (spec: object) => runLoadgen('whatsappLoadgen', spec);

/**
 * Webhooks at 500 a second into the bridge on Redis: how fast each is acknowledged (stored
 * first), and how long from the webhook to the bot's answer reaching the Graph API. Measured twice:
 * with the bot's worker in the process that takes the webhooks (one instance does everything: its
 * acknowledgement p99 is only reported, as turns share the event loop and the cores), and in a
 * process of its own on one core (the webhook-taking instance runs with WHATSAPP_WORKER=off, the
 * deployment README recommends for a busy number; held to the < 10 ms target).
 */
export async function run(): Promise<BenchResult[]> {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const logger = createLogger({ level: 'silent' });
  const redis: Redis = createRedis(redisUrl, 'bench-wa', logger);
  const prefix = `bench:wa:${randomBytes(3).toString('hex')}:`;
  const config: WhatsAppBenchConfig = {
    WHATSAPP_VERIFY_TOKEN: 'bench',
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_ACCESS_TOKEN: 'bench-token',
    WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    WHATSAPP_GRAPH_URL: 'http://127.0.0.1:9/v21.0',
    WHATSAPP_TEMPLATE_NAME: undefined,
    WHATSAPP_TEMPLATE_LANGUAGES: 'hi,en',
    WHATSAPP_WORKER: 'off',
    CASE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    REDIS_KEY_PREFIX: prefix,
  };
  // The instance that takes the webhooks: it stores and acknowledges; an answerer runs the bot.
  const server = createHttpServer();
  const receiver = startBridge(redisUrl, config, { run: async () => undefined }, server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/whatsapp`;
  const answererSpec: AnswererSpec = { redisUrl, config };
  try {
    return [
      ...(await measure(url, await startAnswerer(answererSpec), 'worker in the same process', 'report')),
      ...(await measure(url, await answererProcess(answererSpec), 'worker in its own process on one core (WHATSAPP_WORKER=off)', '< 10 ms')),
    ];
  } finally {
    await receiver.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

/** `ackTarget` 'report': one instance doing everything is shown for comparison; the split deployment is the one held to < 10 ms. */
async function measure(url: string, answerer: Answerer, where: string, ackTarget: '< 10 ms' | 'report'): Promise<BenchResult[]> {
  const spec = { url, rate: RATE, connections: 50, users: 200, appSecret: APP_SECRET, phoneNumberId: PHONE_NUMBER_ID };
  const untilAnswered = async (count: number): Promise<number[]> => {
    for (let waited = 0; waited < 15_000; waited += 100) {
      const trips = await answerer.trips();
      if (trips.length >= count) return trips;
      await new Promise((r) => setTimeout(r, 100));
    }
    return answerer.trips();
  };
  try {
    const warmUp = await load({ ...spec, seconds: 2 });
    await untilAnswered(warmUp.requests.total);
    await answerer.clearTrips();
    const result = await load({ ...spec, seconds: SECONDS });
    const trips = await untilAnswered(result.requests.total);
    const failures = result.errors + result.non2xx + result.timeouts;
    const tripP50 = percentile(trips, 50);
    const answered = result.requests.total > 0 ? trips.length / result.requests.total : 0;
    return [
      { name: `${where}: webhooks acknowledged at ${RATE}/s`, figure: result.requests.average, unit: 'req/s', target: `~${RATE}`, met: result.requests.average >= RATE * 0.95 },
      { name: `${where}: acknowledgement p99 (stored in Redis first)`, figure: result.latency.p99, unit: 'ms', target: ackTarget, met: ackTarget === 'report' || result.latency.p99 < 10 },
      { name: `${where}: webhook to Graph API call p50 (embedded classifier)`, figure: tripP50, unit: 'ms', target: '< 50 ms', met: tripP50 < 50 },
      { name: `${where}: webhook to Graph API call p99`, figure: percentile(trips, 99), unit: 'ms', target: 'report', met: true },
      { name: `${where}: webhooks answered`, figure: answered * 100, unit: '%', target: '100 %', met: answered >= 1 },
      { name: `${where}: failed webhooks`, figure: failures, unit: '', target: '0', met: failures === 0 },
    ];
  } finally {
    await answerer.stop();
  }
}
