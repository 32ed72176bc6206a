/**
 * `complaint_reviews`: the complaint review (投诉根因复盘, process.md stage 10)
 * of each closed complaint as its child workflow last recorded it — when the
 * complaint closed, when the review is due and whether it was met, the root
 * cause, analysis and corrective action once a supervisor records them — with
 * the review document beside the columns. The KPI "complaint review rate"
 * (reviewed within 48 h ÷ complaints closed) counts by closing time, hence
 * the index on `closed_at`. One row per request, written by
 * `recordComplaintReview`; a newer document version replaces an older one,
 * never the reverse.
 */
import { sql, type Kysely } from 'kysely';

// Kysely<any>: a migration must not depend on today's table types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('complaint_reviews')
    .addColumn('request_id', 'text', (c) => c.primaryKey().references('requests.id'))
    .addColumn('closed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('pending', 'met', 'missed')`))
    // Null until a supervisor records the review.
    .addColumn('cause', 'text', (c) => c.check(sql`cause in ('process_gap', 'staff_error', 'product_issue', 'external', 'other')`))
    .addColumn('analysis', 'text')
    .addColumn('corrective_action', 'text')
    .addColumn('reviewed_at', 'timestamptz')
    .addColumn('reviewed_by_role', 'text')
    .addColumn('document', 'jsonb', (c) => c.notNull())
    // The review document's version: a retry or a late call with an older one changes nothing.
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('complaint_reviews_closed_idx').on('complaint_reviews').column('closed_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('complaint_reviews').execute();
}
