import type { TurnContext } from 'botbuilder';
import { randomBytes } from 'node:crypto';
import type { Registry } from 'prom-client';
import { GraphSendError } from '../../bridges/whatsapp/graphClient';
import { GraphApiServer } from '../support/graphApiServer';
import { openTestRedis, type TestRedis } from '../support/redis';
import { ACCESS_TOKEN, APP_SECRET, i18n, newNumber, post, startBridge, texts, VERIFY_TOKEN, type Harness } from '../support/whatsappHarness';
import { messageWebhook, PHONE_NUMBER_ID, signedRequest, textWebhook, webhook } from '../support/whatsappWebhooks';

async function counter(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = registry.getSingleMetric(name);
  const values = (await metric?.get())?.values ?? [];
  return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
}

describe('WhatsApp webhook with real Redis and a loopback Graph API', () => {
  let graph: GraphApiServer;
  let testRedis: TestRedis;
  let h: Harness;

  beforeAll(async () => {
    graph = await GraphApiServer.start(ACCESS_TOKEN);
    testRedis = await openTestRedis('wa');
    h = await startBridge(graph, testRedis.redis, testRedis.prefix);
  });
  afterAll(async () => {
    await h.close();
    await graph.close();
    await testRedis.cleanup();
  });
  beforeEach(() => graph.reset());

  describe('verification handshake', () => {
    it('answers the challenge when the mode and token are right', async () => {
      const res = await fetch(`${h.url}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('1158201444');
    });

    it.each([
      ['a wrong token', `hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1`],
      ['a wrong mode', `hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`],
      ['no parameters', ''],
    ])('refuses %s with 403', async (_what, query) => {
      const res = await fetch(`${h.url}?${query}`);
      expect(res.status).toBe(403);
    });
  });

  describe('signatures and bad input', () => {
    it('answers a signed text message through the Graph API with the bearer token', async () => {
      const number = newNumber();
      const res = await post(h.url, textWebhook(number, 'hello'));
      expect(res.status).toBe(200);
      const [sent] = await graph.waitForSent(1);
      expect(sent.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
      expect(sent.path).toBe(`/v21.0/${PHONE_NUMBER_ID}/messages`);
      expect(sent.body).toMatchObject({ messaging_product: 'whatsapp', to: number, type: 'text', text: { body: 'echo: hello' } });
    });

    it.each([
      ['a wrong signature', (raw: string) => ({ 'content-type': 'application/json', 'x-hub-signature-256': signedRequest(`${raw} `, APP_SECRET).headers['x-hub-signature-256'] })],
      ['a signature made with another secret', (raw: string) => signedRequest(raw, 'not-the-secret').headers],
      ['no signature', () => ({ 'content-type': 'application/json' })],
      ['a malformed signature header', () => ({ 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=zz' })],
    ])('refuses %s with 401 and processes nothing', async (_what, headersFor) => {
      const number = newNumber();
      const raw = JSON.stringify(textWebhook(number, 'forged'));
      const res = await fetch(h.url, { method: 'POST', headers: headersFor(raw), body: raw });
      expect(res.status).toBe(401);
      // A good message from the same user afterwards is the only one answered.
      await post(h.url, textWebhook(number, 'genuine'));
      await graph.waitForSent(1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(texts(graph.sent)).toEqual(['echo: genuine']);
    });

    it.each([
      ['malformed JSON', '{"object": "whatsapp_business_account", ', 400],
      ['a JSON array', '[]', 400],
      ['a body that is not a WhatsApp webhook', JSON.stringify({ object: 'page', entry: [] }), 400],
    ])('answers %s (signed) with a 4xx and a reason', async (_what, raw, status) => {
      const res = await fetch(h.url, { method: 'POST', headers: signedRequest(raw, APP_SECRET).headers, body: raw });
      expect(res.status).toBe(status);
      expect((await res.text()).length).toBeGreaterThan(0);
    });

    it('refuses an oversized body with 413', async () => {
      const raw = JSON.stringify(textWebhook(newNumber(), 'x'.repeat(300 * 1024)));
      const res = await fetch(h.url, { method: 'POST', headers: signedRequest(raw, APP_SECRET).headers, body: raw });
      expect(res.status).toBe(413);
    });

    it('refuses a wrong content type with 415', async () => {
      const raw = JSON.stringify(textWebhook(newNumber(), 'x'));
      const res = await fetch(h.url, { method: 'POST', headers: { ...signedRequest(raw, APP_SECRET).headers, 'content-type': 'text/plain' }, body: raw });
      expect(res.status).toBe(415);
    });
  });

  describe('delivery guarantees', () => {
    it('answers a replayed webhook (same wamid) once', async () => {
      const number = newNumber();
      const payload = textWebhook(number, 'once');
      for (let i = 0; i < 3; i++) expect((await post(h.url, payload)).status).toBe(200);
      await post(h.url, textWebhook(number, 'marker'));
      await graph.waitForSent(2);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(texts(graph.sent)).toEqual(['echo: once', 'echo: marker']);
      expect(await counter(h.registry, 'sishu_whatsapp_inbound_total', { outcome: 'duplicate' })).toBeGreaterThanOrEqual(2);
    });

    it("keeps one user's burst in order even when turns are slow", async () => {
      const number = newNumber();
      const words = Array.from({ length: 15 }, (_, i) => `slow ${i}`);
      for (const word of words) expect((await post(h.url, textWebhook(number, word))).status).toBe(200);
      await graph.waitForSent(words.length);
      expect(texts(graph.sent)).toEqual(words.map((w) => `echo: ${w}`));
    });

    it('keeps retrying a message while the Graph API fails, and delivers it once it is back', async () => {
      const number = newNumber();
      graph.answerNext(...Array.from({ length: 5 }, () => ({ status: 503, body: { error: { code: 2, message: 'Service temporarily unavailable' } } })));
      expect((await post(h.url, textWebhook(number, 'still there?'))).status).toBe(200);
      await post(h.url, textWebhook(number, 'and after'));
      await graph.waitForSent(2);
      expect(texts(graph.sent)).toEqual(['echo: still there?', 'echo: and after']);
    });

    it('sets aside a message the bot keeps failing on, so the next ones still get answers', async () => {
      const number = newNumber();
      await post(h.url, textWebhook(number, 'boom'));
      await post(h.url, textWebhook(number, 'next'));
      await graph.waitForSent(1);
      expect(texts(graph.sent)).toEqual(['echo: next']);
      expect(await counter(h.registry, 'sishu_whatsapp_dead_lettered_total', {})).toBe(1);
      expect(await testRedis.redis.xlen(`${testRedis.prefix}wa:dead`)).toBe(1);
    });

    it('answers 100 users writing at once, each their own echo', async () => {
      const numbers = Array.from({ length: 100 }, () => newNumber());
      const statuses = await Promise.all(numbers.map(async (n) => (await post(h.url, textWebhook(n, `hi from ${n}`))).status));
      expect(new Set(statuses)).toEqual(new Set([200]));
      await graph.waitForSent(100, 20_000);
      const byNumber = new Map(graph.sent.map((r) => [r.body.to, (r.body.text as { body: string }).body]));
      expect(numbers.every((n) => byNumber.get(n) === `echo: hi from ${n}`)).toBe(true);
    });
  });

  describe('inbound message types (Meta sample shapes)', () => {
    it('turns a reply button into the value of the offered action', async () => {
      const number = newNumber();
      await post(h.url, messageWebhook(number, 'interactive', { interactive: { type: 'button_reply', button_reply: { id: 'menu:report', title: 'Report a worry' } } }));
      await graph.waitForSent(1);
      expect(texts(graph.sent)).toEqual(['echo: menu:report']);
    });

    it('turns a list row into its value', async () => {
      await post(h.url, messageWebhook(newNumber(), 'interactive', { interactive: { type: 'list_reply', list_reply: { id: 'menu:3', title: 'Talk to a person', description: 'A counsellor' } } }));
      await graph.waitForSent(1);
      expect(texts(graph.sent)).toEqual(['echo: menu:3']);
    });

    it("turns a template's quick reply into its payload", async () => {
      await post(h.url, messageWebhook(newNumber(), 'button', { button: { text: 'Yes', payload: 'cmd:human' } }));
      await graph.waitForSent(1);
      expect(texts(graph.sent)).toEqual(['echo: cmd:human']);
    });

    it('turns a shared location into a GeoCoordinates entity', async () => {
      await post(h.url, messageWebhook(newNumber(), 'location', { location: { latitude: 26.1445, longitude: 91.7362, name: 'Guwahati', address: 'Assam' } }));
      await graph.waitForSent(1);
      expect(texts(graph.sent)).toEqual(['at 26.1445,91.7362']);
      const seen = h.bot.seen[h.bot.seen.length - 1];
      expect(seen.channelId).toBe('whatsapp');
      expect(seen.entities).toEqual([expect.objectContaining({ type: 'GeoCoordinates', latitude: 26.1445, longitude: 91.7362 })]);
    });

    it.each(['image', 'video', 'audio', 'document', 'sticker'])('never fetches media (%s), and tells the user not to share such pictures and where to report', async (type) => {
      const seenBefore = h.bot.seen.length;
      await post(h.url, messageWebhook(newNumber(), type, { [type]: { id: '1479537139650973', mime_type: 'image/jpeg', sha256: 'abc' } }));
      const [notice] = await graph.waitForSent(1);
      const body = (notice.body.text as { body: string }).body;
      // A new user's language is not known yet: the notice comes in all three.
      for (const lng of ['as', 'hi', 'en'] as const) expect(body).toContain(i18n.t(lng, 'whatsapp:mediaRefused'));
      expect(body).toContain('1098');
      expect(body).toContain('cybercrime.gov.in');
      expect(graph.requests.every((r) => r.method === 'POST' && r.path.endsWith('/messages'))).toBe(true);
      expect(h.bot.seen.length).toBe(seenBefore);
    });

    it('gives the steps to delete the chat, in the language the bot speaks with the user', async () => {
      const number = newNumber();
      await post(h.url, textWebhook(number, 'hello'));
      await graph.waitForSent(1);
      await h.bridge.store.remember(h.bot.seen[h.bot.seen.length - 1].from!.id, 'language', 'hi');
      await post(h.url, textWebhook(number, 'चैट कैसे डिलीट करें?'));
      await post(h.url, textWebhook(number, 'delete chat, he reads my phone'));
      const [, steps, passedOn] = await graph.waitForSent(3);
      expect((steps.body.text as { body: string }).body).toBe(i18n.list('hi', 'whatsapp:deleteChat').join('\n'));
      expect(texts([passedOn])).toEqual(['echo: delete chat, he reads my phone']);
    });

    it('acknowledges statuses, reactions and unknown types without answering, and counts them', async () => {
      const number = newNumber();
      const statusHook = webhook({ statuses: [{ id: 'wamid.X', status: 'delivered', timestamp: '1700000000', recipient_id: number }] });
      const failedHook = webhook({ statuses: [{ id: 'wamid.Y', status: 'failed', timestamp: '1700000000', recipient_id: number, errors: [{ code: 131026, title: 'Message undeliverable' }] }] });
      const reaction = messageWebhook(number, 'reaction', { reaction: { message_id: 'wamid.X', emoji: '👍' } });
      const unknown = messageWebhook(number, 'unsupported', { errors: [{ code: 131051, title: 'Message type unknown' }] });
      for (const hook of [statusHook, failedHook, reaction, unknown]) expect((await post(h.url, hook)).status).toBe(200);
      await post(h.url, textWebhook(number, 'after'));
      await graph.waitForSent(1);
      expect(texts(graph.sent)).toEqual(['echo: after']);
      expect(await counter(h.registry, 'sishu_whatsapp_ignored_total', { kind: 'status-delivered' })).toBeGreaterThanOrEqual(1);
      expect(await counter(h.registry, 'sishu_whatsapp_ignored_total', { kind: 'status-failed' })).toBeGreaterThanOrEqual(1);
      expect(await counter(h.registry, 'sishu_whatsapp_ignored_total', { kind: 'reaction' })).toBeGreaterThanOrEqual(1);
      expect(await counter(h.registry, 'sishu_whatsapp_ignored_total', { kind: 'unsupported' })).toBeGreaterThanOrEqual(1);
    });

    it('ignores events for another phone number of the business account', async () => {
      const number = newNumber();
      const other = textWebhook(number, 'not ours');
      ((other.entry as { changes: { value: { metadata: { phone_number_id: string } } }[] }[])[0].changes[0].value.metadata.phone_number_id = '999');
      expect((await post(h.url, other)).status).toBe(200);
      await post(h.url, textWebhook(number, 'ours'));
      await graph.waitForSent(1);
      expect(texts(graph.sent)).toEqual(['echo: ours']);
    });
  });

  describe('outbound rendering (the Graph server checks every documented limit)', () => {
    it('sends 4-10 choices as one list and 2 short ones as reply buttons', async () => {
      const number = newNumber();
      await post(h.url, textWebhook(number, 'menu'));
      await post(h.url, textWebhook(number, 'yesno'));
      const [list, buttons] = await graph.waitForSent(2);
      expect(list.body).toMatchObject({ type: 'interactive', interactive: { type: 'list', body: { text: 'What would you like to do?' } } });
      const rows = (list.body.interactive as { action: { sections: { rows: { id: string }[] }[] } }).action.sections[0].rows;
      expect(rows.map((r) => r.id)).toEqual(['menu:0', 'menu:1', 'menu:2', 'menu:3', 'menu:4']);
      expect(buttons.body).toMatchObject({
        type: 'interactive',
        interactive: { type: 'button', body: { text: 'Shall I?' }, action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }, { type: 'reply', reply: { id: 'no', title: 'No' } }] } },
      });
      expect(graph.requests.length).toBe(2);
    });
  });

  describe('more than 10 choices', () => {
    it('shows 9 and a "more" row; tapping it brings the next page from the bridge, not the bot', async () => {
      const number = newNumber();
      await post(h.url, textWebhook(number, 'districts'));
      const [first] = await graph.waitForSent(1);
      type List = { interactive: { action: { sections: { rows: { id: string; title: string }[] }[] } } };
      const firstRows = (first.body as unknown as List).interactive.action.sections[0].rows;
      expect(firstRows).toHaveLength(10);
      expect(firstRows[9].title).toBe('More…');
      const seenBefore = h.bot.seen.length;
      await post(h.url, messageWebhook(number, 'interactive', { interactive: { type: 'list_reply', list_reply: { id: firstRows[9].id, title: 'More…' } } }));
      const [, second] = await graph.waitForSent(2);
      const secondRows = (second.body as unknown as List).interactive.action.sections[0].rows;
      expect(secondRows.map((r) => r.id)).toEqual(['district:10', 'district:11', 'district:12', 'district:13', 'district:14', 'district:15']);
      expect(h.bot.seen.length).toBe(seenBefore);
    });
  });

  describe('privacy', () => {
    it('keeps phone numbers out of the logs and out of Redis in plain text', async () => {
      const number = newNumber();
      await post(h.url, textWebhook(number, 'private'));
      await post(h.url, messageWebhook(number, 'image', { image: { id: '1', mime_type: 'image/jpeg' } }));
      await graph.waitForSent(2);
      expect(h.logs.text).not.toContain(number);
      const keys = await testRedis.redis.keys(`${testRedis.prefix}*`);
      expect(keys.some((k) => k.includes(number))).toBe(false);
      for (const key of keys) {
        const type = await testRedis.redis.type(key);
        const dump =
          type === 'hash' ? JSON.stringify(await testRedis.redis.hgetall(key))
          : type === 'stream' ? JSON.stringify(await testRedis.redis.xrange(key, '-', '+'))
          : type === 'string' ? String(await testRedis.redis.get(key))
          : '';
        expect(dump).not.toContain(number);
      }
    });
  });

  describe('the 24-hour window', () => {
    const reference = (userId: string) => ({ channelId: 'whatsapp', serviceUrl: 'whatsapp', user: { id: userId, name: '' }, bot: { id: PHONE_NUMBER_ID, name: '' }, conversation: { id: userId, name: '', isGroup: false, conversationType: 'personal' } });
    const send = (text: string) => async (context: TurnContext) => {
      await context.sendActivity(text);
    };

    it("delivers a counsellor's message inside the window", async () => {
      const number = newNumber();
      await post(h.url, textWebhook(number, 'hello'));
      await graph.waitForSent(1);
      const userId = h.bot.seen[h.bot.seen.length - 1].from!.id;
      await h.bridge.adapter.continueConversation(reference(userId), send('A counsellor here. I am listening.'));
      await graph.waitForSent(2);
      expect(graph.sent[1].body).toMatchObject({ to: number, type: 'text', text: { body: 'A counsellor here. I am listening.' } });
    });

    it('tells the counsellor a message cannot be delivered after 24 hours when no template is configured', async () => {
      const number = newNumber();
      const dayAndAHourAgo = Date.now() - 25 * 3600 * 1000;
      await post(h.url, textWebhook(number, 'old news', { sentAt: dayAndAHourAgo }));
      // The bot's own answer to a message that arrived late is outside the window too: nothing goes out.
      await waitFor(() => h.bot.seen.some((a) => a.text === 'old news'));
      const userId = h.bot.seen.find((a) => a.text === 'old news')!.from!.id;
      const attempt = h.bridge.adapter.continueConversation(reference(userId), send('Are you safe?'));
      await expect(attempt).rejects.toThrow(GraphSendError);
      await expect(attempt).rejects.toMatchObject({ reason: 'window-closed' });
      expect(graph.requests).toEqual([]);
    });
  });
});

describe('WhatsApp 24-hour window with a re-engagement template', () => {
  it('sends the approved template (Hindi before English for an Assamese user) and still tells the counsellor', async () => {
    const graph = await GraphApiServer.start(ACCESS_TOKEN);
    const testRedis = await openTestRedis('wa-tpl');
    const h = await startBridge(graph, testRedis.redis, testRedis.prefix, { template: true });
    try {
      const number = newNumber();
      await post(h.url, textWebhook(number, 'old', { sentAt: Date.now() - 30 * 3600 * 1000 }));
      await graph.waitForSent(1); // the bot's in-turn answer became the template
      const userId = h.bot.seen[0].from!.id;
      await h.bridge.store.remember(userId, 'language', 'as');
      const attempt = h.bridge.adapter.continueConversation(
        { channelId: 'whatsapp', user: { id: userId, name: '' }, bot: { id: PHONE_NUMBER_ID, name: '' }, conversation: { id: userId, name: '', isGroup: false, conversationType: 'personal' } },
        async (context) => {
          await context.sendActivity({ text: 'Are you safe?', locale: 'as' });
        },
      );
      await expect(attempt).rejects.toMatchObject({ reason: 'window-closed' });
      expect(graph.sent.map((r) => r.body.type)).toEqual(['template', 'template']);
      expect(graph.sent[1].body).toMatchObject({ to: number, template: { name: 'sishu_write_back', language: { code: 'hi' } } });
    } finally {
      await h.close();
      await graph.close();
      await testRedis.cleanup();
    }
  });
});

describe('WhatsApp with the worker off on the instance that takes the webhooks', () => {
  it('acknowledges there without answering, and the instance with the worker on answers in order', async () => {
    const graph = await GraphApiServer.start(ACCESS_TOKEN);
    const testRedis = await openTestRedis('wa-split');
    const caseKey = randomBytes(32).toString('base64');
    const receiver = await startBridge(graph, testRedis.redis, testRedis.prefix, { worker: 'off', caseKey });
    try {
      const number = newNumber();
      for (const word of ['one', 'two', 'three']) expect((await post(receiver.url, textWebhook(number, word))).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(graph.sent).toEqual([]);
      expect(receiver.bot.seen).toEqual([]);
      const answerer = await startBridge(graph, testRedis.redis, testRedis.prefix, { caseKey });
      try {
        await graph.waitForSent(3);
        expect(graph.sent.map((r) => r.body.to)).toEqual([number, number, number]);
        expect(texts(graph.sent)).toEqual(['echo: one', 'echo: two', 'echo: three']);
      } finally {
        await answerer.close();
      }
    } finally {
      await receiver.close();
      await graph.close();
      await testRedis.cleanup();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  for (const start = Date.now(); !condition(); ) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('WhatsApp bridge in demo mode (no Redis: the in-memory inbox)', () => {
  it('acknowledges, de-duplicates and answers in order', async () => {
    const graph = await GraphApiServer.start(ACCESS_TOKEN);
    const h = await startBridge(graph, undefined, 'demo:');
    try {
      const number = newNumber();
      const first = textWebhook(number, 'slow one');
      expect((await post(h.url, first)).status).toBe(200);
      expect((await post(h.url, first)).status).toBe(200);
      await post(h.url, textWebhook(number, 'two'));
      await graph.waitForSent(2);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(texts(graph.sent)).toEqual(['echo: slow one', 'echo: two']);
    } finally {
      await h.close();
      await graph.close();
    }
  });
});
