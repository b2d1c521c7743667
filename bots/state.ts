import type { TurnContext } from 'botbuilder';
import type { Lang } from '../services/i18n';
import type { Understood } from '../services/understanding';

/** What the bot keeps about a user: only the language they chose. */
export interface UserProfile {
  lang?: Lang;
}

/** What the bot keeps about a conversation besides the dialog stack. */
export interface ConversationFlags {
  greeted?: boolean;
}

const LANG = Symbol('sishu.lang');
const UNDERSTOOD = Symbol('sishu.understood');

/** What the understanding step read from this turn's free text, for the dialog that continues. */
export function setUnderstoodOf(context: TurnContext, understood: Understood | undefined): void {
  context.turnState.set(UNDERSTOOD, understood);
}

export function understoodOf(context: TurnContext): Understood | undefined {
  return context.turnState.get(UNDERSTOOD) as Understood | undefined;
}

/** The language of this turn, set once by the bot before anything answers. */
export function setLangOf(context: TurnContext, lang: Lang): void {
  context.turnState.set(LANG, lang);
}

export function langOf(context: TurnContext): Lang {
  return (context.turnState.get(LANG) as Lang | undefined) ?? 'en';
}
