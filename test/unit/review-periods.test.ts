/**
 * The periods of the scheduled work (process.md "Scheduled work"), cut in
 * the business time zone: every expected instant below is local midnight
 * worked out by hand from the zone's offset on that date.
 */
import { previousMonth, previousQuarter, previousWeek, reviewPeriod } from '../../rules/review-periods';

const SH = 'Asia/Shanghai'; // UTC+8 all year, no DST
const NY = 'America/New_York'; // EST −5, EDT −4 from 8 March to 1 November 2026
const LON = 'Europe/London'; // GMT, BST +1 from 29 March to 25 October 2026

describe('the weekly review covers the previous week, Monday 00:00 to Monday 00:00', () => {
  it('run on Monday 09:00 in Shanghai', () => {
    expect(previousWeek(new Date('2026-11-30T01:00:00Z'), SH)).toEqual({
      fromDate: '2026-11-23',
      toDate: '2026-11-30',
      from: '2026-11-22T16:00:00.000Z',
      to: '2026-11-29T16:00:00.000Z',
      timeZone: SH,
    });
  });

  it('takes the local date: Sunday 17:00 UTC is already Monday 01:00 in Shanghai', () => {
    expect(previousWeek(new Date('2026-11-29T17:00:00Z'), SH)).toMatchObject({ fromDate: '2026-11-23', toDate: '2026-11-30' });
  });

  it('run later in the week (a run triggered by hand) still covers the week before this one', () => {
    expect(previousWeek(new Date('2026-11-29T10:00:00Z'), SH)).toMatchObject({ fromDate: '2026-11-16', toDate: '2026-11-23' });
    expect(previousWeek(new Date('2026-12-02T04:00:00Z'), SH)).toMatchObject({ fromDate: '2026-11-23', toDate: '2026-11-30' });
  });

  it('spans the year end', () => {
    expect(previousWeek(new Date('2027-01-04T01:00:00Z'), SH)).toEqual({
      fromDate: '2026-12-28',
      toDate: '2027-01-04',
      from: '2026-12-27T16:00:00.000Z',
      to: '2027-01-03T16:00:00.000Z',
      timeZone: SH,
    });
  });

  it('is 167 hours long in New York across the spring change', () => {
    const week = previousWeek(new Date('2026-03-09T13:00:00Z'), NY);
    expect(week).toEqual({ fromDate: '2026-03-02', toDate: '2026-03-09', from: '2026-03-02T05:00:00.000Z', to: '2026-03-09T04:00:00.000Z', timeZone: NY });
    expect(Date.parse(week.to) - Date.parse(week.from)).toBe(167 * 3_600_000);
  });

  it('is 169 hours long in New York across the autumn change', () => {
    const week = previousWeek(new Date('2026-11-02T14:00:00Z'), NY);
    expect(week).toEqual({ fromDate: '2026-10-26', toDate: '2026-11-02', from: '2026-10-26T04:00:00.000Z', to: '2026-11-02T05:00:00.000Z', timeZone: NY });
    expect(Date.parse(week.to) - Date.parse(week.from)).toBe(169 * 3_600_000);
  });

  it('follows on from the week before: consecutive Mondays give adjoining periods', () => {
    const first = previousWeek(new Date('2026-11-23T01:00:00Z'), SH);
    const second = previousWeek(new Date('2026-11-30T01:00:00Z'), SH);
    expect(first.to).toBe(second.from);
  });
});

describe('the VIP care letter covers the previous month', () => {
  it('run on 1 December 10:00 in Shanghai', () => {
    expect(previousMonth(new Date('2026-12-01T02:00:00Z'), SH)).toEqual({
      fromDate: '2026-11-01',
      toDate: '2026-12-01',
      from: '2026-10-31T16:00:00.000Z',
      to: '2026-11-30T16:00:00.000Z',
      timeZone: SH,
    });
  });

  it('run on 1 January covers December of the year before', () => {
    expect(previousMonth(new Date('2027-01-01T02:00:00Z'), SH)).toMatchObject({
      fromDate: '2026-12-01',
      toDate: '2027-01-01',
      from: '2026-11-30T16:00:00.000Z',
      to: '2026-12-31T16:00:00.000Z',
    });
  });

  it('takes February as it is', () => {
    expect(previousMonth(new Date('2028-03-01T02:00:00Z'), SH)).toMatchObject({ fromDate: '2028-02-01', toDate: '2028-03-01' });
  });

  it('starts and ends at local midnight on either side of a DST change (March in New York)', () => {
    expect(previousMonth(new Date('2026-04-01T14:00:00Z'), NY)).toMatchObject({
      fromDate: '2026-03-01',
      toDate: '2026-04-01',
      from: '2026-03-01T05:00:00.000Z',
      to: '2026-04-01T04:00:00.000Z',
    });
  });
});

describe('the quarterly feedback review covers the previous quarter', () => {
  it('run on 1 January covers October to December of the year before', () => {
    expect(previousQuarter(new Date('2027-01-01T01:00:00Z'), SH)).toEqual({
      fromDate: '2026-10-01',
      toDate: '2027-01-01',
      from: '2026-09-30T16:00:00.000Z',
      to: '2026-12-31T16:00:00.000Z',
      timeZone: SH,
    });
  });

  it.each([
    ['2026-04-01T01:00:00Z', '2026-01-01', '2026-04-01'],
    ['2026-07-01T01:00:00Z', '2026-04-01', '2026-07-01'],
    ['2026-10-01T01:00:00Z', '2026-07-01', '2026-10-01'],
    // A run started by hand mid-quarter covers the last whole quarter.
    ['2026-05-15T04:00:00Z', '2026-01-01', '2026-04-01'],
    ['2026-12-31T15:59:59Z', '2026-07-01', '2026-10-01'],
    // 16:00 UTC on 31 December is already 1 January in Shanghai.
    ['2026-12-31T16:00:00Z', '2026-10-01', '2027-01-01'],
  ])('run at %s covers %s to %s', (at, fromDate, toDate) => {
    expect(previousQuarter(new Date(at), SH)).toMatchObject({ fromDate, toDate });
  });

  it('ends at local midnight in summer time (London, Q1 ends on BST)', () => {
    expect(previousQuarter(new Date('2026-04-01T08:00:00Z'), LON)).toMatchObject({
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-03-31T23:00:00.000Z',
    });
  });
});

describe('reviewPeriod', () => {
  it('gives each kind its period', () => {
    const at = new Date('2027-01-04T01:00:00Z'); // Monday 4 January 2027, 09:00 in Shanghai
    expect(reviewPeriod('weekly_review', at, SH)).toMatchObject({ fromDate: '2026-12-28', toDate: '2027-01-04' });
    expect(reviewPeriod('vip_care_letter', at, SH)).toMatchObject({ fromDate: '2026-12-01', toDate: '2027-01-01' });
    expect(reviewPeriod('quarterly_feedback_review', at, SH)).toMatchObject({ fromDate: '2026-10-01', toDate: '2027-01-01' });
  });
});
