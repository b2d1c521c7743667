// What a person asked for, read from their words and buttons: which kinds of service, and who
// needs the help (which decides whether a One Stop Centre may be offered).
import type { Person, ServiceKind } from '../../services/directory';

/** Without a kind named, a child is offered these: shelter and care, protection, and the police. */
export const DEFAULT_KINDS: readonly ServiceKind[] = ['osc', 'cwc', 'dcpu', 'sjpu'];

/** Words (any script, romanised too) that name a kind of service; matching input, not sentences the bot says. */
const KIND_WORDS: [readonly ServiceKind[], RegExp][] = [
  [['osc'], /one\s*stop|\bosc\b|sakhi|সখী|ৱান\s*ষ্টপ|वन\s*स्टॉप|सखी/iu],
  [['sjpu', 'police'], /police|polis|thana|পুলিচ|আৰক্ষী|থানা|पुलिस|थाना/iu],
  [['dcpu', 'cwc', 'childline'], /child\s*line|child\s*helpline|1098|চাইল্ড\s*লাইন|চাইল্ড\s*হেল্পলাইন|चाइल्ड\s*लाइन|चाइल्ड\s*हेल्पलाइन/iu],
  [['cwc'], /\bcwc\b|child\s*welfare|শিশু\s*কল্যাণ|बाल\s*कल्याण/iu],
  [['dcpu'], /\bdcpu\b|child\s*protection|শিশু\s*সুৰক্ষা|बाल\s*संरक्षण/iu],
  [['dlsa'], /legal|lawyer|\bdlsa\b|উকীল|আইনী|वकील|कानूनी|विधिक/iu],
];

export function kindsAskedFor(text: string): ServiceKind[] {
  const kinds = KIND_WORDS.filter(([, pattern]) => pattern.test(text)).flatMap(([k]) => k);
  return kinds.length > 0 ? [...new Set(kinds)] : [...DEFAULT_KINDS];
}

/** Button values of the "who needs help" question, and the person each stands for. */
export const WHO_CHOICES = {
  girl: { who: 'girl' },
  woman: { who: 'woman' },
  boyUpTo8: { who: 'boy', age: 8 },
  boyOver8: { who: 'boy', age: 9 },
  skip: undefined,
} as const satisfies Record<string, Person | undefined>;
export type WhoChoice = keyof typeof WHO_CHOICES;

export function isWhoChoice(value: string): value is WhoChoice {
  return Object.prototype.hasOwnProperty.call(WHO_CHOICES, value);
}
