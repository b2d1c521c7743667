import type { Signal, SignalSet } from './signals';
import type { Category, Intent, Risk } from './types';

/**
 * From the signals of one message to intent, risk and category: the taxonomy's rules written down.
 * Pure functions of the signal set, so each rule can be read (and tested) on its own.
 */

const has = (s: SignalSet, ...names: Signal[]): boolean => names.some((n) => s.has(n));

/** What the ages written in a message say: a child's age, or only adults' ages ("she is 25"). */
export interface Ages {
  minor: boolean;
  adultOnly: boolean;
}

/** Harms that an essay, a film or the news may be about: named as a topic they are no case. Violence told in the
 * progressive, threats and self-harm stay (a child who watched a film can still be in danger). */
const TOPICAL = new Set<Category>(['sexual_abuse', 'child_marriage', 'child_labour', 'trafficking', 'missing_child', 'online_abuse', 'other']);

/** Harms that can be over and done with ("no longer", "came back home"). */
const RESOLVABLE = new Set<Category>(['physical_abuse', 'corporal_punishment', 'bullying', 'missing_child']);

/** The harm a message names, by the taxonomy's tie-break rules; null when none, or when it is only the topic of
 * an essay, a film or the news ("a project on child marriage", "the news said a child went missing"). */
export function categoryOf(s: SignalSet, ages: Ages): Category | null {
  const category = harmOf(s, ages);
  // A child of a stated age in a question about the law ("she is 15, what is the legal age?") is a case, not a topic.
  const minorCase = category === 'child_marriage' && ages.minor;
  if (category !== null && s.has('topic') && TOPICAL.has(category) && !has(s, 'hit_now', 'threat') && !minorCase) return null;
  // "what is the legal age of marriage?", "বাল্যবিবাহ নিষেধ আইনত শাস্তি কিমান?": a question about the marriage law, with no child
  // of a stated age, no force and no wedding of one's own, is no case. Other harms asked about under the law stay cases
  // ("he touched me, is that illegal?").
  if (category === 'child_marriage' && s.has('law') && !ages.minor && !has(s, 'forced', 'own_marriage', 'today')) return null;
  // "he used to beat me, he doesn't any more", "he went missing but he's home now": a harm that has stopped.
  if (category !== null && s.has('resolved') && RESOLVABLE.has(category) && !has(s, 'hit_now', 'danger')) return null;
  return category;
}

function harmOf(s: SignalSet, ages: Ages): Category | null {
  if (s.has('self_harm')) return 'self_harm';
  const online = s.has('online');
  const sexual =
    s.has('sexual') ||
    (s.has('touch') && has(s, 'bad_manner', 'night', 'secret')) ||
    // "comes into my room and shuts the door", "into my room at night and i am scared", "into my bed at night", "makes me do things and says not to tell anyone"
    (has(s, 'intrude', 'bed', 'coerce') && (has(s, 'secret', 'bad_manner') || (s.has('night') && has(s, 'bed', 'fear', 'harm_general')))) ||
    // "takes her to his room and she cries", "comes into my room, i am scared"
    (s.has('intrude') && s.has('fear')) ||
    // "her uncle takes her to his room", "chocolate dekar andar le jaata hai": a parent's own room is left out
    (s.has('lure_room') && !s.has('parent')) ||
    // "i was abused by my tutor ... i never told anyone": abuse kept secret
    (s.has('harm_general') && s.has('secret') && !has(s, 'hit', 'hit_now', 'confine'));
  // "shows us dirty videos on his phone": sexual material shown to a child in person is sexual abuse, not online abuse.
  if (sexual && s.has('show') && !s.has('threat')) return 'sexual_abuse';
  // Harm through a phone or the internet is online abuse, sexual or not.
  if (online && (sexual || has(s, 'image', 'threat', 'bully'))) return 'online_abuse';
  if (s.has('image') && s.has('threat')) return 'online_abuse';
  if (sexual) return 'sexual_abuse';
  // "married off by force at 15": a child marriage, even when a take-away word is in the line, unless sold or lured.
  // "papa meri shaadi kar rahe hain", "মোৰ বিয়া দিব": one's own marriage being arranged, told to a
  // child helpline, is taken as a child's unless an adult age is given (a false alarm is the safer mistake).
  const childMarriage =
    (s.has('marriage') || s.has('own_marriage')) && (ages.minor || s.has('forced') || (!ages.adultOnly && has(s, 'child', 'own_marriage')));
  if (childMarriage && !has(s, 'traffick', 'lure')) return 'child_marriage';
  if (isTrafficking(s)) return 'trafficking';
  // "my phone is lost" is not a missing child; "he has not come home" is, even with no child word.
  // ... but "has not come back, his phone is off" is (a person comes back, a phone does not).
  // A parent named with the child's neglect: "mum hasn't come back for 3 days, there's no food", "parents have gone out to
  // work, the little ones are alone with no food". The parent is away, not a missing child; the work is theirs, not child labour.
  const parentAway = s.has('parent') && s.has('neglect');
  const animalOnly = s.has('animal') && !s.has('child');
  if (s.has('missing') && !(s.has('object') && !has(s, 'child', 'comeback')) && !parentAway && !animalOnly) return 'missing_child';
  if (childMarriage) return 'child_marriage';
  const hit = has(s, 'hit', 'hit_now');
  // "maa chai bagan me kaam pe jaati hai": a parent's own work at a workplace is no child labour.
  const parentWorks = s.has('parent') && !s.has('child') && !ages.minor;
  // "bor class r lora bur e mok toilet t bondho kori thoi diye": older pupils locking a child in is ragging too.
  if ((hit || s.has('confine')) && s.has('senior')) return 'bullying';
  if (hit && s.has('school_actor')) return 'corporal_punishment';
  // "boys washing dishes at the dhaba till midnight, the owner hits them": a working child beaten at work is child labour
  // (a beating told in the progressive stays physical abuse, an emergency).
  if (hit && !s.has('hit_now') && (s.has('labour') || (s.has('work') && s.has('workplace') && !parentWorks)) && !s.has('parent')) return 'child_labour';
  // "I'm a principal, may a school cane a child?": a teacher asking about hitting at school (not at home).
  if (hit && s.has('teacher_role') && s.has('school_hit') && !s.has('parent')) return 'corporal_punishment';
  if (s.has('bully')) return 'bullying';
  if (hit || s.has('confine')) return 'physical_abuse';
  if (s.has('labour') || (s.has('work') && !parentAway && ((s.has('workplace') && !parentWorks) || s.has('child') || ages.minor))) return 'child_labour';
  // "a 12-year-old at the brick kiln / tea garden all day": a child of a stated age at a workplace.
  if (s.has('workplace') && s.has('child') && ages.minor) return 'child_labour';
  if (s.has('neglect')) return 'neglect';
  // "older boys give the small kids glue to sniff", "bachon ko ganja pilate": drugs given to children.
  if (s.has('drugs') && (s.has('child') || ages.minor) && !s.has('service')) return 'other';
  // "my stepfather is banging on my door shouting he will kill me", "stepdad has a knife": danger at home from the household.
  if (s.has('danger') && (s.has('household') || s.has('parent')) && !has(s, 'safe', 'topic')) return 'physical_abuse';
  if (has(s, 'harm_general', 'danger') && !s.has('safe')) return 'other';
  return null;
}

/** Sold, abducted, or taken away with a lure (a job, a city) or by force; or lured away and now unreachable. */
function isTrafficking(s: SignalSet): boolean {
  // "sells drugs to children": selling drugs is not selling a child.
  if (s.has('traffick') && !s.has('drugs')) return true;
  // "a woman is putting five small girls on the bus, they are scared", "they don't seem to know him": children being
  // taken away as it is told, frightened, forced or by a stranger, and no parent named.
  if (s.has('taking_now') && s.has('child') && has(s, 'fear', 'forced', 'lure') && !s.has('parent')) return true;
  // "papa mujhe delhi le ja rahe hain": a parent taking a child to a city is no bait; a job still is.
  const lured = s.has('lure') || (s.has('lure_place') && !s.has('parent'));
  if (s.has('take_away') && (lured || s.has('forced'))) return true;
  // "মা-দেউতা কামলৈ বাহিৰলৈ গৈছে, সৰু ভাই-ভনী অকলে আছে": the parents gone out to work is no lure for the children.
  if (s.has('parent') && has(s, 'neglect', 'away') && !s.has('take_away')) return false;
  return s.has('lure') && s.has('lure_place') && has(s, 'missing', 'child');
}

/** Categories the taxonomy counts as high risk whatever the tense. */
const ALWAYS_HIGH = new Set<Category>(['self_harm', 'sexual_abuse', 'trafficking', 'missing_child', 'child_marriage']);

/** Danger under way: a harm plus "now"/"help me", or violence told in the progressive ("is beating me"). */
export function isEmergency(s: SignalSet, category: Category | null): boolean {
  if (category === 'self_harm') return true;
  if (s.has('safe')) return false;
  if (s.has('danger') && !(s.has('topic') && category === null)) return true;
  // "bachao!", "sos", "বচাওক": a cry for rescue is an emergency on its own; so is fear with a plea for help.
  if ((s.has('rescue') || (s.has('fear') && s.has('plea'))) && !s.has('topic') && !s.has('resolved') && category !== 'missing_child') return true;
  // A child's wedding tonight is danger within hours.
  if (category === 'child_marriage' && s.has('today') && !s.has('past')) return true;
  if (category === null || category === 'online_abuse' || category === 'missing_child' || category === 'child_marriage') {
    return false;
  }
  if (s.has('hit_now')) return true;
  // Locked in and not fed: under way now.
  if (s.has('confine') && s.has('neglect')) return true;
  // Children being taken away now ("is dragging them", "জোৰকৈ গাড়ীত উঠাই আছে"): by force, crying, or with no bait named.
  // Taken now with a job as bait and no force or crying ("ले जा रही है, नौकरी दिलाएगी") stays a report, below.
  if (category === 'trafficking' && s.has('taking_now') && !s.has('past') && (has(s, 'forced', 'fear') || !has(s, 'lure', 'lure_place'))) return true;
  // Taken away with a job or a city as bait, and no force: a report (the child is gone, not being seized now).
  if (category === 'trafficking' && has(s, 'lure', 'lure_place') && !s.has('forced')) return false;
  // "he touched me when i was 10 ... i'm 17 now": the "now" is not about the harm.
  if (s.has('past')) return false;
  // "he beat me yesterday, he's at work now": the one who hurt the child is away, the "now" is not danger.
  // "boys wash dishes till late at night, the owner hits them": a working child's beating is told as a habit, not as danger now.
  if (category === 'child_labour') return false;
  return s.has('urgent') && !s.has('away') && has(s, 'hit', 'confine', 'sexual', 'touch', 'traffick', 'take_away', 'harm_general');
}

export function riskOf(s: SignalSet, category: Category | null, emergency: boolean): Risk {
  if (emergency) return 'high';
  if (category && ALWAYS_HIGH.has(category)) return 'high';
  // Online abuse is high when it is sexual exploitation: images, threats, blackmail.
  if (category === 'online_abuse' && has(s, 'image', 'threat', 'sexual')) return 'high';
  return 'normal';
}

export function intentOf(s: SignalSet, category: Category | null, emergency: boolean): Intent {
  // "my student just messaged me that she has taken rat poison, I'm a teacher": a harm happening now is an emergency
  // even when a teacher asks; a student's words of dying, a beating told by a teacher, stay guidance.
  if (emergency && s.has('teacher_role') && (has(s, 'hit_now', 'taking_now', 'rescue') || (category === 'self_harm' && s.has('swallow')))) return 'emergency';
  if (s.has('teacher_role') && (category !== null || s.has('ask'))) return 'teacher_guidance';
  if (emergency) return 'emergency';
  if (category !== null) return 'report_concern';
  // "i'm safe now, the police took him", "counselling ke baad sab theek hai": telling, not asking for a service.
  const settled = has(s, 'safe', 'resolved') && !s.has('ask');
  if (s.has('menu') && !s.has('topic')) return 'help';
  if (s.has('counsellor') && !settled) return 'talk_to_counsellor';
  if (has(s, 'service') && !settled) return 'find_services';
  // "help with my essay on child trafficking" is homework, not the menu.
  if (s.has('help') && !s.has('topic')) return 'help';
  if (s.has('report')) return 'report_concern';
  if (s.has('teacher_role') && s.has('ask')) return 'teacher_guidance';
  if (s.has('greeting')) return 'greeting';
  return 'other';
}
