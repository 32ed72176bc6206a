/**
 * The business calendar (process.md "Working days"): time zone, weekend days,
 * public holidays and make-up working days (调休), end of business. Versioned
 * data edited by an admin; a workflow keeps a snapshot of the days from its
 * start to 400 days later.
 */
import { z } from 'zod';

const IsoDate = z.iso.date();

export const BusinessCalendar = z
  .object({
    timeZone: z.string().refine(isKnownTimeZone, 'unknown IANA time zone'),
    /** ISO weekday numbers, 1 = Monday … 7 = Sunday. */
    weekendDays: z.array(z.number().int().min(1).max(7)),
    holidays: z.array(IsoDate),
    /** Weekend days that are working days (调休). */
    makeUpWorkingDays: z.array(IsoDate),
    /** Local time, `HH:MM`. */
    endOfBusiness: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  })
  .refine((c) => new Set(c.weekendDays).size < 7, {
    message: 'at least one weekday must be a working day',
    path: ['weekendDays'],
  })
  .refine((c) => !c.holidays.some((d) => c.makeUpWorkingDays.includes(d)), {
    message: 'a day cannot be both a holiday and a make-up working day',
    path: ['makeUpWorkingDays'],
  });
export type BusinessCalendar = z.infer<typeof BusinessCalendar>;

/** A calendar version as a workflow keeps it: only the days of its window. */
export interface CalendarSnapshot extends BusinessCalendar {
  version: number;
  /** First and last local date covered; beyond `to` only weekend days are off. */
  from: string;
  to: string;
}

export const SNAPSHOT_DAYS = 400;

export const DEFAULT_CALENDAR: BusinessCalendar = {
  timeZone: 'Asia/Shanghai',
  weekendDays: [6, 7],
  holidays: [],
  makeUpWorkingDays: [],
  endOfBusiness: '18:00',
};

function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}
