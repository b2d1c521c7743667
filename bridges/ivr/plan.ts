import type { Lang } from '../../services/i18n';

/**
 * What the caller hears and what happens next, independent of the telephony provider: the call
 * logic builds a Plan, and a renderer (twiml.ts for Twilio) turns it into the provider's markup.
 * Plans are plain data so the last one can be kept in the call state and replayed on "repeat".
 */
export type Utterance =
  | { kind: 'say'; text: string; lang: Exclude<Lang, 'as'>; slow?: boolean }
  /** A pre-rendered prompt (Assamese has no provider voice): a URL path under the public base. */
  | { kind: 'play'; path: string };

export type Next =
  /** Wait for keys: one key for a numbered menu, or several ended by # (a PIN code). */
  | { kind: 'gather'; keys: 'one' | 'many'; speech?: Exclude<Lang, 'as'> }
  /** Put the caller through to a person; the outcome comes back to the gather webhook. */
  | { kind: 'dial'; number: string }
  | { kind: 'hangup' };

export interface Plan {
  speak: Utterance[];
  next: Next;
}

/** Keys that mean the same in every menu of the call; `more` only in a menu too long for one hearing. */
export const KEYS = { danger: '0', repeat: '9', back: '*', more: '8' } as const;

/** What a key of the main menu does. */
export type MainChoice = 'danger' | 'counsellor' | 'findHelp' | 'teacher';

/**
 * The call's main menu, after the language: 1 in danger now, 2 a counsellor, 3 find help, 4 for
 * teachers (with 9 repeat and * back, KEYS), read in this order. 0 is not a key here: in the deeper menus it stays a shortcut to "in danger now".
 */
export const MAIN_MENU: Readonly<Record<string, MainChoice>> = { '1': 'danger', '2': 'counsellor', '3': 'findHelp', '4': 'teacher' };

/** A numbered menu can use 1..8: 0 and 9 are taken by KEYS. */
export const MAX_MENU_OPTIONS = 8;
/** A longer menu is read 7 options at a time, with 8 for the next ones. */
export const PAGED_OPTIONS = 7;

/** Which key chooses which language in the first menu. */
export const LANGUAGE_KEYS: Record<string, Lang> = { '1': 'as', '2': 'hi', '3': 'en' };

/** Phone numbers and codes are read digit by digit ("1 1 2", not "one hundred and twelve"). */
export function spokenDigits(text: string): string {
  return text.replace(/\d{3,}/g, (run) => run.split('').join(' '));
}
