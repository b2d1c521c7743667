import type { Hit } from './lexicon';

/**
 * The signal names the lexicons use (data/lexicons/README.md explains each). A message's hits are
 * reduced to the set of signals present, after negation has removed negated harms.
 */
export const SIGNALS = [
  // harms
  'hit', 'hit_now', 'confine', 'sexual', 'touch', 'bad_manner', 'marriage', 'own_marriage', 'child', 'minor_age', 'forced',
  'work', 'workplace', 'labour', 'traffick', 'take_away', 'lure', 'lure_place', 'missing', 'online', 'image', 'threat',
  'bully', 'school_actor', 'neglect', 'self_harm', 'harm_general', 'danger', 'life', 'end', 'comeback',
  // situation and intent cues
  'urgent', 'teacher_role', 'ask', 'service', 'counsellor', 'greeting', 'help', 'report', 'safe',
  'negation', 'year', 'object',
  // helpers read together by position: "I am a (class) teacher", "hits the ball", "hurt myself"
  'self', 'copula', 'role', 'game', 'reflexive',
  // "want to die", "মৰিব বিচাৰিছো", "मरना चाहती": a dying word near a wanting word; "an essay on child marriage": a topic
  'die', 'want', 'topic',
  // a cry for rescue on its own ("bachao", "sos", "বচাওক"); fear with a plea ("help me, i'm scared")
  'rescue', 'fear', 'plea',
  // "mar gaya main toh", "বুজি পোৱা নাই", "not suicidal": a harmless phrase that hides the harm words inside it
  'idiom',
  // "he doesn't hit me any more", "he's home now": a past harm that has stopped
  'resolved',
  // sexual abuse told without a sexual word: comes into my room at night, makes me do things and says not to tell
  'intrude', 'bed', 'night', 'secret', 'coerce',
  // "took a lot of my mom's pills", "আটাইবোৰ টেবলেট খাই পেলাম", "सारी गोलियां खा लीं": an overdose
  'pills', 'many', 'swallow',
  // "when i was 10", "সৰুতে", "बचपन में": a harm long past, so a "now" elsewhere in the line is not about it
  'past',
  // "tonight", "আজি", "aaj raat": within hours (a child's wedding today is an emergency, next month a report)
  'today',
  // "seniors in the hostel": older students; hitting by them is ragging (bullying), not a teacher's punishment
  'senior',
  // "mum hasn't come back", "মা-দেউতা": a parent (a parent away is neglect, not a missing child; a parent's beating is not the school's)
  'parent',
  // "he's at work now", "pitai ghorot nai": the one who hurt the child is away, so a "now" does not make an emergency
  'away',
  // ganja, glue to sniff, নিচা, গাঁজা: drugs given or sold to children (a concern, not trafficking)
  'drugs',
  // "shows us dirty videos on his phone", "beya photo dekhai": sexual material shown in person is sexual abuse
  'show',
  // school, স্কুল, स्कूल: "is a school allowed to cane a child" asked by a teacher is corporal punishment
  'school',
  // derived, not in lexicons: a hitting word within a few words of a school word, same clause ("may a school cane a child")
  'school_hit',
  // "menu", মেনু, मेनू: the menu is help even when asked with "where" ("menu tu kot pam")
  'menu',
  // "is forcing them onto a train", "गाड़ी में बैठा रहा", "জোৰকৈ গাড়ীত উঠাই আছে": children being taken away as we speak
  'taking_now',
  // "takes her to his room", "andar le jaata hai", "নিজৰ কোঠালৈ লৈ যায়": a child taken into a man's room (not a parent's)
  'lure_room',
  // "our cat hasn't come back", "কুকুৰটো হেৰাল": an animal, not a child, is missing (unless a child is named too)
  'animal',
  // "my stepfather is banging on my door", "sautela baap", "সৎ বাবা": someone of the child's household (danger from them at home is physical abuse)
  'household',
  // "legal age", "কানূন", "আইনত শাস্তি কিমান", "minimum age": a question about the law (of marriage, here)
  'law',
] as const;
export type Signal = (typeof SIGNALS)[number];

/** Harms a nearby negation cancels ("nobody is hitting me"); the others carry their own negation
 * ("I don't want to live", "he has not come home") and are never cancelled: a missed child is worse. */
const NEGATABLE = new Set<string>(['hit', 'hit_now', 'confine', 'touch', 'sexual', 'bully', 'danger', 'urgent', 'threat', 'safe', 'die', 'want', 'rescue', 'fear', 'plea', 'intrude', 'bed', 'coerce']);
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
/** "I am a (class) teacher", "মই এজন শিক্ষক", "আমি স্কুলের শিক্ষক": words from the pronoun to the role noun. */
const SELF_ROLE_REACH = 3;
/** "মই এখন হাইস্কুলৰ বিজ্ঞানৰ শিক্ষয়িত্ৰী,": farther, when a school is named between and the role ends the clause. */
const SELF_ROLE_FAR = 6;
/** "teacher hu", "school teacher hoon": words from the role noun to the copula. */
const ROLE_COPULA_REACH = 2;
/** "hits the ball", "beat me at chess", "गेंद को ज़ोर से मारा": a game word this near makes a plain hit no harm. */
const GAME_REACH = 4;
/** "hurt myself", "khud ko hurt", "নিজকে আঘাত": a harm this near a reflexive is self-harm. */
const REFLEXIVE_REACH = 3;
/** "i want to die", "মই মৰিবলৈ বিচাৰিছো", "मैं सच में मरना चाहती हूँ": words between a dying and a wanting word. */
const WANT_REACH = 3;
/** "gandi film", "dirty movie", "বেয়া ভিডিঅ'": a topic word this near a sexual word is the abuse itself, not a topic. */
const TOPIC_SEXUAL_REACH = 1;
/** "all my mom's pills": words from a quantity to the pills; and from the pills to a swallowing word either side. */
const MANY_PILLS_REACH = 4;
const SWALLOW_REACH = 4;

export function presentSignals(hits: Hit[]): Set<Signal> {
  const negations = hits.filter((h) => h.signal === 'negation');
  const ends = hits.filter((h) => h.signal === 'negation' || h.signal === 'end');
  // The teacher's own "I am a teacher" must not make a beating at home read as corporal punishment.
  const roles = [...hits.filter((h) => h.signal === 'teacher_role'), ...selfRoles(hits)];
  // "maths teacher" folds like "match": a game word inside a teacher's title is no game.
  const games = hits.filter((h) => h.signal === 'game' && !hits.some((o) => (o.signal === 'school_actor' || o.signal === 'role') && o.start <= h.start && h.end <= o.end));
  const reflexives = hits.filter((h) => h.signal === 'reflexive');
  const negatedItself = (h: Hit): boolean => NEGATABLE.has(h.signal) && negations.some((n) => negates(n, h));
  // "mar-pit nokore", "মাৰপিট নকৰাকৈ": a word inside a negated phrase is negated with it ("mar" inside "mar pit").
  const negated = (h: Hit): boolean =>
    negatedItself(h) || (NEGATABLE.has(h.signal) && hits.some((o) => o !== h && o.signal === h.signal && o.start <= h.start && h.end <= o.end && negatedItself(o)));
  const wants = hits.filter((h) => h.signal === 'want' && !negated(h));
  const sexualWords = hits.filter((h) => h.signal === 'sexual' || h.signal === 'bad_manner');
  const idioms = hits.filter((h) => h.signal === 'idiom');
  const manys = hits.filter((h) => h.signal === 'many');
  const swallows = hits.filter((h) => h.signal === 'swallow');
  const hasChild = hits.some((h) => h.signal === 'child');
  const schools = hits.filter((h) => h.signal === 'school');
  const present = new Set<Signal>();
  if (roles.length > 0) present.add('teacher_role');
  for (const hit of hits) {
    if (negated(hit)) continue;
    // "mar gaya main toh" (I'm done for), "বুজি পোৱা নাই" (I don't understand): the words inside say nothing.
    if (hit.signal !== 'idiom' && hit.signal !== 'negation' && idioms.some((i) => i.start <= hit.start && hit.end <= i.end && i.end - i.start >= hit.end - hit.start && i !== hit)) continue;
    // "gandi film", "dirty movie" is the abuse itself; "no news of him" is a missing child, not the news.
    if (hit.signal === 'topic' && (sexualWords.some((x) => within(x, hit, TOPIC_SEXUAL_REACH)) || hits.some((h) => h.signal !== 'topic' && h.signal !== 'negation' && h.start <= hit.start && hit.end <= h.end && h.end > h.start))) continue;
    // "i want to die", "মৰিবলৈ মন গৈছে", "मरना चाहती हूँ" ("I don't want to die" is negated above).
    if (hit.signal === 'die' && wants.some((w) => within(w, hit, WANT_REACH))) present.add('self_harm');
    if (hit.signal === 'school_actor' && roles.some((r) => r.start <= hit.start && hit.end <= r.end)) continue;
    // A plain hit near a ball or a game is sport ("beat me at chess"); the progressive stays a harm.
    if (hit.signal === 'hit' && games.some((g) => within(g, hit, GAME_REACH))) continue;
    // "কালকের খেলায় আমরা ওদের হারিয়েছি" (we beat them), "we lost the match": a lost game, unless a child is named.
    if (hit.signal === 'missing' && !hasChild && games.some((g) => within(g, hit, GAME_REACH))) continue;
    // "meri beti ka phone kho gaya", "মোৰ ভাইৰ বেগ হেৰাল", "her phone got lost": the thing right before the losing word is what is lost.
    if (hit.signal === 'missing' && hits.some((o) => o.signal === 'object' && o.clause === hit.clause && o.end < hit.start && hit.start - o.end <= 2)) continue;
    if ((hit.signal === 'hit' || hit.signal === 'hit_now') && schools.some((w) => within(w, hit, GAME_REACH))) present.add('school_hit');
    if ((hit.signal === 'hit' || hit.signal === 'hit_now') && reflexives.some((r) => within(r, hit, REFLEXIVE_REACH))) {
      present.add('self_harm');
    }
    if (
      hit.signal === 'pills' &&
      manys.some(
        (m) =>
          // "all my pills", or after them: "টোপনিৰ দৰব সকলোবোৰ খাই দিম", "गोलियां सारी खा लीं"
          m.clause === hit.clause && (m.end < hit.start ? hit.start - m.end : m.start - hit.end) <= MANY_PILLS_REACH && (m.end < hit.start || m.start > hit.end) &&
          swallows.some((w) => within(w, hit, SWALLOW_REACH) || within(w, m, SWALLOW_REACH)),
      )
    ) {
      present.add('self_harm');
    }
    if (hit.signal === 'life' && ends.some((e) => near(e, hit))) present.add('self_harm');
    // "has not returned", "घर नहीं आया", "অহা নাই", "ফেরেনি": a coming-back word near a negation.
    if (hit.signal === 'comeback' && negations.some((n) => near(n, hit))) present.add('missing');
    present.add(hit.signal as Signal);
  }
  return present;
}

/** A role noun after "I am"/"মই"/"আমি" (or before "हूँ"/"hoon"): the speaker's own role, as a span from pronoun to copula. */
function selfRoles(hits: Hit[]): Hit[] {
  const spans: Hit[] = [];
  for (const role of hits) {
    if (role.signal !== 'role') continue;
    const self =
      hits.find((h) => h.signal === 'self' && h.clause === role.clause && h.end < role.start && role.start - h.end <= SELF_ROLE_REACH) ??
      // "মই চাহ বাগিচাৰ এখন স্কুলৰ শিক্ষক, ...", "moi primary school r headmaster, ...": the school named between, and the
      // role closing its clause ("moi aji school r teacher k kolu je ..." goes on, so it is someone else's teacher).
      hits.find(
        (h) =>
          h.signal === 'self' && h.clause === role.clause && h.end < role.start && role.start - h.end <= SELF_ROLE_FAR &&
          hits.some((w) => w.signal === 'school' && w.start > h.end && w.end < role.start) &&
          !hits.some((o) => o.clause === role.clause && o.start > role.end),
      );
    const copula = hits.find((h) => h.signal === 'copula' && h.clause === role.clause && h.start > role.end && h.start - role.end <= ROLE_COPULA_REACH);
    if (self || copula) spans.push({ signal: 'teacher_role', start: self ? self.start : role.start, end: copula ? copula.end : role.end, clause: role.clause });
  }
  return spans;
}

/** Same clause, and the gap between the two phrases at most `reach` words. */
function within(a: Hit, b: Hit, reach: number): boolean {
  if (a.clause !== b.clause) return false;
  const gap = a.start > b.end ? a.start - b.end : b.start > a.end ? b.start - a.end : 0;
  return gap <= reach;
}

function near(a: Hit, b: Hit): boolean {
  return a.clause === b.clause && a !== b && Math.abs(a.start - b.start) <= LIFE_REACH && !(a.start === b.start && a.end === b.end);
}

function negates(negation: Hit, hit: Hit): boolean {
  if (negation.clause !== hit.clause) return false;
  if (negation.start >= hit.start && negation.end <= hit.end) return false; // part of the phrase itself
  return negation.end >= hit.start - NEGATION_BEFORE && negation.start <= hit.end + NEGATION_AFTER;
}
