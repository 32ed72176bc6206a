/**
 * `npm start`: the whole local system in one process tree — the Temporal dev
 * server with its Web UI (state in var/temporal.db), the database (embedded
 * PGlite in var/pglite unless DATABASE_URL is set), the SMTP sink with its
 * web page, the worker and the API. Ctrl-C stops everything it started; the
 * next start keeps the data.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import pino from 'pino';
import { ensureAdminToken } from '../api/auth';
import { startApi } from '../api/server';
import { loadConfig, loadLocalSystemConfig } from '../config';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { createDatabase } from '../db/database';
import { TASK_QUEUE } from '../contracts/temporal';
import { migrateToLatest } from '../db/migrate';
import { startEmbeddedPostgres } from '../local/embedded-postgres';
import { startMailSink } from '../local/mail-sink';
import { startDevServer } from '../local/temporal-dev-server';
import { ensureSchedules } from '../worker/schedules';
import { activitiesFromConfig, createRequestWorker } from '../worker/worker';

const VAR_DIR = path.resolve(__dirname, '..', 'var');

/** The admin token: ADMIN_TOKEN, else one generated at the first start and kept in var/. */
function localAdminToken(given: string | undefined): string {
  if (given) return given;
  const file = path.join(VAR_DIR, 'admin-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const token = `cst_${randomBytes(32).toString('base64url')}`;
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

async function main(): Promise<void> {
  mkdirSync(VAR_DIR, { recursive: true });
  const local = loadLocalSystemConfig();
  const env: NodeJS.ProcessEnv = { ...process.env };
  const logger = pino({ level: env.LOG_LEVEL ?? 'info' });
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => logger.warn({ err }, 'stopping failed'));
  };
  // This process stops the worker itself, after the API and before the servers.
  Runtime.install({ shutdownSignals: [] });
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log('\nstopping…');
      void stopAll().then(() => process.exit(0));
    });
  }

  try {
    if (local.startEmbeddedDatabase) {
      const embedded = await startEmbeddedPostgres({ dataDir: path.join(VAR_DIR, 'pglite'), port: local.databasePort });
      stops.push(() => embedded.stop());
      env.DATABASE_URL = embedded.url;
    }
    let mailWebUrl: string | null = null;
    if (local.startMailSink) {
      const sink = await startMailSink({ smtpPort: local.mailSmtpPort, webPort: local.mailWebPort });
      stops.push(() => sink.close());
      env.SMTP_URL = sink.smtpUrl;
      mailWebUrl = sink.webUrl;
    }
    let uiUrl: string | null = null;
    if (local.startDevServer) {
      const server = await startDevServer({
        port: local.temporalPort,
        uiPort: local.temporalUiPort,
        dbFilename: path.join(VAR_DIR, 'temporal.db'),
        namespace: env.TEMPORAL_NAMESPACE ?? 'default',
      });
      stops.push(() => server.stop());
      env.TEMPORAL_ADDRESS = server.address;
      uiUrl = server.uiUrl;
    }

    const config = loadConfig(env);
    const db = createDatabase(config.databaseUrl!);
    stops.push(() => db.destroy());
    await migrateToLatest(db);
    const adminToken = localAdminToken(config.adminToken);
    await ensureAdminToken(db, adminToken);

    const nativeConnection = await NativeConnection.connect(temporalConnectionOptions(config));
    stops.push(() => nativeConnection.close());
    const worker = await createRequestWorker({
      connection: nativeConnection,
      namespace: config.temporal.namespace,
      activities: activitiesFromConfig(config, db),
    });
    // The scheduled work (VIP care letter, weekly and quarterly reviews), as the worker creates it in production.
    await ensureSchedules(new Client({ connection: nativeConnection, namespace: config.temporal.namespace }), {
      timeZone: config.businessTimeZone,
      taskQueue: TASK_QUEUE,
    });
    const workerRun = worker.run();
    stops.push(async () => {
      worker.shutdown();
      await workerRun;
    });

    const connection = await Connection.connect(temporalConnectionOptions(config));
    stops.push(() => connection.close());
    const temporal = new Client({ connection, namespace: config.temporal.namespace });
    const api = await startApi({ db, temporal, config, logger }, config.port, '127.0.0.1');
    stops.push(() => api.close());

    console.log(
      [
        '',
        'The local system is up. Ctrl-C stops it; the next `npm start` keeps the data (var/).',
        '',
        `  API            ${api.url}   (health: ${api.url}/readyz)`,
        `  Temporal UI    ${uiUrl ?? '(external Temporal: ' + config.temporal.address + ')'}`,
        `  Mail sink      ${mailWebUrl ?? '(external SMTP: ' + config.smtp.url + ')'}`,
        `  Database       ${local.startEmbeddedDatabase ? `embedded PGlite in var/pglite, on ${config.databaseUrl}` : 'DATABASE_URL'}`,
        `  Admin token    ${adminToken}`,
        '',
        'Next: create an agent, then post a request (docs/getting-started.md has the whole walk-through):',
        `  curl -s -X POST ${api.url}/api/agents -H "Authorization: Bearer ${adminToken}" -H 'Content-Type: application/json' \\`,
        `    -d '{"id":"A-001","name":"王芳","email":"wang.fang@service.example","group":"technical_support"}'`,
        '',
      ].join('\n'),
    );
    await workerRun;
  } catch (err) {
    await stopAll();
    throw err;
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
