/**
 * `requests.load_released_at`: when the assignee's load (`agents.open_requests`)
 * was released at closing. Set once under the request's row lock by
 * `releaseAssignment`; while it is set, no assignment or transfer takes the
 * request again. Null for every request before this migration.
 */
import type { Kysely } from 'kysely';

// Kysely<any>: a migration must not depend on today's table types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('requests').addColumn('load_released_at', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('requests').dropColumn('load_released_at').execute();
}
