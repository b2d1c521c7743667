import { ActivityHandler } from 'botbuilder';
import { execFileSync, fork } from 'node:child_process';
import { createServer, type Server as HttpServer } from 'node:http';
import { cpus, setPriority } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { Server } from 'restify';
import { registerWhatsApp, type WhatsAppBridge, type WhatsAppDeps } from '../bridges/whatsapp';
import { createHttpServer } from '../services/http/server';
import { createI18n } from '../services/i18n';
import { createLogger } from '../services/logger';
import { createMetrics } from '../services/metrics';
import { createRedis } from '../services/redis';
import { EmbeddedUnderstanding } from '../services/understanding';

/**
 * The answering side of the WhatsApp bench: a bridge with the worker on, running a bot that reads
 * every message with the embedded classifier, and a Graph API stand-in that times each answer from
 * the due time its message carried (`t=<epoch ms>`). It runs in the bench's own process, or in a
 * process of its own on one core (`answererProcess`), as a deployment with WHATSAPP_WORKER=off on
 * the webhook-taking instances would run it.
 */
export interface AnswererSpec {
  redisUrl: string;
  config: WhatsAppBenchConfig;
}

export type WhatsAppBenchConfig = WhatsAppDeps['config'];

export interface Answerer {
  /** Webhook-to-Graph times of the answers so far (ms). */
  trips(): Promise<number[]>;
  clearTrips(): Promise<void>;
  stop(): Promise<void>;
}

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

/** Starts a bridge with `config` on its own Redis connection, on `server` (by default one that never listens). */
export function startBridge(redisUrl: string, config: WhatsAppBenchConfig, bot: WhatsAppDeps['bot'], server: Server = createHttpServer()): WhatsAppBridge {
  const logger = createLogger({ level: 'silent' });
  const redis = createRedis(redisUrl, 'bench-wa', logger);
  const bridge = registerWhatsApp(server, { config, redis, bot, i18n: createI18n(), logger, metrics: createMetrics() });
  if (!bridge) throw new Error('the WhatsApp bridge did not start');
  const stop = bridge.stop.bind(bridge);
  return { ...bridge, stop: async () => { await stop(); redis.disconnect(); } };
}

/** The answering side in this process. */
export async function startAnswerer(spec: AnswererSpec): Promise<Answerer> {
  const sink = await startGraphSink();
  const bridge = startBridge(spec.redisUrl, { ...spec.config, WHATSAPP_GRAPH_URL: sink.url, WHATSAPP_WORKER: 'on' }, classifyingBot());
  return {
    trips: async () => [...sink.trips],
    clearTrips: async () => void (sink.trips.length = 0),
    async stop() {
      await bridge.stop();
      sink.server.closeAllConnections();
      await new Promise<void>((resolve) => sink.server.close(() => resolve()));
    },
  };
}

/**
 * Workers run on machines of their own in the deployment this stands for. On one bench machine the
 * nearest thing is one core for the worker (the last), at a lower priority, so its turns do not
 * take the CPU the webhook-taking instance needs. Without taskset (not Linux) only the priority is set.
 */
function keepToOneCore(pid: number): void {
  setPriority(pid, 10);
  const cores = cpus().length;
  if (cores < 2) return;
  try {
    execFileSync('taskset', ['--all-tasks', '--pid', '--cpu-list', String(cores - 1), String(pid)], { stdio: 'ignore' });
  } catch {
    process.stderr.write('bench: taskset is not available; the WhatsApp worker process is not pinned to a core\n');
  }
}

type Request = { op: 'trips' | 'clear' | 'stop' };
type Reply = { op: 'ready' } | { op: 'trips'; trips: number[] } | { op: 'done' };

/** The answering side in a process of its own, driven over IPC. */
export async function answererProcess(spec: AnswererSpec): Promise<Answerer> {
  const child = fork(__filename, [JSON.stringify(spec)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  if (child.pid !== undefined) keepToOneCore(child.pid);
  const next = <T extends Reply['op']>(op: T) =>
    new Promise<Extract<Reply, { op: T }>>((resolve, reject) => {
      const onMessage = (reply: Reply) => {
        if (reply.op !== op) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(reply as Extract<Reply, { op: T }>);
      };
      const onExit = (code: number | null) => reject(new Error(`the answerer process exited ${code}`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ask = <T extends Reply['op']>(request: Request, op: T) => {
    const reply = next(op);
    child.send(request);
    return reply;
  };
  await next('ready');
  return {
    trips: async () => (await ask({ op: 'trips' }, 'trips')).trips,
    clearTrips: async () => void (await ask({ op: 'clear' }, 'trips')),
    stop: async () => void (await ask({ op: 'stop' }, 'done')),
  };
}

if (require.main === module) {
  void (async () => {
    const answerer = await startAnswerer(JSON.parse(process.argv[2]) as AnswererSpec);
    const reply = (message: Reply) => process.send?.(message);
    process.on('message', async (request: Request) => {
      if (request.op === 'clear') await answerer.clearTrips();
      if (request.op === 'stop') {
        await answerer.stop();
        reply({ op: 'done' });
        process.disconnect();
        return;
      }
      reply({ op: 'trips', trips: await answerer.trips() });
    });
    reply({ op: 'ready' });
  })();
}
