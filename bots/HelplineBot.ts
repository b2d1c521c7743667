import { ActivityHandler, ActivityTypes, type ConversationState, type StatePropertyAccessor, type TurnContext, type UserState } from 'botbuilder';
import { DialogSet, DialogTurnStatus, type DialogState } from 'botbuilder-dialogs';
import type { Understanding, Understood } from '../services/understanding';
import { isLang, type Lang } from '../services/i18n';
import type { Logger } from '../services/logger';
import type { Metrics } from '../services/metrics';
import { isHandover, JOURNEY, type Journey, type JourneyId, type JourneyOptions } from '../dialogs/journeys';
import { commandOf, type Command } from './commands';
import type { HandoffPort } from './ports';
import type { Replies } from './replies';
import { setLangOf, setUnderstoodOf, type ConversationFlags, type UserProfile } from './state';

export interface HelplineBotDeps {
  conversationState: ConversationState;
  userState: UserState;
  understanding: Understanding;
  replies: Replies;
  journeys: Journey[];
  logger: Logger;
  metrics: Metrics;
  handoff?: HandoffPort;
}

/** Longest text the understanding step reads; the rest of a very long message is still relayed and kept. */
const MAX_UNDERSTOOD_CHARS = 2000;

/** A button's machine value ("menu:report", "teacher:online"): read as a choice, never as free text. */
const BUTTON_VALUE = /^[a-z][a-zA-Z]*:[\w:.-]+$/;

const MENU_JOURNEYS: Record<string, JourneyId> = {
  'menu:report': JOURNEY.report,
  'menu:findHelp': JOURNEY.findHelp,
  'menu:teacher': JOURNEY.teacher,
};

const JOURNEY_FOR_INTENT: Partial<Record<Understood['intent'], JourneyId>> = {
  report_concern: JOURNEY.report,
  find_services: JOURNEY.findHelp,
  teacher_guidance: JOURNEY.teacher,
  talk_to_counsellor: JOURNEY.counsellor,
};

/**
 * The channel-blind bot. Each turn: the safe word, then danger detection, then the handoff relay,
 * then global commands, then the dialogs. State is saved once, at the end of the turn.
 */
export class HelplineBot extends ActivityHandler {
  private readonly profile: StatePropertyAccessor<UserProfile>;
  private readonly flags: StatePropertyAccessor<ConversationFlags>;
  private readonly dialogs: DialogSet;

  constructor(private readonly deps: HelplineBotDeps) {
    super();
    this.profile = deps.userState.createProperty<UserProfile>('profile');
    this.flags = deps.conversationState.createProperty<ConversationFlags>('flags');
    this.dialogs = new DialogSet(deps.conversationState.createProperty<DialogState>('dialogState'));
    for (const journey of deps.journeys) this.dialogs.add(journey);

    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onEvent(async (context, next) => {
      await this.deps.handoff?.answerHandoffStatus?.(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const userJoined = (context.activity.membersAdded ?? []).some((m) => m.id !== context.activity.recipient?.id);
      if (userJoined) await this.greetOnce(context, await this.languageFor(context, undefined));
      await next();
    });
  }

  async run(context: TurnContext): Promise<void> {
    // Typing is no turn: no state read or written, nothing answered; a counsellor may hear of it.
    if (context.activity.type === 'typing') {
      await this.deps.handoff?.relayTyping?.(context).catch((err: unknown) => this.deps.logger.debug({ err, channel: context.activity.channelId }, 'typing not passed on'));
      return;
    }
    const { conversationState, userState } = this.deps;
    // A message reads both states: asked together, the storage fetches them in one round trip.
    if (context.activity.type === ActivityTypes.Message) await Promise.all([conversationState.load(context), userState.load(context)]);
    await super.run(context);
    await Promise.all([conversationState.saveChanges(context), userState.saveChanges(context)]);
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const { activity } = context;
    const text = typeof activity.text === 'string' ? activity.text.trim() : '';
    const command = commandOf(text, activity.value);
    const isButton = BUTTON_VALUE.test(text) || (typeof activity.value === 'string' && BUTTON_VALUE.test(activity.value));
    const understood = text && !isButton ? await this.deps.understanding.understand(text.slice(0, MAX_UNDERSTOOD_CHARS)) : undefined;
    const lang = await this.languageFor(context, understood);
    setLangOf(context, lang);
    setUnderstoodOf(context, understood);

    if (command === 'stop') {
      await this.stopEverything(context);
      return;
    }
    const highRisk = understood?.risk === 'high';
    if (highRisk) {
      this.deps.metrics.highRisk.inc({ channel: activity.channelId ?? 'unknown' });
      this.deps.logger.warn({ channel: activity.channelId, intent: understood?.intent, category: understood?.category }, 'high risk message');
    }
    if (command === 'emergency' || highRisk) {
      await (highRisk ? this.deps.replies.sendDangerAnswer(context) : this.deps.replies.sendEmergencyNumbers(context));
    }
    if (this.deps.handoff && (await this.deps.handoff.relayIfHeld(context, understood))) return;
    if (command === 'emergency') return;

    const dc = await this.dialogs.createContext(context);
    const firstContact = await this.greetOnce(context, lang);

    const chosen = languageButtonValue(text, activity.value);
    if (chosen) {
      await this.deps.replies.say(context, 'common:languageSet');
      if (!dc.activeDialog) await this.deps.replies.sendMenu(context);
      return;
    }
    if (command) {
      await this.runCommand(context, command, dc);
      return;
    }
    const menuJourney = MENU_JOURNEYS[text] ?? MENU_JOURNEYS[String(activity.value ?? '')];
    if (menuJourney) {
      await dc.cancelAllDialogs();
      await dc.beginDialog(menuJourney, {} satisfies JourneyOptions);
      return;
    }
    if (dc.activeDialog) {
      const result = await dc.continueDialog();
      if (result.status === DialogTurnStatus.complete && isHandover(result.result)) {
        await dc.beginDialog(result.result.handover, result.result.options);
        return;
      }
      if (result.status !== DialogTurnStatus.empty) return;
    }
    await this.routeByIntent(context, dc, understood, text, firstContact, highRisk);
  }

  private async routeByIntent(
    context: TurnContext,
    dc: Awaited<ReturnType<DialogSet['createContext']>>,
    understood: Understood | undefined,
    text: string,
    firstContact: boolean,
    highRisk: boolean,
  ): Promise<void> {
    const intent = understood?.intent;
    // A child in danger has had the numbers and the offer of a person; a menu on top would bury them.
    if (intent === 'emergency' || (highRisk && !JOURNEY_FOR_INTENT[intent ?? 'other'])) return;
    const journey = intent ? JOURNEY_FOR_INTENT[intent] : undefined;
    if (journey) {
      await dc.beginDialog(journey, { understood, text, urgent: highRisk } satisfies JourneyOptions);
      return;
    }
    if (intent === 'help') await this.deps.replies.say(context, 'common:help');
    else if (intent === 'other' && !firstContact) await this.deps.replies.say(context, 'common:notUnderstood');
    await this.deps.replies.sendMenu(context);
  }

  private async runCommand(context: TurnContext, command: Exclude<Command, 'stop' | 'emergency'>, dc: Awaited<ReturnType<DialogSet['createContext']>>): Promise<void> {
    switch (command) {
      case 'menu':
        await dc.cancelAllDialogs();
        await this.deps.replies.sendMenu(context);
        return;
      case 'help':
        await this.deps.replies.say(context, 'common:help');
        await this.deps.replies.sendMenu(context);
        return;
      case 'human':
        await dc.cancelAllDialogs();
        await dc.beginDialog(JOURNEY.counsellor, {} satisfies JourneyOptions);
        return;
      case 'language':
        await this.deps.replies.say(context, 'common:chooseLanguage', this.deps.replies.languageButtons());
        return;
    }
  }

  /** The safe word: end every dialog and any handoff, forget the conversation, say how to come back. */
  private async stopEverything(context: TurnContext): Promise<void> {
    await this.deps.handoff?.endForUser(context);
    await this.deps.conversationState.delete(context);
    await this.deps.replies.say(context, 'common:safeWord');
  }

  /** Greets on first contact, with the language buttons beside whatever answer follows. */
  private async greetOnce(context: TurnContext, lang: Lang): Promise<boolean> {
    const flags = await this.flags.get(context, {});
    if (flags.greeted) return false;
    flags.greeted = true;
    setLangOf(context, lang);
    await context.sendActivity(
      this.deps.replies.greeting(context),
    );
    return true;
  }

  /**
   * The user's chosen language; else the language their first message is written in (remembered);
   * else the channel's locale; else English.
   */
  private async languageFor(context: TurnContext, understood: Understood | undefined): Promise<Lang> {
    const profile = await this.profile.get(context, {});
    const chosen = languageButtonValue(context.activity.text, context.activity.value);
    if (chosen) profile.lang = chosen;
    if (profile.lang) return profile.lang;
    if (understood) {
      const written: Lang = understood.language === 'bn' ? 'as' : understood.language;
      profile.lang = written;
      return written;
    }
    const locale = (context.activity.locale ?? '').slice(0, 2);
    return isLang(locale) ? locale : 'en';
  }
}

function languageButtonValue(text: unknown, value: unknown): Lang | undefined {
  for (const candidate of [value, text]) {
    if (typeof candidate === 'string' && candidate.startsWith('lang:')) {
      const lang = candidate.slice(5);
      if (isLang(lang)) return lang;
    }
  }
  return undefined;
}


