// The web chat: page weight for a phone on 2G, memory per open socket, and the message round trip
// through the whole bot (embedded classifier, Redis-backed state and conversation log).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import WebSocket from 'ws';
import { registerWebChat, type Bot } from '../bridges/webchat';
import { WebChatPage } from '../bridges/webchat/page';
import { createHttpServer } from '../services/http/server';
import { createLogger } from '../services/logger';
import type { Redis } from '../services/redis';
import { createBenchApp } from './benchApp';
import type { BenchResult } from './types';
import { percentileOfSorted as percentile } from './percentile';

const PAGE_TARGET_KB = 60;
const SOCKETS = 1000;
const CONVERSATIONS = 10;
const MESSAGES_EACH = 40;
const P99_TARGET_MS = 30;
const ORIGIN = 'https://bench.example';
const TEXTS = ['hello', 'menu:teacher', 'menu', 'where is the nearest police station', 'मुझे डर लग रहा है', 'মোক সহায় লাগে'];

function pageWeightKb(): number {
  const page = new WebChatPage({ quickExitUrl: 'https://www.google.com/search?q=weather', keepMinutes: 30, socketPath: '/webchat/ws' });
  const sizes = (['as', 'hi', 'en'] as const).map((lang) => page.forRequest({ url: `/?lang=${lang}`, headers: {} } as never).gzipped.length);
  return Math.max(...sizes) / 1024;
}

/** Opens SOCKETS sockets from a child process; resolves with how many opened and a closer. */
function openSockets(url: string): Promise<{ open: number; close: () => void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'webchatClients.js'), url, ORIGIN, String(SOCKETS)], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.on('error', reject);
    child.stdout.on('data', (d: Buffer) => {
      const m = /open (\d+)/.exec(String(d));
      if (m) resolve({ open: Number(m[1]), close: () => child.stdin.end() });
    });
  });
}

/** One conversation: each message timed from send to the bot's first answer. */
async function converse(url: string, timings: number[]): Promise<void> {
  const ws = new WebSocket(url, { origin: ORIGIN });
  let waiting: (() => void) | undefined;
  let ready: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (ready = resolve));
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { type: string; name?: string; from?: { role?: string } };
    if (frame.type === 'event' && frame.name === 'webchat/session') setTimeout(ready, 200); // let the greeting pass
    if (frame.type === 'message' && frame.from?.role === 'bot' && waiting) {
      const done = waiting;
      waiting = undefined;
      done();
    }
  });
  await opened;
  for (let i = 0; i < MESSAGES_EACH; i++) {
    const started = performance.now();
    await new Promise<void>((resolve) => {
      waiting = resolve;
      ws.send(JSON.stringify({ type: 'message', text: TEXTS[i % TEXTS.length], channelData: { clientActivityID: `b${i}` } }));
    });
    timings.push(performance.now() - started);
  }
  ws.close();
}

/** The web chat on a restify server of its own, in front of `bot`. */
async function startChat(bot: Bot, redis: Redis | undefined, keyPrefix: string): Promise<{ wsUrl: string; close: () => Promise<void> }> {
  const logger = createLogger({ level: 'silent' });
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const webchat = registerWebChat(server, {
    config: { publicBaseUrl: base, webchatAllowedOrigins: [ORIGIN], QUICK_EXIT_URL: 'https://www.google.com/search?q=weather', REDIS_KEY_PREFIX: keyPrefix },
    redis,
    bot,
    logger,
    configureAdapter: () => undefined,
    tuning: { rateLimit: { burst: 1000, perSecond: 1000, maxRefusals: 1000 } },
  });
  return {
    wsUrl: `${base.replace('http', 'ws')}/webchat/ws`,
    async close() {
      await webchat.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Round trips of `conversations` conversations at once, sorted. */
async function roundTrips(wsUrl: string, conversations: number): Promise<number[]> {
  await converse(wsUrl, []); // warm-up
  const timings: number[] = [];
  await Promise.all(Array.from({ length: conversations }, () => converse(wsUrl, timings)));
  return timings.sort((a, b) => a - b);
}

const oneLineBot: Bot = { run: async (context) => void (context.activity.type === 'message' && (await context.sendActivity('ok'))) };

export async function run(): Promise<BenchResult[]> {
  const { app, prefix } = await createBenchApp();
  const whole = await startChat(app.bot, app.redis, prefix);
  const bridge = await startChat(oneLineBot, app.redis, `${prefix}bridge:`);
  try {
    const weight = pageWeightKb();
    // Round trips first: the thousand sockets' greeting turns would otherwise still be queued.
    const wholeBot = await roundTrips(whole.wsUrl, 1);
    const bridgeOnly = await roundTrips(bridge.wsUrl, CONVERSATIONS);

    const before = process.memoryUsage();
    const held = await openSockets(bridge.wsUrl);
    await new Promise((r) => setTimeout(r, 500)); // the sockets' first turns settle
    const after = process.memoryUsage();
    held.close();
    const heapPerSocketKb = (after.heapUsed - before.heapUsed) / 1024 / SOCKETS;
    const round = (n: number) => Math.round(n * 100) / 100;
    const p99 = percentile(wholeBot, 99);
    return [
      { name: 'page weight, HTML+CSS+JS gzipped', figure: round(weight), unit: 'KB', target: `< ${PAGE_TARGET_KB} KB`, met: weight < PAGE_TARGET_KB },
      { name: 'sockets open at once', figure: held.open, unit: 'sockets', target: `${SOCKETS}`, met: held.open === SOCKETS },
      { name: 'server heap per open socket', figure: round(heapPerSocketKb), unit: 'KB', target: 'report', met: true },
      { name: `bridge round trip p99, one-line bot (${CONVERSATIONS} conversations)`, figure: round(percentile(bridgeOnly, 99)), unit: 'ms', target: 'report', met: true },
      { name: 'message round trip p50, whole bot', figure: round(percentile(wholeBot, 50)), unit: 'ms', target: 'report', met: true },
      { name: 'message round trip p99, whole bot (embedded classifier)', figure: round(p99), unit: 'ms', target: `< ${P99_TARGET_MS} ms`, met: p99 < P99_TARGET_MS },
    ];
  } finally {
    await whole.close();
    await bridge.close();
    await app.stop();
  }
}
