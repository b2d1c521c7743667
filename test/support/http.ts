import { randomBytes } from 'node:crypto';
import { createApp, type App } from '../../index';
import { loadConfig } from '../../services/config';
import { deleteByPrefix, randomPrefix, TEST_REDIS_URL } from './redis';
import { LogCapture } from './botHarness';

export interface RunningApp {
  app: App;
  url: string;
  logs: LogCapture;
  prefix?: string;
  stop(): Promise<void>;
}

/**
 * The whole service on a free port. With `redis: true` it uses the test Redis under a random key
 * prefix (deleted on stop); otherwise demo mode.
 */
export async function startApp(env: Record<string, string> = {}, opts: { redis?: boolean } = {}): Promise<RunningApp> {
  const prefix = opts.redis ? randomPrefix('app') : undefined;
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'info',
    ...(opts.redis
      ? {
          REDIS_URL: TEST_REDIS_URL,
          REDIS_KEY_PREFIX: prefix!.slice(0, 40),
          CONSOLE_SESSION_SECRET: randomBytes(32).toString('hex'),
          CASE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        }
      : {}),
    ...env,
  });
  const logs = new LogCapture();
  const app = await createApp(config, { logDestination: logs });
  const url = await app.start();
  return {
    app,
    url,
    logs,
    prefix: config.REDIS_KEY_PREFIX,
    async stop() {
      const redis = app.redis;
      if (redis && opts.redis) await deleteByPrefix(redis, config.REDIS_KEY_PREFIX).catch(() => undefined);
      await app.stop();
    },
  };
}

let counter = 0;

/** A message activity the Emulator would send, asking for the replies in the response. */
export function activity(text: string, conversationId = `conv-${Date.now()}-${counter++}`, extra: Record<string, unknown> = {}) {
  return {
    type: 'message',
    channelId: 'emulator',
    deliveryMode: 'expectReplies',
    serviceUrl: 'http://127.0.0.1:1',
    conversation: { id: conversationId },
    from: { id: `user-${conversationId}` },
    recipient: { id: 'bot' },
    text,
    ...extra,
  };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export interface ExpectedReplies {
  activities: { text?: string; suggestedActions?: { actions: { value: string }[] } }[];
}
