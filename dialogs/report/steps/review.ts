import { langOf } from '../../../bots/state';
import { choiceStep, optionButtons, pickedOption, question } from '../choice';
import { summaryLines, SUMMARY_ITEMS, type SummaryItem } from '../summary';
import type { DistrictFinder } from '../places';
import { AGAIN, type ReportDraft, type Step } from '../types';

/** The items this reporter was asked about (a child skips some): the ones the summary shows and lets them change. */
export type ShownItems = (draft: ReportDraft) => SummaryItem[];

/** Check: the summary, then "send" or "change something". */
export function summaryStep(shownItems: ShownItems, places: DistrictFinder): Step {
  return {
    id: 'summary',
    async ask(turn, attempt) {
      const districtName = (id: string) => places.district(id)?.name[langOf(turn.context)] ?? id;
      const lines = summaryLines(turn, shownItems(turn.draft), districtName);
      await turn.ask(`${question(turn, 'summary', attempt)}\n${lines}`, [...optionButtons(turn, 'summary', ['ok', 'change'], 'review'), turn.button('review.cancel', 'report:cancel')]);
    },
    async read(turn, answer) {
      const picked = pickedOption(turn, answer, 'summary', ['ok', 'change'] as const, 'review', { yes: 'ok', no: 'change' });
      if (picked === 'ok') return { kind: 'next' };
      if (picked === 'change') return { kind: 'goto', step: 'fix' };
      return AGAIN;
    },
  };
}

/** Which item to change: the dialog goes to that step and comes back to the summary. */
export function fixStep(shownItems: ShownItems): Step {
  return {
    id: 'fix',
    ask: (turn, attempt) => turn.ask(question(turn, 'fix', attempt), optionButtons(turn, 'fix', shownItems(turn.draft), 'label')),
    async read(turn, answer) {
      const item = pickedOption(turn, answer, 'fix', SUMMARY_ITEMS, 'label');
      if (!item) return AGAIN;
      // "What happened" is asked afresh from the list, not as the earlier proposal.
      delete turn.draft.proposedCategory;
      return { kind: 'goto', step: item, correcting: true };
    },
  };
}

/** Consent to pass the report to Childline: nothing is stored without a yes. */
export const consentStep: Step = choiceStep({
  id: 'consent',
  options: ['send', 'dontSend'] as const,
  labels: 'consent',
  yesNo: { yes: 'send', no: 'dontSend' },
  apply: (_turn, answer) => ({ kind: 'finish', send: answer === 'send' }),
});
