import { randomBytes } from 'node:crypto';
import { createApp, type App } from '../index';
import { loadConfig } from '../services/config';

/**
 * The whole service as `npm start` composes it, on the Redis at REDIS_URL under a fresh random key
 * prefix (so a bench never reads another run's state), with logs off.
 */
export async function createBenchApp(): Promise<{ app: App; prefix: string }> {
  const prefix = `bench:${randomBytes(3).toString('hex')}:`;
  const app = await createApp(
    loadConfig({
      PORT: '0',
      LOG_LEVEL: 'silent',
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: prefix,
      CONSOLE_SESSION_SECRET: randomBytes(32).toString('hex'),
      CASE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    }),
  );
  return { app, prefix };
}
