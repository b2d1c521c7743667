import twilio from 'twilio';
import { IVR_PATHS } from '../../bridges/ivr/register';
import { startApp, type RunningApp } from '../support/http';
import { createI18n } from '../../services/i18n';
import { findAll, parseTwiml, textOf, type TwimlNode } from '../support/twiml';

/**
 * The phone line with the real bot (demo mode): the main menu's find help and teacher's guide
 * journeys as a caller hears them.
 */

const TOKEN = 'app-twilio-auth-token-0123456789';
const PUBLIC = 'https://helpline.example.org';
const i18n = createI18n();
let s: RunningApp;

beforeAll(async () => {
  s = await startApp({ TWILIO_AUTH_TOKEN: TOKEN, PUBLIC_BASE_URL: PUBLIC });
});
afterAll(async () => {
  await s?.stop();
});

async function post(path: string, params: Record<string, string>): Promise<TwimlNode> {
  const res = await fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}${path}`, params) },
    body: new URLSearchParams(params).toString(),
  });
  expect(res.status).toBe(200);
  return parseTwiml(await res.text());
}

let sids = 0;
/** A call started, `keys` pressed one after another: what the last answer said, one entry per <Say>. */
async function said(keys: string[]): Promise<string[]> {
  const CallSid = `CA${String(++sids).padStart(32, '0')}`;
  const From = '+919876543210';
  let root = await post(IVR_PATHS.voice, { CallSid, From });
  for (const Digits of keys) root = await post(IVR_PATHS.gather, { CallSid, From, Digits });
  return findAll(root, 'Say').map(textOf);
}

it.each([
  ['en', '3'],
  ['hi', '2'],
] as const)('in %s, find help (main-menu 3) from the spoken district list says the nearest centre\'s name and number twice', async (lang, languageKey) => {
  // 3 find help; 5 "I will not say" who needs help; 1 the first district read out.
  const lines = await said([languageKey, '3', '5', '1']);
  const [before, after] = i18n.t(lang, 'findHelp:districtTitle', { district: '|' }).split('|');
  const title = lines.findIndex((l) => l.startsWith(before) && l.endsWith(after) && l.length > before.length + after.length);
  expect(title).toBeGreaterThanOrEqual(0);
  const name = lines[title + 1];
  const again = lines.indexOf(name, title + 2);
  expect(again).toBeGreaterThan(title + 1);
  const number = lines[again + 1];
  expect(number).toMatch(/\d \d/);
  expect(lines.slice(title + 2, again)).toContain(number);
  expect(lines.join(' ')).not.toMatch(/openstreetmap|\*|⚠/);
});

it('for teachers (main-menu 4), a situation is answered with only its "right now" steps', async () => {
  const lines = await said(['3', '4', '1']);
  const now = i18n.list('en', 'teacher:situations.sexualAbuse.now');
  expect(lines).toContain(i18n.t('en', 'teacher:heading.now'));
  expect(lines).toContain(`1. ${now[0]}`.replace(/\d{3,}/g, (run) => run.split('').join(' ')));
  for (const part of ['dont', 'law', 'call']) expect(lines).not.toContain(i18n.t('en', `teacher:heading.${part}`));
});
