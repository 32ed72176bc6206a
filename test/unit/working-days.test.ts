/**
 * Working-day arithmetic (process.md "Working days"): "N working days after
 * t" is the end of business (default 18:00 local) of the N-th working day
 * strictly after the local date of t; zero days is the first end of
 * business still to come on a working day. Every expected instant below is
 * worked out by hand and written with its local offset.
 */
import { DEFAULT_CALENDAR } from '../../contracts/calendar';
import { addWorkingDays, dueAt, isWorkingDay, localDate, toZonedIso, zonedInstant, type WorkingCalendar } from '../../rules/working-days';

const at = (iso: string): Date => new Date(iso);
/** Instants are compared as UTC ISO strings; expectations are written with their local offset. */
const iso = (d: Date): string => d.toISOString();
const instant = (s: string): string => new Date(s).toISOString();

const shanghai: WorkingCalendar = { ...DEFAULT_CALENDAR };

/**
 * A calendar with a (synthetic) National Day golden week: Thursday
 * 2026-10-01 to Wednesday 2026-10-07 off, with make-up working days on
 * Sunday 2026-09-20 and Saturday 2026-10-10 (调休).
 */
const goldenWeek: WorkingCalendar = {
  ...DEFAULT_CALENDAR,
  holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  makeUpWorkingDays: ['2026-09-20', '2026-10-10'],
};

describe('localDate: the local calendar date of an instant', () => {
  it('is the Shanghai date, which runs eight hours ahead of UTC', () => {
    expect(localDate(at('2026-11-27T15:59:59.999Z'), 'Asia/Shanghai')).toBe('2026-11-27');
    expect(localDate(at('2026-11-27T16:00:00.000Z'), 'Asia/Shanghai')).toBe('2026-11-28');
    expect(localDate(at('2026-11-27T00:30:00+08:00'), 'Asia/Shanghai')).toBe('2026-11-27');
  });

  it('is the UTC date in UTC', () => {
    expect(localDate(at('2026-11-27T23:59:59Z'), 'UTC')).toBe('2026-11-27');
    expect(localDate(at('2026-11-28T00:00:00Z'), 'UTC')).toBe('2026-11-28');
  });

  it('lags behind UTC in New York', () => {
    expect(localDate(at('2026-11-28T03:00:00Z'), 'America/New_York')).toBe('2026-11-27');
    expect(localDate(at('2026-07-01T03:59:00Z'), 'America/New_York')).toBe('2026-06-30');
    expect(localDate(at('2026-07-01T04:00:00Z'), 'America/New_York')).toBe('2026-07-01');
  });

  it('crosses the year end where the zone does', () => {
    expect(localDate(at('2026-12-31T16:00:00Z'), 'Asia/Shanghai')).toBe('2027-01-01');
    expect(localDate(at('2026-12-31T15:59:59Z'), 'Asia/Shanghai')).toBe('2026-12-31');
    expect(localDate(at('2026-12-31T10:00:00Z'), 'Pacific/Kiritimati')).toBe('2027-01-01');
  });

  it('follows Berlin’s summer time', () => {
    // 2026-03-29 01:00Z is 03:00 CEST; 2026-10-25 22:30Z is 23:30 CET.
    expect(localDate(at('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe('2026-03-29');
    expect(localDate(at('2026-03-28T22:59:00Z'), 'Europe/Berlin')).toBe('2026-03-28');
    expect(localDate(at('2026-06-30T22:00:00Z'), 'Europe/Berlin')).toBe('2026-07-01');
    expect(localDate(at('2026-10-25T22:30:00Z'), 'Europe/Berlin')).toBe('2026-10-25');
    expect(localDate(at('2026-10-25T23:00:00Z'), 'Europe/Berlin')).toBe('2026-10-26');
  });
});

describe('zonedInstant: a local date and wall-clock time in a zone', () => {
  it('is 18:00 Shanghai time at 10:00 UTC', () => {
    expect(iso(zonedInstant('2026-11-30', '18:00', 'Asia/Shanghai'))).toBe(instant('2026-11-30T18:00:00+08:00'));
    expect(iso(zonedInstant('2026-11-30', '18:00', 'Asia/Shanghai'))).toBe('2026-11-30T10:00:00.000Z');
  });

  it('is the wall-clock time itself in UTC', () => {
    expect(iso(zonedInstant('2026-01-01', '00:00', 'UTC'))).toBe('2026-01-01T00:00:00.000Z');
    expect(iso(zonedInstant('2026-12-31', '23:59', 'UTC'))).toBe('2026-12-31T23:59:00.000Z');
  });

  it('uses the offset Berlin has on that date, before and after each summer-time change', () => {
    expect(iso(zonedInstant('2026-03-27', '18:00', 'Europe/Berlin'))).toBe(instant('2026-03-27T18:00:00+01:00'));
    expect(iso(zonedInstant('2026-03-29', '18:00', 'Europe/Berlin'))).toBe(instant('2026-03-29T18:00:00+02:00'));
    expect(iso(zonedInstant('2026-03-30', '18:00', 'Europe/Berlin'))).toBe(instant('2026-03-30T18:00:00+02:00'));
    expect(iso(zonedInstant('2026-10-24', '18:00', 'Europe/Berlin'))).toBe(instant('2026-10-24T18:00:00+02:00'));
    expect(iso(zonedInstant('2026-10-25', '18:00', 'Europe/Berlin'))).toBe(instant('2026-10-25T18:00:00+01:00'));
  });

  it('uses the offset New York has on that date, also in the small hours around a change', () => {
    expect(iso(zonedInstant('2026-07-01', '09:30', 'America/New_York'))).toBe(instant('2026-07-01T09:30:00-04:00'));
    expect(iso(zonedInstant('2026-12-01', '09:30', 'America/New_York'))).toBe(instant('2026-12-01T09:30:00-05:00'));
    // Summer time starts 2026-03-08 at 02:00 EST; 03:30 is already EDT.
    expect(iso(zonedInstant('2026-03-08', '01:30', 'America/New_York'))).toBe(instant('2026-03-08T01:30:00-05:00'));
    expect(iso(zonedInstant('2026-03-08', '03:30', 'America/New_York'))).toBe(instant('2026-03-08T03:30:00-04:00'));
    // Summer time ends 2026-11-01 at 02:00 EDT; 02:30 is EST.
    expect(iso(zonedInstant('2026-11-01', '00:30', 'America/New_York'))).toBe(instant('2026-11-01T00:30:00-04:00'));
    expect(iso(zonedInstant('2026-11-01', '02:30', 'America/New_York'))).toBe(instant('2026-11-01T02:30:00-05:00'));
  });

  it('uses the offset Sydney has on the eve of its summer time (first Sunday of October)', () => {
    expect(iso(zonedInstant('2026-10-03', '18:00', 'Australia/Sydney'))).toBe(instant('2026-10-03T18:00:00+10:00'));
    expect(iso(zonedInstant('2026-10-04', '18:00', 'Australia/Sydney'))).toBe(instant('2026-10-04T18:00:00+11:00'));
  });

  it('gives back the same local date when read with localDate', () => {
    const cases: Array<[string, string, string]> = [
      ['2026-11-30', '18:00', 'Asia/Shanghai'],
      ['2026-11-30', '00:00', 'Asia/Shanghai'],
      ['2026-03-29', '18:00', 'Europe/Berlin'],
      ['2026-10-25', '23:59', 'Europe/Berlin'],
      ['2026-11-01', '00:30', 'America/New_York'],
      ['2027-01-01', '00:00', 'Pacific/Kiritimati'],
    ];
    for (const [date, time, zone] of cases) {
      expect([date, time, zone, localDate(zonedInstant(date, time, zone), zone)]).toEqual([date, time, zone, date]);
    }
  });
});

describe('isWorkingDay', () => {
  it('is Monday to Friday with the default calendar, not Saturday or Sunday', () => {
    expect(isWorkingDay('2026-11-23', shanghai)).toBe(true); // Monday
    expect(isWorkingDay('2026-11-27', shanghai)).toBe(true); // Friday
    expect(isWorkingDay('2026-11-28', shanghai)).toBe(false); // Saturday
    expect(isWorkingDay('2026-11-29', shanghai)).toBe(false); // Sunday
  });

  it('is not a public holiday that falls on a weekday', () => {
    expect(isWorkingDay('2026-10-01', goldenWeek)).toBe(false); // Thursday
    expect(isWorkingDay('2026-10-07', goldenWeek)).toBe(false); // Wednesday
    expect(isWorkingDay('2026-10-08', goldenWeek)).toBe(true); // Thursday after the holiday
  });

  it('is a make-up working day (调休) although it is a Saturday or Sunday', () => {
    expect(isWorkingDay('2026-09-20', goldenWeek)).toBe(true); // Sunday
    expect(isWorkingDay('2026-10-10', goldenWeek)).toBe(true); // Saturday
    expect(isWorkingDay('2026-10-11', goldenWeek)).toBe(false); // the ordinary Sunday after it
  });

  it('follows the calendar’s own weekend days', () => {
    const fridaySaturday: WorkingCalendar = { ...DEFAULT_CALENDAR, weekendDays: [5, 6] };
    expect(isWorkingDay('2026-11-27', fridaySaturday)).toBe(false); // Friday
    expect(isWorkingDay('2026-11-28', fridaySaturday)).toBe(false); // Saturday
    expect(isWorkingDay('2026-11-29', fridaySaturday)).toBe(true); // Sunday
    const everyDay: WorkingCalendar = { ...DEFAULT_CALENDAR, weekendDays: [] };
    expect(isWorkingDay('2026-11-28', everyDay)).toBe(true);
  });

  describe('with a snapshot ending at `to`', () => {
    const snapshot: WorkingCalendar = {
      ...DEFAULT_CALENDAR,
      holidays: ['2026-12-31', '2027-01-01'],
      makeUpWorkingDays: ['2026-12-27', '2027-01-09'],
      to: '2026-12-31',
    };

    it('honours holidays and make-up days up to and including `to`', () => {
      expect(isWorkingDay('2026-12-31', snapshot)).toBe(false); // a Thursday holiday on the last day
      expect(isWorkingDay('2026-12-27', snapshot)).toBe(true); // a Sunday make-up day
    });

    it('only takes weekend days off beyond `to`: holidays and make-up days listed later are ignored', () => {
      expect(isWorkingDay('2027-01-01', snapshot)).toBe(true); // a Friday listed as a holiday
      expect(isWorkingDay('2027-01-09', snapshot)).toBe(false); // a Saturday listed as a make-up day
      expect(isWorkingDay('2027-01-04', snapshot)).toBe(true); // an ordinary Monday
      expect(isWorkingDay('2027-01-10', snapshot)).toBe(false); // an ordinary Sunday
    });
  });
});

describe('addWorkingDays with the default calendar (Asia/Shanghai, Saturday and Sunday off, 18:00)', () => {
  it('makes a sheet sent Friday 2026-11-27 15:00 due for confirmation Monday 2026-11-30 18:00 (process.md)', () => {
    expect(iso(addWorkingDays(at('2026-11-27T15:00:00+08:00'), 1, shanghai))).toBe(instant('2026-11-30T18:00:00+08:00'));
  });

  it('makes a sheet sent on the Saturday due the same Monday', () => {
    expect(iso(addWorkingDays(at('2026-11-28T10:00:00+08:00'), 1, shanghai))).toBe(instant('2026-11-30T18:00:00+08:00'));
  });

  it('makes a sheet sent on the Sunday due the same Monday', () => {
    expect(iso(addWorkingDays(at('2026-11-29T21:00:00+08:00'), 1, shanghai))).toBe(instant('2026-11-30T18:00:00+08:00'));
  });

  it('counts from the local date, not the UTC date: Friday 00:30 in Shanghai is still Thursday in UTC', () => {
    expect(iso(addWorkingDays(at('2026-11-27T00:30:00+08:00'), 1, shanghai))).toBe(instant('2026-11-30T18:00:00+08:00'));
    // Thursday 23:30 local is due Friday.
    expect(iso(addWorkingDays(at('2026-11-26T23:30:00+08:00'), 1, shanghai))).toBe(instant('2026-11-27T18:00:00+08:00'));
  });

  it('gives a start after the end of business no extra day: Friday 20:00 is also due Monday', () => {
    expect(iso(addWorkingDays(at('2026-11-27T20:00:00+08:00'), 1, shanghai))).toBe(instant('2026-11-30T18:00:00+08:00'));
  });

  it('gives a start before the end of business no extra time: Monday 09:00 plus one is Tuesday 18:00', () => {
    expect(iso(addWorkingDays(at('2026-11-30T09:00:00+08:00'), 1, shanghai))).toBe(instant('2026-12-01T18:00:00+08:00'));
  });

  it('counts several working days across a weekend', () => {
    // Thursday + 2: Friday (1), Monday (2).
    expect(iso(addWorkingDays(at('2026-11-26T11:00:00+08:00'), 2, shanghai))).toBe(instant('2026-11-30T18:00:00+08:00'));
    // Monday + 3: Thursday.
    expect(iso(addWorkingDays(at('2026-11-30T09:00:00+08:00'), 3, shanghai))).toBe(instant('2026-12-03T18:00:00+08:00'));
    // Wednesday + 3: Thursday, Friday, Monday.
    expect(iso(addWorkingDays(at('2026-12-02T16:00:00+08:00'), 3, shanghai))).toBe(instant('2026-12-07T18:00:00+08:00'));
    // Friday + 10: two full weeks later, the Friday.
    expect(iso(addWorkingDays(at('2026-11-27T15:00:00+08:00'), 10, shanghai))).toBe(instant('2026-12-11T18:00:00+08:00'));
  });

  it('crosses the year end', () => {
    // Thursday 2026-12-31 + 1: Friday 2027-01-01 (no holidays in the default calendar).
    expect(iso(addWorkingDays(at('2026-12-31T10:00:00+08:00'), 1, shanghai))).toBe(instant('2027-01-01T18:00:00+08:00'));
    // + 2: Monday 2027-01-04.
    expect(iso(addWorkingDays(at('2026-12-31T10:00:00+08:00'), 2, shanghai))).toBe(instant('2027-01-04T18:00:00+08:00'));
    // 2026-12-31 16:30 UTC is already Friday 2027-01-01 00:30 in Shanghai: + 1 is Monday.
    expect(iso(addWorkingDays(at('2026-12-31T16:30:00Z'), 1, shanghai))).toBe(instant('2027-01-04T18:00:00+08:00'));
  });

  it('crosses the year end past a New Year holiday', () => {
    const newYear: WorkingCalendar = { ...DEFAULT_CALENDAR, holidays: ['2027-01-01'] };
    expect(iso(addWorkingDays(at('2026-12-31T10:00:00+08:00'), 1, newYear))).toBe(instant('2027-01-04T18:00:00+08:00'));
    expect(iso(addWorkingDays(at('2026-12-30T10:00:00+08:00'), 2, newYear))).toBe(instant('2027-01-04T18:00:00+08:00'));
  });

  it('uses the calendar’s end of business', () => {
    const early: WorkingCalendar = { ...DEFAULT_CALENDAR, endOfBusiness: '17:30' };
    expect(iso(addWorkingDays(at('2026-11-27T15:00:00+08:00'), 1, early))).toBe(instant('2026-11-30T17:30:00+08:00'));
  });
});

describe('addWorkingDays with holidays and make-up working days', () => {
  it('skips a public holiday week', () => {
    // Wednesday 2026-09-30 + 1: 10-01 … 10-07 are off, Thursday 10-08.
    expect(iso(addWorkingDays(at('2026-09-30T14:00:00+08:00'), 1, goldenWeek))).toBe(instant('2026-10-08T18:00:00+08:00'));
  });

  it('counts a Saturday make-up working day', () => {
    // Wednesday 2026-09-30 + 3: Thursday 10-08 (1), Friday 10-09 (2), Saturday 10-10 (3, 调休).
    expect(iso(addWorkingDays(at('2026-09-30T14:00:00+08:00'), 3, goldenWeek))).toBe(instant('2026-10-10T18:00:00+08:00'));
    // + 4: the Sunday after is off again, so Monday 10-12.
    expect(iso(addWorkingDays(at('2026-09-30T14:00:00+08:00'), 4, goldenWeek))).toBe(instant('2026-10-12T18:00:00+08:00'));
  });

  it('counts a Sunday make-up working day', () => {
    // Friday 2026-09-18 + 1: Saturday off, Sunday 09-20 is a working day.
    expect(iso(addWorkingDays(at('2026-09-18T15:00:00+08:00'), 1, goldenWeek))).toBe(instant('2026-09-20T18:00:00+08:00'));
    // The same Friday with the default calendar: Monday.
    expect(iso(addWorkingDays(at('2026-09-18T15:00:00+08:00'), 1, shanghai))).toBe(instant('2026-09-21T18:00:00+08:00'));
  });

  it('counts from a start on a holiday as from any other day: strictly after its date', () => {
    expect(iso(addWorkingDays(at('2026-10-03T10:00:00+08:00'), 1, goldenWeek))).toBe(instant('2026-10-08T18:00:00+08:00'));
    expect(iso(addWorkingDays(at('2026-10-07T23:00:00+08:00'), 1, goldenWeek))).toBe(instant('2026-10-08T18:00:00+08:00'));
  });

  it('counts from a start on a make-up day to the next working day', () => {
    expect(iso(addWorkingDays(at('2026-09-20T10:00:00+08:00'), 1, goldenWeek))).toBe(instant('2026-09-21T18:00:00+08:00'));
  });
});

describe('addWorkingDays with zero days (the daily progress duty)', () => {
  it('is the end of business of the same day when it is a working day', () => {
    expect(iso(addWorkingDays(at('2026-11-27T09:00:00+08:00'), 0, shanghai))).toBe(instant('2026-11-27T18:00:00+08:00'));
  });

  it('is the next working day’s end of business once today’s has passed (never an instant in the past)', () => {
    expect(iso(addWorkingDays(at('2026-11-27T20:00:00+08:00'), 0, shanghai))).toBe(instant('2026-11-30T18:00:00+08:00'));
    expect(iso(addWorkingDays(at('2026-11-27T18:00:00+08:00'), 0, shanghai))).toBe(instant('2026-11-30T18:00:00+08:00'));
    expect(iso(addWorkingDays(at('2026-11-27T17:59:59+08:00'), 0, shanghai))).toBe(instant('2026-11-27T18:00:00+08:00'));
  });

  it('is the next working day when started on a weekend', () => {
    expect(iso(addWorkingDays(at('2026-11-28T10:00:00+08:00'), 0, shanghai))).toBe(instant('2026-11-30T18:00:00+08:00'));
    expect(iso(addWorkingDays(at('2026-11-29T10:00:00+08:00'), 0, shanghai))).toBe(instant('2026-11-30T18:00:00+08:00'));
  });

  it('is the first working day after a holiday week, and a make-up day itself', () => {
    expect(iso(addWorkingDays(at('2026-10-02T10:00:00+08:00'), 0, goldenWeek))).toBe(instant('2026-10-08T18:00:00+08:00'));
    expect(iso(addWorkingDays(at('2026-09-20T10:00:00+08:00'), 0, goldenWeek))).toBe(instant('2026-09-20T18:00:00+08:00'));
  });
});

describe('addWorkingDays at the end of a calendar snapshot', () => {
  const snapshot: WorkingCalendar = {
    ...DEFAULT_CALENDAR,
    holidays: ['2026-12-31', '2027-01-01'],
    makeUpWorkingDays: ['2027-01-09'],
    to: '2026-12-31',
  };

  it('honours a holiday on the snapshot’s last day', () => {
    // Wednesday 2026-12-30 + 1: Thursday 12-31 is a holiday, Friday 2027-01-01 is beyond `to`, so a working day.
    expect(iso(addWorkingDays(at('2026-12-30T10:00:00+08:00'), 1, snapshot))).toBe(instant('2027-01-01T18:00:00+08:00'));
  });

  it('ignores holidays listed beyond `to`', () => {
    const full: WorkingCalendar = { ...snapshot, to: undefined };
    expect(iso(addWorkingDays(at('2026-12-30T10:00:00+08:00'), 1, full))).toBe(instant('2027-01-04T18:00:00+08:00'));
  });

  it('ignores make-up days listed beyond `to`: only the weekend is off there', () => {
    // Friday 2027-01-08 + 1: Saturday 01-09 is listed as a make-up day but lies beyond the snapshot.
    expect(iso(addWorkingDays(at('2027-01-08T10:00:00+08:00'), 1, snapshot))).toBe(instant('2027-01-11T18:00:00+08:00'));
    const full: WorkingCalendar = { ...snapshot, to: undefined };
    expect(iso(addWorkingDays(at('2027-01-08T10:00:00+08:00'), 1, full))).toBe(instant('2027-01-09T18:00:00+08:00'));
  });
});

describe('addWorkingDays in other time zones', () => {
  const berlin: WorkingCalendar = { ...DEFAULT_CALENDAR, timeZone: 'Europe/Berlin' };
  const utc: WorkingCalendar = { ...DEFAULT_CALENDAR, timeZone: 'UTC' };

  it('lands at 18:00 summer time after Berlin’s clocks went forward over the weekend', () => {
    // Friday 2026-03-27 15:00 CET + 1: Monday 2026-03-30 18:00 CEST.
    expect(iso(addWorkingDays(at('2026-03-27T15:00:00+01:00'), 1, berlin))).toBe(instant('2026-03-30T18:00:00+02:00'));
  });

  it('lands at 18:00 winter time after Berlin’s clocks went back over the weekend', () => {
    // Friday 2026-10-23 15:00 CEST + 1: Monday 2026-10-26 18:00 CET.
    expect(iso(addWorkingDays(at('2026-10-23T15:00:00+02:00'), 1, berlin))).toBe(instant('2026-10-26T18:00:00+01:00'));
  });

  it('lands at 18:00 on the very day Berlin’s clocks change, with a seven-day week', () => {
    const everyDay: WorkingCalendar = { ...berlin, weekendDays: [] };
    expect(iso(addWorkingDays(at('2026-03-28T12:00:00+01:00'), 1, everyDay))).toBe(instant('2026-03-29T18:00:00+02:00'));
    expect(iso(addWorkingDays(at('2026-10-24T12:00:00+02:00'), 1, everyDay))).toBe(instant('2026-10-25T18:00:00+01:00'));
  });

  it('counts UTC dates in UTC', () => {
    // Friday 2026-11-27 20:00 UTC + 1: Monday 18:00 UTC.
    expect(iso(addWorkingDays(at('2026-11-27T20:00:00Z'), 1, utc))).toBe(instant('2026-11-30T18:00:00Z'));
    // Thursday 2026-11-26 20:00 UTC is still Thursday in UTC, so due Friday 18:00 UTC …
    expect(iso(addWorkingDays(at('2026-11-26T20:00:00Z'), 1, utc))).toBe(instant('2026-11-27T18:00:00Z'));
    // … while in Shanghai the same instant is Friday 04:00, due Monday.
    expect(iso(addWorkingDays(at('2026-11-26T20:00:00Z'), 1, shanghai))).toBe(instant('2026-11-30T18:00:00+08:00'));
  });

  it('counts New York dates in New York, where Friday evening is already Saturday in UTC', () => {
    const newYork: WorkingCalendar = { ...DEFAULT_CALENDAR, timeZone: 'America/New_York', endOfBusiness: '17:30' };
    expect(iso(addWorkingDays(at('2026-11-27T22:00:00-05:00'), 1, newYork))).toBe(instant('2026-11-30T17:30:00-05:00'));
  });
});

describe('dueAt: when a deadline armed at an instant falls due', () => {
  const sentFriday = at('2026-11-27T15:00:00+08:00');

  it('adds calendar seconds as elapsed time, ignoring weekends', () => {
    expect(iso(dueAt({ clock: 'calendar', seconds: 300 }, sentFriday, shanghai))).toBe(instant('2026-11-27T15:05:00+08:00'));
    expect(iso(dueAt({ clock: 'calendar', seconds: 72 * 3600 }, sentFriday, shanghai))).toBe(instant('2026-11-30T15:00:00+08:00'));
    expect(iso(dueAt({ clock: 'calendar', seconds: 1 }, sentFriday, shanghai))).toBe(instant('2026-11-27T15:00:01+08:00'));
  });

  it('ignores holidays for calendar durations', () => {
    expect(iso(dueAt({ clock: 'calendar', seconds: 2 * 3600 }, at('2026-10-01T10:00:00+08:00'), goldenWeek))).toBe(
      instant('2026-10-01T12:00:00+08:00'),
    );
  });

  it('adds calendar seconds as elapsed time across a summer-time change (24 h is 25 wall-clock hours … or 23)', () => {
    const berlin: WorkingCalendar = { ...DEFAULT_CALENDAR, timeZone: 'Europe/Berlin' };
    expect(iso(dueAt({ clock: 'calendar', seconds: 24 * 3600 }, at('2026-03-28T12:00:00+01:00'), berlin))).toBe(
      instant('2026-03-29T13:00:00+02:00'),
    );
    expect(iso(dueAt({ clock: 'calendar', seconds: 24 * 3600 }, at('2026-10-24T12:00:00+02:00'), berlin))).toBe(
      instant('2026-10-25T11:00:00+01:00'),
    );
  });

  it('counts working days for working-day durations', () => {
    expect(iso(dueAt({ clock: 'workingDays', days: 1 }, sentFriday, shanghai))).toBe(instant('2026-11-30T18:00:00+08:00'));
    expect(iso(dueAt({ clock: 'workingDays', days: 3 }, sentFriday, shanghai))).toBe(instant('2026-12-02T18:00:00+08:00'));
    expect(iso(dueAt({ clock: 'workingDays', days: 0 }, sentFriday, shanghai))).toBe(instant('2026-11-27T18:00:00+08:00'));
    expect(iso(dueAt({ clock: 'workingDays', days: 1 }, at('2026-09-30T14:00:00+08:00'), goldenWeek))).toBe(
      instant('2026-10-08T18:00:00+08:00'),
    );
  });

  it('does not change the instant it was given', () => {
    const from = at('2026-11-27T15:00:00+08:00');
    dueAt({ clock: 'calendar', seconds: 60 }, from, shanghai);
    dueAt({ clock: 'workingDays', days: 2 }, from, shanghai);
    expect(iso(from)).toBe(instant('2026-11-27T15:00:00+08:00'));
  });
});

describe('toZonedIso (times in API responses)', () => {
  it.each([
    ['2026-11-30T10:00:00.000Z', 'Asia/Shanghai', '2026-11-30T18:00:00.000+08:00'],
    ['2026-12-31T16:30:00.000Z', 'Asia/Shanghai', '2027-01-01T00:30:00.000+08:00'],
    ['2026-07-01T12:00:00.000Z', 'Europe/Berlin', '2026-07-01T14:00:00.000+02:00'],
    ['2026-01-15T12:00:00.000Z', 'America/New_York', '2026-01-15T07:00:00.000-05:00'],
    ['2026-11-27T07:00:00.123Z', 'UTC', '2026-11-27T07:00:00.123+00:00'],
  ])('writes %s in %s as %s', (instant, zone, expected) => {
    expect(toZonedIso(new Date(instant), zone)).toBe(expected);
    expect(new Date(expected).toISOString()).toBe(instant);
  });
});
