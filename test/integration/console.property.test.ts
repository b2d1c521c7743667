import fc from 'fast-check';
import { ConsoleClient } from '../support/console';
import { request as handoffRequest } from '../support/handoffContract';
import { startApp, type RunningApp } from '../support/http';

/**
 * A signed-in counsellor's console, in the composed app (demo mode and Redis), posting anything to
 * its API: every answer is a 2xx, or a 4xx with a reason. Never a 5xx, an exception or a hang.
 */
const REQUEST_TIMEOUT_MS = 10_000;
const PROPERTY_TIMEOUT_MS = 90_000;
const PASSWORD = 'a long enough property password';

interface Answer {
  status: number;
  text: string;
}

function expectHandled(res: Answer): void {
  expect(res.status).toBeGreaterThanOrEqual(200);
  expect(res.status).toBeLessThan(500);
  if (res.status >= 400) expect(res.text.trim().length).toBeGreaterThan(0);
  else expect(() => JSON.parse(res.text) as unknown).not.toThrow();
}

const anything = fc.jsonValue({ maxDepth: 3 });
/** Well-formed Unicode of several kinds. */
const str = (maxLength: number) => fc.oneof(fc.string({ maxLength }), fc.string({ unit: 'grapheme', maxLength }), fc.string({ unit: 'binary', maxLength }));
const longText = fc.oneof(fc.integer({ min: 1990, max: 4100 }).map((n) => 'x'.repeat(n)), fc.constant(' '.repeat(50)));
/** A body shaped like what the console sends, each field right, wrong or missing. */
const consoleBody = fc.record(
  {
    text: fc.oneof({ arbitrary: str(200), weight: 3 }, { arbitrary: longText, weight: 1 }, { arbitrary: anything, weight: 1 }),
    msgId: fc.oneof(fc.stringMatching(/^[\w-]{8,64}$/), str(70), anything),
    to: fc.oneof(fc.constantFrom('ravi', 'demo', 'nobody', 'RAVI ', '__proto__', 'constructor', ''), str(40), anything),
    queueLanguage: fc.oneof(fc.constantFrom('as', 'hi', 'en', 'bn', 'AS'), str(5), anything),
    disposition: fc.oneof(fc.constantFrom('resolved', 'referred-police', 'test', 'callback-needed', 'closed'), str(30), anything),
    username: fc.oneof(fc.constantFrom('demo', 'ravi', 'sup'), str(70), anything),
    password: fc.oneof(str(300), anything),
  },
  { requiredKeys: [] },
);
const body = fc.oneof({ arbitrary: consoleBody, weight: 3 }, { arbitrary: anything, weight: 1 });
const chatAction = fc.constantFrom('messages', 'notes', 'transfer', 'close', 'claim');
/** Which chat the request names: one the caller holds, one still waiting, one that does not exist, or any id at all. */
const target = fc.oneof(
  { arbitrary: fc.constant('held' as const), weight: 4 },
  { arbitrary: fc.constantFrom('waiting' as const, 'unknown' as const), weight: 2 },
  { arbitrary: str(80).map((id) => ({ raw: id })), weight: 1 },
);
const csrf = fc.oneof({ arbitrary: fc.constant('right' as const), weight: 6 }, { arbitrary: fc.constantFrom(null, 'wrong-token'), weight: 1 });

describe.each([
  ['demo mode', false],
  ['Redis', true],
] as const)('property: the console API takes any input (%s)', (_name, redis) => {
  let s: RunningApp;
  let client: ConsoleClient;

  beforeAll(async () => {
    s = await startApp({}, { redis });
    const accounts = s.app.counsellorConsole.accounts;
    await accounts.add({ username: 'ravi', alias: 'Ravi', role: 'counsellor', languages: ['hi'], capacity: 2 }, PASSWORD);
    const login = s.app.demoLogin ?? { username: 'sup', password: PASSWORD };
    if (!s.app.demoLogin) await accounts.add({ username: 'sup', alias: 'Sup', role: 'supervisor', languages: ['as', 'hi', 'en'], capacity: 10 }, PASSWORD);
    client = new ConsoleClient(s.url);
    expect((await client.login(login.username, login.password)).status).toBe(200);
  });
  afterAll(async () => {
    await s?.stop();
  });

  async function send(method: string, path: string, raw: string | Buffer | undefined, opts: { csrf?: 'right' | string | null; type?: string | null; cookie?: boolean } = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (opts.cookie !== false && client.cookie) headers.cookie = client.cookie;
    const token = opts.csrf === undefined || opts.csrf === 'right' ? client.csrf : opts.csrf;
    if (token) headers['x-csrf-token'] = token;
    if (opts.type !== null) headers['content-type'] = opts.type ?? 'application/json';
    const res = await fetch(`${s.url}${path}`, { method, headers, body: raw === undefined || typeof raw === 'string' ? raw : new Uint8Array(raw), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    return { status: res.status, text: await res.text() };
  }

  /** A chat in the queue, opened; claimed by the signed-in supervisor when `held`. */
  async function chatFor(which: 'held' | 'waiting' | 'unknown'): Promise<{ id: string; done(): Promise<void> }> {
    if (which === 'unknown') return { id: `no-such-chat-${Math.random().toString(36).slice(2)}`, done: async () => undefined };
    const store = s.app.handoff.store;
    const entered = await store.enqueue(handoffRequest({ language: 'hi' }));
    await store.open(entered.chat.id);
    if (which === 'held') {
      const me = await s.app.counsellorConsole.accounts.get(s.app.demoLogin?.username ?? 'sup');
      const claimed = await store.claim(entered.chat.id, { id: me!.username, alias: me!.alias, languages: me!.languages });
      expect(claimed.ok).toBe(true);
    }
    return { id: entered.chat.id, done: async () => void (await store.abandon(entered.chat.conversationId)) };
  }

  it('answers any body posted to a chat action with a 2xx or a 4xx and a reason', async () => {
    await fc.assert(
      fc.asyncProperty(chatAction, target, body, csrf, async (action, which, value, token) => {
        const chat = typeof which === 'string' ? await chatFor(which) : { id: which.raw, done: async () => undefined };
        try {
          expectHandled(await send('POST', `/console/api/chats/${encodeURIComponent(chat.id)}/${action}`, JSON.stringify(value), { csrf: token }));
        } finally {
          await chat.done();
        }
      }),
      { numRuns: 150 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('answers any bytes, of any content type, with a 2xx or a 4xx and a reason', async () => {
    const raw = fc.oneof(fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)), str(300), fc.constant(''));
    const type = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', null);
    const path = fc.oneof(chatAction.map((a) => `chats/HELD/${a}`), fc.constantFrom('login', 'queue/next', 'heartbeat'));
    await fc.assert(
      fc.asyncProperty(path, raw, type, async (where, bytes, contentType) => {
        const chat = await chatFor('held');
        try {
          expectHandled(await send('POST', `/console/api/${where.replace('HELD', chat.id)}`, bytes, { type: contentType, cookie: where !== 'login' }));
        } finally {
          await chat.done();
        }
      }),
      { numRuns: 100 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('refuses any sign-in body but the right one with a 4xx and a reason', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (value) => {
        const res = await send('POST', '/console/api/login', JSON.stringify(value), { cookie: false });
        expectHandled(res);
        expect(res.status).toBeGreaterThanOrEqual(400);
      }),
      // Each well-formed attempt costs a scrypt hash: fewer runs keep the file quick on a busy machine.
      { numRuns: 60 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('answers reads of any chat id with a 2xx or a 4xx and a reason', async () => {
    const after = fc.oneof(str(50), fc.stringMatching(/^[0-9]{1,22}(-[0-9]{1,22})?$/), fc.constantFrom('A', '0-0', '18446744073709551615-18446744073709551615', '-', '1-', '000000000001'));
    const query = fc.oneof(fc.constant(''), after.map((a) => `?after=${encodeURIComponent(a)}`));
    await fc.assert(
      fc.asyncProperty(target, fc.constantFrom('', '/messages'), query, async (which, sub, q) => {
        const chat = typeof which === 'string' ? await chatFor(which) : { id: which.raw, done: async () => undefined };
        try {
          expectHandled(await send('GET', `/console/api/chats/${encodeURIComponent(chat.id)}${sub}${q}`, undefined, { type: null }));
        } finally {
          await chat.done();
        }
      }),
      { numRuns: 100 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('refuses an "after" that is no message id with 400, and reads after a real one (found by the property above)', async () => {
    const chat = await chatFor('held');
    try {
      const path = `/console/api/chats/${chat.id}/messages`;
      expect(await send('GET', `${path}?after=A`, undefined, { type: null })).toEqual({ status: 400, text: 'after is malformed' });
      const posted = await send('POST', path, JSON.stringify({ text: 'hello' }));
      expect(posted.status).toBe(200);
      const { message } = JSON.parse(posted.text) as { message: { id: string } };
      const later = await send('GET', `${path}?after=${encodeURIComponent(message.id)}`, undefined, { type: null });
      expect(later.status).toBe(200);
      expect((JSON.parse(later.text) as { messages: unknown[] }).messages).toEqual([]);
    } finally {
      await chat.done();
    }
  });

  it('is still signed in and healthy, with no failed route in its log', async () => {
    expect((await client.get('queue')).status).toBe(200);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    expect(s.logs.text).not.toContain('route failed');
  });
});
