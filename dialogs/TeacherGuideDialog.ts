import type { TurnContext } from 'botbuilder';
import { ComponentDialog, Dialog, type DialogTurnResult, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { message, type Replies } from '../bots/replies';
import { langOf, understoodOf } from '../bots/state';
import type { Lang, Translator } from '../services/i18n';
import { JOURNEY, type Handover, type JourneyOptions } from './journeys';
import { FACTS, SITUATIONS, isSituation, situationFor, type Situation } from './teacherGuide';

interface GuideOptions extends JourneyOptions {
  situation?: Situation;
  /** How many answers the list has not understood so far. */
  misses?: number;
}

const STEPS = `${JOURNEY.teacher}.steps`;

/** At most this many answers the list cannot use; then a counsellor is offered. */
const MAX_MISSES = 2;

/** A WhatsApp interactive body holds 1,024 characters; each message of the guide stays within it. */
export const MAX_MESSAGE_CHARS = 1024;

/**
 * The guide for one situation as messages that each make sense alone: what to do now, what not to
 * do, what the law says (each statement names its section), and who to call.
 */
export function renderSituation(i18n: Translator, lang: Lang, situation: Situation): string[] {
  const key = `teacher:situations.${situation}`;
  const bullets = (part: string, numbered: boolean) =>
    i18n.list(lang, `${key}.${part}`).map((line, i) => `${numbered ? `${i + 1}.` : '•'} ${line}`).join('\n');
  const law = [i18n.t(lang, 'teacher:heading.law'), bullets('law', false)];
  if (FACTS[situation].unverified) law.push(i18n.t(lang, 'teacher:unverified'));
  return [
    `${i18n.t(lang, `${key}.title`)}\n\n${i18n.t(lang, 'teacher:heading.now')}\n${bullets('now', true)}`,
    `${i18n.t(lang, 'teacher:heading.dont')}\n${bullets('dont', false)}`,
    law.join('\n'),
    `${i18n.t(lang, 'teacher:heading.call')}\n${i18n.t(lang, `${key}.call`)}`,
  ];
}

/** The teacher's guide: pick a situation (or have it read from the question), then what to do. */
export class TeacherGuideDialog extends ComponentDialog {
  constructor(
    private readonly replies: Replies,
    private readonly i18n: Translator,
  ) {
    super(JOURNEY.teacher);
    this.addDialog(
      new WaterfallDialog(STEPS, [
        (step) => this.offerSituations(step),
        (step) => this.showSituation(step),
        (step) => this.afterGuide(step),
      ]),
    );
  }

  private async offerSituations(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.options ?? {}) as GuideOptions;
    const situation = options.situation ?? situationFor(options.category ?? options.understood?.category);
    if (situation) return step.next(situation);
    if (!options.misses) await this.replies.say(step.context, 'teacher:intro');
    await this.replies.say(step.context, 'teacher:pick', this.situationButtons(step.context));
    return Dialog.EndOfTurn;
  }

  private async showSituation(step: WaterfallStepContext): Promise<DialogTurnResult> {
    // After a turn's pause the waterfall's result is the message text, so only a real situation counts.
    const situation = typeof step.result === 'string' && isSituation(step.result) ? step.result : this.situationAnswered(step.context);
    if (!situation) {
      const misses = (((step.options ?? {}) as GuideOptions).misses ?? 0) + 1;
      if (misses > MAX_MISSES) {
        await this.replies.sendUnavailable(step.context);
        return step.endDialog();
      }
      await this.replies.say(step.context, 'common:notUnderstood');
      return step.replaceDialog(STEPS, { misses } satisfies GuideOptions);
    }
    (step.values as { situation?: Situation }).situation = situation;
    const lang = langOf(step.context);
    const guide = renderSituation(this.i18n, lang, situation);
    // On a phone call only what to do right now: the rest is too long to take in by ear.
    const shown = step.context.activity.channelId === 'ivr' ? guide.slice(0, 1) : guide;
    await step.context.sendActivities(shown.map((text) => message(text)));
    await this.replies.say(step.context, 'teacher:next', [
      this.replies.button(step.context, 'teacher:buttons.report', 'teacher:report'),
      this.replies.button(step.context, 'teacher:buttons.counsellor', 'cmd:human'),
      this.replies.button(step.context, 'teacher:buttons.nearby', 'menu:findHelp'),
      this.replies.button(step.context, 'teacher:buttons.another', 'teacher:another'),
    ]);
    return Dialog.EndOfTurn;
  }

  private async afterGuide(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const answer = String(step.context.activity.text ?? '');
    const { situation } = step.values as { situation: Situation };
    if (answer === 'teacher:report') {
      return step.endDialog({ handover: JOURNEY.report, options: { reporter: 'teacher', category: FACTS[situation].category } } satisfies Handover);
    }
    const asked = this.situationAnswered(step.context);
    if (answer === 'teacher:another' || asked) return step.replaceDialog(STEPS, { situation: asked } satisfies GuideOptions);
    await this.replies.sendMenu(step.context);
    return step.endDialog();
  }

  /** A situation button, or free text whose harm the understanding step recognised. */
  private situationAnswered(context: TurnContext): Situation | undefined {
    const text = String(context.activity.text ?? '');
    const picked = text.startsWith('teacher:') ? text.slice('teacher:'.length) : '';
    if (isSituation(picked)) return picked;
    return situationFor(understoodOf(context)?.category);
  }

  private situationButtons(context: TurnContext) {
    return SITUATIONS.map((s) => this.replies.button(context, `teacher:situations.${s}.title`, `teacher:${s}`));
  }
}
