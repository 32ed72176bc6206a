/**
 * The embedded database of `npm start` without DATABASE_URL: PGlite (PostgreSQL
 * compiled to WebAssembly, data in a folder) served over the PostgreSQL wire
 * protocol, so the same `pg` driver, kysely and SQL run on it unchanged. Its
 * socket server multiplexes many connections over PGlite's single session and
 * keeps a transaction's queries together; guarantees under real concurrency
 * are proven on a real server in the tests.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: { dataDir: string; port: number; maxConnections?: number }): Promise<EmbeddedPostgres> {
  mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir);
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: options.port,
    maxConnections: options.maxConnections ?? 50,
  });
  await server.start();
  return {
    url: `postgres://postgres@127.0.0.1:${options.port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
