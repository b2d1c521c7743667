import type { Lang } from '../../services/i18n';
import type { Counsellor, HandoffRequest, HandoffStore, HandoffTimings, LiveSignal, Priority } from '../../services/handoff/types';

/** A clock the tests move forward by hand; it follows real time so Redis expiry agrees with it. */
export class TestClock {
  offset = 0;
  readonly now = (): number => Date.now() + this.offset;
  advance(ms: number): void {
    this.offset += ms;
  }
}

export const TEST_TIMINGS: HandoffTimings = {
  leaseMs: 30_000,
  languageFallbackMs: 120_000,
  pendingGraceMs: 10_000,
  retentionMs: 90 * 24 * 3600 * 1000,
};

/** What a contract run needs: handles on ONE shared backend, as two service instances would have. */
export interface HandoffBackend {
  clock: TestClock;
  /** A new handle (a new instance) on the same queue. */
  open(timings?: Partial<HandoffTimings>): HandoffStore;
  cleanup(): Promise<void>;
}

let conversations = 0;
export function request(overrides: Partial<HandoffRequest> = {}): HandoffRequest {
  const conversationId = overrides.conversationId ?? `webchat:conv-${++conversations}`;
  return {
    conversationId,
    reference: { channelId: 'webchat', conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' } },
    channel: 'webchat',
    language: 'as',
    priority: 3,
    category: 'physical_abuse',
    district: 'Kamrup Metropolitan',
    summary: 'someone hurts me at home',
    ...overrides,
  };
}

export const asha: Counsellor = { id: 'c-asha', alias: 'Asha', languages: ['as', 'en'] };
export const ravi: Counsellor = { id: 'c-ravi', alias: 'Ravi', languages: ['hi'] };

/** Enqueues and opens: a chat counsellors can claim. */
async function waiting(store: HandoffStore, language: Lang = 'as', priority: Priority = 3) {
  const entered = await store.enqueue(request({ language, priority }));
  await store.open(entered.chat.id);
  return entered.chat;
}

/** One contract for every HandoffStore: the Redis one and the in-memory demo one. */
export function handoffContract(name: string, backend: () => Promise<HandoffBackend>): void {
  describe(`HandoffStore contract: ${name}`, () => {
    let b: HandoffBackend;
    let store: HandoffStore;
    const extra: HandoffStore[] = [];

    beforeEach(async () => {
      b = await backend();
      store = b.open();
    });
    afterEach(async () => {
      await Promise.all([store, ...extra.splice(0)].map((s) => s.close()));
      await b.cleanup();
    });
    const another = (timings?: Partial<HandoffTimings>): HandoffStore => {
      const s = b.open(timings);
      extra.push(s);
      return s;
    };

    describe('the queue', () => {
      it('keeps a new chat pending (with its place) until it is opened, then lets it be claimed', async () => {
        const entered = await store.enqueue(request());
        expect(entered).toMatchObject({ created: true, position: 1, chat: { state: 'pending', language: 'as', queueLanguage: 'as' } });
        expect(await store.claimNext(asha)).toBeNull();
        expect(await store.listWaiting()).toEqual([]);
        await store.open(entered.chat.id);
        expect((await store.listWaiting()).map((c) => c.id)).toEqual([entered.chat.id]);
        expect(await store.claimNext(asha)).toMatchObject({ id: entered.chat.id, state: 'active', counsellorId: 'c-asha', counsellorAlias: 'Asha' });
      });

      it('serves emergencies first, then high risk, then normal, each first come first served', async () => {
        const normal1 = await waiting(store, 'as', 3);
        const high = await waiting(store, 'as', 2);
        const normal2 = await waiting(store, 'as', 3);
        const emergency = await waiting(store, 'as', 1);
        expect((await store.listWaiting()).map((c) => c.id)).toEqual([emergency.id, high.id, normal1.id, normal2.id]);
        const order = [];
        for (let i = 0; i < 4; i++) order.push((await store.claimNext(asha))?.id);
        expect(order).toEqual([emergency.id, high.id, normal1.id, normal2.id]);
        expect(await store.claimNext(asha)).toBeNull();
      });

      it('tells each user their place among chats in their language, and it moves up as others are served', async () => {
        const first = await waiting(store, 'as', 3);
        await waiting(store, 'hi', 1);
        const second = await store.enqueue(request({ language: 'as', priority: 3 }));
        expect(second.position).toBe(2);
        const urgent = await store.enqueue(request({ language: 'as', priority: 2 }));
        expect(urgent.position).toBe(1);
        await store.open(second.chat.id);
        await store.open(urgent.chat.id);
        expect(await store.position(second.chat.id)).toBe(3);
        await store.claim(first.id, asha);
        expect(await store.position(second.chat.id)).toBe(2);
        expect(await store.position(first.id)).toBeNull();
      });

      it('tells waiting users their new place once it has moved, and only then', async () => {
        const first = await waiting(store);
        const second = await waiting(store);
        const third = await waiting(store);
        expect(await store.retellPositions()).toEqual([]);
        await store.claim(first.id, asha);
        expect((await store.retellPositions()).sort()).toEqual([second.id, third.id].sort());
        expect(await store.retellPositions()).toEqual([]);
        expect((await store.messages(third.id)).map((m) => m.notice)).toEqual([{ key: 'position', vars: { position: 2 } }]);
      });

      it('gives a conversation one live chat: asking again returns the same one', async () => {
        const first = await store.enqueue(request({ conversationId: 'whatsapp:919000000001' }));
        const again = await store.enqueue(request({ conversationId: 'whatsapp:919000000001' }));
        expect(again).toMatchObject({ created: false, chat: { id: first.chat.id }, position: 1 });
        expect(await store.holderFor('whatsapp:919000000001')).toMatchObject({ id: first.chat.id, state: 'pending' });
        expect(await store.holderFor('whatsapp:nobody')).toBeNull();
      });

      it('gives a counsellor only their languages until a chat has waited past the fallback time', async () => {
        const assamese = await waiting(store, 'as', 3);
        expect(await store.claimNext(ravi)).toBeNull();
        b.clock.advance(TEST_TIMINGS.languageFallbackMs);
        expect(await store.claimNext(ravi)).toMatchObject({ id: assamese.id, counsellorId: 'c-ravi' });
      });

      it('prefers an older chat of another language over nothing, but never over a more urgent own one', async () => {
        const oldHindi = await waiting(store, 'hi', 3);
        b.clock.advance(TEST_TIMINGS.languageFallbackMs);
        const urgentAssamese = await waiting(store, 'as', 2);
        expect((await store.claimNext(asha))?.id).toBe(urgentAssamese.id);
        expect((await store.claimNext(asha))?.id).toBe(oldHindi.id);
      });

      it('refuses a claim on a chat someone already took, or one that does not exist', async () => {
        const chat = await waiting(store);
        expect(await store.claim(chat.id, asha)).toMatchObject({ ok: true, chat: { state: 'active' } });
        expect(await store.claim(chat.id, ravi)).toEqual({ ok: false, reason: 'not-waiting' });
        expect(await store.claim('no-such-chat', ravi)).toEqual({ ok: false, reason: 'not-found' });
      });

      it('estimates the wait only once there is history, from how long places took', async () => {
        const first = await store.enqueue(request());
        expect(first.estimatedWaitSeconds).toBeNull();
        await store.open(first.chat.id);
        b.clock.advance(60_000);
        await store.claimNext(asha);
        await waiting(store);
        const third = await store.enqueue(request());
        expect(third.position).toBe(2);
        expect(third.estimatedWaitSeconds).toBe(120);
      });

      it('counts the counsellors with a recent heartbeat', async () => {
        expect(await store.counsellorsOnline()).toBe(0);
        await store.heartbeat('c-asha');
        expect((await store.enqueue(request())).counsellorsOnline).toBe(1);
        b.clock.advance(TEST_TIMINGS.leaseMs + 1);
        await store.sweep();
        expect(await store.counsellorsOnline()).toBe(0);
      });

      it('opens a chat nobody opened once the grace time has passed', async () => {
        const entered = await store.enqueue(request());
        expect(await store.sweep()).toEqual({ requeued: [], opened: [] });
        b.clock.advance(TEST_TIMINGS.pendingGraceMs);
        expect(await store.sweep()).toEqual({ requeued: [], opened: [entered.chat.id] });
        expect((await store.get(entered.chat.id))?.state).toBe('waiting');
      });
    });

    describe('leases', () => {
      it('keeps a claim while the counsellor beats, and returns it to its place when they vanish', async () => {
        const early = await waiting(store);
        const later = await waiting(store);
        await store.claim(early.id, asha);
        b.clock.advance(TEST_TIMINGS.leaseMs - 1000);
        await store.heartbeat('c-asha');
        b.clock.advance(TEST_TIMINGS.leaseMs - 1000);
        expect((await store.sweep()).requeued).toEqual([]);
        b.clock.advance(2000);
        expect((await store.sweep()).requeued).toEqual([early.id]);
        const back = await store.get(early.id);
        expect(back?.state).toBe('waiting');
        expect(back?.counsellorId).toBeUndefined();
        expect((await store.listWaiting()).map((c) => c.id)).toEqual([early.id, later.id]);
        const notices = (await store.messages(early.id)).map((m) => m.notice?.key);
        expect(notices).toEqual(['joined', 'requeued']);
        expect(await store.listActive('c-asha')).toEqual([]);
      });
    });

    describe('ending, transferring, abandoning', () => {
      it('ends a chat for its counsellor only (or a supervisor), giving the conversation back to the bot', async () => {
        const chat = await waiting(store);
        await store.claim(chat.id, asha);
        expect(await store.end(chat.id, { counsellorId: 'c-ravi' }, 'resolved')).toEqual({ ok: false, reason: 'not-yours' });
        expect(await store.end(chat.id, { counsellorId: 'c-asha' }, 'resolved')).toMatchObject({
          ok: true, chat: { state: 'ended', endedBy: 'counsellor', disposition: 'resolved' },
        });
        expect(await store.holderFor(chat.conversationId)).toBeNull();
        expect(await store.end(chat.id, { counsellorId: 'c-asha' }, 'resolved')).toEqual({ ok: false, reason: 'not-active' });
        expect((await store.messages(chat.id)).at(-1)?.notice).toEqual({ key: 'ended', vars: {} });

        const other = await waiting(store);
        await store.claim(other.id, asha);
        expect((await store.end(other.id, { counsellorId: 'sup', supervisor: true }, 'test')).ok).toBe(true);
      });

      it('transfers to a named colleague, who then holds it', async () => {
        const chat = await waiting(store);
        await store.claim(chat.id, asha);
        const moved = await store.transfer(chat.id, { counsellorId: 'c-asha' }, { counsellor: ravi });
        expect(moved).toMatchObject({ ok: true, chat: { state: 'active', counsellorId: 'c-ravi', counsellorAlias: 'Ravi' } });
        expect(await store.post(chat.id, { msgId: 'm1', from: 'counsellor', to: 'user', text: 'hi' }, { counsellorId: 'c-asha' })).toBeNull();
        expect(await store.post(chat.id, { msgId: 'm2', from: 'counsellor', to: 'user', text: 'hi' }, { counsellorId: 'c-ravi' })).not.toBeNull();
        expect((await store.listActive('c-ravi')).map((c) => c.id)).toEqual([chat.id]);
        expect(await store.listActive('c-asha')).toEqual([]);
      });

      it('transfers back to the queue in another language, keeping its place', async () => {
        const chat = await waiting(store, 'as');
        await store.claim(chat.id, asha);
        const newer = await waiting(store, 'hi');
        const back = await store.transfer(chat.id, { counsellorId: 'c-asha' }, { queueLanguage: 'hi' });
        expect(back).toMatchObject({ ok: true, chat: { state: 'waiting', queueLanguage: 'hi', language: 'as' } });
        expect((await store.claimNext(ravi))?.id).toBe(chat.id);
        expect((await store.claimNext(ravi))?.id).toBe(newer.id);
      });

      it('takes a user who leaves out of the queue, and keeps a high-risk one for follow-up', async () => {
        const normal = await waiting(store, 'as', 3);
        const high = await waiting(store, 'as', 2);
        expect(await store.abandon(normal.conversationId)).toMatchObject({ id: normal.id, state: 'ended', endedBy: 'user' });
        expect(await store.abandon(high.conversationId)).toMatchObject({ id: high.id, state: 'ended', endedBy: 'user' });
        expect(await store.listWaiting()).toEqual([]);
        expect((await store.listFollowUps()).map((c) => c.id)).toEqual([high.id]);
        expect(await store.abandon(high.conversationId)).toBeNull();
      });

      it('tells the counsellor when the user ends a live chat (the safe word)', async () => {
        const chat = await waiting(store, 'as', 1);
        await store.claim(chat.id, asha);
        await store.abandon(chat.conversationId);
        const last = (await store.messages(chat.id)).at(-1);
        expect(last).toMatchObject({ from: 'system', to: 'counsellor', notice: { key: 'endedByUser' } });
        expect(await store.listActive()).toEqual([]);
        expect((await store.listFollowUps()).map((c) => c.id)).toEqual([chat.id]);
      });
    });

    describe('the relay', () => {
      it('keeps the transcript in order, stores a retried message once, and replays from the last seen id', async () => {
        const chat = await waiting(store);
        await store.post(chat.id, { msgId: 'u1', from: 'user', to: 'counsellor', text: 'are you there?' });
        await store.claim(chat.id, asha);
        const reply = await store.post(chat.id, { msgId: 'c1', from: 'counsellor', to: 'user', text: 'I am here' }, { counsellorId: 'c-asha' });
        const retried = await store.post(chat.id, { msgId: 'c1', from: 'counsellor', to: 'user', text: 'I am here' }, { counsellorId: 'c-asha' });
        expect(retried?.id).toBe(reply?.id);
        await store.post(chat.id, { msgId: 'u2', from: 'user', to: 'counsellor', text: 'thank you' });
        const all = await store.messages(chat.id);
        expect(all.map((m) => m.text ?? m.notice?.key)).toEqual(['are you there?', 'joined', 'I am here', 'thank you']);
        expect((await store.messages(chat.id, all[1].id)).map((m) => m.msgId)).toEqual(['c1', 'u2']);
      });

      it('refuses counsellor messages from someone not holding the chat, and any message after the end', async () => {
        const chat = await waiting(store);
        expect(await store.post(chat.id, { msgId: 'c0', from: 'counsellor', to: 'user', text: 'x' }, { counsellorId: 'c-asha' })).toBeNull();
        await store.claim(chat.id, asha);
        expect(await store.post(chat.id, { msgId: 'c1', from: 'counsellor', to: 'user', text: 'x' }, { counsellorId: 'c-ravi' })).toBeNull();
        await store.end(chat.id, { counsellorId: 'c-asha' }, 'resolved');
        expect(await store.post(chat.id, { msgId: 'u1', from: 'user', to: 'counsellor', text: 'x' })).toBeNull();
        expect(await store.post('no-such-chat', { msgId: 'u1', from: 'user', to: 'counsellor', text: 'x' })).toBeNull();
      });

      it('hands out what the user has not had, to one deliverer at a time, in order, until acknowledged', async () => {
        const chat = await waiting(store);
        await store.claim(chat.id, asha);
        await store.post(chat.id, { msgId: 'u1', from: 'user', to: 'counsellor', text: 'hello' });
        await store.post(chat.id, { msgId: 'c1', from: 'counsellor', to: 'user', text: 'one' }, { counsellorId: 'c-asha' });
        await store.post(chat.id, { msgId: 'c2', from: 'counsellor', to: 'user', text: 'two' }, { counsellorId: 'c-asha' });
        expect(await store.undelivered()).toEqual([chat.id]);

        const due = await store.takeDeliveries(chat.id, 'instance-a', 5000);
        expect(due?.map((m) => m.text ?? m.notice?.key)).toEqual(['joined', 'one', 'two']);
        expect(await another().takeDeliveries(chat.id, 'instance-b', 5000)).toBeNull();
        await store.ackDeliveries(chat.id, 'instance-a', due?.[1].id ?? null);
        expect(await store.undelivered()).toEqual([chat.id]);

        const rest = await another().takeDeliveries(chat.id, 'instance-b', 5000);
        expect(rest?.map((m) => m.text)).toEqual(['two']);
        await store.ackDeliveries(chat.id, 'instance-b', rest?.[0].id ?? null);
        expect(await store.undelivered()).toEqual([]);
        expect(await store.takeDeliveries(chat.id, 'instance-a', 5000)).toEqual([]);
      });
    });

    describe('events', () => {
      it('records queue changes for replay and pushes them live to every instance', async () => {
        const seen: string[] = [];
        const otherInstance = another();
        const stop = otherInstance.onEvent((e) => seen.push(`${e.type}:${e.chatId}`));
        await new Promise((r) => setTimeout(r, 100));
        const chat = await waiting(store);
        await store.claim(chat.id, asha);
        const events = await store.events();
        expect(events.map((e) => e.type)).toEqual(['waiting', 'message', 'claimed']);
        expect(events[2]).toMatchObject({ chatId: chat.id, counsellorId: 'c-asha' });
        expect((await store.events(events[0].id)).map((e) => e.type)).toEqual(['message', 'claimed']);
        await waitFor(() => seen.length >= 3);
        expect(seen).toEqual([`waiting:${chat.id}`, `message:${chat.id}`, `claimed:${chat.id}`]);
        stop();
      });
    });

    describe('live signals', () => {
      it('reach every instance once (local only where sent), and leave nothing stored', async () => {
        const otherInstance = another();
        const heard: [LiveSignal, boolean][] = [];
        const mine: [LiveSignal, boolean][] = [];
        const stopOther = otherInstance.onSignal((s, local) => heard.push([s, local]));
        const stopMine = store.onSignal((s, local) => mine.push([s, local]));
        // another instance's subscription may take a moment to start: until then a signal is simply gone
        for (const until = Date.now() + 5000; heard.length === 0 && Date.now() < until; ) {
          await store.signal({ type: 'case', ref: 'SM-READY0' });
          await waitFor(() => heard.length > 0, 100);
        }
        const chat = await waiting(store);
        const before = { events: await store.events(), messages: await store.messages(chat.id) };
        heard.length = 0;
        mine.length = 0;
        const typing: LiveSignal = { type: 'typing', chatId: chat.id, from: 'counsellor', counsellorId: asha.id };
        await store.signal(typing);
        await store.signal({ type: 'case', ref: 'SM-DONE00' });
        await waitFor(() => heard.length >= 2 && mine.length >= 2);
        expect(mine).toEqual([[typing, true], [{ type: 'case', ref: 'SM-DONE00' }, true]]);
        // in demo mode every "instance" is this one process: there it is local too
        expect(heard.map(([s]) => s)).toEqual([typing, { type: 'case', ref: 'SM-DONE00' }]);
        expect(heard.every(([, local]) => local === (otherInstance === store))).toBe(true);
        expect(await store.events()).toEqual(before.events);
        expect(await store.messages(chat.id)).toEqual(before.messages);
        stopOther();
        stopMine();
      });
    });

    describe('across instances', () => {
      it('never gives one chat to two of fifty counsellors claiming at once, and skips none', async () => {
        const chats = [];
        for (let i = 0; i < 50; i++) chats.push(await waiting(store, 'as', ((i % 3) + 1) as Priority));
        const instances = [store, another()];
        const claims = await Promise.all(
          Array.from({ length: 50 }, (_, i) => instances[i % 2].claimNext({ id: `c-${i}`, alias: `C${i}`, languages: ['as'] })),
        );
        const ids = claims.map((c) => c?.id);
        expect(new Set(ids).size).toBe(50);
        expect([...ids].sort()).toEqual(chats.map((c) => c.id).sort());
        expect(await store.listWaiting()).toEqual([]);
      });

      it('lets two instances race for the same chat: exactly one wins', async () => {
        const chat = await waiting(store);
        const results = await Promise.all([store.claim(chat.id, asha), another().claim(chat.id, ravi)]);
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, reason: 'not-waiting' }]);
      });
    });

    describe('retention', () => {
      it('forgets a chat and its transcript RETENTION_DAYS after its last change', async () => {
        const short = another({ retentionMs: 300 });
        const entered = await short.enqueue(request());
        await short.post(entered.chat.id, { msgId: 'u1', from: 'user', to: 'counsellor', text: 'hello' });
        expect(await short.get(entered.chat.id)).not.toBeNull();
        await new Promise((r) => setTimeout(r, 700));
        b.clock.advance(700);
        expect(await short.get(entered.chat.id)).toBeNull();
        expect(await short.messages(entered.chat.id)).toEqual([]);
      });
    });
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
}
