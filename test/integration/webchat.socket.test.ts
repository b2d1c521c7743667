import { TurnContext, type ConversationReference } from 'botbuilder';
import { openTestRedis, type TestRedis } from '../support/redis';
import { EchoBot, TestSocket, startWebChat, type WebChatServer } from '../support/webchatSocket';

/** GET over loopback (fetch asks for gzip and decodes it; the headers still say what was sent). */
async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: string }> {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

let testRedis: TestRedis;

beforeAll(async () => {
  testRedis = await openTestRedis('webchat');
});

afterAll(async () => {
  await testRedis.cleanup();
});

describe.each(['memory', 'redis'] as const)('web chat socket (%s log)', (kind) => {
  let chat: WebChatServer;
  const sockets: TestSocket[] = [];
  const open = async (query: Record<string, string | number> = {}) => {
    const s = await TestSocket.open(chat.wsUrl, query);
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    chat = await startWebChat({
      redis: kind === 'redis' ? testRedis.redis : undefined,
      prefix: `${testRedis.prefix}${kind}:`,
      tuning: { rateLimit: { burst: 5, perSecond: 0.001, maxRefusals: 3 }, maxFrameBytes: 4096 },
    });
  });

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await chat.close();
  });

  it('opens a conversation with a random id and token, and the bot greets with a button', async () => {
    const s = await open({ locale: 'hi' });
    const session = await s.session();
    expect(session.conversationId).toMatch(/^[\w-]{22}$/);
    expect(session.token).toMatch(/^[\w-]{32}$/);
    expect(session.resumed).toBe(false);
    const greeting = await s.botText('hello (hi) call 1098');
    expect(greeting.id).toBe('1');
    expect(greeting.from).toMatchObject({ role: 'bot' });
    expect(greeting.suggestedActions).toEqual({ to: [], actions: [{ type: 'imBack', title: 'Help', value: 'menu:help' }] });
    expect(greeting).not.toHaveProperty('serviceUrl');
    const other = await open();
    expect((await other.session()).conversationId).not.toBe(session.conversationId);
  });

  it('echoes a posted message with its server id and client id, then answers it', async () => {
    const s = await open();
    await s.botText('hello (none) call 1098');
    s.say('hi there', 'c-1', { value: 'menu:help', locale: 'en' });
    const echo = await s.next((f) => f.type === 'message' && (f.channelData as { clientActivityID?: string })?.clientActivityID === 'c-1');
    expect(echo).toMatchObject({ id: '2', text: 'hi there', value: 'menu:help', from: { role: 'user' } });
    const reply = await s.botText('echo: hi there [menu:help]');
    expect(reply.id).toBe('3');
  });

  it('passes a shared location to the bot as a GeoCoordinates entity, dropping other entities', async () => {
    const s = await open();
    await s.session();
    s.send({
      type: 'message',
      entities: [{ type: 'ClientCapabilities', requiresBotState: true }, { type: 'GeoCoordinates', latitude: 26.144, longitude: 91.736 }],
      channelData: { clientActivityID: 'loc-1' },
    });
    await s.botText('location 26.144,91.736');
  });

  it('passes the user\'s typing to the bot at most once a second, never kept in the log', async () => {
    const s = await open();
    const { conversationId } = await s.session();
    const typings = () => (chat.bot as EchoBot).seen.filter((a) => a.type === 'typing' && a.conversation?.id === conversationId);
    s.send({ type: 'typing' });
    s.send({ type: 'typing' });
    s.say('after typing', 'typing-0001');
    await s.botText('echo: after typing');
    for (const deadline = Date.now() + 5000; typings().length === 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
    expect(typings()).toHaveLength(1);
    expect(typings()[0]).toMatchObject({ channelId: 'webchat', from: { role: 'user' } });
    // nothing of it is kept: a page coming back is given the messages only
    const kept = await chat.webchat.log.since(conversationId, 0);
    expect(kept.some((e) => e.activity.type === 'typing' && e.activity.from?.role === 'user')).toBe(false);
    expect(kept.filter((e) => e.activity.from?.role === 'user').map((e) => e.activity.text)).toEqual(['after typing']);
    // a typing frame carries nothing else
    s.send({ type: 'typing', text: 'hidden words' });
    expect((await s.next((f) => f.type === 'error')).code).toBe('bad-frame');
  });

  it('answers a malformed frame with an error frame and keeps the socket working', async () => {
    const s = await open();
    await s.session();
    s.send('{not json');
    s.send({ type: 'message', text: 'no client id' });
    s.send({ type: 'message', channelData: { clientActivityID: 'empty' } });
    s.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    const errors = () => s.frames.filter((f) => f.type === 'error');
    await s.next(() => errors().length === 4);
    expect(errors().map((f) => f.code)).toEqual(['bad-frame', 'bad-frame', 'bad-frame', 'bad-frame']);
    expect(String(errors()[0].reason)).toBe('frame is not valid JSON');
    s.say('still here', 'c-ok');
    await s.botText('echo: still here');
  });

  it('closes a socket that sends an oversized frame (1009), and only that socket', async () => {
    const big = await open();
    const bystander = await open();
    await big.session();
    await bystander.session();
    big.say('x'.repeat(5000), 'c-big');
    expect((await big.closed).code).toBe(1009);
    bystander.say('fine', 'c-by');
    await bystander.botText('echo: fine');
  });

  it('refuses a flood: error frames past the burst, then a 1008 close', async () => {
    const s = await open();
    await s.session();
    for (let i = 0; i < 10; i++) s.say(`m${i}`, `flood-${i}`);
    const { code } = await s.closed;
    expect(code).toBe(1008);
    expect(s.frames.filter((f) => f.type === 'error' && f.code === 'rate-limited')).toHaveLength(3);
    expect(s.frames.filter((f) => f.type === 'message' && String(f.text).startsWith('echo: m')).length).toBeLessThanOrEqual(5);
  });

  it('resumes after a drop: only what was missed, in order, and messages sent while away', async () => {
    const first = await open();
    const { conversationId, token } = await first.session();
    first.say('one', 'r-1');
    const reply1 = await first.botText('echo: one');
    await first.close();

    const reference = TurnContext.getConversationReference({ ...(first.frames[0] as object), conversation: { id: conversationId } } as never);
    for (const text of ['while away 1', 'while away 2']) {
      await chat.webchat.adapter.continueConversation(reference as Partial<ConversationReference>, async (ctx) => {
        await ctx.sendActivity(text);
      });
    }

    const again = await open({ conversationId, token: token!, watermark: reply1.id! });
    const session = await again.session();
    expect(session).toEqual({ conversationId, resumed: true });
    await again.botText('while away 2');
    const messages = again.frames.filter((f) => f.type === 'message');
    expect(messages.map((f) => [f.id, f.text])).toEqual([
      [String(Number(reply1.id) + 1), 'while away 1'],
      [String(Number(reply1.id) + 2), 'while away 2'],
    ]);
  });

  it('a resent message (same client id) is echoed once and reaches the bot once', async () => {
    const s = await open();
    const { conversationId, token } = await s.session();
    s.say('only once', 'dup-1');
    await s.botText('echo: only once');
    await s.close();
    const again = await open({ conversationId, token: token!, watermark: 0 });
    await again.session();
    again.say('only once', 'dup-1');
    again.say('after', 'dup-2');
    await again.botText('echo: after');
    expect(again.frames.filter((f) => f.text === 'only once')).toHaveLength(1);
    expect(again.frames.filter((f) => f.text === 'echo: only once')).toHaveLength(1);
    const bot = chat.bot as EchoBot;
    expect(bot.seen.filter((a) => a.text === 'only once')).toHaveLength(1);
  });

  it('a wrong resume token starts a new conversation instead', async () => {
    const s = await open();
    const { conversationId } = await s.session();
    const stranger = await open({ conversationId, token: 'guessed', watermark: 0 });
    const session = await stranger.session();
    expect(session.conversationId).not.toBe(conversationId);
    expect(session.resumed).toBe(false);
  });
});

describe('web chat origin and HTTP', () => {
  let chat: WebChatServer;
  beforeAll(async () => {
    chat = await startWebChat();
  });
  afterAll(async () => {
    await chat.close();
  });

  it('refuses a socket from an origin that is not allowed, or with none', async () => {
    await expect(TestSocket.open(chat.wsUrl, {}, 'https://evil.example')).rejects.toThrow('upgrade refused: 403');
    await expect(TestSocket.open(chat.wsUrl, {}, '')).rejects.toThrow('upgrade refused: 403');
  });

  it('answers a plain GET of the socket address with 426', async () => {
    const res = await get(`${chat.baseUrl}/webchat/ws`);
    expect(res.status).toBe(426);
    expect(res.body).toBe('this address takes a WebSocket');
  });

  it('serves the page in the asked language, gzipped, uncached, with a strict CSP', async () => {
    const res = await get(`${chat.baseUrl}/?lang=hi`, { 'accept-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'sha256-[^']+'; style-src 'sha256-/);
    expect(res.body).toContain('<html lang="hi">');
    expect(res.body).toContain('<title>शिशु मित्र: हमसे बात करो</title>');
    const byHeader = await get(`${chat.baseUrl}/`, { 'accept-language': 'en-IN,en;q=0.8' });
    expect(byHeader.body).toContain('<html lang="en">');
    expect((await get(`${chat.baseUrl}/`)).body).toContain('<html lang="as">');
  });

  it('serves directline.js', async () => {
    const res = await get(`${chat.baseUrl}/webchat/directline.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.body).toContain('SishuMitraDirectLine');
  });
});

describe('web chat across instances (redis)', () => {
  let a: WebChatServer;
  let b: WebChatServer;
  let s: TestSocket | undefined;
  beforeAll(async () => {
    const prefix = `${testRedis.prefix}x:`;
    a = await startWebChat({ redis: testRedis.redis, prefix });
    b = await startWebChat({ redis: testRedis.redis, prefix });
  });
  afterAll(async () => {
    await s?.close();
    await a.close();
    await b.close();
  });

  it("delivers a proactive message sent on one instance to the socket held by another, live", async () => {
    s = await TestSocket.open(a.wsUrl);
    const { conversationId } = await s.session();
    await s.botText('hello (none) call 1098');
    const reference: Partial<ConversationReference> = { channelId: 'webchat', conversation: { id: conversationId } as ConversationReference['conversation'] };
    await b.webchat.adapter.continueConversation(reference, async (ctx) => {
      await ctx.sendActivity({ type: 'message', text: 'a counsellor here', channelData: { deliveryId: 'handoff-msg-1' } });
      // sent again (at least once delivery): de-duplicated by its delivery id
      await ctx.sendActivity({ type: 'message', text: 'a counsellor here', channelData: { deliveryId: 'handoff-msg-1' } });
    });
    const frame = await s.botText('a counsellor here');
    expect(frame.from).toMatchObject({ role: 'bot' });
    s.say('thanks', 'x-1');
    await s.botText('echo: thanks');
    expect(s.frames.filter((f) => f.text === 'a counsellor here')).toHaveLength(1);
  });
});
