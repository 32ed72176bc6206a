/**
 * A throwaway PostgreSQL cluster, migrated, with the activities built on it:
 * for the integration tests of activities that write the database and send
 * no e-mail (their mailer points at a closed port).
 */
import { sql, type Transaction } from 'kysely';
import { createActivities } from '../../activities';
import { createMailer } from '../../activities/notifications/mailer';
import type { RequestActivities } from '../../contracts/activities';
import type { IntakeDetails, RequestDocument } from '../../contracts/request';
import { createDatabase, type Db } from '../../db/database';
import type { Database } from '../../db/schema';
import { migrateToLatest } from '../../db/migrate';
import { startPostgresCluster } from '../../local/postgres-cluster';
import { initialDocument } from '../../rules/request-document';
import { requestInput, testMailSettings } from './fixtures';

export interface ActivityDatabase {
  db: Db;
  activities: RequestActivities;
  close(): Promise<void>;
}

export async function startActivityDatabase(clock: { now(): Date }): Promise<ActivityDatabase> {
  const cluster = await startPostgresCluster({ fast: true });
  const db = createDatabase(cluster.url);
  await migrateToLatest(db);
  const activities = createActivities({
    db,
    mailer: createMailer('smtp://127.0.0.1:9'),
    clock,
    ...testMailSettings,
  });
  return {
    db,
    activities,
    close: async () => {
      await db.destroy();
      await cluster.stop();
    },
  };
}

/** How many sessions of this database wait on a lock (a contended row or key) now. */
export async function lockWaiters(db: Db): Promise<number> {
  const { rows } = await sql<{ waiting: number }>`
    select count(*)::int as waiting from pg_stat_activity
    where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
  return rows[0]!.waiting;
}

/** Resolves once `count` sessions of this database wait on a lock (a contended row or key). */
export async function waitForLockWaiters(db: Db, count: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const waiting = await lockWaiters(db);
    if (waiting >= count) return;
    if (Date.now() > deadline) throw new Error(`${waiting} of ${count} sessions waiting on the lock after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Races `racers` against a lock `hold` takes in a transaction: they all start
 * inside it and it is rolled back, releasing them together, only once every
 * one of them waits on the lock — a real race, not a matter of timing.
 */
export async function raceOnHeldLock<T>(db: Db, hold: (trx: Transaction<Database>) => Promise<unknown>, racers: () => Promise<T>[]): Promise<T[]> {
  const release = new Error('release the held lock');
  let raced: Promise<T[]> | undefined;
  await db
    .transaction()
    .execute(async (trx) => {
      await hold(trx);
      const started = racers();
      raced = Promise.all(started);
      await waitForLockWaiters(db, started.length);
      throw release;
    })
    .catch((err: unknown) => {
      if (err !== release) throw err;
    });
  return raced!;
}

/**
 * A table's index definitions as pg_indexes shows them, by index name, from
 * the access method on: `btree (closed_at)`, `btree (created_at, id) WHERE (overdue = true)`.
 */
export async function indexDefinitions(db: Db, table: string): Promise<string[]> {
  const { rows } = await sql<{ indexdef: string }>`
    select indexdef from pg_indexes where schemaname = current_schema() and tablename = ${table} order by indexname`.execute(db);
  return rows.map((r) => r.indexdef.replace(/^.* USING /, ''));
}

/**
 * A fresh request (`R-2026-000{n}`) of a fresh synthetic customer
 * (`C-TEST-0{n}`), recorded as the workflow records it at intake.
 */
export async function recordFreshRequest(
  { db, activities }: Pick<ActivityDatabase, 'db' | 'activities'>,
  n: number,
  intake: Partial<IntakeDetails> = {},
): Promise<RequestDocument> {
  const input = requestInput({ requestId: `R-2026-000${n}`, customerId: `C-TEST-0${n}`, intake });
  await db
    .insertInto('customers')
    .values({ id: input.customerId, name: '测试客户', email: `customer.${n}@example.com`, phone: `+86 100 0000 0${n}`, tier: 'standard' })
    .execute();
  const document = initialDocument(input);
  await activities.recordRequest({ request: input, document });
  return document;
}
