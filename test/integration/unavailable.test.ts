/**
 * The API when what it stands on is away: a database that cannot be reached
 * and a Temporal server that does not answer give `503 unavailable` with
 * `Retry-After` and the outcome of api.md, never another 5xx.
 */
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { startApi, type RunningApi } from '../../api/server';
import { loadConfig } from '../../config';
import { createDatabase, type Db } from '../../db/database';
import { freePort } from '../../local/ports';
import { closeAfterRetriesRunOut } from '../support/temporal';

let api: RunningApi;
let db: Db;
let connection: Connection;

beforeAll(async () => {
  // Nothing listens on either port.
  const [databasePort, temporalPort] = [await freePort(), await freePort()];
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: `postgres://postgres@127.0.0.1:${databasePort}/postgres`, TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}` });
  db = createDatabase(config.databaseUrl!);
  connection = Connection.lazy({ address: config.temporal.address });
  const temporal = new Client({ connection, namespace: config.temporal.namespace });
  api = await startApi({ db, temporal, config, logger: pino({ level: 'silent' }) }, 0);
});

afterAll(async () => {
  await api?.close();
  if (connection) await closeAfterRetriesRunOut(connection);
  await db?.destroy();
});

it('answers 503 unavailable, not applied, when the database cannot be reached', async () => {
  const response = await fetch(`${api.url}/api/agents`, { headers: { authorization: 'Bearer cst_any-token-at-all' } });
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('5');
  expect(await response.json()).toEqual({
    error: { code: 'unavailable', message: 'the database cannot be reached; retry later', outcome: 'not_applied' },
  });
});

it('is not ready, naming each check that failed, and stays alive', async () => {
  const ready = await fetch(`${api.url}/readyz`);
  expect(ready.status).toBe(503);
  const body = (await ready.json()) as { error: { code: string; checks: Record<string, string> } };
  expect(body.error.code).toBe('unavailable');
  expect(Object.keys(body.error.checks).sort()).toEqual(['database', 'temporal', 'worker']);
  for (const result of Object.values(body.error.checks)) expect(result).not.toBe('ok');
  expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
});
