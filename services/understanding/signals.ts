import type { Hit } from './lexicon';

/**
 * The signal names the lexicons use (data/lexicons/README.md explains each). A message's hits are
 * reduced to the set of signals present, after negation has removed negated harms.
 */
export const SIGNALS = [
  // harms
  'hit', 'hit_now', 'confine', 'sexual', 'touch', 'bad_manner', 'marriage', 'child', 'minor_age', 'forced',
  'work', 'workplace', 'labour', 'traffick', 'take_away', 'lure', 'lure_place', 'missing', 'online', 'image', 'threat',
  'bully', 'school_actor', 'neglect', 'self_harm', 'harm_general', 'danger', 'life', 'end', 'comeback',
  // situation and intent cues
  'urgent', 'teacher_role', 'ask', 'service', 'counsellor', 'greeting', 'help', 'report', 'safe',
  'negation', 'year', 'object',
] as const;
export type Signal = (typeof SIGNALS)[number];

/** Harms a nearby negation cancels ("nobody is hitting me"); the others carry their own negation
 * ("I don't want to live", "he has not come home") and are never cancelled: a missed child is worse. */
const NEGATABLE = new Set<string>(['hit', 'hit_now', 'confine', 'touch', 'sexual', 'bully', 'danger', 'urgent', 'threat', 'safe']);
/** How far (in words, same clause) a negation reaches back and forward. */
const NEGATION_BEFORE = 2;
const NEGATION_AFTER = 1;

export type SignalSet = ReadonlySet<Signal>;

const KNOWN = new Set<string>(SIGNALS);

export function isSignal(name: string): name is Signal {
  return KNOWN.has(name);
}

/** How near a negation must be to a living word ("jeena nahi", "বাঁচতে চাই না") or a coming-back word. */
const LIFE_REACH = 4;

export function presentSignals(hits: Hit[]): Set<Signal> {
  const negations = hits.filter((h) => h.signal === 'negation');
  const ends = hits.filter((h) => h.signal === 'negation' || h.signal === 'end');
  // The teacher's own "I am a teacher" must not make a beating at home read as corporal punishment.
  const roles = hits.filter((h) => h.signal === 'teacher_role');
  const present = new Set<Signal>();
  for (const hit of hits) {
    if (NEGATABLE.has(hit.signal) && negations.some((n) => negates(n, hit))) continue;
    if (hit.signal === 'school_actor' && roles.some((r) => r.start <= hit.start && hit.end <= r.end)) continue;
    if (hit.signal === 'life' && ends.some((e) => near(e, hit))) present.add('self_harm');
    // "has not returned", "घर नहीं आया", "অহা নাই", "ফেরেনি": a coming-back word near a negation.
    if (hit.signal === 'comeback' && negations.some((n) => near(n, hit))) present.add('missing');
    present.add(hit.signal as Signal);
  }
  return present;
}

function near(a: Hit, b: Hit): boolean {
  return a.clause === b.clause && a !== b && Math.abs(a.start - b.start) <= LIFE_REACH && !(a.start === b.start && a.end === b.end);
}

function negates(negation: Hit, hit: Hit): boolean {
  if (negation.clause !== hit.clause) return false;
  if (negation.start >= hit.start && negation.end <= hit.end) return false; // part of the phrase itself
  return negation.end >= hit.start - NEGATION_BEFORE && negation.start <= hit.end + NEGATION_AFTER;
}
