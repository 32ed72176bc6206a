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
  return {
    ...doc,
    createdAt: zoned(doc.createdAt),
    closedAt: doc.closedAt === null ? null : zoned(doc.closedAt),
    deadlines: doc.deadlines.map((d) => ({ ...d, dueAt: zoned(d.dueAt) })),
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
