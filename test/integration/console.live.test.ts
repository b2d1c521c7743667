import { ConversationState, MemoryStorage, TestAdapter, TurnContext, type Activity } from 'botbuilder';
import Redis from 'ioredis';
import { Registry } from 'prom-client';
import { HandoffDesk, type Proactive } from '../../services/handoff/HandoffDesk';
import { HandoffWorker } from '../../services/handoff/HandoffWorker';
import { createHandoffMetrics } from '../../services/handoff/metrics';
import { RedisHandoffStore } from '../../services/handoff/RedisHandoffStore';
import { parseDutySchedule } from '../../services/handoff/schedule';
import type { HandoffChat, HandoffStore, LiveSignal } from '../../services/handoff/types';
import type { NewCase } from '../../services/cases/types';
import { createLogger } from '../../services/logger';
import { i18n } from '../support/botHarness';
import { startConsoleRig, type ConsoleClient, type ConsoleRig } from '../support/console';
import { request as handoffRequest, TEST_TIMINGS } from '../support/handoffContract';
import { TEST_REDIS_URL } from '../support/redis';

/**
 * The console's live signals (issue 8): typing both ways, live case events, and a referral
 * disposition closing into the chat's case. Real Redis; every wait polls against a deadline.
 */
let rig: ConsoleRig;
let asha: ConsoleClient;
let ravi: ConsoleClient;
let sup: ConsoleClient;
const logger = createLogger({ level: 'silent' });
const streams: { close(): void }[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  rig = await startConsoleRig({ redis: true });
  await rig.addAccount({ username: 'asha', alias: 'Asha', languages: ['as', 'en'], capacity: 5 });
  await rig.addAccount({ username: 'ravi', alias: 'Ravi', languages: ['hi', 'as'] });
  await rig.addAccount({ username: 'sup', role: 'supervisor', languages: ['en'] });
  [asha, ravi, sup] = [rig.client(), rig.client(), rig.client()];
  for (const [c, name] of [[asha, 'asha'], [ravi, 'ravi'], [sup, 'sup']] as const) expect((await c.login(name)).status).toBe(200);
});

afterAll(async () => {
  for (const s of streams) s.close();
  for (const c of cleanups.reverse()) await c();
  await rig.stop();
});

async function until<T>(what: string, probe: () => T | Promise<T>, ms = 5000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A console's server-sent event stream, read until what arrived matches (or the deadline). */
async function openEvents(client: ConsoleClient) {
  const abort = new AbortController();
  const res = await fetch(`${client.baseUrl}/console/api/events`, { headers: { cookie: client.cookie ?? '' }, signal: abort.signal });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  let text = '';
  const stream = {
    get text() {
      return text;
    },
    async until(match: (text: string) => boolean, ms = 5000): Promise<string> {
      const deadline = setTimeout(() => abort.abort(), ms);
      try {
        while (!match(text)) {
          const { value, done } = await reader.read();
          if (done) break;
          text += Buffer.from(value).toString('utf8');
        }
      } catch {
        // aborted at the deadline: the expectation below says what was missing
      } finally {
        clearTimeout(deadline);
      }
      if (!match(text)) throw new Error(`the event stream never matched; it had: ${text}`);
      return text;
    },
    close: () => abort.abort(),
  };
  streams.push(stream);
  await stream.until((t) => t.startsWith('retry:'));
  return stream;
}

/** The data of every `event: NAME` frame so far. */
function framesOf(text: string, name: string): Record<string, unknown>[] {
  return [...text.matchAll(new RegExp(`(?:^|\\n)event: ${name}\\ndata: (.*)\\n`, 'g'))].map((m) => JSON.parse(m[1]) as Record<string, unknown>);
}

/** Every handoff key (queue, chats, transcripts, events) with its type and size: what a write would change. */
async function handoffKeys(): Promise<Record<string, string>> {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const out: Record<string, string> = {};
    const keys = await redis.keys(`${rig.prefix}{handoff}:*`);
    for (const key of keys.sort()) {
      const type = await redis.type(key);
      const size = type === 'stream' ? await redis.xlen(key) : type === 'hash' ? JSON.stringify(await redis.hgetall(key))
        : type === 'zset' ? await redis.zcard(key) : type === 'set' ? await redis.scard(key) : type === 'list' ? await redis.llen(key) : await redis.get(key);
      out[key] = `${type}:${size}`;
    }
    return out;
  } finally {
    redis.disconnect();
  }
}

function deskOn(store: HandoffStore): HandoffDesk {
  return new HandoffDesk({
    store, i18n, logger, conversationState: new ConversationState(new MemoryStorage()),
    schedule: parseDutySchedule('24x7'), metrics: createHandoffMetrics(new Registry(), store),
  });
}

/** A 'typing' activity from the user of a chat, as a bridge or /api/messages gives it to the bot. */
function typingFrom(chat: HandoffChat): TurnContext {
  const [channelId, ...id] = chat.conversationId.split(':');
  return new TurnContext(new TestAdapter(), { type: 'typing', channelId, conversation: { id: id.join(':') } } as Partial<Activity> as Activity);
}

async function claimedChat(client: ConsoleClient, overrides?: Parameters<typeof handoffRequest>[0]): Promise<HandoffChat> {
  const chatId = await rig.queueChat(overrides);
  expect((await client.post(`chats/${chatId}/claim`)).status).toBe(200);
  return (await rig.handoff.get(chatId))!;
}

const REPORT: NewCase = {
  reporter: 'teacher', category: 'child_labour', risk: 'normal', dangerNow: false, district: 'jorhat',
  details: 'works at the tea stall every night', shareConsentAt: Date.now(), language: 'as', channel: 'webchat',
};

describe("the user's typing", () => {
  it("reaches the holding counsellor's console (and supervisors') live, throttled, and nothing is stored or queued", async () => {
    const chat = await claimedChat(asha);
    const [toAsha, toRavi, toSup] = [await openEvents(asha), await openEvents(ravi), await openEvents(sup)];
    const desk = deskOn(rig.handoff);
    const before = { keys: await handoffKeys(), messages: await rig.handoff.messages(chat.id), events: await rig.handoff.events(), undelivered: await rig.handoff.undelivered() };

    expect(await desk.relayTyping(typingFrom(chat))).toBe(true);
    expect(await desk.relayTyping(typingFrom(chat))).toBe(false); // a keystroke later: throttled
    await toAsha.until((t) => t.includes('event: typing'));
    await toSup.until((t) => t.includes('event: typing'));
    expect(framesOf(toAsha.text, 'typing')).toEqual([{ type: 'typing', chatId: chat.id, from: 'user', at: expect.any(Number) }]);

    expect(await handoffKeys()).toEqual(before.keys);
    expect(await rig.handoff.messages(chat.id)).toEqual(before.messages);
    expect(await rig.handoff.events()).toEqual(before.events);
    expect(await rig.handoff.undelivered()).toEqual(before.undelivered);

    // a colleague's console is not told: the case event after it arrives, the typing never did
    const report = await rig.cases.create(REPORT);
    await toRavi.until((t) => t.includes(report.ref));
    expect(toRavi.text).not.toContain('event: typing');
    await asha.post(`chats/${chat.id}/close`, { disposition: 'test' });
  });

  it('is not passed on while the chat only waits in the queue', async () => {
    const chatId = await rig.queueChat();
    const chat = (await rig.handoff.get(chatId))!;
    expect(await deskOn(rig.handoff).relayTyping(typingFrom(chat))).toBe(false);
    await rig.handoff.abandon(chat.conversationId);
  });
});

describe("the counsellor's typing", () => {
  it('POST chats/:id/typing: 204 for the holder, checked like a message, sent as a transient signal', async () => {
    const chat = await claimedChat(asha);
    const heard: [LiveSignal, boolean][] = [];
    cleanups.push(rig.handoff.onSignal((signal, local) => heard.push([signal, local])));
    const before = await handoffKeys();

    const res = await asha.post(`chats/${chat.id}/typing`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    await until('the typing signal', () => heard.length > 0);
    expect(heard).toEqual([[{ type: 'typing', chatId: chat.id, from: 'counsellor', counsellorId: 'asha' }, true]]);
    expect(await handoffKeys()).toEqual(before);

    const refusals: [Promise<Response>, number][] = [
      [asha.post(`chats/${chat.id}/typing`, undefined, { csrf: null }), 403],
      [asha.request('POST', `/console/api/chats/${chat.id}/typing`, undefined, { headers: { origin: 'https://evil.example' } }), 403],
      [ravi.post(`chats/${chat.id}/typing`), 403],
      [rig.client().post(`chats/${chat.id}/typing`), 401],
      [asha.post('chats/unknown-chat/typing'), 404],
      [asha.post('chats/bad id!/typing'), 400],
    ];
    for (const [pending, status] of refusals) expect((await pending).status).toBe(status);
    expect((await sup.post(`chats/${chat.id}/typing`)).status).toBe(204);
    await asha.post(`chats/${chat.id}/close`, { disposition: 'test' });
    expect((await asha.post(`chats/${chat.id}/typing`)).status).toBe(409);
  });

  it('is shown once, by the instance it was sent on, on channels that can (web chat, Bot Framework), never on WhatsApp; a failure is no lost message', async () => {
    const shown: { channel: string; activity: Partial<Activity> }[] = [];
    /** A channel's adapter; `failTyping`: it refuses typing (after taking it), as a channel that is down would. */
    const channel = (name: string, failTyping = false): Proactive => ({
      async continueConversation(reference, logic) {
        const adapter = new TestAdapter();
        await logic(new TurnContext(adapter, TurnContext.applyConversationReference({ type: 'event' }, reference, true)));
        for (const activity of adapter.activeQueue) if (activity.type === 'typing') shown.push({ channel: name, activity });
        if (failTyping && adapter.activeQueue.some((a) => a.type === 'typing')) throw new Error('channel down');
      },
    });
    const adapters = new Map([['webchat', channel('webchat')], ['emulator', channel('emulator', true)], ['whatsapp', channel('whatsapp')]]);
    // This instance (the rig's store) and a second one on the same Redis, each with its worker.
    const connections: Redis[] = [];
    const connect = () => {
      const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
      connections.push(redis);
      return redis;
    };
    const other = new RedisHandoffStore({ redis: connect(), openBlocking: connect, prefix: rig.prefix, timings: TEST_TIMINGS, logger });
    const workers = [rig.handoff, other].map((store, i) => {
      const desk = deskOn(store);
      return new HandoffWorker({ store, deliver: desk.deliverer(adapters), showTyping: desk.typingShower(adapters), owner: `instance-${i}`, logger, intervalMs: 3_600_000 });
    });
    workers.forEach((w) => w.start());
    const otherHeard: LiveSignal[] = [];
    const stopOther = other.onSignal((s) => otherHeard.push(s));
    cleanups.push(async () => {
      stopOther();
      await Promise.all(workers.map((w) => w.stop()));
      await other.close();
      connections.forEach((c) => c.disconnect());
    });

    // the other instance's subscription is ready once it hears a signal sent here
    await until('the second instance to hear signals', async () => {
      await rig.handoff.signal({ type: 'case', ref: 'SM-READY0' });
      return otherHeard.length > 0;
    });
    otherHeard.length = 0;
    const webchat = await claimedChat(asha);

    const whatsapp = await claimedChat(asha, { channel: 'whatsapp', reference: { channelId: 'whatsapp', conversation: { id: 'wa-user-1', isGroup: false, conversationType: 'personal', name: '' } } });
    const teams = await claimedChat(asha, { channel: 'emulator', reference: { channelId: 'emulator', serviceUrl: 'http://localhost', conversation: { id: 'em-1', isGroup: false, conversationType: 'personal', name: '' } } });
    for (const chat of [whatsapp, teams, webchat]) expect((await asha.post(`chats/${chat.id}/typing`)).status).toBe(204);
    await until('the second instance to hear all three', () => otherHeard.length >= 3);
    await until('the typing shown on both channels that can', () => shown.length >= 2);
    // once each where it can be shown, never on WhatsApp (asked first, so it would have been shown first)
    expect(shown.map((s) => [s.channel, s.activity.type, s.activity.channelData]).sort()).toEqual([
      ['emulator', 'typing', { typingBy: 'counsellor' }],
      ['webchat', 'typing', { typingBy: 'counsellor' }],
    ]);
    // the emulator channel failed: nothing is kept for a retry, nothing counts as undelivered
    expect(await rig.handoff.undelivered()).not.toContain(teams.id);
    expect((await rig.handoff.messages(teams.id)).filter((m) => m.from === 'counsellor')).toEqual([]);
    for (const chat of [whatsapp, teams, webchat]) await asha.post(`chats/${chat.id}/close`, { disposition: 'test' });
  });
});

describe('live case events', () => {
  it('tell every console the reference of a case created (an anonymous report with no chat) or changed, and nothing else', async () => {
    const live = await openEvents(ravi);
    const report = await rig.cases.create({ ...REPORT, reporter: 'other', details: 'anonymous words', phone: undefined });
    await live.until((t) => t.includes(report.ref));
    const [created] = framesOf(live.text, 'case').filter((f) => f.ref === report.ref);
    expect(created).toEqual({ type: 'case', ref: report.ref, at: expect.any(Number) });
    expect(live.text).not.toMatch(/anonymous words|jorhat|child_labour/);

    expect((await asha.post(`cases/${report.ref}`, { assignee: 'me' })).status).toBe(200);
    await live.until((t) => framesOf(t, 'case').filter((f) => f.ref === report.ref).length === 2);
    // no id: a reconnecting page is not given it again (it reloads the inbox anyway)
    expect(live.text).not.toMatch(new RegExp(`id: \\S+\\nevent: case`));
  });
});

describe('closing a chat as a referral', () => {
  it.each([
    ['referred-police', 'police'], ['referred-cwc', 'cwc'], ['referred-one-stop-centre', 'one-stop-centre'], ['referred-dcpu', 'dcpu'],
  ])('%s records the referral on the chat\'s case: the body, when, status referred, audited', async (disposition, body) => {
    const report = await rig.cases.create(REPORT);
    const chat = await claimedChat(asha, { caseRef: report.ref });
    const started = Date.now();
    const closed = await asha.post(`chats/${chat.id}/close`, { disposition });
    expect(closed.status).toBe(200);
    expect((await asha.json<{ caseReferral: unknown }>(closed)).caseReferral).toEqual({ ref: report.ref, to: body, at: expect.any(Number) });
    const record = await rig.cases.get(report.ref);
    expect(record).toMatchObject({ status: 'referred', referredTo: body, updatedBy: 'asha' });
    expect(record!.referredAt).toBeGreaterThanOrEqual(started);
    const { entries } = await sup.json<{ entries: { actor: string; action: string; caseRef?: string; detail?: string }[] }>(sup.get('audit'));
    expect(entries.find((e) => e.caseRef === report.ref)).toMatchObject({ actor: 'asha', action: 'update-case', detail: expect.stringContaining(`referral:${body} status:referred`) });
  });

  it('leaves the case as it was for any other disposition, and a chat without a case closes as before', async () => {
    const report = await rig.cases.create(REPORT);
    const chat = await claimedChat(asha, { caseRef: report.ref });
    const closed = await asha.post(`chats/${chat.id}/close`, { disposition: 'resolved' });
    expect((await asha.json<{ caseReferral: unknown }>(closed)).caseReferral).toBeNull();
    const record = await rig.cases.get(report.ref);
    expect(record?.status).toBe('new');
    expect(record?.referredTo).toBeUndefined();

    const bare = await claimedChat(asha, { caseRef: undefined });
    const res = await asha.post(`chats/${bare.id}/close`, { disposition: 'referred-police' });
    expect(res.status).toBe(200);
    expect((await asha.json<{ caseReferral: unknown }>(res)).caseReferral).toBeNull();
  });
});
