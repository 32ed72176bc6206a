/**
 * The facts the KPIs of process.md count, kept as columns so the queries
 * filter and aggregate instead of reading documents (rules/kpi-facts.ts
 * derives them; recordState writes them):
 * - `request_deadlines`: every deadline window of every request, open or
 *   closed, as the document last recorded it — who owed it, when it was
 *   armed, due, settled and fulfilled — indexed by due time per deadline and
 *   per agent (deadline compliance, first-response compliance, the agent
 *   scorecard, co-handler response, temporary-measure coverage, callback
 *   timeliness, progress feedback);
 * - on the read model `requests` (which keeps every request, open and
 *   closed): the first response, rejections, reopening, the solution's
 *   agreement and first pass, and the staff-side windows missed (first
 *   response time, one-time resolution, solution first pass, closure
 *   timeliness), with indexes by first response, agreement and closing.
 */
import { sql, type Kysely } from 'kysely';

// Kysely<any>: a migration must not depend on today's table types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('request_deadlines')
    .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
    // The entry's place in the document's `deadlines`: entries are only ever appended.
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('owed_by', 'text')
    .addColumn('task_id', 'text')
    .addColumn('armed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('pending', 'paused', 'met', 'missed', 'cancelled')`))
    .addColumn('reminded_at', 'timestamptz')
    .addColumn('settled_at', 'timestamptz')
    .addColumn('fulfilled_at', 'timestamptz')
    .addColumn('escalated_at', 'timestamptz')
    .addPrimaryKeyConstraint('request_deadlines_pk', ['request_id', 'position'])
    .execute();
  await db.schema.createIndex('request_deadlines_name_due_idx').on('request_deadlines').columns(['name', 'due_at']).execute();
  await db.schema.createIndex('request_deadlines_owed_due_idx').on('request_deadlines').columns(['owed_by', 'due_at']).execute();

  await db.schema
    .alterTable('requests')
    .addColumn('first_response_at', 'timestamptz')
    .addColumn('rejections', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reopened', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('solution_agreed_at', 'timestamptz')
    .addColumn('solution_first_pass', 'boolean')
    .addColumn('staff_deadlines_missed', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('requests_first_response_idx').on('requests').column('first_response_at').execute();
  await db.schema.createIndex('requests_solution_agreed_idx').on('requests').column('solution_agreed_at').execute();
  await db.schema.createIndex('requests_closed_idx').on('requests').columns(['closed_at', 'status']).execute();
  // The agent scorecard's closings: the assignee at closing, by closing time.
  await db.schema.createIndex('requests_assignee_closed_idx').on('requests').columns(['assignee_id', 'closed_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ['requests_assignee_closed_idx', 'requests_closed_idx', 'requests_solution_agreed_idx', 'requests_first_response_idx']) await db.schema.dropIndex(index).execute();
  await db.schema
    .alterTable('requests')
    .dropColumn('first_response_at')
    .dropColumn('rejections')
    .dropColumn('reopened')
    .dropColumn('solution_agreed_at')
    .dropColumn('solution_first_pass')
    .dropColumn('staff_deadlines_missed')
    .execute();
  await db.schema.dropTable('request_deadlines').execute();
}
