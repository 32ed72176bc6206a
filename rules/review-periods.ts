/**
 * The period a scheduled review covers (process.md "Scheduled work"), in the
 * business time zone: the weekly review the previous week (Monday 00:00 to
 * Monday 00:00), the VIP care letter the previous month, the quarterly
 * feedback review the previous quarter — each from the local date of the
 * run's scheduled time, so a late or caught-up run covers the period its
 * schedule meant. Pure and deterministic: the workflow computes it.
 */
import type { ReviewKind } from '../contracts/activities';
import { localDate, zonedInstant } from './working-days';

export interface ReviewPeriod {
  /** The first local day of the period, `YYYY-MM-DD`. */
  fromDate: string;
  /** The local day after the period (exclusive), `YYYY-MM-DD`. */
  toDate: string;
  /** Local midnight of `fromDate` in the zone, ISO-8601 UTC: the period's first instant. */
  from: string;
  /** Local midnight of `toDate` in the zone, ISO-8601 UTC: the first instant after the period. */
  to: string;
  timeZone: string;
}

const DAY_MS = 86_400_000;

function parts(date: string): { y: number; m: number; d: number } {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return { y, m, d };
}

/** `YYYY-MM-DD` of a UTC calendar day (month may overflow either way, as Date.UTC allows). */
function isoDate(y: number, m: number, d: number): string {
  return new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
}

function periodOf(fromDate: string, toDate: string, timeZone: string): ReviewPeriod {
  return {
    fromDate,
    toDate,
    from: zonedInstant(fromDate, '00:00', timeZone).toISOString(),
    to: zonedInstant(toDate, '00:00', timeZone).toISOString(),
    timeZone,
  };
}

/** The previous week, Monday to Monday, of the local date of `at`. */
export function previousWeek(at: Date, timeZone: string): ReviewPeriod {
  const { y, m, d } = parts(localDate(at, timeZone));
  const dayOfWeek = new Date(Date.UTC(y, m - 1, d)).getUTCDay(); // 0 = Sunday
  const thisMonday = Date.UTC(y, m - 1, d) - ((dayOfWeek + 6) % 7) * DAY_MS;
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return periodOf(iso(thisMonday - 7 * DAY_MS), iso(thisMonday), timeZone);
}

/** The previous calendar month of the local date of `at`. */
export function previousMonth(at: Date, timeZone: string): ReviewPeriod {
  const { y, m } = parts(localDate(at, timeZone));
  return periodOf(isoDate(y, m - 1, 1), isoDate(y, m, 1), timeZone);
}

/** The previous calendar quarter (January–March, April–June, …) of the local date of `at`. */
export function previousQuarter(at: Date, timeZone: string): ReviewPeriod {
  const { y, m } = parts(localDate(at, timeZone));
  const quarterStart = m - ((m - 1) % 3);
  return periodOf(isoDate(y, quarterStart - 3, 1), isoDate(y, quarterStart, 1), timeZone);
}

/** The period a run of that kind, scheduled at `scheduledAt`, covers. */
export function reviewPeriod(kind: ReviewKind, scheduledAt: Date, timeZone: string): ReviewPeriod {
  switch (kind) {
    case 'weekly_review':
      return previousWeek(scheduledAt, timeZone);
    case 'vip_care_letter':
      return previousMonth(scheduledAt, timeZone);
    case 'quarterly_feedback_review':
      return previousQuarter(scheduledAt, timeZone);
  }
}
