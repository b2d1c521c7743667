import fc from 'fast-check';
import twilio from 'twilio';
import { IVR_PATHS } from '../../bridges/ivr/register';
import { startApp, type RunningApp } from '../support/http';
import { parseTwiml } from '../support/twiml';

/**
 * Any form Twilio could post to the phone line's webhooks of the composed app (demo mode, the real
 * bot) gets well-formed TwiML with a 200, or a 4xx with a reason: never a 5xx, an exception or a
 * hang. Forms are signed with the twilio package's own function, so they reach the call flow.
 */
const TOKEN = 'property-twilio-auth-token-0123456789';
const PUBLIC = 'https://helpline.example.org';
const REQUEST_TIMEOUT_MS = 15_000;
const PROPERTY_TIMEOUT_MS = 90_000;

let s: RunningApp;

beforeAll(async () => {
  s = await startApp({ TWILIO_AUTH_TOKEN: TOKEN, PUBLIC_BASE_URL: PUBLIC, IVR_TRANSFER_NUMBER: '+913612345678' });
});
afterAll(async () => {
  await s?.stop();
});

interface Answer {
  status: number;
  text: string;
}

async function postForm(path: string, body: string, signature: string | undefined): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (signature !== undefined) headers['x-twilio-signature'] = signature;
  const res = await fetch(`${s.url}${path}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  return { status: res.status, text: await res.text() };
}

/** Signed as Twilio signs: the public URL and the fields the server will read back from the body. */
function signed(path: string, params: Record<string, string>): Promise<Answer> {
  return postForm(path, new URLSearchParams(params).toString(), twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}${path}`, params));
}

function expectTwiml(res: Answer): void {
  expect(res.status).toBe(200);
  expect(parseTwiml(res.text).name).toBe('Response');
}

function expectTwimlOrReason(res: Answer): void {
  if (res.status === 200) {
    expectTwiml(res);
    return;
  }
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(res.text.trim().length).toBeGreaterThan(0);
}

let sids = 0;
/** A CallSid the server accepts (CA + 32 hex), new for every call. */
const newCallSid = () => `CA${(Date.now().toString(16) + (sids++).toString(16)).padStart(32, '0')}`;

/** Well-formed Unicode (no lone surrogates, which a form cannot carry), of several kinds. */
const str = (maxLength: number) => fc.oneof(fc.string({ maxLength }), fc.string({ unit: 'grapheme', maxLength }));
const keypad = fc.oneof(
  { arbitrary: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', '1#'), weight: 8 },
  { arbitrary: fc.stringMatching(/^[0-9*#]{0,6}$/), weight: 2 },
  { arbitrary: fc.stringMatching(/^[0-9*#]{7,20}$/), weight: 1 },
  { arbitrary: str(30), weight: 1 },
);
/** Present `present` times for every `absent` times it is left out. */
const sometimes = <T>(arb: fc.Arbitrary<T>, present: number, absent: number) => fc.oneof({ arbitrary: arb, weight: present }, { arbitrary: fc.constant(undefined), weight: absent });
/** What a gather may carry besides the CallSid: mostly a key, sometimes speech, rarely the end of a dial; any values. */
const gatherFields = fc
  .record({
    Digits: sometimes(keypad, 4, 1),
    SpeechResult: sometimes(fc.oneof(str(400), fc.constantFrom('help', 'stop', 'मदद', 'সহায়', 'cmd:human', 'menu:report', '')), 1, 2),
    Confidence: sometimes(fc.oneof(fc.constantFrom('0.9', '0', '-1', 'NaN'), str(10)), 1, 2),
    DialCallStatus: sometimes(fc.oneof(fc.constantFrom('completed', 'busy', 'no-answer', 'failed', 'canceled'), str(20)), 1, 11),
    From: sometimes(fc.oneof(fc.stringMatching(/^\+91\d{10}$/), fc.constantFrom('anonymous', 'client:alice', ''), str(30)), 1, 1),
    To: sometimes(str(20), 1, 3),
    CallStatus: sometimes(fc.oneof(fc.constantFrom('in-progress', 'ringing', 'completed'), str(20)), 1, 3),
    AccountSid: sometimes(str(40), 1, 3),
  })
  .map((fields) => Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<string, string>);
/** Fields with any name (letters, so they are own keys of the parsed form) and any value. */
const extraFields = fc.dictionary(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,15}$/), str(50), { maxKeys: 4 });

describe('property: the IVR webhooks take any signed form', () => {
  it('answers a call and any run of gathers on it with TwiML', async () => {
    const step = fc.tuple(fc.constantFrom(...Array<string>(7).fill(IVR_PATHS.gather), IVR_PATHS.voice), gatherFields, extraFields);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('1', '2', '3'), fc.array(step, { minLength: 1, maxLength: 5 }), async (language, steps) => {
        const CallSid = newCallSid();
        expectTwiml(await signed(IVR_PATHS.voice, { CallSid, From: '+919876543210' }));
        // Past the language menu, so the steps reach the bot's own menus.
        expectTwiml(await signed(IVR_PATHS.gather, { CallSid, Digits: language }));
        for (const [path, fields, extra] of steps) {
          // Extra fields first: a generated name never replaces CallSid or the gather's own fields.
          expectTwiml(await signed(path, { ...extra, ...fields, CallSid }));
        }
      }),
      { numRuns: 120 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('answers any signed form, CallSid included, with TwiML or a 4xx reason', async () => {
    const form = fc.record(
      {
        CallSid: fc.oneof(fc.constant(undefined), fc.stringMatching(/^CA[0-9a-f]{32}$/), fc.stringMatching(/^[A-Za-z0-9]{0,70}$/), str(70)),
        fields: gatherFields,
        extra: fc.dictionary(str(20), str(50), { maxKeys: 5 }),
      },
      { requiredKeys: ['fields', 'extra'] },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(IVR_PATHS.voice, IVR_PATHS.gather), form, async (path, { CallSid, fields, extra }) => {
        const params: Record<string, string> = { ...extra, ...fields };
        if (CallSid !== undefined) params.CallSid = CallSid;
        const res = await signed(path, params);
        expectTwimlOrReason(res);
        if (/^[A-Za-z0-9]{10,64}$/.test(CallSid ?? '') && Object.keys(extra).every((k) => /^[A-Za-z][\w]*$/.test(k) && k !== 'CallSid')) expectTwiml(res);
      }),
      { numRuns: 150 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('answers any body, signed over what it parses to, with TwiML or a 4xx reason', async () => {
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 1000 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.string({ maxLength: 300 }),
      fc.array(fc.tuple(fc.constantFrom('CallSid', 'Digits', 'SpeechResult', 'From', 'x'), fc.string({ maxLength: 40 })), { maxLength: 6 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&')),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(IVR_PATHS.voice, IVR_PATHS.gather), body, async (path, raw) => {
        const params: Record<string, string> = {};
        for (const [k, v] of new URLSearchParams(raw)) params[k] = v;
        expectTwimlOrReason(await postForm(path, raw, twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}${path}`, params)));
      }),
      { numRuns: 100 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('refuses any form with a missing or wrong signature with 403', async () => {
    const signature = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 40 }),
      fc.base64String({ minLength: 28, maxLength: 28 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(IVR_PATHS.voice, IVR_PATHS.gather), gatherFields, signature, fc.boolean(), async (path, fields, given, otherUrl) => {
        const params: Record<string, string> = { ...fields, CallSid: newCallSid() };
        // No header, a made-up one, or Twilio's own signature over another URL: none is this request's.
        const header = given ?? (otherUrl ? twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}/elsewhere`, params) : undefined);
        const res = await postForm(path, new URLSearchParams(params).toString(), header);
        expect(res.status).toBe(403);
        expect(res.text).toContain('X-Twilio-Signature');
      }),
      { numRuns: 100 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('stays healthy, with no failed route or webhook in its log', async () => {
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    expect(s.logs.text).not.toContain('route failed');
    expect(s.logs.text).not.toContain('ivr webhook failed');
  });
});
