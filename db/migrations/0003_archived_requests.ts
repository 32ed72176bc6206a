/**
 * `archived_requests`: the frozen record of a closed request (服务闭环,
 * process.md stage 9) — the whole request document as it closed (sheets,
 * solution, tasks, delivery, progress, delays, pauses, feedback,
 * interventions, every deadline with its outcome) beside the columns the KPI
 * queries filter on. One row per request, written by `archiveRequest`; a
 * newer document version replaces an older one, never the reverse.
 */
import { sql, type Kysely } from 'kysely';

// Kysely<any>: a migration must not depend on today's table types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('archived_requests')
    .addColumn('request_id', 'text', (c) => c.primaryKey().references('requests.id'))
    .addColumn('closed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('completed', 'unconfirmed', 'cancelled')`))
    .addColumn('resolution', 'text')
    .addColumn('follow_up', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.references('service_groups.id'))
    .addColumn('assignee_id', 'text', (c) => c.references('agents.id'))
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('document', 'jsonb', (c) => c.notNull())
    // The document's version: a retry or a late call with an older one changes nothing.
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('archived_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('archived_requests_closed_idx').on('archived_requests').column('closed_at').execute();
  await db.schema.createIndex('archived_requests_status_closed_idx').on('archived_requests').columns(['status', 'closed_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('archived_requests').execute();
}
