/**
 * The business calendar contract (contracts/calendar.ts): time zone, weekend
 * days, holidays, make-up working days (调休), end of business.
 */
import { BusinessCalendar, DEFAULT_CALENDAR, SNAPSHOT_DAYS } from '../../contracts/calendar';

const calendar = (change: Record<string, unknown>): unknown => ({ ...DEFAULT_CALENDAR, ...change });

describe('the default business calendar', () => {
  it('is Asia/Shanghai, Saturday and Sunday off, end of business 18:00 (process.md "Working days")', () => {
    expect(DEFAULT_CALENDAR).toEqual({
      timeZone: 'Asia/Shanghai',
      weekendDays: [6, 7],
      holidays: [],
      makeUpWorkingDays: [],
      endOfBusiness: '18:00',
    });
  });

  it('passes the schema', () => {
    expect(BusinessCalendar.safeParse(DEFAULT_CALENDAR).success).toBe(true);
  });

  it('is snapshotted for 400 days', () => {
    expect(SNAPSHOT_DAYS).toBe(400);
  });
});

describe('the BusinessCalendar schema', () => {
  it('accepts a calendar with holidays and make-up working days', () => {
    const parsed = BusinessCalendar.safeParse(
      calendar({
        holidays: ['2026-10-01', '2026-10-02', '2026-10-05'],
        makeUpWorkingDays: ['2026-09-20', '2026-10-10'],
        endOfBusiness: '17:30',
      }),
    );
    expect(parsed.success).toBe(true);
  });

  it('accepts other IANA time zones', () => {
    for (const timeZone of ['Europe/Berlin', 'UTC', 'America/New_York', 'Asia/Hong_Kong']) {
      expect([timeZone, BusinessCalendar.safeParse(calendar({ timeZone })).success]).toEqual([timeZone, true]);
    }
  });

  it('rejects an unknown time zone', () => {
    const parsed = BusinessCalendar.safeParse(calendar({ timeZone: 'Asia/Atlantis' }));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['timeZone']);
    expect(parsed.error?.issues[0]?.message).toBe('unknown IANA time zone');
    expect(BusinessCalendar.safeParse(calendar({ timeZone: '' })).success).toBe(false);
  });

  it('accepts end of business from 00:00 to 23:59', () => {
    for (const endOfBusiness of ['00:00', '09:05', '18:00', '19:59', '23:59']) {
      expect([endOfBusiness, BusinessCalendar.safeParse(calendar({ endOfBusiness })).success]).toEqual([endOfBusiness, true]);
    }
  });

  it('rejects an end of business that is not a local HH:MM time', () => {
    for (const endOfBusiness of ['24:00', '18:60', '6:00', '18', '18:00:00', '6pm', '']) {
      expect([endOfBusiness, BusinessCalendar.safeParse(calendar({ endOfBusiness })).success]).toEqual([endOfBusiness, false]);
    }
  });

  it('rejects weekend days outside ISO weekdays 1–7', () => {
    expect(BusinessCalendar.safeParse(calendar({ weekendDays: [0, 6] })).success).toBe(false);
    expect(BusinessCalendar.safeParse(calendar({ weekendDays: [6, 8] })).success).toBe(false);
    expect(BusinessCalendar.safeParse(calendar({ weekendDays: [5.5] })).success).toBe(false);
    expect(BusinessCalendar.safeParse(calendar({ weekendDays: [5, 6] })).success).toBe(true);
    expect(BusinessCalendar.safeParse(calendar({ weekendDays: [] })).success).toBe(true);
  });

  it('rejects holidays and make-up days that are not ISO dates', () => {
    expect(BusinessCalendar.safeParse(calendar({ holidays: ['2026-02-30'] })).success).toBe(false);
    expect(BusinessCalendar.safeParse(calendar({ holidays: ['2026-10-1'] })).success).toBe(false);
    expect(BusinessCalendar.safeParse(calendar({ holidays: ['2026/10/01'] })).success).toBe(false);
    expect(BusinessCalendar.safeParse(calendar({ makeUpWorkingDays: ['2026-13-01'] })).success).toBe(false);
    expect(BusinessCalendar.safeParse(calendar({ holidays: ['2028-02-29'] })).success).toBe(true);
  });

  it('rejects a day that is both a holiday and a make-up working day', () => {
    const parsed = BusinessCalendar.safeParse(
      calendar({ holidays: ['2026-10-01', '2026-10-10'], makeUpWorkingDays: ['2026-09-20', '2026-10-10'] }),
    );
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['makeUpWorkingDays']);
    expect(parsed.error?.issues[0]?.message).toMatch(/both a holiday and a make-up working day/);
  });

  it('rejects a calendar missing a field', () => {
    const { endOfBusiness: _e, ...withoutEnd } = DEFAULT_CALENDAR;
    expect(BusinessCalendar.safeParse(withoutEnd).success).toBe(false);
    const { holidays: _h, ...withoutHolidays } = DEFAULT_CALENDAR;
    expect(BusinessCalendar.safeParse(withoutHolidays).success).toBe(false);
  });

  it('refuses a calendar without a single working weekday', () => {
    const result = BusinessCalendar.safeParse({ ...DEFAULT_CALENDAR, weekendDays: [1, 2, 3, 4, 5, 6, 7] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain('weekendDays');
  });
});
