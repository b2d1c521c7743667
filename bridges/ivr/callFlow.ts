import { ActivityTypes, type Activity } from 'botbuilder';
import { LANGUAGES, type Lang } from '../../services/i18n';
import type { Logger } from '../../services/logger';
import { errSummary } from '../../services/http/server';
import type { CallbackDesk } from './callbacks';
import { newCallState, type CallState, type CallStore, type MenuOption } from './callState';
import type { IvrAdapter } from './IvrAdapter';
import { KEYS, LANGUAGE_KEYS, MAIN_MENU, MAX_MENU_OPTIONS, PAGED_OPTIONS, type MainChoice, type Next, type Plan, type Utterance } from './plan';
import type { Part, Voice } from './voice';

/** The bot's button values the phone line answers itself (bots/commands.ts): a call has its own way to a person. */
const BOT_VALUES = { human: 'cmd:human', emergency: 'cmd:emergency', menu: 'cmd:menu' } as const;

/** What the bot is sent for main-menu keys 3 and 4: its own journeys (bots/HelplineBot.ts MENU_JOURNEYS). */
const BOT_JOURNEYS: Partial<Record<MainChoice, string>> = { findHelp: 'menu:findHelp', teacher: 'menu:teacher' };

/** Each main-menu choice's prompt (locales/<lng>/ivr.json), which names its key. */
const MAIN_PROMPTS: Record<MainChoice, string> = { danger: 'menuDanger', counsellor: 'menuCounsellor', findHelp: 'menuFindHelp', teacher: 'menuTeacher' };

/** The bot's own main menu (bots/replies.ts menuButtons) is recognised by these values: the call reads its own instead. */
const BOT_MAIN_MENU_VALUES = Object.values(BOT_JOURNEYS);

/** A wrong key or silence is asked again twice; the third time the call ends kindly. */
const MAX_MISSES = 3;
const MAX_TYPED_DIGITS = 12;
const MAX_SPEECH_CHARS = 300;

export interface CallStart {
  callSid: string;
  from: string;
  callerId: string;
}

export interface CallInput extends CallStart {
  digits?: string;
  speech?: string;
  /** Set when a Dial to the counsellors' line ended: completed, busy, no-answer, failed, canceled. */
  dialStatus?: string;
}

export interface CallFlowDeps {
  store: CallStore;
  adapter: IvrAdapter;
  voice: Voice;
  callbacks: CallbackDesk;
  transferNumber?: string;
  /** A bot turn slower than this is answered with an apology: Twilio hangs up on a webhook after 15 s. */
  turnTimeoutMs: number;
  logger: Logger;
}

type Keys = { kind: 'keys'; keys: string } | { kind: 'speech'; text: string } | { kind: 'none' } | { kind: 'invalid' };

/**
 * The call, provider-neutral: the language menu; then the call's own main menu (plan.ts MAIN_MENU:
 * 1 in danger now, 2 a counsellor, 3 find help, 4 for teachers, 9 repeat, * back to the languages),
 * which works without the bot; then, for 3 and 4, the bot's own menus read out as numbered keys, with
 * 0 (in danger now), 9 (repeat) and * (back to the main menu) in each. Talk-to-a-person is answered
 * by the phone line itself (a transfer, or a callback request). Every answer is a Plan.
 */
export class CallFlow {
  private languageMenu?: Plan;

  constructor(private readonly deps: CallFlowDeps) {}

  async start(call: CallStart): Promise<Plan> {
    return this.save(call.callSid, newCallState(), this.languagePlan());
  }

  async answer(input: CallInput): Promise<Plan> {
    const state = await this.deps.store.get(input.callSid);
    if (!state) return this.start(input);
    if (input.dialStatus !== undefined) return this.afterDial(input, state);
    const keys = readKeys(input, state);
    if (keys.kind === 'none' || keys.kind === 'invalid') return this.miss(input.callSid, state, keys.kind);
    switch (state.step) {
      case 'language':
        return this.chooseLanguage(input, state, keys);
      case 'main':
        return this.answerMain(input, state, keys);
      case 'callback':
        return this.answerCallbackOffer(input, state, keys);
      case 'menu':
        return this.answerMenu(input, state, keys);
    }
  }

  /** The same for every call, so made once. Each choice in its own language, so every caller hears theirs. */
  private languagePlan(): Plan {
    this.languageMenu ??= {
      speak: [
        ...this.deps.voice.speak('as', [{ key: 'welcome' }]),
        ...LANGUAGES.flatMap((lang) => this.deps.voice.speak(lang, [{ key: 'chooseLanguage' }])),
      ],
      next: { kind: 'gather', keys: 'one' },
    };
    return this.languageMenu;
  }

  private async chooseLanguage(input: CallInput, state: CallState, keys: Keys): Promise<Plan> {
    if (keys.kind === 'keys' && keys.keys === KEYS.repeat) return this.save(input.callSid, { ...state, misses: 0 }, this.languagePlan());
    const lang = keys.kind === 'keys' ? LANGUAGE_KEYS[keys.keys] : undefined;
    if (!lang) return this.miss(input.callSid, state, 'invalid');
    // No bot turn here: "in danger now" and a counsellor are one key away and never wait for the bot.
    return this.mainMenu(input.callSid, { ...state, lang });
  }

  /** The main menu: each choice's prompt in the caller's language, then "9 again, star back". */
  private mainMenuPlan(lang: Lang): Plan {
    const choices = Object.values(MAIN_MENU).map((choice): Part => ({ key: MAIN_PROMPTS[choice] }));
    return { speak: this.deps.voice.speak(lang, [...choices, { key: 'keysMore' }]), next: { kind: 'gather', keys: 'one', ...(lang === 'as' ? {} : { speech: lang }) } };
  }

  private async mainMenu(callSid: string, state: CallState, before: Utterance[] = []): Promise<Plan> {
    const plan = this.mainMenuPlan(langOf(state));
    await this.deps.store.set(callSid, { ...state, step: 'main', options: [], offset: 0, misses: 0, lastPlan: plan });
    return { speak: [...before, ...plan.speak], next: plan.next };
  }

  /** Back to the main menu from deeper in the call: a journey of the bot's is ended too, so speech starts afresh. */
  private async backToMain(input: CallInput, state: CallState, before: Utterance[] = []): Promise<Plan> {
    if (state.botLang !== undefined) await this.tellBot(input, langOf(state), BOT_VALUES.menu);
    return this.mainMenu(input.callSid, state, before);
  }

  private async answerMain(input: CallInput, state: CallState, keys: Keys): Promise<Plan> {
    if (keys.kind === 'speech') return this.runBot(input, state, keys.text);
    const key = keys.kind === 'keys' ? keys.keys : '';
    if (key === KEYS.repeat && state.lastPlan) return this.save(input.callSid, { ...state, misses: 0 }, state.lastPlan);
    if (key === KEYS.back) return this.save(input.callSid, { ...newCallState(), urgent: state.urgent, botLang: state.botLang }, this.languagePlan());
    const choice = MAIN_MENU[key];
    switch (choice) {
      case 'danger':
        return this.danger(input.callSid, state);
      case 'counsellor':
        return this.toPerson(input.callSid, state);
      case 'findHelp':
      case 'teacher':
        return this.runBot(input, state, BOT_JOURNEYS[choice] ?? BOT_VALUES.menu);
      default:
        return this.miss(input.callSid, state, 'invalid');
    }
  }

  private async answerMenu(input: CallInput, state: CallState, keys: Keys): Promise<Plan> {
    if (keys.kind === 'speech') return this.runBot(input, state, keys.text);
    const key = keys.kind === 'keys' ? keys.keys : '';
    if (key === KEYS.danger) return this.danger(input.callSid, state);
    if (key === KEYS.repeat && state.lastPlan) return this.save(input.callSid, { ...state, misses: 0 }, state.lastPlan);
    if (key === KEYS.back) return this.backToMain(input, state);
    if (state.options.length === 0) return this.runBot(input, state, key);
    const { shown, more } = pageOf(state.options, state.offset);
    if (more && key === KEYS.more) return this.nextPage(input.callSid, state);
    const value = /^[1-8]$/.test(key) ? shown[Number(key) - 1]?.value : undefined;
    if (value === undefined) return this.miss(input.callSid, state, 'invalid');
    if (value === BOT_VALUES.emergency) return this.danger(input.callSid, state);
    if (value === BOT_VALUES.human) return this.toPerson(input.callSid, state);
    if (value === BOT_VALUES.menu) return this.backToMain(input, state);
    return this.runBot(input, state, value);
  }

  /** Hang up and dial 112, slowly and twice: a provider cannot connect a call to 112 in India. */
  private async danger(callSid: string, state: CallState): Promise<Plan> {
    const lang = langOf(state);
    const numbers: Part[] = [{ key: 'danger', slow: true }, { key: 'danger1098', slow: true }];
    const speak = this.deps.voice.speak(lang, [...numbers, ...numbers, { key: 'dangerCounsellor' }, { key: 'keysMore' }]);
    const next = { ...state, urgent: true, misses: 0, step: 'menu' as const, options: [{ title: '', value: BOT_VALUES.human }], offset: 0 };
    return this.save(callSid, next, { speak, next: { kind: 'gather', keys: 'one' } });
  }

  /** A counsellor on the line when IVR_TRANSFER_NUMBER is set, else the offer of a callback. */
  private async toPerson(callSid: string, state: CallState): Promise<Plan> {
    const { transferNumber } = this.deps;
    if (!transferNumber) return this.offerCallback(callSid, state);
    const speak = this.deps.voice.speak(langOf(state), [{ key: 'connecting' }]);
    return this.save(callSid, { ...state, misses: 0 }, { speak, next: { kind: 'dial', number: transferNumber } });
  }

  private async afterDial(input: CallInput, state: CallState): Promise<Plan> {
    if (input.dialStatus === 'completed') return this.end(input.callSid, this.deps.voice.speak(langOf(state), [{ key: 'callEnded' }]));
    return this.offerCallback(input.callSid, state);
  }

  private async offerCallback(callSid: string, state: CallState): Promise<Plan> {
    const speak = this.deps.voice.speak(langOf(state), [{ key: 'callbackOffer' }]);
    return this.save(callSid, { ...state, step: 'callback', misses: 0, options: [], offset: 0 }, { speak, next: { kind: 'gather', keys: 'one' } });
  }

  private async answerCallbackOffer(input: CallInput, state: CallState, keys: Keys): Promise<Plan> {
    const key = keys.kind === 'keys' ? keys.keys : '';
    if (key === KEYS.repeat && state.lastPlan) return this.save(input.callSid, { ...state, misses: 0 }, state.lastPlan);
    if (key === '2' || key === KEYS.back) {
      const declined = this.deps.voice.speak(langOf(state), [{ key: 'callbackDeclined' }]);
      return this.backToMain(input, state, declined);
    }
    if (key !== '1') return this.miss(input.callSid, state, 'invalid');
    const lang = langOf(state);
    await this.deps.callbacks.request({ phone: input.from, callSid: input.callSid, callerId: input.callerId, lang, priority: state.urgent ? 1 : 3, requestedAt: new Date() });
    this.deps.logger.info({ callerId: input.callerId, lang, urgent: state.urgent }, 'ivr callback requested');
    return this.end(input.callSid, this.deps.voice.speak(lang, [{ key: 'callbackSaved' }]));
  }

  /** What a caller hears when the service itself fails (state store away): the numbers, in every language. */
  faultPlan(): Plan {
    return { speak: LANGUAGES.flatMap((lang) => this.deps.voice.speak(lang, [{ key: 'error' }])), next: { kind: 'hangup' } };
  }

  /** The call is over: its state goes at once. */
  private async end(callSid: string, speak: Utterance[]): Promise<Plan> {
    await this.deps.store.delete(callSid);
    return { speak, next: { kind: 'hangup' } };
  }

  /** Silence or a wrong key: say so kindly and repeat; after MAX_MISSES, the numbers and goodbye. */
  private async miss(callSid: string, state: CallState, kind: 'none' | 'invalid'): Promise<Plan> {
    const misses = state.misses + 1;
    const langs = state.lang ? [state.lang] : LANGUAGES;
    if (misses >= MAX_MISSES) return this.end(callSid, langs.flatMap((lang) => this.deps.voice.speak(lang, [{ key: 'goodbye' }])));
    const again = state.lastPlan ?? this.languagePlan();
    const sorry = this.deps.voice.speak(langs[langs.length - 1], [{ key: kind === 'none' ? 'noInput' : 'invalidKey' }]);
    await this.deps.store.set(callSid, { ...state, misses, lastPlan: again });
    return { speak: [...sorry, ...again.speak], next: again.next };
  }

  /** One bot turn, its replies read out as a menu. A failing bot gets an apology and the numbers. */
  private async runBot(input: CallInput, state: CallState, text: string): Promise<Plan> {
    const lang = langOf(state);
    const turn = (said: string) => this.deps.adapter.runTurn({ callSid: input.callSid, callerId: input.callerId, lang, text: said });
    let replies: Partial<Activity>[];
    try {
      // The bot's first turn on this call (or after a new language) tells it the language first: a
      // caller's profile may hold another from an earlier call. One time limit covers both turns.
      const turns = async () => {
        if (state.botLang !== lang) await turn(`lang:${lang}`);
        return turn(text);
      };
      replies = await withinTime(turns(), this.deps.turnTimeoutMs);
    } catch (err) {
      // The numbers, then the menu the caller had: a fault on our side never ends a child's call.
      this.deps.logger.error({ err: errSummary(err), callerId: input.callerId }, 'ivr bot turn failed');
      const sorry = this.deps.voice.speak(lang, [{ key: 'error' }]);
      if (!state.lastPlan || (state.step !== 'menu' && state.step !== 'main')) return this.end(input.callSid, sorry);
      return { speak: [...sorry, ...state.lastPlan.speak], next: state.lastPlan.next };
    }
    const told: CallState = { ...state, botLang: lang };
    const messages = replies.filter((a) => a.type === ActivityTypes.Message);
    const ended = replies.some((a) => a.type === ActivityTypes.EndOfConversation);
    const withOptions = [...messages].reverse().find((a) => a.suggestedActions?.actions?.length);
    const actions = withOptions?.suggestedActions?.actions ?? [];
    const options = actions.map((a): MenuOption => ({ title: String(a.title ?? ''), value: String(a.value ?? a.title ?? '') }));
    // The bot's own main menu (at the end of a journey) becomes the call's, without its chat prompt.
    const botMainMenu = BOT_MAIN_MENU_VALUES.every((v) => options.some((o) => o.value === v));

    const said: Part[] = messages.filter((m) => m.text && !(botMainMenu && m === withOptions)).map((m) => ({ text: String(m.text) }));
    if (ended) return this.end(input.callSid, this.deps.voice.speak(lang, [...said, { key: 'callEnded' }]));
    if (botMainMenu) return this.mainMenu(input.callSid, { ...told, lang }, this.deps.voice.speak(lang, said));
    const plan: Plan = { speak: this.deps.voice.speak(lang, [...said, ...menuParts(options, 0)]), next: menuNext(lang, options) };
    await this.deps.store.set(input.callSid, { ...told, lang, step: 'menu', options, offset: 0, misses: 0, lastPlan: plan });
    return plan;
  }

  /** Key 8 in a long menu: the next options, back to the first ones after the last. */
  private async nextPage(callSid: string, state: CallState): Promise<Plan> {
    const offset = state.offset + PAGED_OPTIONS < state.options.length ? state.offset + PAGED_OPTIONS : 0;
    const lang = langOf(state);
    const plan: Plan = { speak: this.deps.voice.speak(lang, menuParts(state.options, offset)), next: menuNext(lang, state.options) };
    return this.save(callSid, { ...state, offset, misses: 0 }, plan);
  }

  /**
   * A bot turn whose words the caller does not hear (ending a journey). A failure is logged and the
   * call goes on: the main menu does not need the bot.
   */
  private async tellBot(input: CallInput, lang: Lang, text: string): Promise<void> {
    try {
      await withinTime(this.deps.adapter.runTurn({ callSid: input.callSid, callerId: input.callerId, lang, text }), this.deps.turnTimeoutMs);
    } catch (err) {
      this.deps.logger.error({ err: errSummary(err), callerId: input.callerId }, 'ivr bot turn failed');
    }
  }

  private async save(callSid: string, state: CallState, plan: Plan): Promise<Plan> {
    await this.deps.store.set(callSid, { ...state, lastPlan: plan });
    return plan;
  }
}

/** The options read out now: all that fit on keys 1-8, else PAGED_OPTIONS at a time with 8 for more. */
function pageOf(options: MenuOption[], offset: number): { shown: MenuOption[]; more: boolean } {
  if (options.length <= MAX_MENU_OPTIONS) return { shown: options, more: false };
  return { shown: options.slice(offset, offset + PAGED_OPTIONS), more: true };
}

/** Each option's title then its key, then the keys every menu has; with no options, how to type an answer. */
function menuParts(options: MenuOption[], offset: number): Part[] {
  if (options.length === 0) return [{ key: 'typeThenHash' }, { key: 'keysMore' }];
  const { shown, more } = pageOf(options, offset);
  const parts: Part[] = shown.flatMap((option, i): Part[] => [{ text: option.title }, { key: `press${i + 1}` }]);
  if (more) parts.push({ key: 'moreChoices' });
  return [...parts, { key: 'keysDanger' }, { key: 'keysMore' }];
}

/** One key for a menu, typed keys ended by # for a question; speech too where the language has a recogniser. */
function menuNext(lang: Lang, options: MenuOption[]): Next {
  return { kind: 'gather', keys: options.length > 0 ? 'one' : 'many', ...(lang === 'as' ? {} : { speech: lang }) };
}

function withinTime<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bot turn took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function langOf(state: CallState): Lang {
  return state.lang ?? 'en';
}

/**
 * What the caller pressed or said, cleaned: keys are 0-9, * and # only (a trailing # ends typed
 * digits); a menu takes one key, typed input up to MAX_TYPED_DIGITS; speech only where the
 * language has a recogniser (not Assamese).
 */
function readKeys(input: CallInput, state: CallState): Keys {
  const digits = (input.digits ?? '').trim().replace(/#+$/, '');
  if (digits.length > 0) {
    if (!/^[0-9*]+$/.test(digits)) return { kind: 'invalid' };
    const typing = state.step === 'menu' && state.options.length === 0;
    return digits.length === 1 || (typing && digits.length <= MAX_TYPED_DIGITS) ? { kind: 'keys', keys: digits } : { kind: 'invalid' };
  }
  if ((input.digits ?? '').trim().length > 0) return { kind: 'invalid' };
  const speech = (input.speech ?? '').trim().slice(0, MAX_SPEECH_CHARS);
  if (speech.length > 0 && (state.step === 'menu' || state.step === 'main') && state.lang !== 'as') return { kind: 'speech', text: speech };
  return { kind: 'none' };
}
