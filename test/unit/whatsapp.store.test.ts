import { MemoryWhatsAppStore } from '../../bridges/whatsapp/memoryStore';
import { RedisWhatsAppStore } from '../../bridges/whatsapp/redisStore';
import type { WhatsAppStore } from '../../bridges/whatsapp/store';
import type { InboundMessage } from '../../bridges/whatsapp/webhookPayload';
import { openTestRedis, type TestRedis } from '../support/redis';

let seq = 0;
const msg = (userId: string, text: string, sentAt = 1_700_000_000_000): InboundMessage => ({ wamid: `wamid.${++seq}`, userId, sentAt, content: { kind: 'text', text } });
const texts = (m: InboundMessage | undefined) => (m?.content.kind === 'text' ? m.content.text : undefined);

let testRedis: TestRedis;
const stores: WhatsAppStore[] = [];
beforeAll(async () => {
  testRedis = await openTestRedis('wa-store');
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await testRedis.cleanup();
});

const implementations: [string, () => WhatsAppStore][] = [
  ['memory', () => new MemoryWhatsAppStore()],
  ['redis', () => new RedisWhatsAppStore(testRedis.redis, `${testRedis.prefix}${++seq}:`)],
];

describe.each(implementations)('WhatsAppStore (%s)', (_name, make) => {
  let store: WhatsAppStore;
  beforeEach(() => {
    store = make();
    stores.push(store);
  });

  it('stores a wamid once', async () => {
    const m = msg('u1', 'hello');
    expect(await store.append(m, 'sealed')).toBe('stored');
    expect(await store.append(m, 'sealed')).toBe('duplicate');
    const [claim] = await store.claim('c1', 10, 100);
    expect(texts((await store.head(claim))?.message)).toBe('hello');
    await store.remove(claim, 'c1', (await store.head(claim))!.entryId);
    expect(await store.head(claim)).toBeNull();
  });

  it("hands one user's messages to one consumer, in order, until released", async () => {
    for (const t of ['a', 'b', 'c']) await store.append(msg('u2', t), 'sealed');
    await store.append(msg('u3', 'x'), 'sealed');
    const claims = await store.claim('c1', 10, 100);
    expect(claims.map((c) => c.userId).sort()).toEqual(['u2', 'u3']);
    expect(await store.claim('c2', 10, 50)).toEqual([]);
    const u2 = claims.find((c) => c.userId === 'u2')!;
    const seen: string[] = [];
    for (let entry = await store.head(u2); entry; entry = await store.head(u2)) {
      seen.push(texts(entry.message)!);
      expect(await store.remove(u2, 'c1', entry.entryId)).toBe(true);
    }
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(await store.release(u2)).toBe(true);
    // Released: the user's next message makes them claimable again.
    await store.append(msg('u2', 'd'), 'sealed');
    const again = await store.claim('c2', 10, 100);
    expect(again.map((c) => c.userId)).toEqual(['u2']);
  });

  it('does not release a user while a message waits', async () => {
    await store.append(msg('u4', 'one'), 'sealed');
    const [claim] = await store.claim('c1', 10, 100);
    await store.remove(claim, 'c1', (await store.head(claim))!.entryId);
    await store.append(msg('u4', 'two'), 'sealed');
    expect(await store.release(claim)).toBe(false);
    expect(texts((await store.head(claim))?.message)).toBe('two');
  });

  it('wakes a waiting claim when a message arrives', async () => {
    const waiting = store.claim('c1', 10, 2000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await store.append(msg('u5', 'wake'), 'sealed');
    expect((await waiting).map((c) => c.userId)).toEqual(['u5']);
  });

  it('sets a failing message aside so the next one flows', async () => {
    await store.append(msg('u6', 'poison'), 'sealed');
    await store.append(msg('u6', 'fine'), 'sealed');
    const [claim] = await store.claim('c1', 10, 100);
    await store.deadLetter(claim, (await store.head(claim))!);
    expect(texts((await store.head(claim))?.message)).toBe('fine');
  });

  it('keeps the sealed number and the latest message time, and a language or choices only for a known contact', async () => {
    await store.append(msg('u7', 'later', 2_000), 'sealed-1');
    await store.append(msg('u7', 'earlier, delivered late', 1_000), 'sealed-2');
    await store.remember('u7', 'language', 'as');
    await store.remember('u7', 'choices', '[{"title":"A","value":"a"}]');
    await store.remember('nobody', 'language', 'hi');
    expect(await store.contact('u7')).toEqual({ sealedNumber: 'sealed-2', lastInboundAt: 2_000, language: 'as', choices: '[{"title":"A","value":"a"}]' });
    expect(await store.contact('nobody')).toBeNull();
  });
});

describe('RedisWhatsAppStore across instances', () => {
  it("lets another worker take over a dead worker's user after the lease, and the old worker stops", async () => {
    const prefix = `${testRedis.prefix}lease:`;
    // A lease long enough that a busy machine cannot let it lapse before B's first try.
    const timing = { leaseMs: 1500, reclaimEveryMs: 0 };
    const a = new RedisWhatsAppStore(testRedis.redis, prefix, timing);
    const b = new RedisWhatsAppStore(testRedis.redis, prefix, timing);
    stores.push(a, b);
    await a.append(msg('u8', 'first'), 'sealed');
    const [claimA] = await a.claim('worker-a', 10, 100);
    expect(await b.claim('worker-b', 10, 10)).toEqual([]);
    let claimB: Awaited<ReturnType<typeof b.claim>>[number] | undefined;
    for (let i = 0; i < 100 && !claimB; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      [claimB] = await b.claim('worker-b', 10, 10);
    }
    expect(claimB?.userId).toBe('u8');
    if (!claimB) return;
    const entry = (await b.head(claimB))!;
    // Worker A wakes up: its claim is gone, so it must stop (B carries on in order).
    expect(await a.renew(claimA, 'worker-a')).toBe(false);
    expect(await b.remove(claimB, 'worker-b', entry.entryId)).toBe(true);
    expect(await b.release(claimB)).toBe(true);
  });
});
