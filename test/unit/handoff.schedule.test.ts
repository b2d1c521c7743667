import { parseDutySchedule } from '../../services/handoff/schedule';

/** A moment given in India time (UTC+05:30). */
const ist = (iso: string): number => Date.parse(`${iso}+05:30`);

describe('counsellors\' duty hours (HANDOFF_HOURS, India time)', () => {
  it('is always open for 24x7', () => {
    expect(parseDutySchedule('24x7').isOpen(ist('2026-12-06T03:00:00'))).toBe(true);
  });

  it('reads a daily span, open at its start and closed at its end', () => {
    const s = parseDutySchedule('08:00-20:00');
    expect(s.isOpen(ist('2026-12-05T07:59:00'))).toBe(false);
    expect(s.isOpen(ist('2026-12-05T08:00:00'))).toBe(true);
    expect(s.isOpen(ist('2026-12-05T19:59:00'))).toBe(true);
    expect(s.isOpen(ist('2026-12-05T20:00:00'))).toBe(false);
  });

  it('reads days: Mon-Sat is closed on Sunday', () => {
    const s = parseDutySchedule('Mon-Sat 09:00-18:00');
    expect(s.isOpen(ist('2026-12-05T10:00:00'))).toBe(true); // a Saturday
    expect(s.isOpen(ist('2026-12-06T10:00:00'))).toBe(false); // a Sunday
    expect(s.text).toBe('Mon-Sat 09:00-18:00');
  });

  it('lets a night span cross midnight, belonging to the day it starts', () => {
    const s = parseDutySchedule('Fri 20:00-08:00');
    expect(s.isOpen(ist('2026-12-04T21:00:00'))).toBe(true); // Friday night
    expect(s.isOpen(ist('2026-12-05T07:00:00'))).toBe(true); // early Saturday, still Friday's shift
    expect(s.isOpen(ist('2026-12-05T21:00:00'))).toBe(false); // Saturday night
  });

  it.each(['', 'always', '8-20', '25:00-26:00', 'Funday 08:00-20:00'])('refuses %j with a reason', (spec) => {
    expect(() => parseDutySchedule(spec)).toThrow(/24x7/);
  });
});
