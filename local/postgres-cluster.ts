/**
 * A real PostgreSQL server from Debian's binaries in a throwaway (or kept)
 * cluster: initdb into a folder, a free loopback port, trust auth. Tests use
 * it with fsync off. initdb and postgres refuse to run as root, so as root
 * they run as the `postgres` user (spawned with its uid, so signals reach the
 * server itself).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, waitForPort } from './ports';

export interface PostgresCluster {
  /** Connection URL of the `postgres` database. */
  url: string;
  port: number;
  /** A URL for another database of the cluster. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

function postgresBinDir(): string {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('PostgreSQL server binaries not found: run `npm run provision` (installs Debian\'s postgresql)');
  return path.join(root, newest, 'bin');
}

const runningAsRoot = (): boolean => process.getuid?.() === 0;

/** As root, the uid and gid of the `postgres` user, for the server's processes to run as. */
function serverUser(): { uid: number; gid: number } | Record<string, never> {
  if (!runningAsRoot()) return {};
  const id = (flag: string): number => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || uid === 0) throw new Error('running as root needs a `postgres` user (Debian\'s postgresql package creates it)');
  return { uid, gid };
}

export interface PostgresClusterOptions {
  /** Keep the cluster in this folder (created if missing); a temp folder, removed at stop, otherwise. */
  dataDir?: string;
  port?: number;
  /** Durability off: for tests only. */
  fast?: boolean;
}

export async function startPostgresCluster(options: PostgresClusterOptions = {}): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  const throwaway = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'pg-cluster-'));
  const user = serverUser();
  if (runningAsRoot()) spawnSync('chown', ['-R', 'postgres:postgres', dataDir], { stdio: 'inherit' });

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    const init = spawnSync(
      path.join(bin, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-instructions'],
      { encoding: 'utf8', cwd: dataDir, ...user },
    );
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  }

  const port = options.port ?? (await freePort());
  const settings = [
    '-c', 'listen_addresses=127.0.0.1',
    '-c', `unix_socket_directories=${dataDir}`,
    '-c', 'max_connections=200',
    ...(options.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
  ];
  const server: ChildProcess = spawn(path.join(bin, 'postgres'), ['-D', dataDir, '-p', String(port), ...settings], {
    stdio: ['ignore', 'ignore', 'pipe'],
    cwd: dataDir,
    ...user,
  });
  let log = '';
  server.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  try {
    await Promise.race([
      waitForPort(port, 30_000),
      exited.then(() => Promise.reject(new Error(`postgres exited at start: ${log}`))),
    ]);
  } catch (err) {
    server.kill('SIGKILL');
    throw err;
  }

  const urlFor = (database: string): string => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    url: urlFor('postgres'),
    port,
    urlFor,
    async stop() {
      if (server.exitCode === null) {
        // SIGINT: PostgreSQL's fast shutdown (disconnects clients, no wait).
        server.kill('SIGINT');
        await exited;
      }
      if (throwaway) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
