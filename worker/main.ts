/** `npm run worker`: runs the worker until SIGINT/SIGTERM. */
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { createDatabase } from '../db/database';
import { TASK_QUEUE } from '../contracts/temporal';
import { ensureSchedules } from './schedules';
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
  // The scheduled work's schedules, created or brought up to date at every start (idempotent).
  await ensureSchedules(new Client({ connection, namespace: config.temporal.namespace }), {
    timeZone: config.businessTimeZone,
    taskQueue: TASK_QUEUE,
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
