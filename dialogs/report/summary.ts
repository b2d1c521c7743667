import type { ReportDraft, StepId, StepTurn } from './types';

/** The items of the check-and-send summary, each correctable by going back to its step. */
export const SUMMARY_ITEMS = ['who', 'what', 'danger', 'where', 'age', 'gender', 'when', 'contact'] as const satisfies readonly StepId[];
export type SummaryItem = (typeof SUMMARY_ITEMS)[number];

function valueOf(turn: StepTurn, item: SummaryItem, draft: ReportDraft, districtName: (id: string) => string): string {
  const notGiven = turn.t('value.notGiven');
  switch (item) {
    case 'who':
      return draft.reporter ? turn.t(`who.${draft.reporter}`) : notGiven;
    case 'what': {
      const category = draft.category ? turn.t(`category.${draft.category}`) : notGiven;
      return draft.details ? `${category}: "${draft.details}"` : category;
    }
    case 'danger':
      return draft.dangerNow === undefined ? notGiven : turn.t(draft.dangerNow ? 'danger.yes' : 'danger.no');
    case 'where':
      return draft.district ? districtName(draft.district) : notGiven;
    case 'age':
      return draft.age ? turn.t(`age.${draft.age}`) : notGiven;
    case 'gender':
      return draft.gender ? turn.t(`gender.${draft.gender}`) : notGiven;
    case 'when':
      return draft.when ? turn.t(`when.${draft.when}`) : notGiven;
    case 'contact':
      return draft.phone ? turn.t('value.callMe', { phone: draft.phone }) : turn.t('contact.anonymous');
  }
}

/** One line per item the reporter was asked: "Where: Jorhat". */
export function summaryLines(turn: StepTurn, items: readonly SummaryItem[], districtName: (id: string) => string): string {
  return items.map((item) => `• ${turn.t(`label.${item}`)}: ${valueOf(turn, item, turn.draft, districtName)}`).join('\n');
}
