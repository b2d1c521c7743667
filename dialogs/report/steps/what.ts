import { understoodOf } from '../../../bots/state';
import { CATEGORIES } from '../../../services/understanding/types';
import { optionButtons, pickedOption, question } from '../choice';
import { AGAIN, NEXT, type Step } from '../types';

const CONFIRM = ['yes', 'no'] as const;
/** Free text shorter than this, or with no letters, says nothing about what happened. */
const MIN_LETTERS = 3;

/**
 * What happened: a proposed category (from the understanding step) is only confirmed; otherwise the
 * categories as buttons, or the reporter's own words, which become the details of the case.
 */
export const whatStep: Step = {
  id: 'what',
  async ask(turn, attempt) {
    const proposed = turn.draft.proposedCategory;
    if (proposed) {
      await turn.ask(question(turn, 'whatProposed', attempt, { category: turn.t(`category.${proposed}`) }), optionButtons(turn, 'what', CONFIRM, 'confirm'));
      return;
    }
    await turn.ask(question(turn, 'what', attempt), optionButtons(turn, 'what', CATEGORIES, 'category'));
  },
  async read(turn, answer) {
    const { draft } = turn;
    if (draft.proposedCategory) {
      const confirmed = pickedOption(turn, answer, 'what', CONFIRM, 'confirm', { yes: 'yes', no: 'no' });
      if (confirmed === 'yes') {
        draft.category = draft.proposedCategory;
        delete draft.proposedCategory;
        return NEXT;
      }
      delete draft.proposedCategory;
      if (confirmed === 'no') return { kind: 'stay' };
    }
    const picked = pickedOption(turn, answer, 'what', CATEGORIES, 'category');
    if (picked) {
      draft.category = picked;
      return NEXT;
    }
    if ((answer.text.match(/\p{L}/gu) ?? []).length < MIN_LETTERS || answer.value) return AGAIN;
    draft.details = draft.details ? `${draft.details}\n${answer.text}` : answer.text;
    const understood = understoodOf(turn.context)?.category;
    if (understood && understood !== 'other') {
      draft.proposedCategory = understood;
      return { kind: 'stay' };
    }
    draft.category = 'other';
    return NEXT;
  },
};
