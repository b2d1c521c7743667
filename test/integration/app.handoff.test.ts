import { ConsoleClient } from '../support/console';
import { i18n } from '../support/botHarness';
import { startApp, type RunningApp } from '../support/http';
import { TEST_ORIGIN, TestSocket, type Frame } from '../support/webchatSocket';

/**
 * The service as index.ts composes it: a child in the web chat asks for a person, a counsellor signs
 * in to the console of the same process, claims the chat, and the two talk until the counsellor
 * closes it and the bot takes the child back. In demo mode and on Redis.
 */
const en = (key: string, vars?: Record<string, unknown>) => i18n.t('en', key, vars);
const PASSWORD = 'a long enough test password';

const botSaid = (text: string) => (f: Frame) => f.type === 'message' && (f.from as { role?: string } | undefined)?.role === 'bot' && (f.text ?? '').includes(text);

/** Polls the console until the condition holds (at most ~10 s), then returns what it last read. */
async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 200 && !ok(value); i++) {
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}

describe.each([
  ['demo mode', false],
  ['Redis', true],
] as const)('the composed service (%s)', (_name, redis) => {
  let s: RunningApp;
  let counsellor: ConsoleClient;
  let child: TestSocket;

  beforeAll(async () => {
    s = await startApp({ WEBCHAT_ALLOWED_ORIGINS: TEST_ORIGIN, HANDOFF_LEASE_SECONDS: '30' }, { redis });
    const login = s.app.demoLogin ?? { username: 'asha', password: PASSWORD };
    if (!s.app.demoLogin) {
      await s.app.counsellorConsole.accounts.add({ username: 'asha', alias: 'Asha', role: 'counsellor', languages: ['en'], capacity: 3 }, PASSWORD);
    }
    expect(s.app.demoLogin !== null).toBe(!redis);
    counsellor = new ConsoleClient(s.url);
    expect((await counsellor.login(login.username, login.password)).status).toBe(200);
    expect((await counsellor.post('heartbeat')).status).toBe(200);
    child = await TestSocket.open(`${s.url.replace('http', 'ws')}/webchat/ws`, { locale: 'en' });
    await child.session();
  });

  afterAll(async () => {
    await child?.close();
    await s?.stop();
  });

  it('carries a child from the web chat to a counsellor at the console and back to the bot', async () => {
    child.say('hello', 'c-1');
    child.say('lang:en', 'c-2');
    child.say('cmd:human', 'c-3');
    await child.next(botSaid(en('handoff:queued', { position: 1 })), 10_000);

    const queue = await until(
      () => counsellor.json<{ waiting: { id: string; channel: string; language: string }[] }>(counsellor.get('queue')),
      (q) => q.waiting.length === 1,
    );
    expect(queue.waiting[0]).toMatchObject({ channel: 'webchat', language: 'en' });
    const chatId = queue.waiting[0].id;
    expect((await counsellor.post('queue/next')).status).toBe(200);
    await child.next((f) => botSaid(en('handoff:notice.joined', { alias: s.app.demoLogin ? 'Mitra' : 'Asha' }))(f), 10_000);

    expect((await counsellor.post(`chats/${chatId}/messages`, { text: 'I am here with you. What happened?', msgId: 'msg-0001' })).status).toBe(200);
    await child.next((f) => f.type === 'message' && f.text === 'I am here with you. What happened?', 10_000);

    const before = child.frames.filter((f) => f.type === 'message' && (f.from as { role?: string }).role === 'bot').length;
    child.say('someone at home shouts at me', 'c-4');
    const transcript = await until(
      () => counsellor.json<{ messages: { from: string; text: string | null }[] }>(counsellor.get(`chats/${chatId}/messages`)),
      (t) => t.messages.some((m) => m.text === 'someone at home shouts at me'),
    );
    expect(transcript.messages.find((m) => m.text === 'someone at home shouts at me')).toMatchObject({ from: 'user' });
    // While the counsellor holds the chat the bot stays silent.
    expect(child.frames.filter((f) => f.type === 'message' && (f.from as { role?: string }).role === 'bot')).toHaveLength(before);

    expect((await counsellor.post(`chats/${chatId}/close`, { disposition: 'resolved' })).status).toBe(200);
    await child.next(botSaid(en('handoff:notice.ended')), 10_000);
  });
});
