/**
 * The KPIs of process.md as SQL over the read model (`requests` with its KPI
 * fact columns, `request_deadlines`, `feedback`, `complaint_reviews`), for a
 * period [from, to), in total or grouped by the request's priority, group or
 * type, or by the agent the KPI counts for. One small function per KPI; each
 * returns its figure per group key, and `kpiReport` puts them together with
 * the targets of contracts/kpi.ts.
 *
 * Period rule (process.md "KPIs"): a request counts in the period of the
 * event measured —
 * - first response time: acknowledgement time (`requests.first_response_at`);
 * - closure KPIs (one-time resolution, closure timeliness): closing time,
 *   closed `completed`;
 * - solution first pass: the customer's agreement (`solution_agreed_at`);
 * - deadline KPIs (deadline compliance, first-response compliance, progress
 *   feedback, co-handler response, temporary-measure coverage, callback
 *   timeliness): the window's due time, as last recorded — a delay or a
 *   pause moves it, and meeting the moved deadline is met. A window counts
 *   once settled met or missed; pending and paused windows are not due yet,
 *   cancelled ones were withdrawn;
 * - satisfaction and NPS: feedback time (callbacks and questionnaires; the
 *   first-contact rating is not among them);
 * - repeat complaints: intake time;
 * - complaint review rate: the complaint's closing time.
 *
 * Group by agent: a deadline KPI counts for the agent who owed the window
 * (`request_deadlines.owed_by`; null for windows owed by no one agent —
 * callbacks, interventions, complaint reviews); closure, solution,
 * satisfaction, NPS, repeat-complaint and complaint-review KPIs for the
 * request's assignee (at closing, for a closed request); first response
 * time for the agent whose window the response answered (the request's last
 * `firstResponse` window).
 */
import { sql, type RawBuilder } from 'kysely';
import {
  KPI_DEFINITIONS,
  StaffDeadlineId,
  type ComplaintReviewFigure,
  type FirstResponseTimeFigure,
  type KpiFigures,
  type KpiGroupBy,
  type KpiGroupRow,
  type KpiId,
  type KpiReport,
  type MeanFigure,
  type NpsFigure,
  type Ratio,
  type RatioFigure,
  type SatisfactionFigure,
  type WaitFigure,
} from '../contracts/kpi';
import { Priority } from '../contracts/request';
import type { Db } from '../db/database';

export interface KpiPeriod {
  from: Date | string;
  to: Date | string;
}

export interface KpiQuery {
  from: Date;
  to: Date;
  groupBy?: KpiGroupBy | undefined;
}

/** A KPI's figure per group key (null: no priority/group/type/agent; without grouping, the one total). */
export type ByKey<T> = Map<string | null, T>;

/** Which agent a KPI counts for when grouped by agent. */
type AgentOf = 'owedBy' | 'holder' | 'firstResponder' | 'none';

/** The group key of a row, over `requests r` and (for deadline KPIs) `request_deadlines d`. */
function groupKey(groupBy: KpiGroupBy | undefined, agentOf: AgentOf): RawBuilder<string | null> {
  switch (groupBy) {
    case undefined:
      return sql<null>`null::text`;
    case 'priority':
      return sql<string>`r.priority`;
    case 'group':
      return sql<string | null>`r.group_id`;
    case 'type':
      return sql<string>`r.type`;
    case 'agent':
      switch (agentOf) {
        case 'owedBy':
          return sql<string | null>`d.owed_by`;
        case 'holder':
          return sql<string | null>`r.assignee_id`;
        case 'firstResponder':
          return sql<string | null>`(select fr.owed_by from request_deadlines fr
            where fr.request_id = r.id and fr.name = 'firstResponse' order by fr.position desc limit 1)`;
        case 'none':
          return sql<null>`null::text`;
      }
  }
}

/** `column` in [from, to). */
function inPeriod(column: RawBuilder<unknown>, q: KpiQuery): RawBuilder<boolean> {
  return sql<boolean>`${column} >= ${q.from} and ${column} < ${q.to}`;
}

interface RatioRow {
  group_key: string | null;
  numerator: number;
  denominator: number;
}

function ratio(numerator: number, denominator: number): Ratio {
  return { value: denominator === 0 ? null : numerator / denominator, numerator, denominator };
}

function ratiosByKey(rows: RatioRow[]): ByKey<Ratio> {
  return new Map(rows.map((row) => [row.group_key, ratio(row.numerator, row.denominator)]));
}

// ---------------------------------------------------------------------------
// Deadline windows

/**
 * Windows of the named deadlines settled met or missed and due in the
 * period: met ÷ (met + missed), per deadline and group key.
 */
async function windowCompliance(db: Db, q: KpiQuery, names: readonly string[]): Promise<Map<string, ByKey<Ratio>>> {
  const { rows } = await sql<RatioRow & { name: string }>`
    select d.name, ${groupKey(q.groupBy, 'owedBy')} as group_key,
      count(*) filter (where d.state = 'met')::int as numerator,
      count(*)::int as denominator
    from request_deadlines d
    join requests r on r.id = d.request_id
    where d.name in (${sql.join(names)})
      and d.state in ('met', 'missed')
      and ${inPeriod(sql`d.due_at`, q)}
    group by d.name, 2`.execute(db);
  const byName = new Map<string, ByKey<Ratio>>();
  for (const row of rows) {
    const byKey = byName.get(row.name) ?? new Map<string | null, Ratio>();
    byKey.set(row.group_key, ratio(row.numerator, row.denominator));
    byName.set(row.name, byKey);
  }
  return byName;
}

async function oneWindowCompliance(db: Db, q: KpiQuery, name: StaffDeadlineId): Promise<ByKey<Ratio>> {
  return (await windowCompliance(db, q, [name])).get(name) ?? new Map();
}

/** Complaint reviews (kept by their child workflow) settled and due in the period; owed by the supervisors, so by agent: null. */
async function complaintReviewWindows(db: Db, q: KpiQuery): Promise<ByKey<Ratio>> {
  const { rows } = await sql<RatioRow>`
    select ${groupKey(q.groupBy, 'none')} as group_key,
      count(*) filter (where c.state = 'met')::int as numerator,
      count(*)::int as denominator
    from complaint_reviews c
    join requests r on r.id = c.request_id
    where c.state in ('met', 'missed') and ${inPeriod(sql`c.due_at`, q)}
    group by 1`.execute(db);
  return ratiosByKey(rows);
}

/** Deadline compliance: per staff-side deadline type, met ÷ due. */
export async function deadlineCompliance(db: Db, q: KpiQuery): Promise<Map<StaffDeadlineId, ByKey<Ratio>>> {
  const inRequests = StaffDeadlineId.options.filter((name) => name !== 'complaintReview');
  const [windows, reviews] = await Promise.all([windowCompliance(db, q, inRequests), complaintReviewWindows(db, q)]);
  const result = new Map<StaffDeadlineId, ByKey<Ratio>>();
  for (const name of inRequests) result.set(name, windows.get(name) ?? new Map());
  result.set('complaintReview', reviews);
  return result;
}

/** First-response compliance: assignee windows (one per assignment) answered in time ÷ assignee windows due. */
export function firstResponseCompliance(db: Db, q: KpiQuery): Promise<ByKey<Ratio>> {
  return oneWindowCompliance(db, q, 'firstResponse');
}

/** Progress-feedback rate: working days in progress with an update (dailyProgress met) ÷ working days (met + missed). */
export function progressFeedbackRate(db: Db, q: KpiQuery): Promise<ByKey<Ratio>> {
  return oneWindowCompliance(db, q, 'dailyProgress');
}

/** Co-handler response rate: tasks accepted within the window ÷ tasks whose acceptance window settled met or missed. */
export function coHandlerResponseRate(db: Db, q: KpiQuery): Promise<ByKey<Ratio>> {
  return oneWindowCompliance(db, q, 'taskAcceptance');
}

/** Temporary-measure coverage: emergencies with a measure in time ÷ emergencies whose measure window settled. */
export function temporaryMeasureCoverage(db: Db, q: KpiQuery): Promise<ByKey<Ratio>> {
  return oneWindowCompliance(db, q, 'temporaryMeasure');
}

/**
 * Callback timeliness: follow-ups completed in their first callback window ÷
 * follow-ups whose first window is due. A second window is armed only when
 * the one before it was missed (workflow `missCallback`), so a callback
 * window is a follow-up's first unless the request's previous callback
 * window was missed; a reopened request's next follow-up starts after a met
 * one.
 */
export async function callbackTimeliness(db: Db, q: KpiQuery): Promise<ByKey<Ratio>> {
  const { rows } = await sql<RatioRow>`
    select ${groupKey(q.groupBy, 'owedBy')} as group_key,
      count(*) filter (where d.state = 'met')::int as numerator,
      count(*)::int as denominator
    from request_deadlines d
    join requests r on r.id = d.request_id
    left join lateral (
      select p.state from request_deadlines p
      where p.request_id = d.request_id and p.name = 'callback' and p.position < d.position
      order by p.position desc limit 1
    ) previous on true
    where d.name = 'callback'
      and d.state in ('met', 'missed')
      and ${inPeriod(sql`d.due_at`, q)}
      and previous.state is distinct from 'missed'
    group by 1`.execute(db);
  return ratiosByKey(rows);
}

// ---------------------------------------------------------------------------
// Requests

/** First response time: intake → first response in seconds, median and p90, across priorities and per priority. */
export async function firstResponseTime(db: Db, q: KpiQuery): Promise<ByKey<FirstResponseTimeFigure>> {
  const { rows } = await sql<{ group_key: string | null; priority: string | null; count: number; median: number | null; p90: number | null }>`
    select group_key, case when grouping(priority) = 1 then null else priority end as priority, count(*)::int as count,
      percentile_cont(0.5) within group (order by wait) as median,
      percentile_cont(0.9) within group (order by wait) as p90
    from (
      select ${groupKey(q.groupBy, 'firstResponder')} as group_key, r.priority,
        extract(epoch from r.first_response_at - r.created_at)::float8 as wait
      from requests r
      where ${inPeriod(sql`r.first_response_at`, q)}
    ) waits
    group by grouping sets ((group_key, priority), (group_key))`.execute(db);
  const result: ByKey<FirstResponseTimeFigure> = new Map();
  for (const row of rows) {
    const figure = result.get(row.group_key) ?? emptyFirstResponseTime();
    const wait = { count: row.count, medianSeconds: row.median, p90Seconds: row.p90 };
    if (row.priority === null) Object.assign(figure, wait);
    else Object.assign(figure.byPriority[Priority.parse(row.priority)], wait);
    result.set(row.group_key, figure);
  }
  return result;
}

/** Closed `completed` in the period: `numerator` counts those matching `condition`. */
async function closedCompleted(db: Db, q: KpiQuery, condition: RawBuilder<boolean>): Promise<ByKey<Ratio>> {
  const { rows } = await sql<RatioRow>`
    select ${groupKey(q.groupBy, 'holder')} as group_key,
      count(*) filter (where ${condition})::int as numerator,
      count(*)::int as denominator
    from requests r
    where r.status = 'completed' and ${inPeriod(sql`r.closed_at`, q)}
    group by 1`.execute(db);
  return ratiosByKey(rows);
}

/** One-time resolution rate: closed `completed` with no rejected delivery and no reopening ÷ closed `completed`. */
export function oneTimeResolutionRate(db: Db, q: KpiQuery): Promise<ByKey<Ratio>> {
  return closedCompleted(db, q, sql<boolean>`r.rejections = 0 and not r.reopened`);
}

/** Closure timeliness: closed `completed` with every staff-side window met ÷ closed `completed`. */
export function closureTimeliness(db: Db, q: KpiQuery): Promise<ByKey<Ratio>> {
  return closedCompleted(db, q, sql<boolean>`r.staff_deadlines_missed = 0`);
}

/** Solution first-pass rate: solutions agreed with no revision or review rejection ÷ solutions agreed, by agreement time. */
export async function solutionFirstPassRate(db: Db, q: KpiQuery): Promise<ByKey<Ratio>> {
  const { rows } = await sql<RatioRow>`
    select ${groupKey(q.groupBy, 'holder')} as group_key,
      count(*) filter (where r.solution_first_pass)::int as numerator,
      count(*)::int as denominator
    from requests r
    where ${inPeriod(sql`r.solution_agreed_at`, q)}
    group by 1`.execute(db);
  return ratiosByKey(rows);
}

/** Repeat complaint rate: complaints taken in whose customer complained in the 30 days before ÷ complaints taken in. */
export async function repeatComplaintRate(db: Db, q: KpiQuery): Promise<ByKey<Ratio>> {
  const { rows } = await sql<RatioRow>`
    select ${groupKey(q.groupBy, 'holder')} as group_key,
      count(*) filter (where exists (
        select 1 from requests earlier
        where earlier.customer_id = r.customer_id and earlier.type = 'complaint' and earlier.id <> r.id
          and earlier.created_at >= r.created_at - interval '30 days' and earlier.created_at < r.created_at
      ))::int as numerator,
      count(*)::int as denominator
    from requests r
    where r.type = 'complaint' and ${inPeriod(sql`r.created_at`, q)}
    group by 1`.execute(db);
  return ratiosByKey(rows);
}

/** Complaint review rate: complaints reviewed within 48 h ÷ complaints closed whose review window has settled; pending ones apart. */
export async function complaintReviewRate(db: Db, q: KpiQuery): Promise<ByKey<Ratio & { pending: number }>> {
  const { rows } = await sql<RatioRow & { pending: number }>`
    select ${groupKey(q.groupBy, 'holder')} as group_key,
      count(*) filter (where c.state = 'met')::int as numerator,
      count(*) filter (where c.state in ('met', 'missed'))::int as denominator,
      count(*) filter (where c.state = 'pending')::int as pending
    from complaint_reviews c
    join requests r on r.id = c.request_id
    where ${inPeriod(sql`c.closed_at`, q)}
    group by 1`.execute(db);
  return new Map(rows.map((row) => [row.group_key, { ...ratio(row.numerator, row.denominator), pending: row.pending }]));
}

// ---------------------------------------------------------------------------
// Feedback

interface RatingsRow {
  group_key: string | null;
  speed: number | null;
  speed_count: number;
  resolution: number | null;
  resolution_count: number;
  attitude: number | null;
  attitude_count: number;
  professionalism: number | null;
  professionalism_count: number;
  satisfied: number;
  verdicts: number;
}

/** Satisfaction: the mean of each rating, and (satisfied + basically satisfied) ÷ verdicts, of callbacks and questionnaires. */
export async function satisfaction(db: Db, q: KpiQuery): Promise<ByKey<Omit<SatisfactionFigure, 'satisfied'> & { satisfied: Ratio }>> {
  const { rows } = await sql<RatingsRow>`
    select ${groupKey(q.groupBy, 'holder')} as group_key,
      avg(f.response_speed)::float8 as speed, count(f.response_speed)::int as speed_count,
      avg(f.resolution)::float8 as resolution, count(f.resolution)::int as resolution_count,
      avg(f.attitude)::float8 as attitude, count(f.attitude)::int as attitude_count,
      avg(f.professionalism)::float8 as professionalism, count(f.professionalism)::int as professionalism_count,
      count(*) filter (where f.verdict in ('satisfied', 'basically_satisfied'))::int as satisfied,
      count(f.verdict)::int as verdicts
    from feedback f
    join requests r on r.id = f.request_id
    where f.kind in ('callback', 'survey') and ${inPeriod(sql`f.recorded_at`, q)}
    group by 1`.execute(db);
  return new Map(
    rows.map((row) => [
      row.group_key,
      {
        responseSpeed: { mean: row.speed, count: row.speed_count },
        resolution: { mean: row.resolution, count: row.resolution_count },
        attitude: { mean: row.attitude, count: row.attitude_count },
        professionalism: { mean: row.professionalism, count: row.professionalism_count },
        satisfied: ratio(row.satisfied, row.verdicts),
      },
    ]),
  );
}

/** NPS: % of scores 9–10 minus % of scores 0–6, of the callbacks and questionnaires that collected a score. */
export async function nps(db: Db, q: KpiQuery): Promise<ByKey<NpsFigure>> {
  const { rows } = await sql<{ group_key: string | null; promoters: number; detractors: number; responses: number }>`
    select ${groupKey(q.groupBy, 'holder')} as group_key,
      count(*) filter (where f.nps >= 9)::int as promoters,
      count(*) filter (where f.nps <= 6)::int as detractors,
      count(*)::int as responses
    from feedback f
    join requests r on r.id = f.request_id
    where f.kind in ('callback', 'survey') and f.nps is not null and ${inPeriod(sql`f.recorded_at`, q)}
    group by 1`.execute(db);
  return new Map(
    rows.map((row) => [
      row.group_key,
      {
        value: row.responses === 0 ? null : ((row.promoters - row.detractors) * 100) / row.responses,
        promoters: row.promoters,
        passives: row.responses - row.promoters - row.detractors,
        detractors: row.detractors,
        responses: row.responses,
        target: null,
      },
    ]),
  );
}

// ---------------------------------------------------------------------------
// The report

function ratioFigure(id: KpiId, value: Ratio | undefined): RatioFigure {
  const { target, direction } = KPI_DEFINITIONS[id];
  const r = value ?? ratio(0, 0);
  const goal = target?.kind === 'minRatio' ? target.ratio : null;
  return { ...r, target: goal, direction, onTarget: goal === null || r.value === null ? null : r.value >= goal };
}

function emptyWait(targetSeconds: number | null): WaitFigure {
  return { count: 0, medianSeconds: null, p90Seconds: null, targetSeconds };
}

function emptyFirstResponseTime(): FirstResponseTimeFigure {
  const target = KPI_DEFINITIONS.first_response_time.target;
  const seconds = (p: Priority) => (target?.kind === 'maxSecondsByPriority' ? target.seconds[p] : null);
  return { ...emptyWait(null), byPriority: { P1: emptyWait(seconds('P1')), P2: emptyWait(seconds('P2')), P3: emptyWait(seconds('P3')) } };
}

const noMean = (): MeanFigure => ({ mean: null, count: 0 });

/** Every KPI's figures for one group key, from the per-KPI results. */
function figuresOf(key: string | null, results: KpiResults): KpiFigures {
  const deadlineCompliance = Object.fromEntries(
    StaffDeadlineId.options.map((name) => [name, ratioFigure('deadline_compliance', results.deadlineCompliance.get(name)?.get(key))]),
  ) as Record<StaffDeadlineId, RatioFigure>;
  const ratings = results.satisfaction.get(key);
  const review = results.complaintReviewRate.get(key);
  return {
    first_response_time: results.firstResponseTime.get(key) ?? emptyFirstResponseTime(),
    first_response_compliance: ratioFigure('first_response_compliance', results.firstResponseCompliance.get(key)),
    one_time_resolution_rate: ratioFigure('one_time_resolution_rate', results.oneTimeResolutionRate.get(key)),
    solution_first_pass_rate: ratioFigure('solution_first_pass_rate', results.solutionFirstPassRate.get(key)),
    deadline_compliance: deadlineCompliance,
    closure_timeliness: ratioFigure('closure_timeliness', results.closureTimeliness.get(key)),
    progress_feedback_rate: ratioFigure('progress_feedback_rate', results.progressFeedbackRate.get(key)),
    co_handler_response_rate: ratioFigure('co_handler_response_rate', results.coHandlerResponseRate.get(key)),
    temporary_measure_coverage: ratioFigure('temporary_measure_coverage', results.temporaryMeasureCoverage.get(key)),
    satisfaction: {
      responseSpeed: ratings?.responseSpeed ?? noMean(),
      resolution: ratings?.resolution ?? noMean(),
      attitude: ratings?.attitude ?? noMean(),
      professionalism: ratings?.professionalism ?? noMean(),
      satisfied: ratioFigure('satisfaction', ratings?.satisfied),
    },
    nps: results.nps.get(key) ?? { value: null, promoters: 0, passives: 0, detractors: 0, responses: 0, target: null },
    repeat_complaint_rate: ratioFigure('repeat_complaint_rate', results.repeatComplaintRate.get(key)),
    callback_timeliness: ratioFigure('callback_timeliness', results.callbackTimeliness.get(key)),
    complaint_review_rate: { ...ratioFigure('complaint_review_rate', review), pending: review?.pending ?? 0 } satisfies ComplaintReviewFigure,
  };
}

type KpiResults = Awaited<ReturnType<typeof allKpis>>;

async function allKpis(db: Db, q: KpiQuery) {
  const [
    firstResponseTimeResult,
    firstResponseComplianceResult,
    oneTimeResolutionRateResult,
    solutionFirstPassRateResult,
    deadlineComplianceResult,
    closureTimelinessResult,
    progressFeedbackRateResult,
    coHandlerResponseRateResult,
    temporaryMeasureCoverageResult,
    satisfactionResult,
    npsResult,
    repeatComplaintRateResult,
    callbackTimelinessResult,
    complaintReviewRateResult,
  ] = await Promise.all([
    firstResponseTime(db, q),
    firstResponseCompliance(db, q),
    oneTimeResolutionRate(db, q),
    solutionFirstPassRate(db, q),
    deadlineCompliance(db, q),
    closureTimeliness(db, q),
    progressFeedbackRate(db, q),
    coHandlerResponseRate(db, q),
    temporaryMeasureCoverage(db, q),
    satisfaction(db, q),
    nps(db, q),
    repeatComplaintRate(db, q),
    callbackTimeliness(db, q),
    complaintReviewRate(db, q),
  ]);
  return {
    firstResponseTime: firstResponseTimeResult,
    firstResponseCompliance: firstResponseComplianceResult,
    oneTimeResolutionRate: oneTimeResolutionRateResult,
    solutionFirstPassRate: solutionFirstPassRateResult,
    deadlineCompliance: deadlineComplianceResult,
    closureTimeliness: closureTimelinessResult,
    progressFeedbackRate: progressFeedbackRateResult,
    coHandlerResponseRate: coHandlerResponseRateResult,
    temporaryMeasureCoverage: temporaryMeasureCoverageResult,
    satisfaction: satisfactionResult,
    nps: npsResult,
    repeatComplaintRate: repeatComplaintRateResult,
    callbackTimeliness: callbackTimelinessResult,
    complaintReviewRate: complaintReviewRateResult,
  };
}

/** Every group key any KPI has a figure for, ordered (null last). */
function keysOf(results: KpiResults): (string | null)[] {
  const keys = new Set<string | null>();
  for (const byKey of Object.values(results)) {
    if (byKey instanceof Map) {
      for (const [key, value] of byKey) {
        if (value instanceof Map) for (const inner of value.keys()) keys.add(inner as string | null);
        else keys.add(key as string | null);
      }
    }
  }
  return [...keys].sort((a, b) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0));
}

function instant(value: Date | string, name: string): Date {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`KPI period: ${name} ${String(value)} is not an instant`);
  return date;
}

/**
 * Every KPI of the standards for [from, to), with its target beside it: the
 * totals, and with `groupBy` a row per priority, group, type or agent.
 */
export async function kpiReport(db: Db, { from, to, groupBy }: KpiPeriod & { groupBy?: KpiGroupBy | undefined }): Promise<KpiReport> {
  const period = { from: instant(from, 'from'), to: instant(to, 'to') };
  if (!(period.from < period.to)) throw new RangeError(`KPI period: from ${period.from.toISOString()} is not before to ${period.to.toISOString()}`);
  const [total, grouped] = await Promise.all([allKpis(db, period), groupBy ? allKpis(db, { ...period, groupBy }) : null]);
  const groups: KpiGroupRow[] = grouped ? keysOf(grouped).map((key) => ({ key, figures: figuresOf(key, grouped) })) : [];
  return { from: period.from.toISOString(), to: period.to.toISOString(), groupBy: groupBy ?? null, totals: figuresOf(null, total), groups };
}
