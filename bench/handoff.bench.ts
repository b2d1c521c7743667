// The handoff queue on real Redis, two store instances (each with its own connections) standing for
// two service instances: the bot's and the console's.
//  - enqueue to visible: the bot's instance enqueues and opens; the time until the console's
//    instance hears the "waiting" event (what puts the row on a counsellor's screen). p99 < 50 ms.
//  - counsellor to user: the console's instance stores a counsellor message; the time until the
//    bot's instance hands it to the user's bridge (deliver). p99 < 50 ms.
//  - both again with 1,000 conversations waiting, and a claim's latency at that depth.
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { HandoffWorker } from '../services/handoff/HandoffWorker';
import { RedisHandoffStore } from '../services/handoff/RedisHandoffStore';
import type { HandoffRequest, HandoffStore, Priority } from '../services/handoff/types';
import { createLogger } from '../services/logger';
import { createRedis, untilReady, type Redis } from '../services/redis';
import type { BenchResult } from './types';
import { percentile } from './percentile';

const SAMPLES = 300;
const WAITING = 1000;
const P99_TARGET_MS = 50;
const logger = createLogger({ level: 'warn' });
const counsellor = { id: 'bench-counsellor', alias: 'Asha', languages: ['as', 'hi', 'en'] as const };

const round = (ms: number): number => Math.round(ms * 100) / 100;

let conversations = 0;
function request(priority: Priority = 3): HandoffRequest {
  const conversationId = `whatsapp:bench-${++conversations}`;
  return {
    conversationId, reference: { channelId: 'whatsapp', conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' } },
    channel: 'whatsapp', language: (['as', 'hi', 'en'] as const)[conversations % 3], priority, summary: 'bench', district: 'Jorhat',
  };
}

/** Resolves when `next()` is called with the awaited key; one waiter at a time. */
class Arrivals {
  private waiting?: { key: string; resolve: () => void };
  expect(key: string): Promise<void> {
    return new Promise((resolve) => {
      this.waiting = { key, resolve };
    });
  }
  arrived(key: string): void {
    if (this.waiting?.key === key) this.waiting.resolve();
  }
}

async function enqueueToVisible(botSide: HandoffStore, arrivals: Arrivals): Promise<number[]> {
  const timings: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const start = performance.now();
    const entered = await botSide.enqueue(request());
    const seen = arrivals.expect(`waiting:${entered.chat.id}`);
    await botSide.open(entered.chat.id);
    await seen;
    timings.push(performance.now() - start);
    await botSide.abandon(entered.chat.conversationId);
  }
  return timings;
}

async function counsellorToUser(consoleSide: HandoffStore, botSide: HandoffStore, delivered: Arrivals): Promise<number[]> {
  const entered = await botSide.enqueue(request(1));
  await botSide.open(entered.chat.id);
  const joined = delivered.expect('joined');
  await consoleSide.claim(entered.chat.id, counsellor);
  await joined;
  const timings: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const msgId = randomUUID();
    const start = performance.now();
    const arrived = delivered.expect(msgId);
    await consoleSide.post(entered.chat.id, { msgId, from: 'counsellor', to: 'user', text: `reply ${i}` }, { counsellorId: counsellor.id });
    await arrived;
    timings.push(performance.now() - start);
  }
  await consoleSide.end(entered.chat.id, { counsellorId: counsellor.id }, 'test');
  return timings;
}

export async function run(): Promise<BenchResult[]> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `bench:${randomBytes(4).toString('hex')}:`;
  const connections: Redis[] = [];
  const connect = (blocking: boolean) => () => {
    const redis = createRedis(url, 'bench-handoff', logger, { blocking });
    connections.push(redis);
    return redis;
  };
  const timings = { leaseMs: 60_000, languageFallbackMs: 300_000, pendingGraceMs: 10_000, retentionMs: 3_600_000 };
  const instance = () => new RedisHandoffStore({ redis: connect(false)(), openBlocking: connect(true), prefix, timings, logger });
  const botSide = instance();
  const consoleSide = instance();
  await Promise.all(connections.map((c) => untilReady(c)));

  const visible = new Arrivals();
  consoleSide.onEvent((event) => visible.arrived(`${event.type}:${event.chatId}`));
  const delivered = new Arrivals();
  const worker = new HandoffWorker({
    store: botSide, owner: 'bench-bot', logger, intervalMs: 3_600_000,
    deliver: async (_chat, message) => delivered.arrived(message.notice?.key ?? message.msgId),
  });
  worker.start();
  await new Promise((r) => setTimeout(r, 200));

  try {
    const visibleEmpty = await enqueueToVisible(botSide, visible);
    const relayEmpty = await counsellorToUser(consoleSide, botSide, delivered);

    for (let i = 0; i < WAITING; i++) {
      const entered = await botSide.enqueue(request(((i % 3) + 1) as Priority));
      await botSide.open(entered.chat.id);
    }
    const visibleFull = await enqueueToVisible(botSide, visible);
    const relayFull = await counsellorToUser(consoleSide, botSide, delivered);
    const claims: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const start = performance.now();
      await consoleSide.claimNext({ ...counsellor, id: `c-${i}` });
      claims.push(performance.now() - start);
    }

    const row = (name: string, values: number[], target = true): BenchResult => {
      const p99 = percentile(values, 99);
      return { name, figure: round(p99), unit: 'ms', target: target ? `< ${P99_TARGET_MS} ms` : 'report only', met: !target || p99 < P99_TARGET_MS };
    };
    return [
      row('handoff: enqueue to visible on another instance, p99', visibleEmpty),
      row('handoff: counsellor message to the user\'s bridge across instances, p99', relayEmpty),
      row(`handoff: enqueue to visible with ${WAITING} waiting, p99`, visibleFull),
      row(`handoff: counsellor message to the user with ${WAITING} waiting, p99`, relayFull),
      row(`handoff: claimNext with ${WAITING} waiting, p99`, claims),
      { name: 'handoff: enqueue to visible, p50', figure: round(percentile(visibleEmpty, 50)), unit: 'ms', target: 'report only', met: true },
    ];
  } finally {
    await worker.stop();
    await Promise.all([botSide.close(), consoleSide.close()]);
    const [admin] = connections;
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await admin.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await Promise.all(connections.map((c) => c.quit().catch(() => undefined)));
  }
}
