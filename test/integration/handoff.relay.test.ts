import Redis from 'ioredis';
import { createLogger } from '../../services/logger';
import { HandoffWorker, type DeliverToUser } from '../../services/handoff/HandoffWorker';
import { RedisHandoffStore } from '../../services/handoff/RedisHandoffStore';
import type { HandoffStore } from '../../services/handoff/types';
import { asha, request, TEST_TIMINGS } from '../support/handoffContract';
import { deleteByPrefix, randomPrefix, TEST_REDIS_URL } from '../support/redis';

/** Two service instances on one Redis: counsellor messages cross from one to the user's side. */
describe('handoff relay across instances (real Redis)', () => {
  const logger = createLogger({ level: 'silent' });
  const base = randomPrefix('handoff-relay');
  let prefix = base;
  let testNo = 0;
  const connections: Redis[] = [];
  const stores: HandoffStore[] = [];
  const workers: HandoffWorker[] = [];

  const connect = (): Redis => {
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    connections.push(redis);
    return redis;
  };
  const instance = (): HandoffStore => {
    const store = new RedisHandoffStore({ redis: connect(), openBlocking: connect, prefix, logger, timings: TEST_TIMINGS });
    stores.push(store);
    return store;
  };
  const worker = (store: HandoffStore, owner: string, deliver: DeliverToUser): HandoffWorker => {
    // A long interval: the test calls tick() itself when it wants a sweep.
    const w = new HandoffWorker({ store, deliver, owner, logger, intervalMs: 3_600_000 });
    workers.push(w);
    return w;
  };
  const until = async (condition: () => boolean): Promise<void> => {
    for (let i = 0; i < 250 && !condition(); i++) await new Promise((r) => setTimeout(r, 20));
  };

  // Each test its own keys under the file's prefix: no chat of one test shows in another's queue.
  beforeEach(() => {
    prefix = `${base}${++testNo}:`;
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await deleteByPrefix(connections[0], base);
    await Promise.all(connections.map((c) => c.quit().catch(() => undefined)));
  });

  it('delivers every counsellor message to the user once and in order, whichever instance delivers', async () => {
    const consoleSide = instance();
    const botSide = instance();
    const received: string[] = [];
    const deliver: DeliverToUser = async (_chat, message) => {
      received.push(message.text ?? `notice:${message.notice?.key}`);
    };
    worker(consoleSide, 'instance-a', deliver).start();
    worker(botSide, 'instance-b', deliver).start();
    await new Promise((r) => setTimeout(r, 100));

    const entered = await botSide.enqueue(request());
    await botSide.open(entered.chat.id);
    await consoleSide.claim(entered.chat.id, asha);
    const sent = Array.from({ length: 30 }, (_, i) => `message ${i + 1}`);
    for (const [i, text] of sent.entries()) {
      await consoleSide.post(entered.chat.id, { msgId: `c${i}`, from: 'counsellor', to: 'user', text }, { counsellorId: asha.id });
    }
    await until(() => received.length >= 31);
    expect(received).toEqual(['notice:joined', ...sent]);
    expect(await botSide.undelivered()).toEqual([]);
  });

  it('keeps a message the channel failed to take and delivers it on the next sweep', async () => {
    const store = instance();
    const received: string[] = [];
    let failOnce = true;
    const w = worker(store, 'instance-a', async (_chat, message) => {
      if (message.text === 'second' && failOnce) {
        failOnce = false;
        throw new Error('channel down');
      }
      received.push(message.text ?? `notice:${message.notice?.key}`);
    });
    const entered = await store.enqueue(request());
    await store.open(entered.chat.id);
    await store.claim(entered.chat.id, asha);
    for (const text of ['first', 'second', 'third']) {
      await store.post(entered.chat.id, { msgId: text, from: 'counsellor', to: 'user', text }, { counsellorId: asha.id });
    }
    await w.tick();
    expect(received).toEqual(['notice:joined', 'first']);
    expect(await store.undelivered()).toEqual([entered.chat.id]);
    await w.tick();
    expect(received).toEqual(['notice:joined', 'first', 'second', 'third']);
    expect(await store.undelivered()).toEqual([]);
  });

  it('keeps the queue and live chats through a restart of the service', async () => {
    const before = instance();
    const waiting = await before.enqueue(request({ priority: 1 }));
    await before.open(waiting.chat.id);
    const live = await before.enqueue(request());
    await before.open(live.chat.id);
    await before.claim(live.chat.id, asha);
    await before.close();

    const after = instance();
    expect((await after.listWaiting()).map((c) => c.id)).toEqual([waiting.chat.id]);
    expect(await after.holderFor(live.chat.conversationId)).toMatchObject({ id: live.chat.id, state: 'active', counsellorId: asha.id });
    expect((await after.messages(live.chat.id)).map((m) => m.notice?.key)).toEqual(['joined']);
  });

  it('returns a vanished counsellor\'s chat to the queue from any instance\'s sweep, and tells the user', async () => {
    let now = Date.now();
    const timings = { ...TEST_TIMINGS, leaseMs: 1000 };
    const clocked = (): HandoffStore => {
      const store = new RedisHandoffStore({ redis: connect(), openBlocking: connect, prefix, logger, timings, clock: () => now });
      stores.push(store);
      return store;
    };
    const consoleSide = clocked();
    const otherInstance = clocked();
    const received: string[] = [];
    const w = worker(otherInstance, 'instance-b', async (_chat, message) => {
      received.push(message.notice?.key ?? '');
    });
    const entered = await consoleSide.enqueue(request());
    await consoleSide.open(entered.chat.id);
    await consoleSide.claim(entered.chat.id, asha);
    now += 1001;
    await w.tick();
    expect(await otherInstance.get(entered.chat.id)).toMatchObject({ state: 'waiting' });
    expect(received).toEqual(['joined', 'requeued']);
  });
});
