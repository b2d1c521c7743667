import type { AddressInfo } from 'node:net';
import { BadRequest } from '../../services/http/body';
import { createHttpServer, route } from '../../services/http/server';
import { createLogger } from '../../services/logger';
import { LogCapture } from '../support/botHarness';
import { activity, postJson, startApp, type ExpectedReplies, type RunningApp } from '../support/http';
import { OwnRedisServer } from '../support/redisServer';

describe('HTTP in demo mode', () => {
  let s: RunningApp;
  beforeAll(async () => {
    s = await startApp();
  });
  afterAll(async () => {
    await s.stop();
  });

  it('answers /api/messages with the replies when deliveryMode is expectReplies', async () => {
    const res = await postJson(`${s.url}/api/messages`, activity('hello'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as ExpectedReplies;
    expect(body.activities[0].text).toMatch(/Sishu Mitra/);
    expect(body.activities.at(-1)?.suggestedActions?.actions.map((a) => a.value)).toContain('cmd:emergency');
  });

  it('keeps state between turns of one conversation', async () => {
    await postJson(`${s.url}/api/messages`, activity('hello', 'c-keep'));
    const res = await postJson(`${s.url}/api/messages`, activity('lang:hi', 'c-keep'));
    const body = (await res.json()) as ExpectedReplies;
    expect(body.activities[0].text).toContain('हिंदी');
  });

  it('is healthy and ready', async () => {
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${s.url}/readyz`)).status).toBe(200);
  });

  it('counts turns, latency and errors on /metrics', async () => {
    await postJson(`${s.url}/api/messages`, activity('hello'));
    const text = await (await fetch(`${s.url}/metrics`)).text();
    expect(text).toMatch(/sishu_turns_total\{channel="emulator"\} [1-9]/);
    expect(text).toContain('sishu_turn_seconds_bucket');
    expect(text).toContain('sishu_errors_total');
  });

  const bad: [string, () => Promise<Response>, number, RegExp][] = [
    ['malformed JSON', () => postJson(`${s.url}/api/messages`, '{"type": "message", '), 400, /not valid JSON/],
    ['a JSON array', () => postJson(`${s.url}/api/messages`, '[1,2]'), 400, /JSON object/],
    ['a wrong content type', () => fetch(`${s.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' }), 415, /application\/json/],
    ['a body over 256 KB', () => postJson(`${s.url}/api/messages`, activity('x'.repeat(300 * 1024))), 413, /larger than/],
    ['an activity without a conversation', () => postJson(`${s.url}/api/messages`, { type: 'message', channelId: 'emulator', from: { id: 'u' }, text: 'hi', deliveryMode: 'expectReplies' }), 400, /conversation/],
    ['an activity without a type', () => postJson(`${s.url}/api/messages`, { ...activity('hi'), type: 7 }), 400, /type/],
  ];
  it.each(bad)('refuses %s with a 4xx and a one-line reason', async (_name, send, status, reason) => {
    const res = await send();
    expect(res.status).toBe(status);
    const text = await res.text();
    expect(text).toMatch(reason);
    expect(text.split('\n')).toHaveLength(1);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });

  it('answers an emoji-only message and a 5,000-character message', async () => {
    for (const text of ['🙂🙂🙂', 'a'.repeat(5000), 'moi भय খাইছো help']) {
      const res = await postJson(`${s.url}/api/messages`, activity(text));
      expect(res.status).toBe(200);
      expect(((await res.json()) as ExpectedReplies).activities.length).toBeGreaterThan(0);
    }
  });

  it('logs no message text', async () => {
    await postJson(`${s.url}/api/messages`, activity('my secret words zebra-42'));
    expect(s.logs.text).not.toContain('zebra-42');
  });
});

describe('HTTP on Redis', () => {
  let own: OwnRedisServer;
  let s: RunningApp;
  beforeAll(async () => {
    own = await OwnRedisServer.start();
    s = await startApp({ REDIS_URL: own.url }, { redis: true });
  });
  afterAll(async () => {
    await s.stop();
    await own.stop();
  });

  it('keeps conversation state in Redis with the retention TTL', async () => {
    await postJson(`${s.url}/api/messages`, activity('hello', 'c-redis'));
    const keys = await s.app.redis!.keys(`${s.prefix}state:*`);
    expect(keys.length).toBeGreaterThan(0);
    const ttl = await s.app.redis!.ttl(keys[0]);
    expect(ttl).toBeGreaterThan(89 * 86400);
  });

  it('turns /readyz 503 with a reason while Redis does not answer, and back when it returns', async () => {
    expect((await fetch(`${s.url}/readyz`)).status).toBe(200);
    await own.stop();
    const down = await fetch(`${s.url}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.text()).toMatch(/redis/);
    const answer = await postJson(`${s.url}/api/messages`, activity('hello', 'c-down'));
    expect(answer.status).toBeLessThan(500);
    const replies = (await answer.json()) as ExpectedReplies;
    expect(replies.activities.map((a) => a.text).join('\n')).toContain('1098');
    await own.restart();
    let status = 0;
    for (let i = 0; i < 60 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await fetch(`${s.url}/readyz`)).status;
    }
    expect(status).toBe(200);
  });
});

describe('a route that fails', () => {
  const logs = new LogCapture();
  const logger = createLogger({ level: 'info', destination: logs });
  const server = createHttpServer();
  server.get('/broken', route(logger, async () => {
    throw new Error('a fault of ours');
  }));
  server.get('/refused', route(logger, async () => {
    throw new BadRequest(422, 'not like that');
  }));
  let url: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("answers 500 without details and logs the fault under the request's id", async () => {
    const res = await fetch(`${url}/broken`, { headers: { 'x-request-id': 'req-broken-1' } });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-request-id')).toBe('req-broken-1');
    expect(await res.text()).not.toContain('a fault of ours');
    const line = logs.lines.map((l) => JSON.parse(l) as { reqId?: string; msg: string; err?: { message: string } }).find((l) => l.reqId === 'req-broken-1');
    expect(line).toMatchObject({ msg: 'route failed', err: { message: 'a fault of ours' } });
  });

  it('answers bad input with its 4xx and a reason, logging nothing', async () => {
    const before = logs.lines.length;
    const res = await fetch(`${url}/refused`);
    expect(res.status).toBe(422);
    expect(await res.text()).toBe('not like that');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(logs.lines.length).toBe(before);
  });
});
