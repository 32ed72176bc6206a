/** `npm run api`: serves the API on PORT until SIGINT/SIGTERM. */
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { loadConfig } from '../config';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { createDatabase } from '../db/database';
import { ensureAdminToken } from './auth';
import { startApi } from './server';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required');
  const logger = pino({ level: config.logLevel });
  const db = createDatabase(config.databaseUrl);
  if (config.adminToken) await ensureAdminToken(db, config.adminToken);
  const connection = await Connection.connect(temporalConnectionOptions(config));
  const temporal = new Client({ connection, namespace: config.temporal.namespace });
  const api = await startApi({ db, temporal, config, logger }, config.port, '0.0.0.0');
  logger.info({ url: api.url }, 'API listening');
  const stop = async (): Promise<void> => {
    await api.close();
    await connection.close();
    await db.destroy();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
