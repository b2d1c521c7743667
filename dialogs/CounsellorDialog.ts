import { ComponentDialog, type DialogTurnResult, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { langOf, understoodOf } from '../bots/state';
import type { HandoffDesk } from '../services/handoff/HandoffDesk';
import type { Priority } from '../services/handoff/types';
import { JOURNEY, type JourneyOptions } from './journeys';

/**
 * "Talk to a person": the conversation goes into the counsellors' queue and the user hears, in
 * their language, their place and an honest wait (or that nobody is on duty, with 112 and 1098).
 * From then on the bot's handoff relay holds the conversation, so this journey ends at once.
 */
export class CounsellorDialog extends ComponentDialog {
  constructor(desk: Pick<HandoffDesk, 'enter'>) {
    super(JOURNEY.counsellor);
    this.addDialog(
      new WaterfallDialog(`${JOURNEY.counsellor}.enter`, [
        async (step: WaterfallStepContext): Promise<DialogTurnResult> => {
          const options = (step.options ?? {}) as JourneyOptions;
          const understood = options.understood ?? understoodOf(step.context);
          const priority: Priority = understood?.intent === 'emergency' ? 1 : options.urgent || understood?.risk === 'high' ? 2 : 3;
          const category = options.category ?? understood?.category ?? undefined;
          await desk.enter(step.context, {
            lang: langOf(step.context),
            priority,
            category,
            summary: `Asked for a counsellor${category ? `; about: ${category.replace(/_/g, ' ')}` : ''}${priority < 3 ? '; high risk' : ''}`,
          });
          return step.endDialog();
        },
      ]),
    );
  }
}
