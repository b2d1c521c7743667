import { choiceStep, optionButtons, pickedOption, question } from '../choice';
import { AGAIN, type Step } from '../types';
import { isChildReporter } from './choices';

const CONTACT = ['anonymous', 'phone'] as const;

/** An Indian number as +91 and 10 digits: mobiles and landlines, written with spaces, dashes, 0 or +91. */
export function indianPhone(text: string): string | undefined {
  const digits = text.replace(/[\s().-]/g, '');
  const match = /^(?:\+?91|0)?([2-9]\d{9})$/.exec(digits);
  return match ? `+91${match[1]}` : undefined;
}

/** Contact: anonymous is always fine; a number given is only kept once the reporter agrees to be called. */
export const contactStep: Step = {
  id: 'contact',
  skip: isChildReporter,
  async ask(turn, attempt) {
    if (turn.scratch.askingPhone) {
      await turn.ask(question(turn, 'phone', attempt), [turn.button('contact.anonymous', 'report:contact:anonymous')]);
      return;
    }
    await turn.ask(question(turn, 'contact', attempt), optionButtons(turn, 'contact', CONTACT, 'contact'));
  },
  async read(turn, answer) {
    const phone = answer.value ? undefined : indianPhone(answer.text);
    if (phone) {
      turn.draft.pendingPhone = phone;
      return { kind: 'goto', step: 'callConsent' };
    }
    const choice = pickedOption(turn, answer, 'contact', CONTACT, 'contact');
    if (choice === 'anonymous') {
      delete turn.draft.phone;
      delete turn.draft.contactConsentAt;
      return { kind: 'next' };
    }
    if (choice === 'phone') {
      turn.scratch.askingPhone = true;
      return { kind: 'stay' };
    }
    return AGAIN;
  },
};

/** Says who will call and why, and records the reporter's yes (or forgets the number). */
export const callConsentStep: Step = choiceStep({
  id: 'callConsent',
  options: ['yes', 'no'] as const,
  labels: 'callConsent',
  yesNo: { yes: 'yes', no: 'no' },
  skip: isChildReporter,
  vars: (draft) => ({ phone: draft.pendingPhone ?? '' }),
  async apply(turn, answer) {
    const { draft } = turn;
    if (answer === 'yes' && draft.pendingPhone) {
      draft.phone = draft.pendingPhone;
      draft.contactConsentAt = turn.now;
    } else {
      delete draft.phone;
      delete draft.contactConsentAt;
      await turn.tell(turn.t('stayAnonymous'));
    }
    delete draft.pendingPhone;
  },
});
