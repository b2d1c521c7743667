import type { AddressInfo } from 'node:net';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Server } from 'restify';
import twilio from 'twilio';
import { registerIvr } from '../../bridges/ivr/register';
import type { CallbackDesk, CallbackRequest } from '../../bridges/ivr/callbacks';
import { createHttpServer } from '../../services/http/server';
import { createI18n } from '../../services/i18n';
import { createLogger } from '../../services/logger';
import Redis from 'ioredis';
import { openTestRedis, type TestRedis } from '../support/redis';
import { findAll, parseTwiml, textOf, type TwimlNode } from '../support/twiml';

const TOKEN = 'test-twilio-auth-token-0123456789';
const PUBLIC = 'https://helpline.example.org';
const CALLER = '+919876543210';
const TRANSFER = '+913612345678';
const i18n = createI18n();

/** The bot's own main menu, as bots/replies.ts menuButtons offers it at the end of a journey. */
const botMainMenu = {
  type: ActivityTypes.Message,
  text: 'What would you like to do? Pick one.',
  suggestedActions: {
    to: [],
    actions: [
      { type: 'imBack', title: 'Tell about a problem', value: 'menu:report' },
      { type: 'imBack', title: 'Find help near me', value: 'menu:findHelp' },
      { type: 'imBack', title: 'I am a teacher', value: 'menu:teacher' },
      { type: 'imBack', title: 'Talk to a person', value: 'cmd:human' },
      { type: 'imBack', title: 'Emergency numbers', value: 'cmd:emergency' },
    ],
  },
};

/** What each call (by CallSid) sent the bot, in order. */
const sentToBot = new Map<string, string[]>();

/**
 * A tiny bot in the shape of the real one: its main menu (with the real bot's values), find help
 * as a question with no buttons (a PIN code) and an answer with buttons, the teacher's guide as a
 * list longer than a phone menu, and an answer that ends the conversation.
 */
const tinyBot = {
  async run(context: TurnContext): Promise<void> {
    const text = context.activity.text ?? '';
    const sid = context.activity.conversation?.id ?? '';
    sentToBot.set(sid, [...(sentToBot.get(sid) ?? []), text]);
    if (text.startsWith('lang:') || text === 'cmd:menu') {
      await context.sendActivity({ type: ActivityTypes.Message, text: 'Language set.' });
      await context.sendActivity(botMainMenu);
    } else if (text === 'menu:teacher') {
      const actions = Array.from({ length: 10 }, (_, i) => ({ type: 'imBack', title: `Situation ${i + 1}`, value: `teacher:${i + 1}` }));
      await context.sendActivity({ type: ActivityTypes.Message, text: 'Pick a situation.', suggestedActions: { to: [], actions } });
    } else if (text.startsWith('teacher:')) {
      await context.sendActivity({ type: ActivityTypes.Message, text: `Right now for ${text}: keep the child safe.` });
      await context.sendActivity(botMainMenu);
    } else if (text === 'menu:findHelp') {
      await context.sendActivity({ type: ActivityTypes.Message, text: 'Type your PIN code.' });
    } else if (/^\d{6}$/.test(text)) {
      await context.sendActivity({
        type: ActivityTypes.Message,
        text: `Nearest centre for ${text}: *Guwahati One Stop Centre*, 0361 2345678.\nMap: https://www.openstreetmap.org/?mlat=26.1&mlon=91.7\n⚠️ Not checked yet.`,
        suggestedActions: {
          to: [],
          actions: [
            { type: 'imBack', title: 'Main menu', value: 'cmd:menu' },
            { type: 'imBack', title: 'Emergency numbers', value: 'cmd:emergency' },
            { type: 'imBack', title: 'Tell about a problem', value: 'menu:report' },
          ],
        },
      });
    } else if (text === 'menu:report') {
      await context.sendActivity({ type: ActivityTypes.Message, text: 'Thank you. Goodbye.' });
      await context.sendActivity({ type: ActivityTypes.EndOfConversation });
    } else {
      await context.sendActivity({ type: ActivityTypes.Message, text: `You said: ${text}` });
    }
  },
};

class RecordingDesk implements CallbackDesk {
  readonly requests: CallbackRequest[] = [];
  async request(callback: CallbackRequest): Promise<void> {
    this.requests.push(callback);
  }
}

interface Bridge {
  server: Server;
  base: string;
  desk: RecordingDesk;
  logs: string[];
}

interface BridgeOptions {
  transfer?: boolean;
  bot?: typeof tinyBot;
  /** A Redis client to keep call state in instead of the test Redis (one that cannot connect). */
  store?: Redis;
  turnTimeoutMs?: number;
}

async function startBridge(redis: TestRedis | undefined, opts: BridgeOptions = {}): Promise<Bridge> {
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } });
  const server = createHttpServer();
  const desk = new RecordingDesk();
  registerIvr(server, {
    config: {
      TWILIO_AUTH_TOKEN: TOKEN,
      IVR_TRANSFER_NUMBER: opts.transfer ? TRANSFER : undefined,
      REDIS_KEY_PREFIX: redis?.prefix ?? 'unused:',
      publicBaseUrl: PUBLIC,
    },
    redis: opts.store ?? redis?.redis,
    bot: opts.bot ?? tinyBot,
    logger,
    configureAdapter: () => undefined,
    callbacks: desk,
    i18n,
    turnTimeoutMs: opts.turnTimeoutMs,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, desk, logs };
}

let sids = 0;
const newCallSid = () => `CA${(Date.now().toString(16) + (sids++).toString(16)).padStart(32, '0')}`;

/** POSTs a form to the bridge, signed as Twilio signs it: the public URL plus the sorted fields. */
async function post(bridge: Bridge, path: string, params: Record<string, string>, signature?: string | null) {
  const sig = signature === undefined ? twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}${path}`, params) : signature;
  const res = await fetch(`${bridge.base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(sig === null ? {} : { 'x-twilio-signature': sig }) },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

/** One caller on one call: start it, then press keys, each answer parsed back as TwiML. */
class Call {
  readonly sid = newCallSid();
  constructor(private readonly bridge: Bridge, private readonly from = CALLER) {}

  /** A call started, with `keys` pressed one after another. */
  static async through(bridge: Bridge, keys: string[], from?: string): Promise<Call> {
    const call = new Call(bridge, from);
    await call.start();
    for (const digits of keys) await call.press(digits);
    return call;
  }

  /** A call started, with the language of `lang` chosen: `menu` is the main menu it answered with. */
  static async inMainMenu(bridge: Bridge, lang: CallLang): Promise<{ call: Call; menu: TwimlNode }> {
    const call = new Call(bridge);
    await call.start();
    return { call, menu: await call.press(LANGUAGE_KEY[lang]) };
  }

  async start(): Promise<TwimlNode> {
    return this.expectTwiml(await post(this.bridge, '/api/ivr/twilio/voice', { CallSid: this.sid, From: this.from, To: '+911800000000' }));
  }

  async press(digits: string, extra: Record<string, string> = {}): Promise<TwimlNode> {
    return this.expectTwiml(await post(this.bridge, '/api/ivr/twilio/gather', { CallSid: this.sid, From: this.from, Digits: digits, ...extra }));
  }

  async say(speech: string): Promise<TwimlNode> {
    return this.expectTwiml(await post(this.bridge, '/api/ivr/twilio/gather', { CallSid: this.sid, From: this.from, SpeechResult: speech, Confidence: '0.9' }));
  }

  async dialEnded(status: string): Promise<TwimlNode> {
    return this.expectTwiml(await post(this.bridge, '/api/ivr/twilio/gather', { CallSid: this.sid, From: this.from, DialCallStatus: status }));
  }

  private expectTwiml(res: { status: number; type: string; body: string }): TwimlNode {
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/xml/);
    const root = parseTwiml(res.body);
    expect(root.name).toBe('Response');
    return root;
  }
}

const spoken = (root: TwimlNode): string => findAll(root, 'Say').map(textOf).join(' | ');
const played = (root: TwimlNode): string[] => findAll(root, 'Play').map((p) => p.text);
const gatherOf = (root: TwimlNode): TwimlNode => {
  const gathers = findAll(root, 'Gather');
  expect(gathers).toHaveLength(1);
  return gathers[0];
};
const audioUrl = (key: string) => `${PUBLIC}/ivr/audio/as/ivr.${key}.wav`;
/** What a Say reads aloud: numbers digit by digit. */
const aloud = (text: string) => text.replace(/\d{3,}/g, (run) => run.split('').join(' '));
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const LANGS = ['as', 'hi', 'en'] as const;
type CallLang = (typeof LANGS)[number];
const LANGUAGE_KEY: Record<CallLang, string> = { as: '1', hi: '2', en: '3' };
const VOICE_LANG = { hi: 'hi-IN', en: 'en-IN' } as const;
/** How each language's prompt says the star key. */
const SPOKEN_STAR: Record<CallLang, string> = { as: 'ষ্টাৰ', hi: 'स्टार', en: 'star' };
/** The main menu as the issue asks for it, key → prompt, in the order it is read. */
const MAIN_MENU_PROMPTS: [string, string][] = [['1', 'menuDanger'], ['2', 'menuCounsellor'], ['3', 'menuFindHelp'], ['4', 'menuTeacher'], ['9', 'keysMore']];

/** The offer of a callback, in the caller's language: played in Assamese, said in the others. */
function expectCallbackOffer(root: TwimlNode, lang: CallLang): void {
  expect(gatherOf(root).attrs.numDigits).toBe('1');
  if (lang === 'as') expect(played(root)).toEqual([audioUrl('callbackOffer')]);
  else expect(spoken(root)).toBe(i18n.t(lang, 'ivr:callbackOffer'));
}

describe('IVR over Twilio webhooks, state in Redis', () => {
  let redis: TestRedis;
  let bridge: Bridge;

  beforeAll(async () => {
    redis = await openTestRedis('ivr');
    bridge = await startBridge(redis);
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => bridge.server.close(() => resolve()));
    await redis.cleanup();
  });

  it('opens with the three languages, each offered in its own language, Assamese as audio', async () => {
    const root = await new Call(bridge).start();
    const gather = gatherOf(root);
    expect(gather.attrs).toMatchObject({ action: `${PUBLIC}/api/ivr/twilio/gather`, method: 'POST', numDigits: '1', input: 'dtmf' });
    expect(played(root)).toEqual([audioUrl('welcome'), audioUrl('chooseLanguage')]);
    const says = findAll(root, 'Say');
    expect(says.map((s) => [s.attrs.language, textOf(s)])).toEqual([
      ['hi-IN', i18n.t('hi', 'ivr:chooseLanguage')],
      ['en-IN', i18n.t('en', 'ivr:chooseLanguage')],
    ]);
  });

  it.each(LANGS)('in %s, the main menu is 1 danger, 2 counsellor, 3 find help, 4 teachers, 9 repeat, * back, each prompt naming its key', async (lang) => {
    for (const [key, prompt] of MAIN_MENU_PROMPTS) expect(i18n.t(lang, `ivr:${prompt}`)).toContain(key);
    expect(i18n.t(lang, 'ivr:keysMore')).toContain(SPOKEN_STAR[lang]);
    const root = (await Call.inMainMenu(bridge, lang)).menu;
    const gather = gatherOf(root);
    expect(gather.attrs).toMatchObject({ action: `${PUBLIC}/api/ivr/twilio/gather`, method: 'POST', numDigits: '1', actionOnEmptyResult: 'true' });
    if (lang === 'as') {
      expect(gather.attrs.input).toBe('dtmf');
      expect(gather.attrs.language).toBeUndefined();
      expect(findAll(root, 'Say')).toHaveLength(0);
      expect(played(root)).toEqual(MAIN_MENU_PROMPTS.map(([, prompt]) => audioUrl(prompt)));
    } else {
      expect(gather.attrs).toMatchObject({ input: 'dtmf speech', language: VOICE_LANG[lang] });
      expect(played(root)).toEqual([]);
      expect(findAll(root, 'Say').map((s) => [s.attrs.language, textOf(s)])).toEqual(MAIN_MENU_PROMPTS.map(([, prompt]) => [VOICE_LANG[lang], i18n.t(lang, `ivr:${prompt}`)]));
    }
  });

  it.each(LANGS)('in %s, main-menu 1 says slowly and twice to hang up and dial 112 (and 1098), offers 1 for a counsellor, and never dials 112', async (lang) => {
    const { call } = await Call.inMainMenu(bridge, lang);
    const root = await call.press('1');
    expect(gatherOf(root).attrs.numDigits).toBe('1');
    expect(findAll(root, 'Dial')).toHaveLength(0);
    expect(findAll(root, 'Number')).toHaveLength(0);
    if (lang === 'as') {
      expect(played(root)).toEqual(['danger', 'danger1098', 'danger', 'danger1098', 'dangerCounsellor', 'keysMore'].map(audioUrl));
    } else {
      const slow = findAll(root, 'prosody').filter((p) => p.attrs.rate === 'slow').map(textOf);
      const once = [aloud(i18n.t(lang, 'ivr:danger')), aloud(i18n.t(lang, 'ivr:danger1098'))];
      expect(slow).toEqual([...once, ...once]);
      expect(slow.join(' ')).toContain('1 1 2');
      expect(slow.join(' ')).toContain('1 0 9 8');
      expect(spoken(root)).toContain(i18n.t(lang, 'ivr:dangerCounsellor'));
    }
    // 1 from there: to a person (here, with no counsellors' line, the offer of a callback). The bot was never needed.
    expectCallbackOffer(await call.press('1'), lang);
    expect(sentToBot.get(call.sid)).toBeUndefined();
  });

  it.each(LANGS)('in %s, main-menu 2 (no counsellors line set) offers a callback, the bot never asked', async (lang) => {
    const { call } = await Call.inMainMenu(bridge, lang);
    expectCallbackOffer(await call.press('2'), lang);
    expect(sentToBot.get(call.sid)).toBeUndefined();
  });

  it.each(LANGS)('in %s, main-menu 3 starts the bot\'s find help, in the caller\'s language', async (lang) => {
    const { call } = await Call.inMainMenu(bridge, lang);
    const root = await call.press('3');
    expect(sentToBot.get(call.sid)).toEqual([`lang:${lang}`, 'menu:findHelp']);
    expect(gatherOf(root).attrs.finishOnKey).toBe('#');
    if (lang === 'as') expect(played(root)).toEqual([audioUrl('typeThenHash'), audioUrl('keysMore'), audioUrl('notInAssamese')]);
    else expect(spoken(root)).toBe(`Type your PIN code. | ${i18n.t(lang, 'ivr:typeThenHash')} | ${i18n.t(lang, 'ivr:keysMore')}`);
  });

  it.each(LANGS)('in %s, main-menu 4 starts the bot\'s teacher\'s guide', async (lang) => {
    const { call } = await Call.inMainMenu(bridge, lang);
    const root = await call.press('4');
    expect(sentToBot.get(call.sid)).toEqual([`lang:${lang}`, 'menu:teacher']);
    if (lang === 'as') expect(played(root)).toEqual([...[1, 2, 3, 4, 5, 6, 7].map((n) => audioUrl(`press${n}`)), audioUrl('moreChoices'), audioUrl('keysDanger'), audioUrl('keysMore'), audioUrl('notInAssamese')]);
    else expect(spoken(root)).toMatch(new RegExp(`^Pick a situation\\. \\| Situation 1 \\| ${escape(i18n.t(lang, 'ivr:press1'))}`));
  });

  it.each(LANGS)('in %s, main-menu 9 repeats the main menu and * goes back to the languages', async (lang) => {
    const { call, menu: main } = await Call.inMainMenu(bridge, lang);
    expect(await call.press('9')).toEqual(main);
    const languages = await call.press('*');
    expect(played(languages)).toEqual([audioUrl('welcome'), audioUrl('chooseLanguage')]);
    expect(await call.press(LANGUAGE_KEY[lang])).toEqual(main);
  });

  it.each(LANGS.flatMap((lang) => ['0', '5', '6', '7', '8', '#', '12'].map((key) => [lang, key] as const)))('in %s, %s is not a main-menu key: the caller is asked again, with the main menu', async (lang, key) => {
    const { call, menu: main } = await Call.inMainMenu(bridge, lang);
    const again = await call.press(key);
    const [sorry, ...rest] = gatherOf(again).children;
    expect(rest).toEqual(gatherOf(main).children);
    expect(gatherOf(again).attrs).toEqual(gatherOf(main).attrs);
    if (lang === 'as') expect(sorry).toMatchObject({ name: 'Play', text: audioUrl('invalidKey') });
    else expect(sorry).toMatchObject({ name: 'Say', text: i18n.t(lang, 'ivr:invalidKey') });
    expect(findAll(again, 'Hangup')).toHaveLength(0);
    expect(sentToBot.get(call.sid)).toBeUndefined();
  });

  it('in Assamese plays the audio it has, owns up once to the sentences it has not, and takes keys only', async () => {
    const { call } = await Call.inMainMenu(bridge, 'as');
    const root = await call.press('4');
    const gather = gatherOf(root);
    expect(gather.attrs.input).toBe('dtmf');
    expect(findAll(root, 'Say')).toHaveLength(0);
    const plays = played(root);
    expect(plays).toContain(audioUrl('press1'));
    expect(plays).toContain(audioUrl('keysDanger'));
    expect(plays.filter((p) => p === audioUrl('notInAssamese'))).toHaveLength(1);
    expect(plays[plays.length - 1]).toBe(audioUrl('notInAssamese'));
  });

  it('0 in a deeper menu is still "in danger now": the numbers slowly and twice', async () => {
    const { call } = await Call.inMainMenu(bridge, 'en');
    await call.press('4');
    const root = await call.press('0');
    const once = [aloud(i18n.t('en', 'ivr:danger')), aloud(i18n.t('en', 'ivr:danger1098'))];
    expect(findAll(root, 'prosody').filter((p) => p.attrs.rate === 'slow').map(textOf)).toEqual([...once, ...once]);
  });

  it("the bot's own emergency option leads to the same answer", async () => {
    const call = await Call.through(bridge, ['3', '3', '781001']);
    const root = await call.press('2');
    expect(spoken(root)).toContain(aloud(i18n.t('en', 'ivr:danger')));
  });

  it('after "in danger now", yes to a callback puts an urgent request on the desk', async () => {
    const call = await Call.through(bridge, ['2', '1', '1']);
    const saved = await call.press('1');
    expect(spoken(saved)).toContain(aloud(i18n.t('hi', 'ivr:callbackSaved')));
    expect(findAll(saved, 'Hangup')).toHaveLength(1);
    const request = bridge.desk.requests.find((r) => r.phone === CALLER && r.lang === 'hi');
    expect(request).toMatchObject({ phone: CALLER, lang: 'hi', priority: 1 });
    expect(request?.callerId).toMatch(/^ivr:[0-9a-f]{32}$/);
    expect(request?.requestedAt).toBeInstanceOf(Date);
  });

  it('a callback asked for from the main menu is normal priority; "no" goes back to the main menu', async () => {
    const before = bridge.desk.requests.length;
    const call = await Call.through(bridge, ['3', '2'], '+919812345678');
    const declined = await call.press('2');
    expect(spoken(declined)).toBe([aloud(i18n.t('en', 'ivr:callbackDeclined')), ...MAIN_MENU_PROMPTS.map(([, prompt]) => i18n.t('en', `ivr:${prompt}`))].join(' | '));
    expect(bridge.desk.requests).toHaveLength(before);
    await call.press('2');
    await call.press('1');
    expect(bridge.desk.requests[before]).toMatchObject({ phone: '+919812345678', lang: 'en', priority: 3 });
  });

  it('find help: a question with no options takes typed digits ended by #, then reads the answer', async () => {
    const call = await Call.through(bridge, ['3', '3']);
    const answer = await call.press('781001');
    expect(spoken(answer)).toContain('Guwahati One Stop Centre, 0 3 6 1 2 3 4 5 6 7 8.');
    expect(spoken(answer)).toContain('7 8 1 0 0 1');
    expect(spoken(answer)).toContain(' | Not checked yet. | ');
    expect(spoken(answer)).not.toMatch(/openstreetmap|\*|⚠/);
  });

  it('a menu longer than 8 is read 7 at a time, 8 for the next ones, wrapping round', async () => {
    const call = await Call.through(bridge, ['3']);
    const first = spoken(await call.press('4'));
    expect(first).toContain('Pick a situation. | Situation 1 | Press 1.');
    expect(first).toContain('Situation 7 | Press 7. | For more choices, press 8.');
    expect(first).not.toContain('Situation 8');
    const second = spoken(await call.press('8'));
    expect(second).toMatch(/^Situation 8 \| Press 1\. \| Situation 9 \| Press 2\. \| Situation 10 \| Press 3\. \| For more choices, press 8\./);
    expect(spoken(await call.press('9'))).toBe(second);
    expect(spoken(await call.press('4'))).toContain(i18n.t('en', 'ivr:invalidKey'));
    expect(spoken(await call.press('8'))).toMatch(/^Situation 1 \| Press 1\./);
    await call.press('8');
    expect(spoken(await call.press('2'))).toContain('Right now for teacher:9');
  });

  it("the bot's own main menu, at the end of a journey, becomes the call's main menu", async () => {
    const call = await Call.through(bridge, ['3', '4']);
    const root = await call.press('1');
    expect(spoken(root)).toBe(['Right now for teacher:1: keep the child safe.', ...MAIN_MENU_PROMPTS.map(([, prompt]) => i18n.t('en', `ivr:${prompt}`))].join(' | '));
    expect(spoken(await call.press('1'))).toContain(aloud(i18n.t('en', 'ivr:danger')));
  });

  it('* in a deeper menu goes back to the main menu and ends the bot\'s journey', async () => {
    const { call, menu } = await Call.inMainMenu(bridge, 'hi');
    await call.press('3');
    expect(await call.press('*')).toEqual(menu);
    expect(sentToBot.get(call.sid)).toEqual(['lang:hi', 'menu:findHelp', 'cmd:menu']);
  });

  it('the bot is told the language on its first turn, and again after the caller chose another', async () => {
    const call = await Call.through(bridge, ['3', '3', '*', '*', '2']);
    expect(spoken(await call.press('4'))).toContain(`Pick a situation. | Situation 1 | ${i18n.t('hi', 'ivr:press1')}`);
    expect(sentToBot.get(call.sid)).toEqual(['lang:en', 'menu:findHelp', 'cmd:menu', 'lang:hi', 'menu:teacher']);
  });

  it('Hindi and English callers can speak instead of pressing keys', async () => {
    const call = await Call.through(bridge, ['3']);
    const root = await call.say('I need help');
    expect(spoken(root)).toContain('You said: I need help');
  });

  it.each([
    ['empty', ''],
    ['only #', '#'],
    ['a key not on the menu', '7'],
    ['letters', 'ab'],
    ['a long string', '1234567890123456789'],
    ['markup', '<Hangup/>'],
  ])('%s: asked again kindly, with the same menu', async (_label, digits) => {
    const call = new Call(bridge);
    await call.start();
    const menu = await call.press('3');
    const again = await call.press(digits);
    const sorry = digits === '' ? 'ivr:noInput' : 'ivr:invalidKey';
    expect(findAll(again, 'Say')[0] && textOf(findAll(again, 'Say')[0])).toBe(i18n.t('en', sorry));
    expect(spoken(again)).toBe(`${i18n.t('en', sorry)} | ${spoken(menu)}`);
    expect(findAll(again, 'Hangup')).toHaveLength(0);
  });

  it.each(LANGS)('in %s, no input or a wrong key is asked again twice, then the third time 112 and 1098 and the call ends kindly', async (lang) => {
    const { call } = await Call.inMainMenu(bridge, lang);
    for (const digits of ['', '7']) expect(findAll(await call.press(digits), 'Hangup')).toHaveLength(0);
    const end = await call.press('');
    expect(findAll(end, 'Gather')).toHaveLength(0);
    expect(findAll(end, 'Hangup')).toHaveLength(1);
    if (lang === 'as') expect(played(end)).toEqual([audioUrl('goodbye')]);
    else expect(spoken(end)).toBe(aloud(i18n.t(lang, 'ivr:goodbye')));
    expect(i18n.t(lang, 'ivr:goodbye')).toMatch(/112[\s\S]*1098/);
    // The call is over: a later webhook starts afresh at the languages.
    expect(played(await call.press('1'))).toContain(audioUrl('chooseLanguage'));
  });

  it('a good key in between starts the count again', async () => {
    const call = await Call.through(bridge, ['3', '', '7', '9', '', '7']);
    expect(findAll(await call.press('9'), 'Hangup')).toHaveLength(0);
  });

  it('a wrong key in the language menu is answered in all three languages', async () => {
    const call = new Call(bridge);
    await call.start();
    const again = await call.press('5');
    expect(spoken(again)).toContain(i18n.t('en', 'ivr:invalidKey'));
    expect(played(again)).toContain(audioUrl('chooseLanguage'));
  });

  it('a bot that ends the conversation ends the call', async () => {
    const call = await Call.through(bridge, ['3', '3', '781001']);
    const end = await call.press('3');
    expect(spoken(end)).toContain('Thank you. Goodbye.');
    expect(findAll(end, 'Hangup')).toHaveLength(1);
  });

  it('a gather for a call it has never seen starts the call over', async () => {
    const root = await new Call(bridge).press('1');
    expect(played(root)).toContain(audioUrl('chooseLanguage'));
  });

  it('keeps call state in Redis with a TTL, under the prefix, without the caller number', async () => {
    const call = await Call.through(bridge, ['3']);
    const key = `${redis.prefix}ivr:call:${call.sid}`;
    expect(await redis.redis.ttl(key)).toBeGreaterThan(0);
    expect(await redis.redis.get(key)).not.toContain('9876543210');
  });

  it('never logs the caller number', async () => {
    await Call.through(bridge, ['3', '1', '1', '1']);
    expect(bridge.logs.length).toBeGreaterThan(0);
    expect(bridge.logs.join('\n')).not.toContain('9876543210');
  });

  describe('signatures', () => {
    const params = () => ({ CallSid: newCallSid(), From: CALLER });

    it('a missing signature is refused with 403 and nothing happens', async () => {
      const p = params();
      const res = await post(bridge, '/api/ivr/twilio/voice', p, null);
      expect(res.status).toBe(403);
      expect(res.body).toMatch(/X-Twilio-Signature/);
      expect(await redis.redis.exists(`${redis.prefix}ivr:call:${p.CallSid}`)).toBe(0);
    });

    it.each([
      ['another token', (p: Record<string, string>) => twilio.getExpectedTwilioSignature('not-the-token', `${PUBLIC}/api/ivr/twilio/voice`, p)],
      ['another URL', (p: Record<string, string>) => twilio.getExpectedTwilioSignature(TOKEN, 'https://evil.example.org/api/ivr/twilio/voice', p)],
      ['other fields', (p: Record<string, string>) => twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}/api/ivr/twilio/voice`, { ...p, Digits: '1' })],
      ['garbage', () => 'AAAA'],
    ])('a signature made with %s is refused with 403', async (_label, sign) => {
      const p = params();
      const res = await post(bridge, '/api/ivr/twilio/voice', p, sign(p));
      expect(res.status).toBe(403);
      expect(await redis.redis.exists(`${redis.prefix}ivr:call:${p.CallSid}`)).toBe(0);
    });

    it('a signed gather with a forged digit is refused', async () => {
      const call = new Call(bridge);
      await call.start();
      const sig = twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}/api/ivr/twilio/gather`, { CallSid: call.sid, From: CALLER, Digits: '2' });
      const res = await post(bridge, '/api/ivr/twilio/gather', { CallSid: call.sid, From: CALLER, Digits: '3' }, sig);
      expect(res.status).toBe(403);
    });

    it('a form with no CallSid is a 400; a JSON body a 415', async () => {
      expect((await post(bridge, '/api/ivr/twilio/voice', { From: CALLER })).status).toBe(400);
      const res = await fetch(`${bridge.base}/api/ivr/twilio/voice`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(415);
    });
  });

  describe('prompt audio', () => {
    it('serves an Assamese prompt as a WAV', async () => {
      const res = await fetch(`${bridge.base}/ivr/audio/as/ivr.danger.wav`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('audio/wav');
      expect(Buffer.from(await res.arrayBuffer()).toString('ascii', 0, 4)).toBe('RIFF');
    });

    it.each(['ivr.nothing.wav', 'manifest.json', '..%2F..%2Fpackage.json', '%2E%2E%2Fregister.ts'])('refuses %s with 404', async (name) => {
      const res = await fetch(`${bridge.base}/ivr/audio/as/${name}`);
      expect(res.status).toBe(404);
    });
  });
});

describe('IVR with a counsellors line, state in memory (demo mode)', () => {
  let bridge: Bridge;

  beforeAll(async () => {
    bridge = await startBridge(undefined, { transfer: true });
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => bridge.server.close(() => resolve()));
  });

  it.each(LANGS)('in %s, main-menu 2 puts the caller through to IVR_TRANSFER_NUMBER, the outcome coming back to the gather webhook', async (lang) => {
    const { call } = await Call.inMainMenu(bridge, lang);
    const root = await call.press('2');
    if (lang === 'as') expect(played(root)).toEqual([audioUrl('connecting')]);
    else expect(spoken(root)).toBe(i18n.t(lang, 'ivr:connecting'));
    const dials = findAll(root, 'Dial');
    expect(dials).toHaveLength(1);
    expect(dials[0].attrs).toMatchObject({ action: `${PUBLIC}/api/ivr/twilio/gather`, method: 'POST' });
    expect(dials[0].text).toBe(TRANSFER);
    expect(findAll(root, 'Gather')).toHaveLength(0);
  });

  it.each(LANGS)('in %s, main-menu 1 tells the numbers, then 1 puts the caller through to IVR_TRANSFER_NUMBER (never to 112)', async (lang) => {
    const { call } = await Call.inMainMenu(bridge, lang);
    const danger = await call.press('1');
    expect(findAll(danger, 'Dial')).toHaveLength(0);
    const dials = findAll(await call.press('1'), 'Dial');
    expect(dials.map((d) => d.text)).toEqual([TRANSFER]);
  });

  it('a transfer nobody answers becomes the callback offer', async () => {
    const call = await Call.through(bridge, ['3', '2']);
    const offer = await call.dialEnded('no-answer');
    expect(spoken(offer)).toBe(i18n.t('en', 'ivr:callbackOffer'));
  });

  it('a transfer that was answered and finished ends the call', async () => {
    const call = await Call.through(bridge, ['3', '2']);
    const end = await call.dialEnded('completed');
    expect(spoken(end)).toBe(i18n.t('en', 'ivr:callEnded'));
    expect(findAll(end, 'Hangup')).toHaveLength(1);
  });

  it('from "in danger now" reached by 0 in a deeper menu, 1 puts the caller through', async () => {
    const call = await Call.through(bridge, ['3', '4', '0']);
    expect(findAll(await call.press('1'), 'Dial')[0].text).toBe(TRANSFER);
  });
});

describe('IVR when something on our side fails', () => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  /** A bot that does not answer until the test is over. */
  const hangingBot = { run: () => gate };
  const unreachable = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let slow: Bridge;
  let noStore: Bridge;

  beforeAll(async () => {
    slow = await startBridge(undefined, { bot: hangingBot, turnTimeoutMs: 300 });
    noStore = await startBridge(undefined, { store: unreachable });
  });

  afterAll(async () => {
    release();
    for (const b of [slow, noStore]) await new Promise<void>((resolve) => b.server.close(() => resolve()));
    unreachable.disconnect();
  });

  it('a bot turn that takes too long is answered with the numbers and the main menu again, not silence; the main menu needs no bot', async () => {
    const { call, menu } = await Call.inMainMenu(slow, 'en');
    expect(spoken(menu)).toBe(MAIN_MENU_PROMPTS.map(([, prompt]) => i18n.t('en', `ivr:${prompt}`)).join(' | '));
    const root = await call.press('3');
    expect(spoken(root)).toBe(`${aloud(i18n.t('en', 'ivr:error'))} | ${spoken(menu)}`);
    expect(findAll(root, 'Hangup')).toHaveLength(0);
    expect(slow.logs.join('\n')).toContain('ivr bot turn failed');
    expect(spoken(await call.press('1'))).toContain(aloud(i18n.t('en', 'ivr:danger')));
  });

  it('with the call state unreachable, a signed call still gets TwiML: the numbers in every language', async () => {
    const root = await new Call(noStore).start();
    expect(spoken(root)).toContain(aloud(i18n.t('hi', 'ivr:error')));
    expect(spoken(root)).toContain(aloud(i18n.t('en', 'ivr:error')));
    expect(played(root)).toEqual([audioUrl('error')]);
    expect(findAll(root, 'Hangup')).toHaveLength(1);
  });
});

describe('IVR bridge switched off', () => {
  it('registers nothing while TWILIO_AUTH_TOKEN is unset', async () => {
    const logs: string[] = [];
    const logger = createLogger({ destination: { write: (line: string) => void logs.push(line) } });
    const server = createHttpServer();
    const adapter = registerIvr(server, {
      config: { TWILIO_AUTH_TOKEN: undefined, IVR_TRANSFER_NUMBER: undefined, REDIS_KEY_PREFIX: 'x:', publicBaseUrl: PUBLIC },
      bot: tinyBot,
      logger,
      configureAdapter: () => undefined,
      callbacks: new RecordingDesk(),
    });
    expect(adapter).toBeUndefined();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/ivr/twilio/voice`, { method: 'POST' });
    expect(res.status).toBe(404);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(logs.join('\n')).toContain('IVR bridge off');
  });
});
