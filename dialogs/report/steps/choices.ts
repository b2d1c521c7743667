import type { Replies } from '../../../bots/replies';
import { langOf } from '../../../bots/state';
import { AGE_BANDS, GENDERS, REPORTERS, WHEN } from '../../../services/cases/types';
import { choiceStep } from '../choice';
import type { ReportSubmitter } from '../submit';
import type { ReportDraft, Step } from '../types';

/** A child telling about themselves gets the shortest path: no "when", no call-back number. */
export const isChildReporter = (draft: { reporter?: string }) => draft.reporter === 'child';

export const whoStep: Step = choiceStep({
  id: 'who',
  options: REPORTERS,
  labels: 'who',
  skip: (draft) => draft.reporterGiven === true,
  apply: (turn, reporter) => {
    turn.draft.reporter = reporter;
  },
});

const DANGER = ['yes', 'no', 'notSure'] as const;

/**
 * Yes: the emergency answer at once (112, 1098, a person), then the conversation goes first in the
 * counsellors' queue; with no queue to go to, the report goes on and its case is marked first.
 */
export function dangerStep(replies: Replies, submitter: Pick<ReportSubmitter, 'handOffNow'>): Step {
  return choiceStep({
    id: 'danger',
    options: DANGER,
    labels: 'danger',
    yesNo: { yes: 'yes', no: 'no' },
    async apply(turn, answer) {
      turn.draft.dangerNow = answer === 'yes';
      if (answer === 'notSure') await turn.tell(turn.t('dangerNotSure'));
      if (answer !== 'yes') return;
      turn.draft.risk = 'high';
      await replies.sendDangerAnswer(turn.context);
      const position = await submitter.handOffNow(turn.context, turn.draft, langOf(turn.context));
      if (position === undefined) {
        await turn.tell(turn.t('dangerGoOn'));
        return;
      }
      await turn.tell(turn.t('dangerQueued', { position }));
      return { kind: 'end' };
    },
  });
}

/** A step whose one answer is kept in the draft field it is named after. */
function fieldStep<F extends 'age' | 'gender' | 'when'>(field: F, options: readonly NonNullable<ReportDraft[F]>[], skip?: Step['skip']): Step {
  return choiceStep({
    id: field,
    options,
    labels: field,
    skip,
    apply: (turn, value) => {
      turn.draft[field] = value;
    },
  });
}

export const ageStep = fieldStep('age', AGE_BANDS);
export const genderStep = fieldStep('gender', GENDERS);
export const whenStep = fieldStep('when', WHEN, isChildReporter);
