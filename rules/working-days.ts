/**
 * Working-day arithmetic (process.md "Working days"). "N working days after
 * t" is the end of business of the N-th working day strictly after the local
 * date of t; zero is the first end of business still to come on a working day
 * (the daily progress duty: today's, or the next working day's once today's
 * has passed). Pure and deterministic: the workflow computes
 * each `dueAt` once, with the calendar snapshot it keeps.
 */
import type { BusinessCalendar } from '../contracts/calendar';
import type { PolicyDuration } from '../contracts/policy';

/** A calendar, optionally limited to a snapshot: past `to` only weekend days are off. */
export type WorkingCalendar = BusinessCalendar & { to?: string };

const DAY_MS = 86_400_000;

function parseIsoDate(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}

function formatIsoDate(utcMidnight: number): string {
  return new Date(utcMidnight).toISOString().slice(0, 10);
}

/** Milliseconds the zone is ahead of UTC at `instant`. */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - (instant - (instant % 1000));
}

/** The local calendar date of an instant, `YYYY-MM-DD`. */
export function localDate(instant: Date, timeZone: string): string {
  return formatIsoDate(Math.floor((instant.getTime() + zoneOffsetMs(instant.getTime(), timeZone)) / DAY_MS) * DAY_MS);
}

/** The instant a local date and `HH:MM` wall-clock time stand for in the zone. */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const [h, m] = time.split(':').map(Number) as [number, number];
  const wallClock = parseIsoDate(date) + (h * 60 + m) * 60_000;
  let instant = wallClock - zoneOffsetMs(wallClock, timeZone);
  // Once more at the first estimate, for zones whose offset changes near it.
  instant = wallClock - zoneOffsetMs(instant, timeZone);
  return new Date(instant);
}

/** An instant as ISO-8601 with the zone's offset, e.g. `2026-11-30T18:00:00.000+08:00`. */
export function toZonedIso(instant: Date, timeZone: string): string {
  const offset = zoneOffsetMs(instant.getTime(), timeZone);
  const local = new Date(instant.getTime() + offset).toISOString().slice(0, -1);
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.abs(offset) / 60_000;
  return `${local}${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export function isWorkingDay(date: string, calendar: WorkingCalendar): boolean {
  const isoWeekday = ((new Date(parseIsoDate(date)).getUTCDay() + 6) % 7) + 1;
  const weekend = calendar.weekendDays.includes(isoWeekday);
  if (calendar.to !== undefined && date > calendar.to) return !weekend;
  if (calendar.makeUpWorkingDays.includes(date)) return true;
  if (calendar.holidays.includes(date)) return false;
  return !weekend;
}

export function addWorkingDays(from: Date, days: number, calendar: WorkingCalendar): Date {
  let date = localDate(from, calendar.timeZone);
  if (days === 0) {
    const closed = (day: string): boolean =>
      !isWorkingDay(day, calendar) || zonedInstant(day, calendar.endOfBusiness, calendar.timeZone).getTime() <= from.getTime();
    while (closed(date)) date = formatIsoDate(parseIsoDate(date) + DAY_MS);
  }
  for (let counted = 0; counted < days; ) {
    date = formatIsoDate(parseIsoDate(date) + DAY_MS);
    if (isWorkingDay(date, calendar)) counted += 1;
  }
  return zonedInstant(date, calendar.endOfBusiness, calendar.timeZone);
}

/** When a deadline armed at `from` with this duration falls due. */
export function dueAt(duration: PolicyDuration, from: Date, calendar: WorkingCalendar): Date {
  return duration.clock === 'calendar'
    ? new Date(from.getTime() + duration.seconds * 1000)
    : addWorkingDays(from, duration.days, calendar);
}
