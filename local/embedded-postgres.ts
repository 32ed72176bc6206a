/**
 * The embedded database of `npm start` without DATABASE_URL: PGlite served
 * over the PostgreSQL protocol (embedded-postgres-server.ts, in a child
 * process), so the same `pg` driver, kysely and SQL run on it unchanged.
 * Concurrency there is emulated; guarantees under real concurrency are
 * proven on a real server in the tests.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { waitForPort } from './ports';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

const SERVER_SCRIPT = path.join(__dirname, 'embedded-postgres-server.ts');

export async function startEmbeddedPostgres(options: { dataDir: string; port: number; maxConnections?: number }): Promise<EmbeddedPostgres> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', SERVER_SCRIPT, options.dataDir, String(options.port), String(options.maxConnections ?? 50)],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await Promise.race([
    waitForPort(options.port, 60_000),
    exited.then(() => Promise.reject(new Error(`the embedded database exited at start (code ${child.exitCode})`))),
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${options.port}/postgres`,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
