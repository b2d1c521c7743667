import { ComponentDialog, type Dialog, type DialogTurnResult, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { Category, Understood } from '../services/understanding';
import type { Replies } from '../bots/replies';

/** The journeys of the main menu, each its own ComponentDialog with one of these ids. */
export const JOURNEY = {
  report: 'report',
  findHelp: 'findHelp',
  teacher: 'teacher',
  counsellor: 'counsellor',
} as const;
export type JourneyId = (typeof JOURNEY)[keyof typeof JOURNEY];

/** What a journey is started with: what the understanding step read from the message that began it. */
export interface JourneyOptions {
  understood?: Understood;
  /** The message that began the journey, when it was free text. */
  text?: string;
  /** The message was high risk: go straight to what protects the child. */
  urgent?: boolean;
  /** Who is telling, when the journey that hands over already knows (the teacher's guide: 'teacher'). */
  reporter?: 'child' | 'family' | 'teacher' | 'other';
  /** The harm, when the journey that hands over already knows it; proposed, not asked again. */
  category?: Category;
}

/** A journey is any dialog registered under one of the JOURNEY ids. */
export type Journey = Dialog;

/**
 * What a journey ends with when another journey should follow (the teacher's guide hands over to
 * the report): the bot begins that journey at the top of the stack.
 */
export interface Handover {
  handover: JourneyId;
  options: JourneyOptions;
}

export function isHandover(value: unknown): value is Handover {
  return typeof value === 'object' && value !== null && typeof (value as Handover).handover === 'string';
}

/**
 * Stands in for a journey this deployment does not run: an honest answer with a way to a person
 * (1098, a counsellor), never "coming soon".
 */
export class UnavailableJourney extends ComponentDialog {
  constructor(id: JourneyId, replies: Replies) {
    super(id);
    this.addDialog(
      new WaterfallDialog(`${id}.unavailable`, [
        async (step: WaterfallStepContext): Promise<DialogTurnResult> => {
          await replies.sendUnavailable(step.context);
          return step.endDialog();
        },
      ]),
    );
  }
}
