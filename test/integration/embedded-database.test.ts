/**
 * The embedded database of `npm start` (PGlite over the PostgreSQL protocol):
 * the same migrations, driver and SQL run on it, a pool's concurrent
 * transactions stay apart, and the data outlives a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { recordIntake } from '../../api/intake';
import { IntakeBody } from '../../api/schemas';
import { createDatabase } from '../../db/database';
import { migrateToLatest } from '../../db/migrate';
import { startEmbeddedPostgres } from '../../local/embedded-postgres';
import { freePort } from '../../local/ports';
import { intakeBody } from '../support/stack';

const dataDir = mkdtempSync(path.join(tmpdir(), 'pglite-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const staff = { tokenId: '00000000-0000-4000-8000-000000000009', role: 'intake' as const, agentId: null, lead: false, group: null };

it('migrates, allocates request ids under concurrent intake, and keeps its data across a restart', async () => {
  const port = await freePort();
  const first = await startEmbeddedPostgres({ dataDir, port });
  const db = createDatabase(first.url, { maxConnections: 8 });
  try {
    expect(await migrateToLatest(db)).toEqual(['0001_initial', '0002_load_released', '0003_archived_requests', '0004_complaint_reviews', '0005_timeline_tasks_feedback', '0006_kpi_facts', '0007_scheduled_mails']);
    expect(await migrateToLatest(db)).toEqual([]);
    const groups = await db.selectFrom('service_groups').select('id').orderBy('id').execute();
    expect(groups.map((g) => g.id)).toEqual(['after_sales', 'complaints', 'product_consulting', 'technical_support']);

    // Twelve intakes at once through the pool: each its own transaction.
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        recordIntake(db, {
          body: IntakeBody.parse(intakeBody({ externalId: `EXT-${i}` })),
          staff,
          idempotencyKey: `EXT-${i}`,
          now: new Date('2026-11-27T07:00:00Z'),
          timeZone: 'Asia/Shanghai',
        }),
      ),
    );
    const ids = outcomes.map((o) => o.requestId).sort();
    expect(ids).toEqual(Array.from({ length: 12 }, (_, i) => `R-2026-${String(i + 1).padStart(6, '0')}`));
    const keys = await db.selectFrom('intake_keys').select('key').execute();
    expect(keys).toHaveLength(12);
  } finally {
    await db.destroy();
    await first.stop();
  }

  const second = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  const again = createDatabase(second.url, { maxConnections: 2 });
  try {
    expect(await migrateToLatest(again)).toEqual([]);
    const counter = await again.selectFrom('request_counters').selectAll().execute();
    expect(counter).toEqual([{ year: 2026, last_sequence: 12 }]);
  } finally {
    await again.destroy();
    await second.stop();
  }
});
