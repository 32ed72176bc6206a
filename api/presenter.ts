/**
 * The request document as staff see it: the workflow's document (ids only)
 * with the customer's contact fields and the assignee's name added from
 * PostgreSQL (process.md "What Temporal holds").
 */
import type { RequestDocument } from '../contracts/request';
import type { Db } from '../db/database';

export async function presentForStaff(db: Db, doc: RequestDocument) {
  const customer = await db
    .selectFrom('customers')
    .select(['name', 'email', 'phone', 'language'])
    .where('id', '=', doc.customer.id)
    .executeTakeFirst();
  const assignee = doc.assignee
    ? await db.selectFrom('agents').select('name').where('id', '=', doc.assignee.id).executeTakeFirst()
    : undefined;
  return {
    ...doc,
    customer: { ...doc.customer, ...(customer ?? {}) },
    assignee: doc.assignee ? { ...doc.assignee, name: assignee?.name ?? null } : null,
  };
}
