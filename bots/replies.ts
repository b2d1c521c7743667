import { ActivityTypes, type Activity, type CardAction, type TurnContext } from 'botbuilder';
import { LANGUAGES, type Lang, type Translator } from '../services/i18n';
import { langOf } from './state';

/** A button: the label shown in the user's language and the stable value the bot reads back. */
export interface Button {
  title: string;
  value: string;
}

export function message(text: string, buttons: Button[] = []): Partial<Activity> {
  const activity: Partial<Activity> = { type: ActivityTypes.Message, text };
  if (buttons.length > 0) {
    activity.suggestedActions = {
      to: [],
      actions: buttons.map((b): CardAction => ({ type: 'imBack', title: b.title, value: b.value })),
    };
  }
  return activity;
}

/** Sentences and buttons of the bot's own, in the language of the turn. */
export class Replies {
  constructor(private readonly i18n: Translator) {}

  t(context: TurnContext, key: string, vars?: Record<string, unknown>): string {
    return this.i18n.t(langOf(context), key, vars);
  }

  button(context: TurnContext, key: string, value: string): Button {
    return { title: this.t(context, key), value };
  }

  async say(context: TurnContext, key: string, buttons: Button[] = [], vars?: Record<string, unknown>): Promise<void> {
    await context.sendActivity(message(this.t(context, key, vars), buttons));
  }

  /** 112 and 1098, each with one line on what it is for (DOMAIN.md). */
  emergencyText(lang: Lang): string {
    return ['common:emergency.title', 'common:emergency.n112', 'common:emergency.n1098'].map((k) => this.i18n.t(lang, k)).join('\n');
  }

  menuButtons(context: TurnContext): Button[] {
    return [
      this.button(context, 'common:menu.report', 'menu:report'),
      this.button(context, 'common:menu.findHelp', 'menu:findHelp'),
      this.button(context, 'common:menu.teacher', 'menu:teacher'),
      this.button(context, 'common:menu.counsellor', 'cmd:human'),
      this.button(context, 'common:menu.emergency', 'cmd:emergency'),
    ];
  }

  languageButtons(): Button[] {
    return LANGUAGES.map((lng) => ({ title: this.i18n.t(lng, `common:languages.${lng}`), value: `lang:${lng}` }));
  }

  /** The answer to danger: the numbers first, then the offer of a person. */
  async sendDangerAnswer(context: TurnContext): Promise<void> {
    const lang = langOf(context);
    await context.sendActivity(message(`${this.i18n.t(lang, 'common:danger')}\n${this.emergencyText(lang)}`));
    await this.say(context, 'common:dangerOffer', [
      this.button(context, 'common:buttons.counsellor', 'cmd:human'),
      this.button(context, 'common:buttons.menu', 'cmd:menu'),
    ]);
  }

  async sendEmergencyNumbers(context: TurnContext): Promise<void> {
    await context.sendActivity(
      message(this.emergencyText(langOf(context)), [
        this.button(context, 'common:buttons.counsellor', 'cmd:human'),
        this.button(context, 'common:buttons.menu', 'cmd:menu'),
      ]),
    );
  }

  /** First contact: who the bot is, and the three languages as buttons. */
  greeting(context: TurnContext): Partial<Activity> {
    return message(`${this.t(context, 'common:greeting')}\n${this.t(context, 'common:chooseLanguage')}`, this.languageButtons());
  }

  async sendMenu(context: TurnContext): Promise<void> {
    await this.say(context, 'common:menuPrompt', this.menuButtons(context));
  }

  /** For a journey this deployment cannot run: never "coming soon", always a way to a person. */
  async sendUnavailable(context: TurnContext): Promise<void> {
    await context.sendActivity(
      message(`${this.t(context, 'common:journeyUnavailable')}`, [
        this.button(context, 'common:buttons.counsellor', 'cmd:human'),
        this.button(context, 'common:buttons.menu', 'cmd:menu'),
      ]),
    );
  }
}
