import Redis from 'ioredis';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { i18n } from '../support/botHarness';
import { ConnectorServer } from '../support/connectorServer';
import { ConsoleClient } from '../support/console';
import { GraphApiServer } from '../support/graphApiServer';
import { postJson, startApp, type RunningApp } from '../support/http';
import { freePort, OwnRedisServer } from '../support/redisServer';
import { TEST_ORIGIN, TestSocket, type Frame } from '../support/webchatSocket';
import { ACCESS_TOKEN, APP_SECRET, newNumber, post as postWebhook, VERIFY_TOKEN } from '../support/whatsappHarness';
import { PHONE_NUMBER_ID, textWebhook } from '../support/whatsappWebhooks';

/**
 * Two instances of the service on one redis-server of the test's own. Instance A is the real entry
 * point (index.ts) in a child process; instance B is createApp in this process. A child on the web
 * chat, a user on /api/messages and a WhatsApp user all talk to A, ask for a person, and a counsellor
 * claims the three chats at A's console. Then A is killed (SIGKILL: no graceful stop, no handoff.stop, sockets and
 * Redis connections cut). The counsellor's console moves to B with the same session, the child's page
 * reconnects to B, the other users' next messages go to B, and the chats carry on: counsellor
 * messages still reach every user, once and in order, and the users' messages still reach the
 * counsellor, until the counsellor closes and the bot takes over again.
 */
const root = join(__dirname, '..', '..');
const en = (key: string, vars?: Record<string, unknown>) => i18n.t('en', key, vars);
const PASSWORD = 'a long enough fault-test password';
const WAIT_MS = 30_000;

async function until<T>(read: () => Promise<T> | T, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const botTexts = (socket: TestSocket) =>
  socket.frames.filter((f: Frame) => f.type === 'message' && (f.from as { role?: string } | undefined)?.role === 'bot').map((f) => f.text ?? '');

describe('an instance killed while a counsellor holds its chats', () => {
  let own: OwnRedisServer;
  let connector: ConnectorServer;
  let graph: GraphApiServer;
  let a: ChildProcess | undefined;
  let aExited: Promise<unknown>;
  let aUrl: string;
  let b: RunningApp;
  const sockets: TestSocket[] = [];
  const prefix = `fault:${randomBytes(4).toString('hex')}:`;

  beforeAll(async () => {
    own = await OwnRedisServer.start();
    connector = await ConnectorServer.start();
    graph = await GraphApiServer.start(ACCESS_TOKEN);
    const shared = {
      REDIS_URL: own.url,
      REDIS_KEY_PREFIX: prefix,
      CONSOLE_SESSION_SECRET: randomBytes(32).toString('hex'),
      CASE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      WEBCHAT_ALLOWED_ORIGINS: TEST_ORIGIN,
      HANDOFF_LEASE_SECONDS: '60',
      LOG_LEVEL: 'warn',
      WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
      WHATSAPP_GRAPH_URL: graph.baseUrl,
    };
    const port = await freePort();
    aUrl = `http://127.0.0.1:${port}`;
    a = spawn(process.execPath, ['-r', './test/support/tsRequire.js', 'index.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...shared, PORT: String(port) },
      stdio: 'ignore',
    });
    const child = a;
    aExited = new Promise((resolve) => child.once('exit', resolve));
    b = await startApp(shared);
    const ready = async () => fetch(`${aUrl}/readyz`).then((r) => r.status, () => 0);
    for (let i = 0; i < 600 && (await ready()) !== 200; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await ready()).toBe(200);
    await b.app.counsellorConsole.accounts.add({ username: 'asha', alias: 'Asha', role: 'counsellor', languages: ['en'], capacity: 3 }, PASSWORD);
  }, 90_000);

  afterAll(async () => {
    for (const s of sockets) await s.close();
    if (a && a.exitCode === null && a.signalCode === null) {
      a.kill('SIGKILL');
      await aExited;
    }
    await b?.stop();
    await connector?.close();
    await graph?.close();
    await own?.stop();
  });

  it('carries all three chats on through the other instance, both ways, with nothing lost or repeated', async () => {
    // A counsellor signs in at A's console.
    const atA = new ConsoleClient(aUrl);
    expect((await atA.login('asha', PASSWORD)).status).toBe(200);
    expect((await atA.post('heartbeat')).status).toBe(200);

    // A child on the web chat, served by A, asks for a person.
    const page = await TestSocket.open(`${aUrl.replace('http', 'ws')}/webchat/ws`, { locale: 'en' });
    sockets.push(page);
    const { conversationId, token } = await page.session();
    await page.next((f) => f.type === 'message' && (f.text ?? '').includes(en('common:greeting')), WAIT_MS);
    page.say('lang:en', 'k-1');
    await page.botText(en('common:menuPrompt'));
    page.say('cmd:human', 'k-2');
    await page.next((f) => f.type === 'message' && (f.text ?? '').startsWith(en('handoff:queued', { position: 1 }).split('1')[0]), WAIT_MS);

    // A user on /api/messages, served by A, asks for a person too.
    const apiUser = 'fault-api-user';
    const fromConnector: string[] = [];
    connector.onActivity(apiUser, (activity) => fromConnector.push(activity.text ?? ''));
    let turn = 0;
    const say = async (url: string, text: string): Promise<string[]> => {
      const res = await postJson(`${url}/api/messages`, {
        type: 'message', channelId: 'emulator', deliveryMode: 'expectReplies', serviceUrl: connector.url, id: `fault-${++turn}`,
        conversation: { id: apiUser }, from: { id: 'user-fault' }, recipient: { id: 'bot' }, text,
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { activities: { text?: string }[] }).activities.map((x) => x.text ?? '');
    };
    await say(aUrl, 'lang:en');
    expect((await say(aUrl, 'cmd:human')).join('\n')).toContain(en('handoff:queued', { position: 2 }));

    // A WhatsApp user, whose webhooks reach A, asks for a person too.
    const number = newNumber();
    const toWhatsApp = () =>
      graph.sent.filter((r) => r.body.to === number).map((r) => {
        const body = r.body as { text?: { body?: string }; interactive?: { body?: { text?: string } } };
        return body.text?.body ?? body.interactive?.body?.text ?? '';
      });
    const webhook = async (url: string, text: string) => expect((await postWebhook(`${url}/api/whatsapp`, textWebhook(number, text))).status).toBe(200);
    await webhook(aUrl, 'lang:en');
    await until(toWhatsApp, (got) => got.includes(en('common:menuPrompt')), 'the WhatsApp user to get the menu');
    await webhook(aUrl, 'cmd:human');
    await until(toWhatsApp, (got) => got.some((text) => text.startsWith(en('handoff:queued', { position: 3 }))), 'the WhatsApp user to be queued');

    // The counsellor claims all three at A; every user hears that a counsellor joined.
    type Row = { id: string; channel: string };
    const { waiting } = await until(() => atA.json<{ waiting: Row[] }>(atA.get('queue')), (q) => q.waiting.length === 3, 'the three chats in the queue');
    const webchatChat = waiting.find((r) => r.channel === 'webchat')!.id;
    const apiChat = waiting.find((r) => r.channel === 'emulator')!.id;
    const whatsappChat = waiting.find((r) => r.channel === 'whatsapp')!.id;
    const chats = [webchatChat, apiChat, whatsappChat];
    for (const id of chats) expect((await atA.post(`chats/${id}/claim`)).status).toBe(200);
    const joined = en('handoff:notice.joined', { alias: 'Asha' });
    await page.botText(joined);
    await until(() => fromConnector, (got) => got.includes(joined), 'the api user told a counsellor joined');
    await until(toWhatsApp, (got) => got.includes(joined), 'the WhatsApp user told a counsellor joined');

    // One exchange each way while A serves.
    for (const [n, id] of chats.entries()) expect((await atA.post(`chats/${id}/messages`, { text: 'before the crash', msgId: `before-crash-${n}` })).status).toBe(200);
    await page.botText('before the crash');
    await until(() => fromConnector, (got) => got.includes('before the crash'), 'the api user to get the first message');
    await until(toWhatsApp, (got) => got.includes('before the crash'), 'the WhatsApp user to get the first message');
    page.say('I am still here (1)', 'k-3');
    expect(await say(aUrl, 'I am still here (1)')).toEqual([]);
    await webhook(aUrl, 'I am still here (1)');
    type Transcript = { messages: { from: string; text: string | null }[] };
    const userWords = async (client: ConsoleClient, id: string) =>
      (await client.json<Transcript>(client.get(`chats/${id}/messages`))).messages.filter((m) => m.from === 'user').map((m) => m.text);
    for (const id of chats) {
      await until(() => userWords(atA, id), (w) => w.length === 1, 'the first user message at the console');
    }
    // The WhatsApp worker has finished with that message (no claim on a user is pending), so what
    // follows is about the dead instance, not about a claim that would wait out its lease.
    const admin = new Redis(own.url, { maxRetriesPerRequest: 1 });
    try {
      const pending = async () => Number(((await admin.xpending(`${prefix}wa:ready`, 'whatsapp-workers')) as [number])[0]);
      await until(pending, (n) => n === 0, 'the WhatsApp worker to release the user');
    } finally {
      admin.disconnect();
    }
    const lastSeen = page.frames.filter((f) => f.type === 'message' && f.id).map((f) => Number(f.id));
    const watermark = Math.max(...lastSeen);

    // A dies: no graceful stop.
    a!.kill('SIGKILL');
    await aExited;
    await page.closed;

    // The counsellor's console moves to B with the same session (it lives in Redis).
    const atB = new ConsoleClient(b.url);
    atB.cookie = atA.cookie;
    atB.csrf = atA.csrf;
    expect((await atB.post('heartbeat')).status).toBe(200);
    for (const [n, id] of chats.entries()) expect((await atB.post(`chats/${id}/messages`, { text: 'after the crash', msgId: `after-crash-${n}` })).status).toBe(200);

    // The api and WhatsApp users' channels get it from B; the child's page reconnects to B and gets what it missed.
    await until(() => fromConnector, (got) => got.includes('after the crash'), 'the api user to get the message sent after the crash');
    await until(toWhatsApp, (got) => got.includes('after the crash'), 'the WhatsApp user to get the message sent after the crash');
    const again = await TestSocket.open(`${b.url.replace('http', 'ws')}/webchat/ws`, { locale: 'en', conversationId, token: token!, watermark });
    sockets.push(again);
    expect(await again.session()).toMatchObject({ conversationId, resumed: true });
    await again.botText('after the crash');

    // The users write on through B; the counsellor reads it at B.
    again.say('I am still here (2)', 'k-4');
    expect(await say(b.url, 'I am still here (2)')).toEqual([]);
    await webhook(b.url, 'I am still here (2)');
    for (const id of chats) {
      const words = await until(() => userWords(atB, id), (w) => w.length === 2, 'the user message sent after the crash');
      expect(words).toEqual(['I am still here (1)', 'I am still here (2)']);
    }

    // The counsellor closes at B, and B's bot takes the users back.
    for (const id of chats) expect((await atB.post(`chats/${id}/close`, { disposition: 'resolved' })).status).toBe(200);
    const ended = en('handoff:notice.ended');
    await again.botText(ended);
    await until(() => fromConnector, (got) => got.includes(ended), 'the api user told the chat ended');
    await until(toWhatsApp, (got) => got.includes(ended), 'the WhatsApp user told the chat ended');
    expect((await say(b.url, 'menu')).join('\n')).toContain(en('common:menuPrompt'));

    // Each user got the counsellor's side once each, in order, across the two instances.
    const counsellorSide = [joined, 'before the crash', 'after the crash', ended];
    expect(fromConnector).toEqual(counsellorSide);
    expect(toWhatsApp().filter((text) => counsellorSide.includes(text))).toEqual(counsellorSide);
    expect(graph.requests.length).toBe(graph.sent.length);
    const pageSaw = [...botTexts(page), ...botTexts(again)];
    expect(pageSaw.filter((text) => counsellorSide.includes(text))).toEqual(counsellorSide);
    expect(await b.app.handoff.store.undelivered()).toEqual([]);
    expect(b.logs.lines.filter((l) => (JSON.parse(l) as { level: number }).level >= 50)).toEqual([]);
  }, 120_000);
});
