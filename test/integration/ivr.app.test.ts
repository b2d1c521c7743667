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
/** A call started, `keys` pressed one after another: the last answer. */
async function called(keys: string[]): Promise<TwimlNode> {
  const CallSid = `CA${String(++sids).padStart(32, '0')}`;
  const From = '+919876543210';
  let root = await post(IVR_PATHS.voice, { CallSid, From });
  for (const Digits of keys) root = await post(IVR_PATHS.gather, { CallSid, From, Digits });
  return root;
}

/** What the last answer said, one entry per <Say>. */
async function said(keys: string[]): Promise<string[]> {
  return findAll(await called(keys), 'Say').map(textOf);
}

/** After the district's title (at `title` in the lines said), the first centre's name and number are said twice. */
function expectNameAndNumberTwice(lines: string[], title: number): void {
  expect(title).toBeGreaterThanOrEqual(0);
  const name = lines[title + 1];
  const again = lines.indexOf(name, title + 2);
  expect(again).toBeGreaterThan(title + 1);
  const number = lines[again + 1];
  expect(number).toMatch(/\d \d/);
  expect(lines.slice(title + 2, again)).toContain(number);
}

it.each([
  ['en', '3'],
  ['hi', '2'],
] as const)('in %s, find help (main-menu 3) from the spoken district list says the nearest centre\'s name and number twice', async (lang, languageKey) => {
  // 3 find help; 5 "I will not say" who needs help; 2 the first district read out (1 is the PIN code).
  const lines = await said([languageKey, '3', '5', '2']);
  const [before, after] = i18n.t(lang, 'findHelp:districtTitle', { district: '|' }).split('|');
  expectNameAndNumberTwice(lines, lines.findIndex((l) => l.startsWith(before) && l.endsWith(after) && l.length > before.length + after.length));
  expect(lines.join(' ')).not.toMatch(/openstreetmap|\*|⚠/);
});

it('for teachers (main-menu 4), a situation is answered with only its "right now" steps', async () => {
  const lines = await said(['3', '4', '1']);
  const now = i18n.list('en', 'teacher:situations.sexualAbuse.now');
  expect(lines).toContain(i18n.t('en', 'teacher:heading.now'));
  expect(lines).toContain(`1. ${now[0]}`.replace(/\d{3,}/g, (run) => run.split('').join(' ')));
  for (const part of ['dont', 'law', 'call']) expect(lines).not.toContain(i18n.t('en', `teacher:heading.${part}`));
});

describe('find help by PIN code on the phone', () => {
  it('in en: 1 keys in a PIN code, typed then #; the districts it may be in are read out; a pick says the centre\'s name and number twice', async () => {
    // 3 English, 3 find help, 5 "I will not say" who needs help: the district list starts with the PIN code.
    const list = await said(['3', '3', '5']);
    const pin = list.indexOf(i18n.t('en', 'findHelp:buttons.pin'));
    expect(list[pin - 1]).toBe(i18n.t('en', 'findHelp:districtPage', { page: 1, pages: 5 }));
    expect(list[pin + 1]).toBe(i18n.t('en', 'ivr:press1'));

    const asked = await called(['3', '3', '5', '1']);
    expect(findAll(asked, 'Say').map(textOf)).toEqual(expect.arrayContaining([i18n.t('en', 'findHelp:askPin'), i18n.t('en', 'ivr:typeThenHash')]));
    expect(findAll(asked, 'Gather')[0].attrs.finishOnKey).toBe('#');

    const choose = await said(['3', '3', '5', '1', '781005#']);
    expect(choose[0]).toBe(i18n.t('en', 'findHelp:pinChoose'));
    expect(choose).toContain('Kamrup Metropolitan');
    expect(choose).toContain(i18n.t('en', 'findHelp:buttons.otherDistrict'));
    const key = choose[choose.indexOf('Kamrup Metropolitan') + 1].replace(/\D/g, '');

    const lines = await said(['3', '3', '5', '1', '781005#', key]);
    expectNameAndNumberTwice(lines, lines.indexOf(i18n.t('en', 'findHelp:districtTitle', { district: 'Kamrup Metropolitan' })));
  });

  it('in hi: a PIN of another State is told kindly, with 1098 and 112, and the district list follows', async () => {
    const lines = await said(['2', '3', '5', '1', '110001#']);
    expect(lines[0]).toBe(i18n.t('hi', 'findHelp:pinOutsideAssam').replace(/\d{3,}/g, (run) => run.split('').join(' ')));
    expect(lines).toContain(i18n.t('hi', 'findHelp:buttons.pin'));
  });

  it('in as: the PIN code choice, the question and the districts\' question are played from Assamese audio', async () => {
    const plays = async (keys: string[]) => findAll(await called(keys), 'Play').map(textOf);
    expect(await plays(['1', '3', '5'])).toContain(`${PUBLIC}/ivr/audio/as/findHelp.buttons.pin.wav`);
    expect(await plays(['1', '3', '5', '1'])).toContain(`${PUBLIC}/ivr/audio/as/findHelp.askPin.wav`);
    const choose = await plays(['1', '3', '5', '1', '781005#']);
    expect(choose[0]).toBe(`${PUBLIC}/ivr/audio/as/findHelp.pinChoose.wav`);
    expect(choose).toContain(`${PUBLIC}/ivr/audio/as/findHelp.buttons.otherDistrict.wav`);
  });
});
