import type { Activity } from 'botbuilder';
import { toGeoPoint, type GeoPoint } from '../../services/directory/geo';

/** One user turn as the report reads it. */
export interface Answer {
  /** A button's stable value (`report:...`), when the turn carries one. */
  value?: string;
  /** What was typed, trimmed (a button's value when it came as text). */
  text: string;
  /** A shared location (a Bot Framework GeoCoordinates entity). */
  point?: GeoPoint;
  /** A picture, video or file came: never kept, and the user is told not to send one. */
  media: boolean;
  /** Whole-message words for the dialog's own commands. */
  command?: 'back' | 'cancel' | 'resume';
}

/** The dialog's own commands in the three languages, written or romanised (whole messages only). */
const WORDS: Record<NonNullable<Answer['command']>, string[]> = {
  back: ['back', 'go back', 'previous', 'পিছলৈ', 'উভতি যাওক', 'pisoloi', 'pichhe', 'पीछे', 'वापस', 'peeche', 'piche', 'wapas', 'vapas'],
  cancel: ['cancel', 'stop report', 'বাতিল', 'বাতিল কৰক', 'batil', 'रद्द', 'रद्द करो', 'radd', 'cancel karo'],
  resume: ['continue', 'go on', 'আগবাঢ়ক', 'agbarhok', 'जारी रखें', 'aage', 'jari'],
};

/** Short yes and no, typed in the three languages (whole messages only). */
const YES_NO: Record<'yes' | 'no', string[]> = {
  yes: ['yes', 'y', 'ok', 'okay', 'হয়', 'hoy', 'hoi', 'হ', 'हाँ', 'हां', 'haan', 'han', 'ha', 'ji', 'जी'],
  no: ['no', 'n', 'nahi', 'nahin', 'नहीं', 'नही', 'না', 'নহয়', 'nohoy', 'nohoi', 'na'],
};

/** A typed yes or no, for the questions that are one. */
export function yesOrNo(text: string): 'yes' | 'no' | undefined {
  const phrase = folded(text);
  return (['yes', 'no'] as const).find((word) => YES_NO[word].some((w) => folded(w) === phrase));
}

const COMMAND_VALUES: Record<string, Answer['command']> = { 'report:back': 'back', 'report:cancel': 'cancel', 'report:resume': 'resume' };

/** Lower case, NFC, trailing punctuation gone: how typed words are compared with labels and commands. */
export function folded(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\u200c\u200d]/g, '')
    .replace(/[\s.!?।,;:'"()]+$/u, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export function readAnswer(activity: Partial<Activity>): Answer {
  const text = typeof activity.text === 'string' ? activity.text.trim() : '';
  const raw = typeof activity.value === 'string' ? activity.value : text;
  const value = raw.startsWith('report:') ? raw : undefined;
  const phrase = folded(text);
  const command =
    (value ? COMMAND_VALUES[value] : undefined) ??
    (Object.keys(WORDS) as NonNullable<Answer['command']>[]).find((c) => WORDS[c].includes(phrase));
  const geo = (activity.entities ?? []).find((e) => e.type === 'GeoCoordinates') as { latitude?: unknown; longitude?: unknown } | undefined;
  const point = geo ? toGeoPoint(geo.latitude, geo.longitude) : undefined;
  const media = (activity.attachments ?? []).length > 0;
  return { value, text, point, media, command };
}
