import fc from 'fast-check';
import { signatureHeader } from '../../bridges/whatsapp/signature';
import { GraphApiServer } from '../support/graphApiServer';
import { startApp, type RunningApp } from '../support/http';
import { ACCESS_TOKEN, APP_SECRET, VERIFY_TOKEN } from '../support/whatsappHarness';
import { PHONE_NUMBER_ID, webhook } from '../support/whatsappWebhooks';

/**
 * Any body POSTed to /api/whatsapp of the composed app (demo mode, replies to a loopback Graph API)
 * gets a 2xx or a 4xx with a reason: never a 5xx, an exception or a hang. Signed bodies get past the
 * signature check to the parser; badly signed ones are refused with 401 whatever they hold.
 */
const REQUEST_TIMEOUT_MS = 10_000;
const PROPERTY_TIMEOUT_MS = 60_000;

let graph: GraphApiServer;
let s: RunningApp;
let url: string;

beforeAll(async () => {
  graph = await GraphApiServer.start(ACCESS_TOKEN);
  s = await startApp({
    WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
    WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    WHATSAPP_GRAPH_URL: graph.baseUrl,
  });
  url = `${s.url}/api/whatsapp`;
});
afterAll(async () => {
  await s?.stop();
  await graph?.close();
});

async function postRaw(raw: string | Buffer, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', headers, body: typeof raw === 'string' ? raw : new Uint8Array(raw), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  return { status: res.status, text: await res.text() };
}

const signed = (raw: string | Buffer) => postRaw(raw, { 'content-type': 'application/json', 'x-hub-signature-256': signatureHeader(raw, APP_SECRET) });

function expectHandled(res: { status: number; text: string }): void {
  expect(res.status).toBeGreaterThanOrEqual(200);
  expect(res.status).toBeLessThan(500);
  if (res.status >= 400) expect(res.text.trim().length).toBeGreaterThan(0);
}

/** Anything at all, or a value of the type a field should have. */
const anything = fc.jsonValue({ maxDepth: 2 });
const digits = fc.stringMatching(/^\d{5,20}$/);
const text = fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 100 }), fc.constantFrom('stop', 'menu', 'help', 'রখা', 'रुको', 'cmd:human', 'lang:as', ''));

/** Mostly the right thing, sometimes anything at all. */
const mostly = <T>(right: fc.Arbitrary<T>, ...wrong: fc.Arbitrary<unknown>[]) => fc.oneof({ arbitrary: right, weight: 15 }, ...wrong.map((arbitrary) => ({ arbitrary, weight: 1 })));

const reply = fc.record({ id: fc.string({ minLength: 1, maxLength: 256 }), title: fc.string({ maxLength: 256 }) });

/** A message close to Meta's shape: each field usually right, sometimes wrong in type, or missing. */
const bentMessage = fc.record(
  {
    from: mostly(digits, fc.string({ maxLength: 25 }), anything),
    id: mostly(fc.string({ minLength: 1, maxLength: 80 }), fc.string({ maxLength: 300 }), anything),
    timestamp: mostly(fc.stringMatching(/^\d{1,12}$/), fc.string({ maxLength: 15 }), anything),
    type: mostly(fc.constantFrom('text', 'interactive', 'button', 'location', 'image', 'audio', 'video', 'document', 'sticker', 'reaction', 'contacts', 'unsupported', 'system', 'order'), fc.string({ maxLength: 70 }), anything),
    text: mostly(fc.record({ body: text }), anything),
    interactive: mostly(
      fc.record({ type: fc.oneof(fc.constantFrom('button_reply', 'list_reply', 'nfm_reply'), fc.string()), button_reply: mostly(reply, anything), list_reply: mostly(reply, anything) }, { requiredKeys: ['type'] }),
      anything,
    ),
    button: mostly(fc.record({ text: fc.string({ maxLength: 256 }), payload: mostly(fc.string({ maxLength: 256 }), fc.string({ minLength: 257, maxLength: 300 }), anything) }, { requiredKeys: ['text'] }), anything),
    location: mostly(
      fc.record(
        {
          latitude: mostly(fc.double({ min: -90, max: 90, noNaN: true }), fc.double()),
          longitude: mostly(fc.double({ min: -180, max: 180, noNaN: true }), fc.double()),
          name: mostly(fc.string({ maxLength: 256 }), anything),
          address: mostly(fc.string({ maxLength: 512 }), fc.string({ minLength: 513, maxLength: 600 }), anything),
        },
        { requiredKeys: ['latitude', 'longitude'] },
      ),
      anything,
    ),
    image: anything,
    context: anything,
  },
  { requiredKeys: ['from', 'id', 'timestamp', 'type'] },
);
/** A message Meta could send (sent in the last hour), of a type the bot reads: it runs a real turn. */
const recent = fc.integer({ min: -3600, max: 30 }).map((d) => String(Math.floor(Date.now() / 1000) + d));
const validMessage = fc
  .record({ from: digits, id: fc.string({ minLength: 1, maxLength: 80 }), timestamp: recent })
  .chain((base) =>
    fc.oneof(
      fc.record({ type: fc.constant('text'), text: fc.record({ body: text }) }),
      fc.record({ type: fc.constant('interactive'), interactive: fc.oneof(fc.record({ type: fc.constant('button_reply'), button_reply: reply }), fc.record({ type: fc.constant('list_reply'), list_reply: reply })) }),
      fc.record({ type: fc.constant('button'), button: fc.record({ text: fc.string({ maxLength: 256 }), payload: fc.string({ maxLength: 256 }) }, { requiredKeys: ['text'] }) }),
      fc.record({
        type: fc.constant('location'),
        location: fc.record({ latitude: fc.double({ min: -90, max: 90, noNaN: true }), longitude: fc.double({ min: -180, max: 180, noNaN: true }), name: fc.string({ maxLength: 256 }), address: fc.string({ maxLength: 512 }) }, { requiredKeys: ['latitude', 'longitude'] }),
      }),
      fc.record({ type: fc.constantFrom('image', 'audio', 'sticker', 'reaction'), image: anything }),
    ).map((fields) => ({ ...base, ...fields })),
  );
const message = fc.oneof(validMessage, bentMessage);

const status = fc.record(
  {
    id: fc.string(),
    status: fc.oneof(fc.constantFrom('sent', 'delivered', 'read', 'failed', 'deleted'), fc.string({ maxLength: 40 }), anything),
    recipient_id: digits,
    errors: fc.oneof(fc.array(fc.record({ code: fc.oneof(fc.integer(), anything), title: fc.string() }, { requiredKeys: [] }), { maxLength: 3 }), anything),
  },
  { requiredKeys: [] },
);
/** A well-formed envelope (it passes the webhook's outer check) holding arbitrary messages and statuses. */
const envelope = fc
  .record(
    {
      contacts: fc.array(fc.record({ wa_id: digits, profile: fc.record({ name: fc.string() }) }), { maxLength: 2 }),
      messages: fc.array(mostly(message, anything), { maxLength: 3 }),
      statuses: fc.array(fc.oneof(status, anything), { maxLength: 3 }),
    },
    { requiredKeys: [] },
  )
  .chain((value) => fc.constantFrom(PHONE_NUMBER_ID, '999999999').map((phoneNumberId) => webhook(value, phoneNumberId)));

/** The envelope itself bent: fields dropped, retyped or replaced anywhere along the path. */
const bentEnvelope = fc.record(
  {
    object: fc.oneof(fc.constant('whatsapp_business_account'), anything),
    entry: fc.oneof(
      fc.array(
        fc.record(
          {
            id: anything,
            changes: fc.oneof(
              fc.array(fc.record({ field: fc.oneof(fc.constantFrom('messages', 'statuses', 'account_update'), anything), value: fc.oneof(fc.record({ metadata: anything, messages: fc.oneof(fc.array(message, { maxLength: 2 }), anything), statuses: anything }, { requiredKeys: [] }), anything) }, { requiredKeys: [] }), { maxLength: 2 }),
              anything,
            ),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 2 },
      ),
      anything,
    ),
  },
  { requiredKeys: [] },
);

describe('property: the WhatsApp webhook takes any input', () => {
  it('answers any signed JSON value with a 2xx or a 4xx and a reason', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (body) => {
        expectHandled(await signed(JSON.stringify(body)));
      }),
      { numRuns: 100 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('answers any signed byte string with a 2xx or a 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)), fc.string({ unit: 'binary', maxLength: 500 })), async (raw) => {
        expectHandled(await signed(raw));
      }),
      { numRuns: 100 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('acknowledges (200) any signed webhook whose envelope is right, whatever its messages and statuses hold', async () => {
    await fc.assert(
      fc.asyncProperty(envelope, async (body) => {
        const res = await signed(JSON.stringify(body));
        expect(res).toEqual({ status: 200, text: 'ok' });
      }),
      { numRuns: 150 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('answers a signed webhook with a bent envelope with 200 or a 400 reason', async () => {
    await fc.assert(
      fc.asyncProperty(bentEnvelope, async (body) => {
        const res = await signed(JSON.stringify(body));
        expectHandled(res);
        expect([200, 400]).toContain(res.status);
      }),
      { numRuns: 150 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('refuses any body with a missing or wrong signature with 401, before reading it', async () => {
    const badHeader = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 80 }),
      fc.stringMatching(/^sha256=[0-9a-f]{64}$/),
      fc.constantFrom('sha256=', 'sha256=zz', 'sha1=0000', ' sha256= '),
    );
    const body = fc.oneof(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), envelope.map((v) => JSON.stringify(v)));
    await fc.assert(
      fc.asyncProperty(body, badHeader, fc.boolean(), async (raw, header, otherSecret) => {
        // A header from the right secret over other bytes, or from another secret over these bytes, is never valid either.
        const forged = header ?? (otherSecret ? signatureHeader(raw, `${APP_SECRET}-not`) : undefined);
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (forged !== undefined) headers['x-hub-signature-256'] = forged;
        const res = await postRaw(raw, headers);
        expect(res.status).toBe(401);
        expect(res.text).toContain('X-Hub-Signature-256');
      }),
      { numRuns: 100 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('answers any verification query with 200, 400 or 403', async () => {
    const param = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('subscribe', VERIFY_TOKEN, '1158201444'));
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom('hub.mode', 'hub.verify_token', 'hub.challenge', 'x'), param), async (query) => {
        const res = await fetch(`${url}?${new URLSearchParams(query).toString()}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
        const body = await res.text();
        expect([200, 400, 403]).toContain(res.status);
        if (res.status === 200) expect(body).toBe(query['hub.challenge']);
        else expect(body.length).toBeGreaterThan(0);
      }),
      { numRuns: 100 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('stays healthy, with no failed route in its log', async () => {
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    expect(s.logs.text).not.toContain('route failed');
  });
});
