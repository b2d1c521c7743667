import type { Button } from '../../bots/replies';
import { yesOrNo, type Answer } from './answer';
import { AGAIN, type Outcome, type ReportDraft, type Step, type StepId, type StepTurn } from './types';

/**
 * The option a turn picked: its button value (`report:<step>:<option>`), its label typed in any of
 * the three languages, or its number in the list (IVR keys, a reply "2" on WhatsApp).
 */
export function pickedOption<T extends string>(
  turn: StepTurn,
  answer: Answer,
  step: StepId,
  options: readonly T[],
  labels: string,
  /** For a yes-or-no question: the options a typed yes and no stand for. */
  yesNo?: Record<'yes' | 'no', T>,
): T | undefined {
  const typed = yesNo && !answer.value ? yesOrNo(answer.text) : undefined;
  if (typed && yesNo) return yesNo[typed];
  const prefix = `report:${step}:`;
  if (answer.value?.startsWith(prefix)) return options.find((o) => `${prefix}${o}` === answer.value);
  const index = /^\d{1,2}$/.test(answer.text) ? Number(answer.text) - 1 : -1;
  if (index >= 0 && index < options.length) return options[index];
  return options.find((o) => turn.isLabel(answer.text, `${labels}.${o}`));
}

export function optionButtons(turn: StepTurn, step: StepId, options: readonly string[], labels: string): Button[] {
  return options.map((o) => turn.button(`${labels}.${o}`, `report:${step}:${o}`));
}

/** The question of a step: `ask.<id>` first, then `again.<id>` in other words (with "one more time" the last time). */
export function question(turn: StepTurn, id: string, attempt: number, vars?: Record<string, unknown>): string {
  if (attempt === 0) return turn.t(`ask.${id}`, vars);
  const again = turn.t(`again.${id}`, vars);
  return attempt > 1 ? `${turn.t('lastTry')} ${again}` : again;
}

export interface ChoiceSpec<T extends string> {
  id: StepId;
  options: readonly T[];
  /** Where the options' labels live: `<labels>.<option>` in the report namespace. */
  labels: string;
  /** For a yes-or-no question: the options a typed yes and no stand for. */
  yesNo?: Record<'yes' | 'no', T>;
  skip?(draft: ReportDraft): boolean;
  /** Values the question shows ({{phone}}). */
  vars?(draft: ReportDraft): Record<string, unknown>;
  /** Records the pick; may say something, or send the dialog elsewhere. */
  apply(turn: StepTurn, option: T): Promise<Outcome | void> | Outcome | void;
}

/** A step that asks one question with one button per option. */
export function choiceStep<T extends string>(spec: ChoiceSpec<T>): Step {
  return {
    id: spec.id,
    skip: spec.skip,
    ask: (turn, attempt) => turn.ask(question(turn, spec.id, attempt, spec.vars?.(turn.draft)), optionButtons(turn, spec.id, spec.options, spec.labels)),
    async read(turn, answer) {
      const option = pickedOption(turn, answer, spec.id, spec.options, spec.labels, spec.yesNo);
      if (option === undefined) return AGAIN;
      return (await spec.apply(turn, option)) ?? { kind: 'next' };
    },
  };
}
