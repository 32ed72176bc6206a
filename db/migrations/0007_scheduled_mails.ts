/**
 * The mails of the scheduled work (process.md "Scheduled work") go through
 * the `notifications` table like a request's, under the same rule — the key
 * recorded pending, the Message-ID derived from it, marked sent after the
 * server's 250 — but belong to no request: their key is
 * `review:{kind}:{periodFrom}:{recipientId}`. `request_id` becomes nullable,
 * and only such a key may go without one.
 */
import { sql, type Kysely } from 'kysely';

// Kysely<any>: a migration must not depend on today's table types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notifications').alterColumn('request_id', (c) => c.dropNotNull()).execute();
  await db.schema
    .alterTable('notifications')
    .addCheckConstraint('notifications_request_or_review', sql`request_id is not null or key like 'review:%'`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('notifications').where('request_id', 'is', null).execute();
  await db.schema.alterTable('notifications').dropConstraint('notifications_request_or_review').execute();
  await db.schema.alterTable('notifications').alterColumn('request_id', (c) => c.setNotNull()).execute();
}
