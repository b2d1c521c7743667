import type { TurnContext } from 'botbuilder';
import type { Button } from '../../bots/replies';
import type { AgeBand, CaseRisk, Gender, Reporter, When } from '../../services/cases/types';
import type { Category } from '../../services/understanding/types';
import type { Answer } from './answer';

/** What the reporter has told so far. Lives in the dialog state, so it holds plain JSON only. */
export interface ReportDraft {
  reporter?: Reporter;
  /** The journey that started the report already knew who is telling: the question is not asked. */
  reporterGiven?: boolean;
  category?: Category;
  /** The harm the understanding step read, shown for a yes or no until answered. */
  proposedCategory?: Category;
  details?: string;
  dangerNow?: boolean;
  risk: CaseRisk;
  /** A district id of the gazetteer; never the point a user shared. */
  district?: string;
  age?: AgeBand;
  gender?: Gender;
  when?: When;
  /** A number given, not yet agreed to be called on. */
  pendingPhone?: string;
  phone?: string;
  contactConsentAt?: number;
}

export const STEP_IDS = ['who', 'what', 'danger', 'where', 'age', 'gender', 'when', 'contact', 'callConsent', 'summary', 'fix', 'consent'] as const;
export type StepId = (typeof STEP_IDS)[number];

/** A step's own memory while it is the current one (the page of the district list, a pending question). */
export interface StepScratch {
  page?: number;
  suggestions?: string[];
  askingPhone?: boolean;
}

/** What a step gets for one turn: the draft to fill and ways to answer in the user's language. */
export interface StepTurn {
  context: TurnContext;
  draft: ReportDraft;
  scratch: StepScratch;
  isChild: boolean;
  now: number;
  /** A sentence of the report namespace (child wording where there is one). */
  t(key: string, vars?: Record<string, unknown>): string;
  button(key: string, value: string): Button;
  /** Asks: the text, this step's buttons, then "back" and (for a child) "talk to a person now". */
  ask(text: string, buttons: Button[]): Promise<void>;
  /** Says something without waiting for an answer. */
  tell(text: string): Promise<void>;
  /** Whether typed text is this label in any of the three languages. */
  isLabel(text: string, key: string): boolean;
}

/**
 * next: answered, go on · again: not usable, ask in other words · stay: ask this step afresh (not a miss)
 * · goto: another step · finish: the reporter decided to send or not
 * · end: a counsellor takes over, the report stops here.
 */
export type Outcome =
  | { kind: 'next' }
  | { kind: 'again' }
  | { kind: 'stay' }
  | { kind: 'goto'; step: StepId; correcting?: boolean }
  | { kind: 'finish'; send: boolean }
  | { kind: 'end' };

export interface Step {
  id: StepId;
  /** Not asked of this reporter (a child gets the shortest path). */
  skip?(draft: ReportDraft): boolean;
  /** `attempt` 0 is the first asking; 1 and 2 ask again in other words. */
  ask(turn: StepTurn, attempt: number): Promise<void>;
  read(turn: StepTurn, answer: Answer): Promise<Outcome>;
}

export const NEXT: Outcome = { kind: 'next' };
export const AGAIN: Outcome = { kind: 'again' };
