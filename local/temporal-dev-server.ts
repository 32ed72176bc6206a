/**
 * The Temporal dev server (`temporal server start-dev`: the full server on
 * SQLite, with the Web UI) for `npm start`, from the CLI that
 * scripts/provision.sh builds. The project's search attributes are
 * registered by flag.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { devServerSearchAttributeFlags } from '../contracts/temporal';
import { waitForPort } from './ports';
import { TEMPORAL_CLI } from './tools';

export interface DevServer {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

export async function startDevServer(options: { port: number; uiPort: number; dbFilename: string; namespace: string }): Promise<DevServer> {
  if (!existsSync(TEMPORAL_CLI)) throw new Error(`${TEMPORAL_CLI} is missing: run \`npm run provision\``);
  const child = spawn(
    TEMPORAL_CLI,
    [
      'server', 'start-dev',
      '--ip', '127.0.0.1',
      '--port', String(options.port),
      '--ui-port', String(options.uiPort),
      '--db-filename', options.dbFilename,
      '--namespace', options.namespace,
      '--log-level', 'warn',
      ...devServerSearchAttributeFlags(),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await Promise.race([
    Promise.all([waitForPort(options.port, 60_000), waitForPort(options.uiPort, 60_000)]),
    exited.then(() => Promise.reject(new Error(`the Temporal dev server exited at start: ${log}`))),
  ]);
  return {
    address: `127.0.0.1:${options.port}`,
    uiUrl: `http://127.0.0.1:${options.uiPort}`,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
