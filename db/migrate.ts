/**
 * Brings a database to the latest schema and makes sure a first policy and
 * calendar version exist (the defaults of process.md). Used by `npm start`,
 * the tests, and `npm run migrate` for production.
 */
import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import { DEFAULT_CALENDAR } from '../contracts/calendar';
import { DEFAULT_POLICY } from '../contracts/policy';
import * as initial from './migrations/0001_initial';
import * as loadReleased from './migrations/0002_load_released';
import * as archivedRequests from './migrations/0003_archived_requests';
import * as complaintReviews from './migrations/0004_complaint_reviews';
import * as timelineTasksFeedback from './migrations/0005_timeline_tasks_feedback';
import * as kpiFacts from './migrations/0006_kpi_facts';
import * as scheduledMails from './migrations/0007_scheduled_mails';
import type { Db } from './database';

/** Listed explicitly so the bundle-free runtime (tsx, jest) and a compiled build find the same set. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_load_released': loadReleased,
  '0003_archived_requests': archivedRequests,
  '0004_complaint_reviews': complaintReviews,
  '0005_timeline_tasks_feedback': timelineTasksFeedback,
  '0006_kpi_facts': kpiFacts,
  '0007_scheduled_mails': scheduledMails,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrateToLatest(db: Db): Promise<string[]> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  await ensureDefaultVersions(db);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

async function ensureDefaultVersions(db: Db): Promise<void> {
  for (const [table, document] of [
    ['policies', DEFAULT_POLICY],
    ['calendars', DEFAULT_CALENDAR],
  ] as const) {
    await db
      .insertInto(table)
      .values({ version: 1, document: JSON.stringify(document), created_by: 'defaults' })
      .onConflict((oc) => oc.column('version').doNothing())
      .execute();
  }
}

/** For health checks: one round trip. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
