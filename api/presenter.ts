/**
 * The request document as staff see it: the workflow's document (ids only)
 * with the customer's contact fields and the assignee's name added from
 * PostgreSQL (process.md "What Temporal holds").
 */
import type { RequestDocument } from '../contracts/request';
import type { Db } from '../db/database';
import { toZonedIso } from '../rules/working-days';

/** api.md: times in responses carry the business time zone's offset. */
function inBusinessTime(doc: RequestDocument, timeZone: string): RequestDocument {
  const zoned = (iso: string): string => toZonedIso(new Date(iso), timeZone);
  const zonedOrNull = (iso: string | null): string | null => (iso === null ? null : zoned(iso));
  const recorded = <T extends { at: string }>(record: T | null): T | null => (record === null ? null : { ...record, at: zoned(record.at) });
  return {
    ...doc,
    createdAt: zoned(doc.createdAt),
    closedAt: zonedOrNull(doc.closedAt),
    firstResponseAt: zonedOrNull(doc.firstResponseAt),
    deadlines: doc.deadlines.map((d) => ({
      ...d,
      dueAt: zoned(d.dueAt),
      armedAt: zoned(d.armedAt),
      remindedAt: zonedOrNull(d.remindedAt),
      settledAt: zonedOrNull(d.settledAt),
      fulfilledAt: zonedOrNull(d.fulfilledAt),
      escalatedAt: zonedOrNull(d.escalatedAt),
    })),
    answer: recorded(doc.answer),
    temporaryMeasure: recorded(doc.temporaryMeasure),
    reclassification: recorded(doc.reclassification),
    firstContactRating: recorded(doc.firstContactRating),
    cancellation: recorded(doc.cancellation),
  };
}

export async function presentForStaff(db: Db, doc: RequestDocument, timeZone: string) {
  const customer = await db
    .selectFrom('customers')
    .select(['name', 'email', 'phone', 'language'])
    .where('id', '=', doc.customer.id)
    .executeTakeFirst();
  const assignee = doc.assignee
    ? await db.selectFrom('agents').select('name').where('id', '=', doc.assignee.id).executeTakeFirst()
    : undefined;
  return {
    ...inBusinessTime(doc, timeZone),
    customer: { ...doc.customer, ...(customer ?? {}) },
    assignee: doc.assignee ? { ...doc.assignee, name: assignee?.name ?? null } : null,
  };
}
