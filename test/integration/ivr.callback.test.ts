import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Server } from 'restify';
import twilio from 'twilio';
import { QueueCallbackDesk } from '../../bridges/ivr/callbackDesk';
import { registerIvr } from '../../bridges/ivr/register';
import { FieldCipher } from '../../services/cases/cipher';
import { RedisCaseStore } from '../../services/cases/RedisCaseStore';
import { RedisHandoffStore } from '../../services/handoff/RedisHandoffStore';
import { createHttpServer } from '../../services/http/server';
import { createI18n } from '../../services/i18n';
import { createLogger } from '../../services/logger';
import { openTestRedis, TEST_REDIS_URL, type TestRedis } from '../support/redis';
import Redis from 'ioredis';

const TOKEN = 'callback-test-token';
const PUBLIC = 'https://helpline.example.org';
const i18n = createI18n();

/** A bot whose menu is one button: talk to a counsellor (the real bot's value). */
const bot = {
  async run(context: TurnContext): Promise<void> {
    await context.sendActivity({
      type: ActivityTypes.Message,
      text: 'Menu',
      suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'Talk to a counsellor', value: 'cmd:human' }] },
    });
  },
};

describe('IVR callback requests join the handoff queue as encrypted cases (real Redis)', () => {
  let redis: TestRedis;
  let handoff: RedisHandoffStore;
  let cases: RedisCaseStore;
  let server: Server;
  let base: string;
  const blocking: Redis[] = [];

  beforeAll(async () => {
    redis = await openTestRedis('ivrcb');
    const logger = createLogger({ level: 'silent' });
    const timings = { leaseMs: 30_000, languageFallbackMs: 120_000, pendingGraceMs: 5_000, retentionMs: 86_400_000 };
    handoff = new RedisHandoffStore({
      redis: redis.redis,
      openBlocking: () => {
        const r = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
        blocking.push(r);
        return r;
      },
      prefix: redis.prefix,
      timings,
      logger,
    });
    cases = new RedisCaseStore(redis.redis, redis.prefix, { cipher: new FieldCipher(randomBytes(32).toString('base64')), retentionMs: timings.retentionMs });
    server = createHttpServer();
    registerIvr(server, {
      config: { TWILIO_AUTH_TOKEN: TOKEN, IVR_TRANSFER_NUMBER: undefined, REDIS_KEY_PREFIX: redis.prefix, publicBaseUrl: PUBLIC },
      redis: redis.redis,
      bot,
      logger,
      configureAdapter: () => undefined,
      callbacks: new QueueCallbackDesk({ cases, queue: handoff, i18n, serviceUrl: PUBLIC }),
      i18n,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await handoff.close();
    for (const r of blocking) r.disconnect();
    await redis.cleanup();
  });

  async function press(path: string, params: Record<string, string>): Promise<string> {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}${path}`, params) },
      body: new URLSearchParams(params).toString(),
    });
    expect(res.status).toBe(200);
    return res.text();
  }

  async function requestCallback(callSid: string, from: string, keys: string[]): Promise<void> {
    await press('/api/ivr/twilio/voice', { CallSid: callSid, From: from });
    for (const digits of keys) await press('/api/ivr/twilio/gather', { CallSid: callSid, From: from, Digits: digits });
  }

  it.each([
    ['from the main menu (2), in Assamese: normal priority', 'CA00000000000000000000000000000001', '+919800000001', ['1', '2', '1'], 'as', 3, 'normal'],
    ['after "in danger now" (1, then 1 for a counsellor), in Hindi: emergency priority', 'CA00000000000000000000000000000002', '+919800000002', ['2', '1', '1', '1'], 'hi', 1, 'high'],
  ] as const)('%s', async (_label, callSid, from, keys, lang, priority, risk) => {
    await requestCallback(callSid, from, [...keys]);
    const chat = (await handoff.listWaiting()).find((c) => c.conversationId === `ivr:${callSid}`);
    expect(chat).toMatchObject({ channel: 'ivr', language: lang, priority, state: 'waiting', summary: i18n.t(lang, 'ivr:callbackSummary') });
    expect(JSON.stringify(chat)).not.toContain(from.slice(3));
    const record = await cases.get(chat!.caseRef!);
    expect(record).toMatchObject({ phone: from, language: lang, channel: 'ivr', kind: 'callback', risk, dangerNow: risk === 'high', status: 'queued', handoffChatId: chat!.id });
    expect(record!.contactConsentAt).toBeGreaterThan(0);

    // At rest, nothing under the test prefix holds the number in clear.
    const keysAtRest = await redis.redis.keys(`${redis.prefix}*`);
    for (const key of keysAtRest) {
      const type = await redis.redis.type(key);
      const dump = type === 'hash' ? JSON.stringify(await redis.redis.hgetall(key))
        : type === 'string' ? String(await redis.redis.get(key))
        : type === 'stream' ? JSON.stringify(await redis.redis.xrange(key, '-', '+'))
        : '';
      expect(dump).not.toContain(from.slice(3));
    }
  });
});
