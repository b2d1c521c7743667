import { i18n } from '../support/botHarness';
import { activity, postJson, startApp, type ExpectedReplies, type RunningApp } from '../support/http';
import { OwnRedisServer } from '../support/redisServer';

/** Faults against a redis-server this suite starts on its own port, stops, pauses and restarts. */
let own: OwnRedisServer;
let s: RunningApp;

beforeAll(async () => {
  own = await OwnRedisServer.start();
  s = await startApp({ REDIS_URL: own.url }, { redis: true });
});
afterAll(async () => {
  own.resume();
  await s.stop();
  await own.stop();
});

async function send(text: string, conversation: string): Promise<string> {
  const res = await postJson(`${s.url}/api/messages`, activity(text, conversation));
  expect(res.status).toBe(200);
  return ((await res.json()) as ExpectedReplies).activities.map((a) => a.text ?? '').join('\n');
}

async function readyStatus(): Promise<number> {
  return (await fetch(`${s.url}/readyz`)).status;
}

async function waitUntilReady(): Promise<void> {
  for (let i = 0; i < 100 && (await readyStatus()) !== 200; i++) await new Promise((r) => setTimeout(r, 100));
  expect(await readyStatus()).toBe(200);
}

const storeDown = i18n.t('en', 'common:storeDown');

describe('Redis down mid-conversation', () => {
  it('still answers, with 1098 and a plain word that counsellors cannot be reached, and /readyz says 503', async () => {
    await send('hello', 'fault-down');
    await own.stop();
    const answer = await send('menu:teacher', 'fault-down');
    expect(answer).toContain(storeDown);
    expect(answer).toContain('112');
    expect(await readyStatus()).toBe(503);
  });

  it('carries on without a restart when Redis returns', async () => {
    await own.restart();
    await waitUntilReady();
    const answer = await send('menu:teacher', 'fault-down');
    expect(answer).not.toContain(storeDown);
    expect(answer).toContain(i18n.t('en', 'teacher:pick'));
  });
});

describe('slow Redis (a paused server)', () => {
  it('answers with the same word instead of hanging, and keeps the conversation once Redis wakes', async () => {
    await send('hello', 'fault-slow');
    await send('menu:teacher', 'fault-slow');
    own.pause();
    try {
      const answer = await send('teacher:school', 'fault-slow');
      expect(answer).toContain(storeDown);
      expect(await readyStatus()).toBe(503);
    } finally {
      own.resume();
    }
    await waitUntilReady();
    const answer = await send('teacher:school', 'fault-slow');
    expect(answer).toContain(i18n.t('en', 'teacher:situations.school.title'));
  }, 30000);
});
