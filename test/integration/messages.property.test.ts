import fc from 'fast-check';
import { postJson, startApp, type RunningApp } from '../support/http';

/**
 * Any body sent to /api/messages gets a 2xx or a 4xx with a reason: never a 5xx, a failed turn or a
 * hang. Every generated activity asks for expectReplies, so no reply ever leaves this machine.
 */
let s: RunningApp;
beforeAll(async () => {
  s = await startApp();
});
afterAll(async () => {
  await s.stop();
});

const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.constantFrom('stop', 'menu:report', 'lang:xx', 'cmd:nope', 'teacher:zzz', '🙂', 'x'.repeat(5000)));
const activityArb = fc.record(
  {
    type: fc.oneof(fc.constantFrom('message', 'conversationUpdate', 'event', 'typing', 'invoke'), fc.string({ maxLength: 20 })),
    deliveryMode: fc.constant('expectReplies'),
    channelId: fc.oneof(fc.constant('emulator'), fc.string({ maxLength: 10 })),
    conversation: fc.record({ id: fc.string({ minLength: 1, maxLength: 40 }) }),
    from: fc.record({ id: fc.string({ minLength: 1, maxLength: 40 }), name: fc.string({ maxLength: 10 }) }),
    recipient: fc.record({ id: fc.string({ maxLength: 10 }) }),
    text,
    value: fc.jsonValue({ maxDepth: 2 }),
    locale: fc.string({ maxLength: 10 }),
    membersAdded: fc.array(fc.record({ id: fc.string({ maxLength: 10 }) }), { maxLength: 2 }),
    entities: fc.array(fc.record({ type: fc.constantFrom('GeoCoordinates', 'mention'), latitude: fc.double(), longitude: fc.double() }), { maxLength: 2 }),
  },
  { requiredKeys: ['type', 'deliveryMode', 'conversation'] },
);

describe('property: /api/messages takes any input', () => {
  it('answers any JSON body with a 2xx or a 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (body) => {
        const res = await postJson(`${s.url}/api/messages`, JSON.stringify(body));
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) expect((await res.text()).length).toBeGreaterThan(0);
      }),
      { numRuns: 100 },
    );
  });

  it('answers any byte string with a 4xx reason', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        const res = await fetch(`${s.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from(bytes) });
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 100 },
    );
  });

  it('runs any activity shape without a failed turn', async () => {
    await fc.assert(
      fc.asyncProperty(activityArb, async (activity) => {
        const res = await postJson(`${s.url}/api/messages`, activity);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    expect(s.logs.text).not.toContain('route failed');
    expect(s.logs.lines.filter((l) => l.includes('turn failed')).map((l) => (JSON.parse(l) as { err?: { message?: string } }).err?.message)).toEqual([]);
  });
});
