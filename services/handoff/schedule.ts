/**
 * When counsellors are on duty, from HANDOFF_HOURS: "24x7" (the default), "08:00-20:00" (every
 * day) or "Mon-Sat 09:00-18:00", in India time (UTC+05:30, no daylight saving). A span may cross
 * midnight ("20:00-08:00"). Out of hours the request is still kept; the user is told plainly.
 */
export interface DutySchedule {
  isOpen(atMs: number): boolean;
  /** As configured, for the user: "Mon-Sat 09:00-18:00". */
  readonly text: string;
}

const IST_OFFSET_MS = 330 * 60 * 1000;
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const SPEC = /^(?:(Sun|Mon|Tue|Wed|Thu|Fri|Sat)(?:-(Sun|Mon|Tue|Wed|Thu|Fri|Sat))?\s+)?([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

/** Throws a one-line reason for a spec it cannot read (config validation uses it). */
export function parseDutySchedule(spec: string): DutySchedule {
  const text = spec.trim();
  if (text.toLowerCase() === '24x7') return { text, isOpen: () => true };
  const m = SPEC.exec(text);
  if (!m) throw new Error('must be 24x7, HH:MM-HH:MM or Mon-Sat HH:MM-HH:MM');
  const firstDay = m[1] ? DAYS.indexOf(m[1]) : 0;
  const lastDay = m[1] ? DAYS.indexOf(m[2] ?? m[1]) : 6;
  const from = Number(m[3]) * 60 + Number(m[4]);
  const to = Number(m[5]) * 60 + Number(m[6]);
  const dayIncluded = (day: number) => (firstDay <= lastDay ? day >= firstDay && day <= lastDay : day >= firstDay || day <= lastDay);
  return {
    text,
    isOpen(atMs) {
      const ist = new Date(atMs + IST_OFFSET_MS);
      const minute = ist.getUTCHours() * 60 + ist.getUTCMinutes();
      const day = ist.getUTCDay();
      if (from < to) return dayIncluded(day) && minute >= from && minute < to;
      // Across midnight: the late part belongs to the day it started, the early part to the day before.
      return (minute >= from && dayIncluded(day)) || (minute < to && dayIncluded((day + 6) % 7));
    },
  };
}
