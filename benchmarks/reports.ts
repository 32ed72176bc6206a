/**
 * `npm run benchmark:reports [requests]`: the KPI and scorecard queries on
 * the data set issue 8 plans for (default 1,000,000 closed requests, see
 * report-data.ts) in a throwaway PostgreSQL cluster. Prints how long the data
 * took to generate and each query's time — a month and a quarter, totals and
 * each grouping, and an agent's scorecard — the median of three runs after a
 * warm-up. A benchmark, not a test: it asserts nothing and fails on nothing
 * but an error.
 */
import { performance } from 'node:perf_hooks';
import type { KpiGroupBy } from '../contracts/kpi';
import { createDatabase, type Db } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { startPostgresCluster } from '../local/postgres-cluster';
import * as kpi from '../reports/kpi';
import { agentScorecard } from '../reports/scorecard';
import { DATA_END, FULL_SIZE, generateReportData } from './report-data';

const DAY_MS = 86_400_000;
const RUNS = 3;

async function timed(run: () => Promise<unknown>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

/** Each KPI on its own (the report's parts), then the whole report. */
function queries(db: Db, from: Date, to: Date, groupBy?: KpiGroupBy): [string, () => Promise<unknown>][] {
  const q = { from, to, groupBy };
  return [
    ['first response time', () => kpi.firstResponseTime(db, q)],
    ['first-response compliance', () => kpi.firstResponseCompliance(db, q)],
    ['one-time resolution', () => kpi.oneTimeResolutionRate(db, q)],
    ['solution first pass', () => kpi.solutionFirstPassRate(db, q)],
    ['deadline compliance', () => kpi.deadlineCompliance(db, q)],
    ['closure timeliness', () => kpi.closureTimeliness(db, q)],
    ['progress feedback', () => kpi.progressFeedbackRate(db, q)],
    ['co-handler response', () => kpi.coHandlerResponseRate(db, q)],
    ['temporary-measure coverage', () => kpi.temporaryMeasureCoverage(db, q)],
    ['satisfaction', () => kpi.satisfaction(db, q)],
    ['NPS', () => kpi.nps(db, q)],
    ['repeat complaints', () => kpi.repeatComplaintRate(db, q)],
    ['callback timeliness', () => kpi.callbackTimeliness(db, q)],
    ['complaint review rate', () => kpi.complaintReviewRate(db, q)],
    ['whole KPI report', () => kpi.kpiReport(db, q)],
  ];
}

async function main(): Promise<void> {
  const requests = Number(process.argv[2] ?? FULL_SIZE.requests);
  const size = { ...FULL_SIZE, requests, customers: Math.max(1_000, Math.round(requests / 10)) };
  const cluster = await startPostgresCluster({ fast: true });
  const db = createDatabase(cluster.url);
  try {
    await migrateToLatest(db);
    const started = performance.now();
    const counts = await generateReportData(db, size);
    console.log(`generated in ${((performance.now() - started) / 1000).toFixed(1)} s:`, counts);

    const month = { from: new Date(DATA_END.getTime() - 30 * DAY_MS), to: DATA_END };
    const quarter = { from: new Date(DATA_END.getTime() - 91 * DAY_MS), to: DATA_END };
    const rows: { query: string; period: string; groupBy: string; ms: string }[] = [];
    for (const [periodName, period] of Object.entries({ month, quarter })) {
      for (const groupBy of [undefined, 'priority', 'group', 'type', 'agent'] as const) {
        const list = groupBy === undefined ? queries(db, period.from, period.to) : queries(db, period.from, period.to, groupBy).slice(-1);
        for (const [name, run] of list) rows.push({ query: name, period: periodName, groupBy: groupBy ?? '—', ms: (await timed(run)).toFixed(1) });
      }
      rows.push({
        query: 'agent scorecard',
        period: periodName,
        groupBy: 'one agent',
        ms: (await timed(() => agentScorecard(db, { agentId: 'A-B-1-7', ...period }))).toFixed(1),
      });
    }
    console.table(rows);
  } finally {
    await db.destroy();
    await cluster.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
