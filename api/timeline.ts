/**
 * `GET /api/requests/{id}/timeline` (api.md): a request's events oldest
 * first — `at`, `type`, `actor`, `data` — a page at a time. The cursor is
 * opaque to clients: the last event's time and row id, so a page never
 * skips or repeats an event written while a client pages.
 */
import { z } from 'zod';
import type { TimelineActor, TimelineData, TimelineEventType } from '../contracts/timeline';
import type { Db } from '../db/database';
import { toZonedIso } from '../rules/working-days';
import { validationFailed } from './errors';

export const TimelineQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional(),
});
export type TimelineQuery = z.infer<typeof TimelineQuery>;

export interface TimelineItem {
  at: string;
  type: TimelineEventType;
  actor: TimelineActor | null;
  data: TimelineData;
}

const Cursor = z.strictObject({ at: z.iso.datetime(), id: z.string().regex(/^\d+$/) });

function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify({ at: at.toISOString(), id })).toString('base64url');
}

function decodeCursor(cursor: string): z.infer<typeof Cursor> {
  try {
    return Cursor.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw validationFailed([{ path: 'query.cursor', message: 'not a cursor this API gave out; start again without one' }]);
  }
}

export async function timelinePage(db: Db, requestId: string, query: TimelineQuery, timeZone: string): Promise<{ items: TimelineItem[]; nextCursor: string | null }> {
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
  const rows = await db
    .selectFrom('timeline_events')
    .select(['id', 'at', 'type', 'actor', 'data'])
    .where('request_id', '=', requestId)
    .$if(after !== null, (q) => q.where((eb) => eb(eb.refTuple('at', 'id'), '>', eb.tuple(new Date(after!.at), after!.id))))
    .orderBy('at')
    .orderBy('id')
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      at: toZonedIso(row.at, timeZone),
      type: row.type as TimelineEventType,
      actor: row.actor as TimelineActor | null,
      data: row.data as TimelineData,
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.at, last.id) : null,
  };
}
