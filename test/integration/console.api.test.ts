import { startConsoleRig, type ConsoleClient, type ConsoleRig } from '../support/console';
import { TestClock } from '../support/handoffContract';

interface Chat { id: string; state: string; counsellorId: string | null }
interface Msg { id: string; from: string; text: string | null; notice: { key: string } | null }

const clock = new TestClock();
let rig: ConsoleRig;
let asha: ConsoleClient;
let ravi: ConsoleClient;
let sup: ConsoleClient;

beforeAll(async () => {
  rig = await startConsoleRig({ redis: true, clock: clock.now, sessionTimings: { idleMs: 60_000, maxAgeMs: 3_600_000 } });
  await rig.addAccount({ username: 'asha', alias: 'Asha', languages: ['as', 'en'] });
  await rig.addAccount({ username: 'ravi', alias: 'Ravi', languages: ['hi', 'as'] });
  await rig.addAccount({ username: 'sup', role: 'supervisor', languages: ['en'] });
  for (let i = 0; i < 8; i++) await rig.addAccount({ username: `crowd${i}` });
  asha = rig.client();
  ravi = rig.client();
  sup = rig.client();
  expect((await asha.login('asha')).status).toBe(200);
  expect((await ravi.login('ravi')).status).toBe(200);
  expect((await sup.login('sup')).status).toBe(200);
});

afterAll(async () => {
  await rig.stop();
});

describe('signing in', () => {
  it('answers a right password with an HttpOnly, SameSite=Strict session cookie and a CSRF token', async () => {
    const client = rig.client();
    const res = await client.login('asha');
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^sm_console=[\w-]+\.[\w-]+;/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/console');
    const body = await client.json<{ csrfToken: string; user: { username: string; role: string } }>(res);
    expect(body.csrfToken.length).toBeGreaterThan(20);
    expect(body.user).toMatchObject({ username: 'asha', role: 'counsellor' });
    expect(await client.json(client.get('session'))).toMatchObject({ csrfToken: body.csrfToken });
  });

  it('refuses a wrong password and an unknown user alike, with 401', async () => {
    const wrong = await rig.client().login('ravi', 'not the password');
    const unknown = await rig.client().login('nobody', 'not the password');
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(await wrong.text()).toBe(await unknown.text());
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it('refuses malformed sign-in bodies with a 4xx and a reason', async () => {
    const client = rig.client();
    expect((await client.post('login', '{not json')).status).toBe(400);
    expect((await client.post('login', { username: 'asha' })).status).toBe(400);
    expect((await client.request('POST', '/console/api/login', 'username=asha', { headers: { 'content-type': 'text/plain' } })).status).toBe(415);
  });

  it('locks an account after five wrong passwords, even against the right one', async () => {
    await rig.addAccount({ username: 'guessed' });
    for (let i = 0; i < 5; i++) expect((await rig.client().login('guessed', `wrong guess ${i}`)).status).toBe(401);
    const locked = await rig.client().login('guessed');
    expect(locked.status).toBe(429);
    expect(await locked.text()).toContain('locked');
    expect((await rig.client().login('asha')).status).toBe(200);
  });

  it('refuses every API call without a session', async () => {
    const stranger = rig.client();
    for (const path of ['queue', 'session', 'chats/abc', 'audit', 'colleagues']) expect((await stranger.get(path)).status).toBe(401);
    expect((await stranger.post('queue/next')).status).toBe(401);
    const forged = rig.client();
    forged.cookie = 'sm_console=abc.def';
    expect((await forged.get('queue')).status).toBe(401);
  });

  it('ends a session after the idle time, and on sign-out', async () => {
    const client = rig.client();
    await client.login('asha');
    expect((await client.get('queue')).status).toBe(200);
    clock.advance(61_000);
    expect((await client.get('queue')).status).toBe(401);
    // the long-lived clients signed in before the jump: sign them in again
    for (const [c, name] of [[asha, 'asha'], [ravi, 'ravi'], [sup, 'sup']] as const) await c.login(name);
    const leaving = rig.client();
    await leaving.login('ravi');
    expect((await leaving.post('logout')).status).toBe(200);
    expect((await leaving.get('queue')).status).toBe(401);
  });
});

describe('CSRF', () => {
  it('refuses a change without the token, with a wrong one, or from another origin', async () => {
    expect((await asha.post('heartbeat', undefined, { csrf: null })).status).toBe(403);
    expect((await asha.post('heartbeat', undefined, { csrf: 'x'.repeat(32) })).status).toBe(403);
    const crossSite = await asha.request('POST', '/console/api/heartbeat', undefined, { headers: { origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    expect((await asha.post('heartbeat')).status).toBe(200);
  });
});

describe('a chat from the queue to the end', () => {
  it('shows the waiting chat, lets a counsellor claim it and talk with the user both ways, then end it', async () => {
    const chatId = await rig.queueChat({ language: 'as', priority: 1, summary: 'redacted summary', caseRef: 'SM-0001' });
    const queue = await asha.json<{ waiting: Record<string, unknown>[] }>(asha.get('queue'));
    expect(queue.waiting.find((w) => w.id === chatId)).toMatchObject({
      id: chatId, channel: 'webchat', language: 'as', priority: 1, summary: 'redacted summary', caseRef: 'SM-0001',
      category: 'physical_abuse', district: 'Kamrup Metropolitan',
    });

    const claimed = await asha.post(`chats/${chatId}/claim`);
    expect(claimed.status).toBe(200);
    expect((await asha.json<{ chat: Chat }>(claimed)).chat).toMatchObject({ id: chatId, state: 'active', counsellorId: 'asha' });

    const chat = await rig.handoff.get(chatId);
    await rig.handoff.post(chatId, { msgId: 'user-1', from: 'user', to: 'counsellor', text: 'মোক সহায় লাগে' });
    const sent = await asha.post(`chats/${chatId}/messages`, { text: 'I am here. You are safe to talk.', msgId: 'click-0001' });
    expect(sent.status).toBe(200);
    // a double click sends the same msgId: the user gets it once
    expect((await asha.post(`chats/${chatId}/messages`, { text: 'I am here. You are safe to talk.', msgId: 'click-0001' })).status).toBe(200);

    const opened = await asha.json<{ messages: Msg[] }>(asha.get(`chats/${chatId}`));
    expect(opened.messages.filter((m) => m.from !== 'system').map((m) => [m.from, m.text])).toEqual([
      ['user', 'মোক সহায় লাগে'],
      ['counsellor', 'I am here. You are safe to talk.'],
    ]);
    const toUser = await rig.handoff.takeDeliveries(chatId, 'bridge', 5000);
    expect(toUser?.filter((m) => m.from === 'counsellor').map((m) => m.text)).toEqual(['I am here. You are safe to talk.']);

    const later = await asha.json<{ messages: Msg[] }>(asha.get(`chats/${chatId}/messages?after=${opened.messages.find((m) => m.from === 'user')!.id}`));
    expect(later.messages.map((m) => m.text)).toEqual(['I am here. You are safe to talk.']);

    expect((await asha.post(`chats/${chatId}/close`, { disposition: 'referred-cwc' })).status).toBe(200);
    expect(await rig.handoff.holderFor(chat!.conversationId)).toBeNull();
    expect(await rig.handoff.get(chatId)).toMatchObject({ state: 'ended', disposition: 'referred-cwc', endedBy: 'counsellor' });
    expect((await asha.post(`chats/${chatId}/messages`, { text: 'still there?' })).status).toBe(409);
    expect(rig.logs.text).not.toContain('You are safe to talk');
    expect(rig.logs.text).not.toContain('মোক');
  });

  it('gives the next chat in the counsellor\'s languages, by priority then waiting time', async () => {
    const normal = await rig.queueChat({ language: 'hi', priority: 3 });
    const high = await rig.queueChat({ language: 'hi', priority: 2 });
    const first = await ravi.json<{ chat: Chat }>(ravi.post('queue/next'));
    const second = await ravi.json<{ chat: Chat }>(ravi.post('queue/next'));
    expect([first.chat.id, second.chat.id]).toEqual([high, normal]);
    for (const id of [high, normal]) await ravi.post(`chats/${id}/close`, { disposition: 'test' });
    expect((await asha.post('queue/next')).status).toBe(404);
  });

  it('never gives one chat to two counsellors clicking at once', async () => {
    const chatId = await rig.queueChat();
    const crowd = await Promise.all(Array.from({ length: 8 }, async (_, i) => {
      const c = rig.client();
      await c.login(`crowd${i}`);
      return c;
    }));
    const answers = await Promise.all(crowd.map((c) => c.post(`chats/${chatId}/claim`)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
    const winner = crowd[answers.findIndex((r) => r.status === 200)];
    expect(await (answers.find((r) => r.status === 409)!).text()).toContain('someone else');
    await winner.post(`chats/${chatId}/close`, { disposition: 'test' });
  });

  it('keeps a counsellor out of a colleague\'s chat, lets a supervisor in, and transfers', async () => {
    const chatId = await rig.queueChat();
    await asha.post(`chats/${chatId}/claim`);
    expect((await ravi.get(`chats/${chatId}`)).status).toBe(403);
    expect((await ravi.post(`chats/${chatId}/messages`, { text: 'hello' })).status).toBe(403);
    expect((await ravi.post(`chats/${chatId}/close`, { disposition: 'test' })).status).toBe(403);
    expect((await sup.get(`chats/${chatId}`)).status).toBe(200);

    const moved = await asha.post(`chats/${chatId}/transfer`, { to: 'ravi' });
    expect(moved.status).toBe(200);
    expect((await ravi.get(`chats/${chatId}`)).status).toBe(200);
    expect((await asha.get(`chats/${chatId}`)).status).toBe(403);

    expect((await ravi.post(`chats/${chatId}/transfer`, { queueLanguage: 'en' })).status).toBe(200);
    const queue = await asha.json<{ waiting: { id: string; language: string }[] }>(asha.get('queue'));
    expect(queue.waiting.find((w) => w.id === chatId)?.language).toBe('en');
    await asha.post(`chats/${chatId}/claim`);
    await asha.post(`chats/${chatId}/close`, { disposition: 'test' });
  });

  it('stops a counsellor at their capacity', async () => {
    await rig.addAccount({ username: 'solo', capacity: 1 });
    const solo = rig.client();
    await solo.login('solo');
    const [a, b] = [await rig.queueChat(), await rig.queueChat()];
    expect((await solo.post(`chats/${a}/claim`)).status).toBe(200);
    const refused = await solo.post(`chats/${b}/claim`);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('capacity');
    await solo.post(`chats/${a}/close`, { disposition: 'test' });
    await asha.post(`chats/${b}/claim`);
    await asha.post(`chats/${b}/close`, { disposition: 'test' });
  });

  it('answers bad input with a 4xx and a reason', async () => {
    const chatId = await rig.queueChat();
    await asha.post(`chats/${chatId}/claim`);
    const cases: [Promise<Response>, number][] = [
      [asha.post(`chats/${chatId}/messages`, { text: '' }), 400],
      [asha.post(`chats/${chatId}/messages`, { text: 'x'.repeat(2001) }), 400],
      [asha.post(`chats/${chatId}/messages`, { text: 'hi', msgId: 'bad id!' }), 400],
      [asha.post(`chats/${chatId}/messages`, '[1,2]'), 400],
      [asha.post(`chats/${chatId}/close`, { disposition: 'whatever' }), 400],
      [asha.post(`chats/${chatId}/transfer`, {}), 400],
      [asha.post(`chats/${chatId}/transfer`, { to: 'nobody' }), 404],
      [asha.post('chats/no such id/claim'), 400],
      [asha.post('chats/unknown-chat/claim'), 404],
      [asha.get('chats/unknown-chat'), 404],
      [asha.get(`chats/${chatId}/messages?after=%3Cscript%3E`), 400],
      [asha.post(`chats/${chatId}/messages`, { text: 'x'.repeat(20_000) }), 413],
    ];
    for (const [res, status] of cases) {
      const r = await res;
      expect(r.status).toBe(status);
      expect((await r.text()).length).toBeGreaterThan(0);
    }
    await asha.post(`chats/${chatId}/close`, { disposition: 'test' });
  });
});

describe('private notes', () => {
  it('are added by the chat\'s counsellor, read with the chat, and refused to others', async () => {
    const chatId = await rig.queueChat();
    await asha.post(`chats/${chatId}/claim`);
    expect((await asha.post(`chats/${chatId}/notes`, { text: 'Child is at school; call CWC after 4pm.' })).status).toBe(200);
    expect((await ravi.post(`chats/${chatId}/notes`, { text: 'not mine' })).status).toBe(403);
    expect((await asha.post(`chats/${chatId}/notes`, { text: ' ' })).status).toBe(400);
    await asha.post(`chats/${chatId}/close`, { disposition: 'callback-needed' });
    const seen = await sup.json<{ notes: { author: string; text: string }[] }>(sup.get(`chats/${chatId}`));
    expect(seen.notes.map((n) => [n.author, n.text])).toEqual([['asha', 'Child is at school; call CWC after 4pm.']]);
    expect(rig.logs.text).not.toContain('call CWC');
  });
});

/** A server-sent event stream, read until what arrived matches. */
async function openEvents(client: ConsoleClient, lastEventId?: string) {
  const abort = new AbortController();
  const res = await fetch(`${client.baseUrl}/console/api/events`, {
    headers: { cookie: client.cookie ?? '', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    signal: abort.signal,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const reader = res.body!.getReader();
  let text = '';
  return {
    async until(match: (text: string) => boolean): Promise<string> {
      while (!match(text)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString('utf8');
      }
      return text;
    },
    close: () => abort.abort(),
  };
}

describe('live events', () => {
  it('streams queue changes (ids and types, no text) and replays what a reconnecting page missed', async () => {
    expect((await rig.client().get('events')).status).toBe(401);
    await rig.untilEventsFlow();
    const live = await openEvents(asha);
    await live.until((text) => text.startsWith('retry:'));
    const chatId = await rig.queueChat({ summary: 'secret summary words' });
    const seen = await live.until((text) => text.includes(`"type":"waiting","chatId":"${chatId}"`));
    live.close();
    expect(seen).not.toContain('secret summary words');
    const firstId = new RegExp(`id: (\\S+)\\nevent: queue\\ndata: {"type":"waiting","chatId":"${chatId}"`).exec(seen)![1];

    await asha.post(`chats/${chatId}/claim`);
    const again = await openEvents(asha, firstId);
    const replay = await again.until((text) => text.includes(`"type":"claimed","chatId":"${chatId}"`));
    again.close();
    expect(replay).not.toContain(`"type":"waiting","chatId":"${chatId}"`);
    await asha.post(`chats/${chatId}/close`, { disposition: 'test' });
  });
});

describe('the audit log', () => {
  it('records who opened which chat, and shows it to supervisors only', async () => {
    const chatId = await rig.queueChat();
    await asha.post(`chats/${chatId}/claim`);
    await asha.get(`chats/${chatId}`);
    await asha.post(`chats/${chatId}/close`, { disposition: 'resolved' });
    expect((await asha.get('audit')).status).toBe(403);
    const { entries } = await sup.json<{ entries: { actor: string; action: string; chatId?: string; detail?: string; at: number }[] }>(sup.get('audit'));
    const forChat = entries.filter((e) => e.chatId === chatId).map((e) => [e.actor, e.action, e.detail]);
    expect(forChat).toEqual([
      ['asha', 'close', 'resolved'],
      ['asha', 'open-chat', undefined],
      ['asha', 'claim', undefined],
    ]);
    expect(entries.some((e) => e.action === 'login-refused' && e.actor === 'guessed')).toBe(true);
  });
});
