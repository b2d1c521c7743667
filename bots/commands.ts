import type { Lang } from '../services/i18n';

/** What a user can say inside any dialog, in any of the three languages or romanised. */
export type Command = 'stop' | 'menu' | 'help' | 'emergency' | 'human' | 'language';

export type ButtonValue = `cmd:${Command}` | `lang:${Lang}`;

/**
 * Whole-message words for each command. Kept to whole messages (after trimming punctuation) so that
 * "please stop hitting me" is read by the safety check, not taken as the safe word.
 */
const WORDS: Record<Command, string[]> = {
  stop: ['stop', 'exit', 'quit', 'ৰখা', 'ৰখক', 'ৰাখা', 'বন্ধ', 'বন্ধ কৰা', 'rokha', 'bondho', 'bondho kora', 'रुको', 'रोको', 'बंद', 'बंद करो', 'ruko', 'roko', 'band', 'band karo', 'bas'],
  menu: ['menu', 'main menu', 'start', 'মেনু', 'मेनू', 'मेन्यू', 'menu dikhao'],
  help: ['help', '?', 'options', 'what can you do', 'মোক কি কৰিব পাৰা', 'मदद', 'help me'],
  emergency: ['emergency', 'emergency number', 'emergency numbers', 'sos', '112', '1098', 'জৰুৰী', 'জৰুৰী নম্বৰ', 'joruri', 'আপাতকালীন', 'आपातकाल', 'आपातकालीन', 'आपातकालीन नंबर', 'emergency no'],
  human: ['person', 'human', 'counsellor', 'counselor', 'agent', 'talk to a person', 'talk to someone', 'মানুহ', 'manuh', 'মানুহৰ লগত কথা', 'इंसान', 'insaan', 'insan', 'काउंसलर', 'kisi se baat'],
  language: ['language', 'change language', 'ভাষা', 'bhasha', 'bhaxa', 'भाषा', 'bhasa'],
};

const BY_PHRASE = new Map<string, Command>(
  Object.entries(WORDS).flatMap(([command, phrases]) => phrases.map((p) => [p, command as Command] as const)),
);

/** Lower-case, NFC, ZWJ/ZWNJ gone, trailing punctuation and extra spaces trimmed. */
function phraseOf(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u200c\u200d]/g, '')
    .toLowerCase()
    .replace(/[\s.!।,;:'"()-]+$/u, '')
    .replace(/^[\s.!।,;:'"()-]+/u, '')
    .replace(/\s+/g, ' ');
}

export function commandOf(text: string | undefined, value: unknown): Command | undefined {
  if (typeof value === 'string' && value.startsWith('cmd:')) {
    const command = value.slice(4) as Command;
    return command in WORDS ? command : undefined;
  }
  if (!text) return undefined;
  if (text.startsWith('cmd:')) return commandOf(undefined, text);
  const phrase = phraseOf(text);
  if (phrase === '?') return 'help';
  return BY_PHRASE.get(phrase);
}
