import type { TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { message, type Button, type Replies } from '../bots/replies';
import { langOf, understoodOf } from '../bots/state';
import { LANGUAGES, type Translator } from '../services/i18n';
import { JOURNEY, type JourneyOptions } from './journeys';
import { folded, readAnswer } from './report/answer';
import type { DistrictFinder } from './report/places';
import { ageStep, dangerStep, genderStep, isChildReporter, whenStep, whoStep } from './report/steps/choices';
import { callConsentStep, contactStep } from './report/steps/contact';
import { consentStep, fixStep, summaryStep } from './report/steps/review';
import { whatStep } from './report/steps/what';
import { whereStep } from './report/steps/where';
import type { ReportSubmitter } from './report/submit';
import { SUMMARY_ITEMS } from './report/summary';
import type { Outcome, ReportDraft, Step, StepId, StepScratch, StepTurn } from './report/types';

export interface ReportDialogDeps {
  replies: Replies;
  i18n: Translator;
  places: DistrictFinder;
  submitter: ReportSubmitter;
  now?: () => number;
}

/** Where a report stands; the dialog state, so plain JSON. */
interface ReportState {
  draft: ReportDraft;
  step: StepId;
  /** Steps answered, newest last: where "back" goes. */
  history: StepId[];
  /** Unusable answers in a row at this step. */
  misses: number;
  /** Changing one item from the summary: the next answer goes back to the summary. */
  correcting: boolean;
  /** Begun from a high-risk message: the danger question comes first. */
  urgent: boolean;
  scratch: StepScratch;
  lastTurnAt: number;
}

const ORDER: StepId[] = ['who', 'what', 'danger', 'where', 'age', 'gender', 'when', 'contact', 'summary', 'consent'];
const URGENT_ORDER: StepId[] = ['danger', ...ORDER.filter((s) => s !== 'danger')];
/** Steps reached from another one: the flow goes on from their parent's place in the order. */
const PARENT: Partial<Record<StepId, StepId>> = { callConsent: 'contact', fix: 'summary' };
/** Unusable answers asked again in other words; one more and a counsellor is offered. */
const MAX_MISSES = 2;
/** After this long away, the reporter is asked whether to go on where they left off. */
const RESUME_AFTER_MS = 60 * 60 * 1000;

/**
 * Report a concern: who is telling, what happened, danger now, where, the child, when, contact,
 * then check and send. A step machine rather than a waterfall, so that "back", corrections from the
 * summary and resuming after an interruption all land on the right question.
 */
export class ReportDialog extends Dialog {
  private readonly steps: Map<StepId, Step>;
  private readonly now: () => number;

  constructor(private readonly deps: ReportDialogDeps) {
    super(JOURNEY.report);
    this.now = deps.now ?? Date.now;
    const shownItems = (draft: ReportDraft) => SUMMARY_ITEMS.filter((item) => !this.step(item).skip?.(draft));
    const all: Step[] = [
      whoStep,
      whatStep,
      dangerStep(deps.replies, deps.submitter),
      whereStep(deps.places),
      ageStep,
      genderStep,
      whenStep,
      contactStep,
      callConsentStep,
      summaryStep(shownItems, deps.places),
      fixStep(shownItems),
      consentStep,
    ];
    this.steps = new Map(all.map((s) => [s.id, s]));
  }

  async beginDialog(dc: DialogContext, options?: JourneyOptions): Promise<DialogTurnResult> {
    const understood = options?.understood;
    const named = understood?.category && understood.category !== 'other' ? understood.category : undefined;
    const draft: ReportDraft = {
      risk: options?.urgent || understood?.risk === 'high' ? 'high' : 'normal',
      reporter: options?.reporter,
      reporterGiven: options?.reporter !== undefined,
      proposedCategory: options?.category ?? named,
      // The first message is kept as the details only when it told of a harm, not "I want to report".
      details: named && options?.text ? options.text : undefined,
    };
    const urgent = options?.urgent === true;
    const state: ReportState = { draft, step: 'who', history: [], misses: 0, correcting: false, urgent, scratch: {}, lastTurnAt: this.now() };
    state.step = this.following(state, undefined);
    dc.activeDialog!.state = state;
    const turn = this.turnFor(dc.context, state);
    await turn.tell(turn.t('intro'));
    await this.ask(turn, state);
    return Dialog.EndOfTurn;
  }

  async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const state = dc.activeDialog!.state as ReportState;
    const turn = this.turnFor(dc.context, state);
    const answer = readAnswer(dc.context.activity);
    const now = this.now();
    const away = now - state.lastTurnAt > RESUME_AFTER_MS;
    state.lastTurnAt = now;

    if (answer.media) {
      // A picture is never kept: it is not copied anywhere, and the question is asked again.
      await turn.tell(turn.t('noPictures'));
      await this.ask(turn, state);
      return Dialog.EndOfTurn;
    }
    if (answer.command === 'cancel') {
      await turn.tell(`${turn.t('cancelled')}\n${this.deps.replies.emergencyText(langOf(dc.context))}`);
      return dc.endDialog();
    }
    if (away && !answer.value) {
      await turn.ask(turn.t('welcomeBack'), [turn.button('buttons.resume', 'report:resume'), turn.button('buttons.cancel', 'report:cancel')]);
      return Dialog.EndOfTurn;
    }
    if (answer.command === 'resume') {
      await this.ask(turn, state);
      return Dialog.EndOfTurn;
    }
    if (answer.command === 'back') {
      this.goBack(state);
      await this.ask(this.turnFor(dc.context, state), state);
      return Dialog.EndOfTurn;
    }

    const outcome = await this.step(state.step).read(turn, answer);
    // A high-risk message mid-report: the bot has just given the emergency answer. Keep what it
    // told, and let the reporter choose to go on rather than pressing the next question on them.
    if (understoodOf(dc.context)?.risk === 'high' && outcome.kind !== 'end' && outcome.kind !== 'finish') {
      state.draft.risk = 'high';
      if (outcome.kind === 'next' || outcome.kind === 'goto') this.move(state, outcome);
      await turn.ask(turn.t('resumeOffer'), [turn.button('buttons.resume', 'report:resume')]);
      return Dialog.EndOfTurn;
    }
    return this.apply(dc, turn, state, outcome);
  }

  private async apply(dc: DialogContext, turn: StepTurn, state: ReportState, outcome: Outcome): Promise<DialogTurnResult> {
    switch (outcome.kind) {
      case 'finish':
        return this.finish(dc, turn, state, outcome.send);
      case 'end':
        return dc.endDialog();
      case 'again':
        state.misses++;
        if (state.misses > MAX_MISSES) {
          state.misses = 0;
          await turn.ask(turn.t('offerPerson'), [this.deps.replies.button(dc.context, 'common:buttons.counsellor', 'cmd:human'), turn.button('buttons.resume', 'report:resume')]);
          return Dialog.EndOfTurn;
        }
        await this.step(state.step).ask(turn, state.misses);
        return Dialog.EndOfTurn;
      case 'stay':
        await this.ask(turn, state);
        return Dialog.EndOfTurn;
      default:
        this.move(state, outcome);
        await this.ask(this.turnFor(dc.context, state), state);
        return Dialog.EndOfTurn;
    }
  }

  private async finish(dc: DialogContext, turn: StepTurn, state: ReportState, send: boolean): Promise<DialogTurnResult> {
    const lang = langOf(dc.context);
    const numbers = this.deps.replies.emergencyText(lang);
    if (!send) {
      await turn.tell(`${turn.t('notSent')}\n${numbers}`);
      return dc.endDialog();
    }
    const { record, position } = await this.deps.submitter.submit(dc.context, state.draft, lang, this.now());
    const lines = [turn.t('sent', { ref: record.ref }), turn.t(record.phone ? 'nextCall' : 'nextSteps')];
    if (position !== undefined) lines.push(turn.t('queued', { position }));
    await turn.tell(`${lines.join('\n')}\n${numbers}`);
    return dc.endDialog({ caseRef: record.ref });
  }

  /** Moves to the next step or the one an outcome names; a correction goes back to the summary. */
  private move(state: ReportState, outcome: Outcome): void {
    state.history.push(state.step);
    if (outcome.kind === 'goto') {
      state.correcting = outcome.correcting ?? state.correcting;
      state.step = outcome.step;
    } else if (state.correcting) {
      state.correcting = false;
      state.step = 'summary';
    } else {
      state.step = this.following(state, state.step);
    }
    state.misses = 0;
    state.scratch = {};
  }

  private goBack(state: ReportState): void {
    const previous = state.correcting ? 'summary' : state.history.pop();
    state.correcting = false;
    if (previous) state.step = previous;
    state.misses = 0;
    state.scratch = {};
  }

  /** The first step after `step` (or the first of all) that this reporter is asked. */
  private following(state: ReportState, step: StepId | undefined): StepId {
    const order = state.urgent ? URGENT_ORDER : ORDER;
    const from = step === undefined ? -1 : order.indexOf(PARENT[step] ?? step);
    return order.slice(from + 1).find((id) => !this.step(id).skip?.(state.draft)) ?? 'consent';
  }

  private step(id: StepId): Step {
    const step = this.steps.get(id);
    if (!step) throw new Error(`report: no step ${id}`);
    return step;
  }

  private ask(turn: StepTurn, state: ReportState): Promise<void> {
    return this.step(state.step).ask(turn, 0);
  }

  private turnFor(context: TurnContext, state: ReportState): StepTurn {
    const { i18n } = this.deps;
    const lang = langOf(context);
    const isChild = isChildReporter(state.draft);
    const t = (key: string, vars?: Record<string, unknown>) => i18n.t(lang, `report:${key}`, { context: isChild ? 'child' : undefined, ...vars });
    const button = (key: string, value: string): Button => ({ title: t(key), value });
    return {
      context,
      draft: state.draft,
      scratch: state.scratch,
      isChild,
      now: this.now(),
      t,
      button,
      async ask(text, buttons) {
        const extra = [
          ...(state.history.length > 0 ? [button('buttons.back', 'report:back')] : []),
          ...(isChild ? [button('buttons.personNow', 'cmd:human')] : []),
        ];
        await context.sendActivity(message(text, [...buttons, ...extra]));
      },
      async tell(text) {
        await context.sendActivity(message(text));
      },
      isLabel: (text, key) => LANGUAGES.some((lng) => folded(i18n.t(lng, `report:${key}`)) === folded(text)),
    };
  }
}
