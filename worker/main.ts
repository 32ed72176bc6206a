/** `npm run worker`: runs the worker until SIGINT/SIGTERM. */
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { createDatabase } from '../db/database';
import { activitiesFromConfig, createRequestWorker } from './worker';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required');
  const db = createDatabase(config.databaseUrl);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  const worker = await createRequestWorker({
    connection,
    namespace: config.temporal.namespace,
    activities: activitiesFromConfig(config, db),
  });
  // Worker.run installs SIGINT/SIGTERM handlers and drains before returning.
  try {
    await worker.run();
  } finally {
    await connection.close();
    await db.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
