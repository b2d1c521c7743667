import { ActivityHandler, MessageFactory, type Activity } from 'botbuilder';
import { Registry } from 'prom-client';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'restify';
import { registerWhatsApp, type WhatsAppBridge } from '../../bridges/whatsapp';
import { createHttpServer } from '../../services/http/server';
import { createI18n } from '../../services/i18n';
import { createLogger } from '../../services/logger';
import type { Redis } from '../../services/redis';
import { LogCapture } from './botHarness';
import type { GraphApiServer, GraphRequest } from './graphApiServer';
import { PHONE_NUMBER_ID, signedRequest } from './whatsappWebhooks';

/** The WhatsApp bridge on its own restify server, with a tiny bot, for the whatsapp* tests. */
export const APP_SECRET = 'test-app-secret';
export const VERIFY_TOKEN = 'test-verify-token';
export const ACCESS_TOKEN = 'EAAtest-access-token';
export const i18n = createI18n();

/** A tiny bot: echoes text, answers a location, offers choices on "menu" / "yesno" / "districts". Slow on "slow…", throws on "boom". */
export class TinyBot extends ActivityHandler {
  readonly seen: Partial<Activity>[] = [];
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      const activity = context.activity;
      this.seen.push(activity);
      const geo = activity.entities?.find((e) => e.type === 'GeoCoordinates') as { latitude: number; longitude: number } | undefined;
      if (geo) await context.sendActivity(`at ${geo.latitude},${geo.longitude}`);
      else if (activity.text === 'menu') {
        await context.sendActivity(MessageFactory.suggestedActions(['Report a worry', 'Find help near me', 'I am a teacher', 'Talk to a person', 'Emergency numbers'].map((t, i) => ({ type: 'imBack', title: t, value: `menu:${i}` })), 'What would you like to do?'));
      } else if (activity.text === 'districts') {
        await context.sendActivity(MessageFactory.suggestedActions(Array.from({ length: 15 }, (_, i) => ({ type: 'imBack', title: `District ${i + 1}`, value: `district:${i + 1}` })), 'Which district?'));
      } else if (activity.text === 'yesno') {
        await context.sendActivity(MessageFactory.suggestedActions([{ type: 'imBack', title: 'Yes', value: 'yes' }, { type: 'imBack', title: 'No', value: 'no' }], 'Shall I?'));
      } else {
        if (activity.text?.startsWith('slow')) await new Promise((resolve) => setTimeout(resolve, 15));
        if (activity.text === 'boom') throw new Error('the bot broke on this message');
        await context.sendActivity(`echo: ${activity.text ?? ''}`);
      }
      await next();
    });
  }
}

export interface Harness {
  url: string;
  bridge: WhatsAppBridge;
  bot: TinyBot;
  logs: LogCapture;
  registry: Registry;
  close(): Promise<void>;
}

export interface BridgeOptions {
  template?: boolean;
  /** 'off': this bridge only stores and acknowledges (another one runs the bot). */
  worker?: 'on' | 'off';
  /** Bridges that share one inbox must share the key that seals the numbers. */
  caseKey?: string;
}

export async function startBridge(graph: GraphApiServer, redis: Redis | undefined, prefix: string, extra: BridgeOptions = {}): Promise<Harness> {
  const logs = new LogCapture();
  const logger = createLogger({ level: 'debug', destination: logs });
  const server: Server = createHttpServer();
  const bot = new TinyBot();
  const registry = new Registry();
  const bridge = registerWhatsApp(server, {
    config: {
      WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
      WHATSAPP_GRAPH_URL: graph.baseUrl,
      WHATSAPP_TEMPLATE_NAME: extra.template ? 'sishu_write_back' : undefined,
      WHATSAPP_TEMPLATE_LANGUAGES: 'hi,en_US',
      WHATSAPP_WORKER: extra.worker ?? 'on',
      CASE_ENCRYPTION_KEY: extra.caseKey ?? randomBytes(32).toString('base64'),
      REDIS_KEY_PREFIX: prefix,
    },
    redis,
    bot,
    i18n,
    logger,
    metrics: { registry },
    graphOptions: { baseDelayMs: 5, timeoutMs: 2000 },
    workerOptions: { blockMs: 200, retryDelayMs: () => 20 },
  });
  if (!bridge) throw new Error('bridge did not start');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/whatsapp`;
  return {
    url,
    bridge,
    bot,
    logs,
    registry,
    async close() {
      await bridge.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export async function post(url: string, body: unknown, headers?: Record<string, string>): Promise<Response> {
  const signed = signedRequest(body, APP_SECRET);
  return fetch(url, { method: 'POST', headers: headers ?? signed.headers, body: signed.body });
}

export const texts = (requests: GraphRequest[]) => requests.map((r) => (r.body.text as { body?: string } | undefined)?.body);
let numberSeq = 0;
export const newNumber = () => `91700${String(Date.now()).slice(-5)}${String(++numberSeq).padStart(3, '0')}`;
