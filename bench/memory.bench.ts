// Resident memory of the service (dist/index.js in a process of its own, on Redis) with 10,000
// conversations active at once:
//  - 4,000 on POST /api/messages (expectReplies), each greeted and given a language; 1,000 of them
//    then ask for a person and wait in the counsellors' queue;
//  - 3,000 WhatsApp users, two webhooks each, answered through a loopback Graph API;
//  - 3,000 web chat sockets held open (from child processes of their own), each greeted by the bot.
// The figure is the service's VmRSS with all of them still active, after a 15 s quiet spell (V8 has
// collected the arrival burst's garbage). Beside it: RSS just after they arrived, the peak (VmHWM),
// RSS at idle and after each channel's share, and the V8 heap. Target: < 512 MB, a modest container.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { signatureHeader } from '../bridges/whatsapp/signature';
import { createLogger } from '../services/logger';
import { createRedis, untilReady } from '../services/redis';
import type { BenchResult } from './types';

const API_CONVERSATIONS = 4000;
const API_WAITING = 1000;
const WHATSAPP_USERS = 3000;
const WEBCHAT_SOCKETS = 3000;
const ACTIVE = API_CONVERSATIONS + WHATSAPP_USERS + WEBCHAT_SOCKETS;
const TARGET_MB = 512;
const CONCURRENCY = 32;
const SOCKET_BATCH = 500;
const SETTLE_MS = 15_000;
const ORIGIN = 'https://bench.example';
const APP_SECRET = 'bench-memory-app-secret';
const ACCESS_TOKEN = 'bench-memory-token';
const PHONE_NUMBER_ID = '100000000000002';
const LANGS = ['as', 'hi', 'en'] as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** VmRSS and VmHWM of a process, in MiB (Linux /proc). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** A Graph API stand-in that accepts every message and counts them. */
async function startGraphSink(): Promise<{ server: Server; url: string; count: () => number }> {
  let count = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ messaging_product: 'whatsapp', messages: [{ id: `wamid.memory.${count}` }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v21.0`, count: () => count };
}

/** Runs `work(i)` for i in [0, n) with at most CONCURRENCY at once; throws on the first failure. */
async function pool(n: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  return res;
}

function apiTurn(base: string, conversation: string, text: string): Promise<Response> {
  return post(`${base}/api/messages`, JSON.stringify({
    type: 'message', channelId: 'emulator', deliveryMode: 'expectReplies', serviceUrl: 'http://127.0.0.1:1',
    conversation: { id: conversation }, from: { id: `user-${conversation}` }, recipient: { id: 'bot' }, text,
  }));
}

let wamid = 0;
function whatsappTurn(base: string, from: string, text: string): Promise<Response> {
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'bench', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550000000', phone_number_id: PHONE_NUMBER_ID },
      contacts: [{ profile: { name: 'Bench' }, wa_id: from }],
      messages: [{ from, id: `wamid.memory.${process.pid}.${++wamid}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
    } }] }],
  });
  return post(`${base}/api/whatsapp`, body, { 'x-hub-signature-256': signatureHeader(body, APP_SECRET) });
}

/** Opens the sockets from bench/webchatClients in a child process; resolves with how many opened and a closer. */
function openSockets(wsUrl: string, count: number): Promise<{ open: number; close: () => void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'webchatClients.js'), wsUrl, ORIGIN, String(count)], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`webchatClients exited ${code}`)));
    child.stdout.on('data', (d: Buffer) => {
      const m = /open (\d+)/.exec(String(d));
      if (m) resolve({ open: Number(m[1]), close: () => child.stdin.end() });
    });
  });
}

async function until(condition: () => boolean | Promise<boolean>, capMs: number): Promise<boolean> {
  const deadline = Date.now() + capMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

export async function run(): Promise<BenchResult[]> {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `bench:mem:${randomBytes(4).toString('hex')}:`;
  const sink = await startGraphSink();
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const free = (probe.address() as AddressInfo).port;
      probe.close(() => resolve(free));
    });
  });
  const base = `http://127.0.0.1:${port}`;
  const service: ChildProcess = spawn(process.execPath, [join(__dirname, '..', 'index.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      LOG_LEVEL: 'error',
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      CONSOLE_SESSION_SECRET: randomBytes(32).toString('hex'),
      CASE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      WEBCHAT_ALLOWED_ORIGINS: ORIGIN,
      WHATSAPP_VERIFY_TOKEN: 'bench',
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
      WHATSAPP_GRAPH_URL: sink.url,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => service.once('exit', () => resolve()));
  const socketBatches: { open: number; close: () => void }[] = [];
  try {
    const ready = await until(() => fetch(`${base}/readyz`).then((r) => r.status === 200, () => false), 30_000);
    if (!ready || !service.pid) throw new Error('the service did not become ready');
    const pid = service.pid;
    await apiTurn(base, 'memory-warmup', 'hello');
    await sleep(1000);
    const idle = memoryOf(pid).rss;

    // /api/messages: greeted, a language chosen; some then wait for a counsellor.
    await pool(API_CONVERSATIONS, async (i) => {
      const conversation = `memory-${i}`;
      await apiTurn(base, conversation, 'hello');
      await apiTurn(base, conversation, `lang:${LANGS[i % 3]}`);
      if (i < API_WAITING) await apiTurn(base, conversation, 'cmd:human');
    });
    const afterApi = memoryOf(pid).rss;
    // WhatsApp: two messages each, answered through the sink (at least one answer per message).
    const sentBefore = sink.count();
    await pool(WHATSAPP_USERS, async (i) => {
      const from = `9175${String(i).padStart(8, '0')}`;
      await whatsappTurn(base, from, 'hello');
      await whatsappTurn(base, from, `lang:${LANGS[i % 3]}`);
    });
    const answered = await until(() => sink.count() - sentBefore >= WHATSAPP_USERS * 2, 180_000);
    const afterWhatsApp = memoryOf(pid).rss;
    // The web chat: sockets held open, each greeted by the bot.
    // Opened 500 at a time, each batch from a child process of its own, so no connect is refused for a full backlog.
    for (let opened = 0; opened < WEBCHAT_SOCKETS; opened += SOCKET_BATCH) {
      const batch = await openSockets(`${base.replace('http', 'ws')}/webchat/ws`, Math.min(SOCKET_BATCH, WEBCHAT_SOCKETS - opened));
      socketBatches.push(batch);
    }
    const socketsOpen = socketBatches.reduce((n, b) => n + b.open, 0);
    await sleep(3000); // the greeting turns settle
    const arrived = memoryOf(pid);
    // Then a quiet spell with every conversation still active: what the service holds once V8 has
    // collected the garbage of the arrival burst.
    await sleep(SETTLE_MS);
    const loaded = memoryOf(pid);

    const metrics = await fetch(`${base}/metrics`).then((r) => r.text());
    const sum = (name: string) => [...metrics.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+([\\d.e+]+)`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
    const waiting = sum('sishu_handoff_queue_length');
    const heapUsed = sum('sishu_nodejs_heap_size_used_bytes') / 1024 / 1024;
    const heapTotal = sum('sishu_nodejs_heap_size_total_bytes') / 1024 / 1024;
    const round = (n: number) => Math.round(n * 10) / 10;
    return [
      { name: `memory: resident with ${ACTIVE} conversations active, after ${SETTLE_MS / 1000} s quiet (${API_CONVERSATIONS} Bot Framework, ${API_WAITING} of them queued for a counsellor; ${WHATSAPP_USERS} WhatsApp; ${WEBCHAT_SOCKETS} web chat sockets open)`, figure: round(loaded.rss), unit: 'MB', target: `< ${TARGET_MB} MB`, met: loaded.rss < TARGET_MB && answered && socketsOpen === WEBCHAT_SOCKETS },
      { name: 'memory: resident just after they all arrived', figure: round(arrived.rss), unit: 'MB', target: 'report only', met: true },
      { name: 'memory: peak resident while they arrived (VmHWM)', figure: round(loaded.peak), unit: 'MB', target: 'report only', met: true },
      { name: 'memory: resident at idle, after one turn', figure: round(idle), unit: 'MB', target: 'report only', met: true },
      { name: 'memory: web chat sockets open / WhatsApp answered', figure: socketsOpen, unit: `sockets (WhatsApp ${answered ? 'all' : 'NOT all'} answered)`, target: `${WEBCHAT_SOCKETS}`, met: socketsOpen === WEBCHAT_SOCKETS && answered },
      { name: `memory: resident after the ${API_CONVERSATIONS} Bot Framework conversations`, figure: round(afterApi), unit: 'MB', target: 'report only', met: true },
      { name: `memory: resident after the ${WHATSAPP_USERS} WhatsApp users too`, figure: round(afterWhatsApp), unit: 'MB', target: 'report only', met: true },
      { name: 'memory: V8 heap used / heap total at the end', figure: round(heapUsed), unit: `MB of ${round(heapTotal)} MB`, target: 'report only', met: true },
      { name: 'memory: chats waiting in the counsellors\' queue', figure: waiting, unit: 'chats', target: `${API_WAITING}`, met: waiting === API_WAITING },
    ];
  } finally {
    for (const batch of socketBatches) batch.close();
    if (service.exitCode === null) service.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
    if (service.exitCode === null && service.signalCode === null) service.kill('SIGKILL');
    sink.server.closeAllConnections();
    await new Promise<void>((resolve) => sink.server.close(() => resolve()));
    const redis = createRedis(redisUrl, 'bench-memory', createLogger({ level: 'silent' }));
    if (await untilReady(redis)) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
    await redis.quit().catch(() => redis.disconnect());
  }
}
