import type { Activity, TurnContext } from 'botbuilder';
import WebSocket from 'ws';
import { registerWebChat, type Bot, type WebChat, type WebChatTuning } from '../../bridges/webchat';
import { createHttpServer } from '../../services/http/server';
import { createLogger } from '../../services/logger';
import type { Redis } from '../../services/redis';

/**
 * A tiny bot for the bridge's tests: greets on join with a button, echoes text and button values,
 * answers a location with its coordinates, and types before answering "slow".
 */
export class EchoBot implements Bot {
  readonly seen: Partial<Activity>[] = [];

  async run(context: TurnContext): Promise<void> {
    const a = context.activity;
    this.seen.push(a);
    if (a.type === 'conversationUpdate') {
      await context.sendActivity({
        type: 'message',
        text: `hello (${a.locale ?? 'none'}) call 1098`,
        locale: a.locale,
        suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'Help', value: 'menu:help' }] },
      });
      return;
    }
    if (a.type !== 'message') return;
    const geo = (a.entities ?? []).find((e) => e.type === 'GeoCoordinates') as { latitude?: number; longitude?: number } | undefined;
    if (geo) {
      await context.sendActivity(`location ${geo.latitude},${geo.longitude}`);
      return;
    }
    if (a.text === 'slow') await context.sendActivity({ type: 'typing' });
    await context.sendActivity({
      type: 'message',
      text: `echo: ${a.text ?? ''}${typeof a.value === 'string' ? ` [${a.value}]` : ''}`,
      locale: a.locale,
      suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'Again', value: 'menu:again' }] },
    });
  }
}

export const TEST_ORIGIN = 'https://chat.example.test';

export interface WebChatServer {
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  wsUrl: string;
  webchat: WebChat;
  bot: Bot;
  close(): Promise<void>;
}

export interface StartOptions {
  redis?: Redis;
  prefix?: string;
  bot?: Bot;
  tuning?: Partial<WebChatTuning>;
  /** Listen on this port (a restarted server takes its predecessor's port); 0 for any. */
  port?: number;
  /** Origins allowed besides the server's own. */
  origins?: string[];
  quickExitUrl?: string;
}

/** The web chat alone on a restify server: listens first, so the page's own origin is allowed. */
export async function startWebChat(opts: StartOptions = {}): Promise<WebChatServer> {
  const logger = createLogger({ level: 'silent' });
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  const bot = opts.bot ?? new EchoBot();
  const webchat = registerWebChat(server, {
    config: {
      publicBaseUrl: baseUrl,
      webchatAllowedOrigins: [baseUrl, TEST_ORIGIN, ...(opts.origins ?? [])],
      QUICK_EXIT_URL: opts.quickExitUrl ?? 'https://www.google.com/search?q=weather',
      REDIS_KEY_PREFIX: opts.prefix ?? 'test:webchat:',
    },
    redis: opts.redis,
    bot,
    logger,
    configureAdapter: (adapter) => {
      adapter.onTurnError = async (context) => {
        await context.sendActivity('sorry, something went wrong');
      };
    },
    tuning: opts.tuning,
  });
  return {
    baseUrl,
    wsUrl: `ws://127.0.0.1:${port}/webchat/ws`,
    webchat,
    bot,
    async close() {
      await webchat.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Frame = Record<string, unknown> & { type: string; id?: string; text?: string; name?: string; value?: unknown };

/** A socket client that records every frame and lets a test wait for the one it expects. */
export class TestSocket {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString('utf8')) as Frame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** Opens a socket; rejects with the HTTP status when the upgrade is refused. */
  static open(url: string, query: Record<string, string | number> = {}, origin = TEST_ORIGIN): Promise<TestSocket> {
    const u = new URL(url);
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, String(v));
    const ws = new WebSocket(u, { origin });
    const socket = new TestSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(socket));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** The first frame (already received or still to come) that matches. */
  next(match: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const found = this.frames.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame; got ${JSON.stringify(this.frames)}`)), timeoutMs);
      this.waiters.push({ match, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  }

  session(): Promise<{ conversationId: string; token?: string; resumed: boolean }> {
    return this.next((f) => f.type === 'event' && f.name === 'webchat/session').then((f) => f.value as { conversationId: string; token?: string; resumed: boolean });
  }

  botText(text: string): Promise<Frame> {
    return this.next((f) => f.type === 'message' && f.text === text);
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  say(text: string, clientActivityID: string, extra: Record<string, unknown> = {}): void {
    this.send({ type: 'message', text, channelData: { clientActivityID }, ...extra });
  }

  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) {
      this.ws.close();
      await this.closed;
    }
  }
}
