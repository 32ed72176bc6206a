/** `npm run migrate`: applies pending migrations to DATABASE_URL. */
import { loadConfig } from '../config';
import { createDatabase } from './database';
import { migrateToLatest } from './migrate';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required to migrate');
  const db = createDatabase(config.databaseUrl, { maxConnections: 1 });
  try {
    const applied = await migrateToLatest(db);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
  } finally {
    await db.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
