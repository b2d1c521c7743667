import fc from 'fast-check';
import { MAX_TEXT_CHARS, parseClientFrame } from '../../bridges/webchat/frames';
import { startApp, type RunningApp } from '../support/http';
import { TEST_ORIGIN, TestSocket, type Frame } from '../support/webchatSocket';

/**
 * The web chat socket of the composed app (demo mode, the real bot), over a real socket: any frames
 * a page could send get an error frame with a reason or a turn of the bot, and the socket keeps
 * working. Never a failed turn, a dropped socket or a hang. (webchat.frames.test.ts covers the parser
 * alone.)
 */
const WAIT_MS = 10_000;
const PROPERTY_TIMEOUT_MS = 90_000;
/** Below the socket's 16 KB frame limit (a bigger frame closes the socket by design: 1009). */
const MAX_FRAME_BYTES = 15 * 1024;
/** The probe's ids start with this; no generated frame holds it, so a probe is never taken for a resent message. */
const PROBE = 'probe:';

let s: RunningApp;
let wsUrl: string;

beforeAll(async () => {
  s = await startApp({ WEBCHAT_ALLOWED_ORIGINS: TEST_ORIGIN });
  wsUrl = `${s.url.replace('http', 'ws')}/webchat/ws`;
});
afterAll(async () => {
  await s?.stop();
});

const str = (maxLength: number) => fc.oneof(fc.string({ maxLength }), fc.string({ unit: 'grapheme', maxLength }), fc.string({ unit: 'binary', maxLength }));
const anything = fc.jsonValue({ maxDepth: 3 });
/** Mostly the right thing, sometimes anything at all. */
const mostly = <T>(right: fc.Arbitrary<T>, ...wrong: fc.Arbitrary<unknown>[]) => fc.oneof({ arbitrary: right, weight: 6 }, ...wrong.map((arbitrary) => ({ arbitrary, weight: 1 })));
const geo = fc.record({ type: fc.constant('GeoCoordinates'), latitude: fc.oneof(fc.double({ min: -90, max: 90, noNaN: true }), fc.double()), longitude: fc.oneof(fc.double({ min: -180, max: 180, noNaN: true }), fc.double()) });
/** A message as a page sends it, each field usually right, sometimes wrong or missing. */
const message = fc.record(
  {
    type: mostly(fc.constant('message'), fc.constantFrom('event', 'typing', 'conversationUpdate'), anything),
    text: mostly(fc.oneof(str(200), fc.constantFrom('hello', 'stop', 'menu', 'help', 'রখা', 'रुको', 'cmd:human', '   ')), fc.constant('x'.repeat(MAX_TEXT_CHARS + 1)), anything),
    value: mostly(fc.oneof(fc.constantFrom('menu:report', 'menu:findHelp', 'lang:as', 'lang:hi', 'cmd:emergency', 'cmd:menu', 'teacher:zzz'), str(60)), str(250), anything),
    locale: mostly(fc.constantFrom('as', 'hi', 'en', 'en-US', 'bn'), str(20), anything),
    entities: mostly(fc.array(fc.oneof(geo, fc.record({ type: fc.constant('ClientCapabilities') }), anything), { maxLength: 3 }), fc.array(anything, { minLength: 9, maxLength: 10 }), anything),
    channelData: mostly(fc.record({ clientActivityID: mostly(fc.string({ minLength: 1, maxLength: 64 }), fc.string({ minLength: 65, maxLength: 80 }), anything) }), anything),
  },
  { requiredKeys: [] },
);
/** What may arrive on the socket: text frames (near-valid messages, any JSON, any text) and binary ones. */
const frame = fc.oneof(
  { arbitrary: message.map((m) => JSON.stringify(m)), weight: 4 },
  { arbitrary: anything.map((v) => JSON.stringify(v)), weight: 1 },
  { arbitrary: str(300), weight: 1 },
  { arbitrary: fc.uint8Array({ maxLength: 500 }).map((b) => Buffer.from(b)), weight: 1 },
).filter((f) => Buffer.byteLength(f) <= MAX_FRAME_BYTES && !f.toString().includes(PROBE));

let probes = 0;
const isError = (f: Frame) => f.type === 'error';
const clientId = (f: Frame) => (f.channelData as { clientActivityID?: unknown } | undefined)?.clientActivityID;

describe('property: the web chat socket takes any frames', () => {
  it('answers every frame with a reason or a turn, and keeps the socket working', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 5 }), async (frames) => {
        const socket = await TestSocket.open(wsUrl, { locale: 'en' });
        try {
          await socket.session();
          for (const f of frames) socket.ws.send(f, { binary: typeof f !== 'string' });
          // The probe's echo comes after every earlier frame's answer: turns run one at a time, and a refusal is immediate.
          const probe = `${PROBE}${++probes}`;
          socket.say('hello', probe);
          await socket.next((f) => f.type === 'message' && clientId(f) === probe, WAIT_MS);
          const errors = socket.frames.filter(isError);
          const refused = frames.filter((f) => typeof f !== 'string' || !parseClientFrame(f).ok).length;
          expect(errors.map((e) => e.code)).toEqual(Array<string>(refused).fill('bad-frame'));
          for (const e of errors) expect(String(e.reason).trim().length).toBeGreaterThan(0);
          expect(socket.ws.readyState).toBe(socket.ws.OPEN);
        } finally {
          await socket.close();
        }
      }),
      { numRuns: 100 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('opens a conversation for any query a page could send', async () => {
    const query = fc.record(
      {
        locale: fc.oneof(fc.constantFrom('as', 'hi', 'en', 'xx'), str(20)),
        watermark: fc.oneof(fc.integer().map(String), fc.constantFrom('NaN', 'Infinity', '-1', '1e308', ''), str(20)),
        conversationId: str(40),
        token: str(40),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const socket = await TestSocket.open(wsUrl, q);
        try {
          const session = await socket.session();
          expect(session.resumed).toBe(false);
          expect(session.conversationId).toMatch(/^[\w-]{22}$/);
        } finally {
          await socket.close();
        }
      }),
      { numRuns: 60 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('refuses an upgrade from any other origin with 403', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.webUrl().map((u) => new URL(u).origin), fc.string({ maxLength: 30 })).filter((o) => o !== TEST_ORIGIN), async (origin) => {
        await expect(TestSocket.open(wsUrl, {}, origin)).rejects.toThrow('upgrade refused: 403');
      }),
      { numRuns: 60 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('stays healthy, with no failed turn in its log', async () => {
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    expect(s.logs.text).not.toContain('webchat: turn failed');
    expect(s.logs.text).not.toContain('could not open a conversation');
  });
});
