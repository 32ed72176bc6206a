/**
 * The embedded database as its own process: PGlite (PostgreSQL in
 * WebAssembly, data in a folder) served over the PostgreSQL wire protocol.
 * Its own process, so its single-threaded engine never stalls the worker's
 * or the API's event loop. Usage: embedded-postgres-server <dataDir> <port>.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

async function main(): Promise<void> {
  const [dataDir, port, maxConnections = '50'] = process.argv.slice(2);
  if (!dataDir || !port) throw new Error('usage: embedded-postgres-server <dataDir> <port> [maxConnections]');
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  // The socket server multiplexes connections over PGlite's one session and
  // keeps each transaction's queries together.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: Number(port), maxConnections: Number(maxConnections) });
  await server.start();
  const stop = async (): Promise<void> => {
    await server.stop();
    await db.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
