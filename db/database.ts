/** The one way to open the database: a kysely instance over a `pg` pool. */
import { Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import type { Database } from './schema';

export type Db = Kysely<Database>;

export function createDatabase(connectionString: string, options: { maxConnections?: number } = {}): Db {
  const pool = new Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    // Fail fast when the database is away, so callers answer 503 instead of hanging.
    connectionTimeoutMillis: 5_000,
  });
  // An idle client losing its server must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
