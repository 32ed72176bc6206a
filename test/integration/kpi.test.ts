/**
 * Every KPI of process.md's table (reports/kpi.ts) on real PostgreSQL, over a
 * seeded December 2026 worked out by hand below. The requests are recorded
 * as the workflow records them: `recordRequest` with the intake, the
 * assignment activities' columns (assignee, group), then `recordState` with
 * hand-made documents (the KPI facts, deadline windows and feedback derive
 * from them), and `recordComplaintReview` for complaint reviews.
 *
 * Period P = [2026-12-01T00:00Z, 2027-01-01T00:00Z). Groups G-A (agents A1,
 * A2) and G-B (agent B1). Times are UTC. "fr" = firstResponse window.
 *
 *  id   type          cx         pri grp  holder cust  created
 *  R00  complaint     simple     P3  G-B  B1     C1    11-05 00:00 (intake only)
 *  R01  fault         emergency  P1  G-A  A2     C3    12-01 00:00  reassigned A1 → A2; closed completed 12-02 02:00
 *  R02  after_sales   complex    P2  G-A  A1     C4    12-02 01:00  revised solution, tasks, paused + delayed execution,
 *                                                                   daily progress, a rejection; closed completed 12-11 02:00
 *  R03  complaint     simple     P2  G-B  B1     C1    12-10 00:00  dissatisfied, intervened; closed completed 12-11 02:30
 *  R04  complaint     simple     P3  G-B  B1     C1    12-20 00:00  simple answer late; closed completed 12-31 10:00
 *  R05  fault         complex    P1  G-A  A1     C5    12-14 00:00  open, execution paused
 *  R06  complaint     emergency  P1  G-B  B1     C2    12-05 00:00  reopened by an intervention; closed completed 12-11 10:00
 *  R07  consultation  simple     P3  G-A  A2     C2    11-30 23:30  open; first response exactly at `from` (late)
 *  R08  suggestion    simple     P3  G-B  B1     C6    12-29 00:00  closed completed exactly at `to`
 *  R09  complaint     simple     P2  —    —      C1    2027-01-01 00:00 (exactly at `to`, intake only)
 *  R10  consultation  simple     P3  G-A  A1     C7    11-30 20:00  resolved at first contact; closed completed exactly at `from`
 *  R11  fault         simple     P2  G-A  A2     C8    12-15 00:00  cancelled 12-15 00:20
 */
import type { RequestActivities } from '../../contracts/activities';
import type { ComplaintReviewDocument } from '../../contracts/complaint-review';
import { KPI_DEFINITIONS, StaffDeadlineId, type KpiFigures, type KpiReport, type RatioFigure } from '../../contracts/kpi';
import type {
  ActionRecord,
  Complexity,
  DeadlineEntry,
  DeadlineId,
  Feedback,
  Priority,
  RequestDocument,
  RequestType,
  Solution,
  SolutionTask,
  Verdict,
} from '../../contracts/request';
import type { Db } from '../../db/database';
import { kpiReport } from '../../reports/kpi';
import { DEADLINES } from '../../rules/deadline-catalogue';
import { initialDocument } from '../../rules/request-document';
import { startActivityDatabase, type ActivityDatabase } from '../support/activity-database';
import { requestInput } from '../support/fixtures';

let database: ActivityDatabase;
let db: Db;
let activities: RequestActivities;

const FROM = '2026-12-01T00:00:00.000Z';
const TO = '2027-01-01T00:00:00.000Z';

/** '2026-12-01 00:05' → '2026-12-01T00:05:00.000Z'. */
const t = (at: string): string => `${at.replace(' ', 'T')}:00.000Z`;

const BY_AGENT = (agentId: string, at: string): ActionRecord => ({ at: t(at), byKind: 'staff', byRole: 'agent', byAgentId: agentId, recordedFrom: null });
const BY_CUSTOMER = (at: string): ActionRecord => ({ at: t(at), byKind: 'customer', byRole: 'customer', byAgentId: null, recordedFrom: null });
const BY_SUPERVISOR = (at: string): ActionRecord => ({ at: t(at), byKind: 'staff', byRole: 'supervisor', byAgentId: null, recordedFrom: null });

/** A deadline window as the workflow leaves it: met and cancelled settle at `settled`; missed at its due time. */
function win(
  name: DeadlineId,
  owedBy: string | null,
  armed: string,
  due: string,
  state: DeadlineEntry['state'],
  settled: string | null = null,
  fulfilled: string | null = state === 'met' ? settled : null,
  extra: Partial<DeadlineEntry> = {},
): DeadlineEntry {
  const settledAt = state === 'missed' ? t(due) : settled === null ? null : t(settled);
  return {
    name,
    dueAt: t(due),
    state,
    armedAt: t(armed),
    owedBy,
    remindedAt: null,
    settledAt,
    fulfilledAt: fulfilled === null ? null : t(fulfilled),
    escalatedAt: state === 'missed' ? t(due) : null,
    ...extra,
  };
}

function feedbackOf(
  source: Feedback['source'],
  at: string,
  [responseSpeed, resolution, attitude, professionalism]: [number, number, number, number],
  verdict: Verdict,
  nps: number | null,
): Feedback {
  return {
    ...(source === 'callback' ? BY_AGENT('A2', at) : BY_CUSTOMER(at)),
    source,
    resolved: source === 'callback' ? true : null,
    ratings: { responseSpeed, resolution, attitude, professionalism },
    verdict,
    shortfalls: null,
    comment: null,
    nps,
  };
}

function task(id: string, ownerId: string, dueAt: string): SolutionTask {
  return { id, title: `任务 ${id}（合成数据）`, ownerId, dueAt: t(dueAt), acceptedAt: null, completedAt: null, note: null };
}

function agreedSolution(agentId: string, at: string, revision: number, reviewRounds: number, tasks: SolutionTask[] = []): Solution {
  return {
    ...BY_AGENT(agentId, at),
    revision,
    steps: ['检测', '处理'],
    resources: null,
    risks: [],
    tasks,
    complex: reviewRounds > 0,
    reviews: [],
    reviewRounds,
    state: 'agreed',
    customerComment: null,
  };
}

interface Seed {
  id: string;
  customer: string;
  type: RequestType;
  complexity: Complexity;
  priority: Priority;
  group: string | null;
  assignee: string | null;
  created: string;
  /** The documents recordState writes, in order (each a later version). */
  states: Partial<RequestDocument>[];
}

const customers = new Set<string>();

async function seed(spec: Seed): Promise<void> {
  if (!customers.has(spec.customer)) {
    customers.add(spec.customer);
    await db
      .insertInto('customers')
      .values({ id: spec.customer, name: '测试客户', email: `${spec.customer.toLowerCase()}@example.com`, phone: '+86 100 0000 0000', tier: 'standard' })
      .execute();
  }
  const input = requestInput({
    requestId: spec.id,
    customerId: spec.customer,
    recordedAt: t(spec.created),
    intake: { type: spec.type, complexity: spec.complexity, priorityOverride: spec.priority },
  });
  const initial = initialDocument(input);
  await activities.recordRequest({ request: input, document: initial });
  // The assignment activities own these columns (recordState leaves them alone).
  await db.updateTable('requests').set({ assignee_id: spec.assignee, group_id: spec.group }).where('id', '=', spec.id).execute();
  const assignee = spec.assignee && spec.group ? { id: spec.assignee, group: spec.group } : null;
  let version = initial.version;
  for (const change of spec.states) {
    version += 10;
    await activities.recordState({ document: { ...initial, assignee, ...change, version } });
  }
}

async function review(requestId: string, closedAt: string, due: string, state: 'pending' | 'met' | 'missed', reviewedAt: string | null): Promise<void> {
  const document: ComplaintReviewDocument = {
    requestId,
    closedAt: t(closedAt),
    deadline: win('complaintReview', null, closedAt, due, state, state === 'met' ? reviewedAt : null, reviewedAt),
    review:
      reviewedAt === null
        ? null
        : { ...BY_SUPERVISOR(reviewedAt), cause: 'process_gap', analysis: '流程漏洞（合成数据）', correctiveAction: '补充流程检查（合成数据）' },
    version: 3,
  };
  await activities.recordComplaintReview({ review: document });
}

async function seedDecember(): Promise<void> {
  await db.insertInto('service_groups').values([
    { id: 'G-A', name_zh: '甲组', name_en: 'Group A' },
    { id: 'G-B', name_zh: '乙组', name_en: 'Group B' },
  ]).execute();
  await db.insertInto('agents').values([
    { id: 'A1', name: '坐席一', email: 'a1@example.com', group_id: 'G-A' },
    { id: 'A2', name: '坐席二', email: 'a2@example.com', group_id: 'G-A' },
    { id: 'B1', name: '坐席三', email: 'b1@example.com', group_id: 'G-B' },
  ]).execute();

  // R00: C1's complaint 35 days before R03 (outside R03's 30 days).
  await seed({ id: 'R-2026-000900', customer: 'C1', type: 'complaint', complexity: 'simple', priority: 'P3', group: 'G-B', assignee: 'B1', created: '2026-11-05 00:00', states: [] });

  // R01: A1 misses the first response, A2 takes over and answers at 00:08 (wait 480 s).
  // The intake windows of an emergency (temporaryMeasure, solution) are armed before assignment: owed by nobody.
  await seed({
    id: 'R-2026-000901', customer: 'C3', type: 'fault', complexity: 'emergency', priority: 'P1', group: 'G-A', assignee: 'A2', created: '2026-12-01 00:00',
    states: [
      {
        stage: 'closed', subStage: null, status: 'completed', resolution: 'delivered', followUp: 'done', closedAt: t('2026-12-02 02:00'),
        firstResponseAt: t('2026-12-01 00:08'), reassignments: 1,
        firstContactRating: { ...BY_CUSTOMER('2026-12-01 00:30'), rating: 4, comment: null },
        temporaryMeasure: { ...BY_AGENT('A2', '2026-12-01 00:20'), measure: '临时更换设备' },
        solution: agreedSolution('A2', '2026-12-01 01:00', 1, 0),
        feedback: feedbackOf('callback', '2026-12-02 02:00', [5, 5, 5, 5], 'satisfied', 10),
        deadlines: [
          win('firstResponse', 'A1', '2026-12-01 00:00', '2026-12-01 00:05', 'missed'),
          win('temporaryMeasure', null, '2026-12-01 00:00', '2026-12-01 00:30', 'met', '2026-12-01 00:20'),
          win('solution', null, '2026-12-01 00:00', '2026-12-01 02:00', 'met', '2026-12-01 01:00'),
          win('firstResponse', 'A2', '2026-12-01 00:05', '2026-12-01 00:10', 'met', '2026-12-01 00:08'),
          win('solutionAgreement', 'A2', '2026-12-01 01:00', '2026-12-04 10:00', 'met', '2026-12-01 01:30'),
          win('execution', 'A2', '2026-12-01 01:30', '2026-12-01 03:30', 'met', '2026-12-01 03:00'),
          win('acceptance', 'A2', '2026-12-01 03:00', '2026-12-04 10:00', 'met', '2026-12-01 04:00'),
          win('callback', null, '2026-12-01 04:00', '2026-12-04 10:00', 'met', '2026-12-02 02:00'),
        ],
      },
    ],
  });

  // R02: solution revised once (revision 2), two tasks (B1 accepts in time, A2 late),
  // execution paused 4 h then delayed to 12-05 06:00 and met at 05:00 (after its original
  // due time of 12-04 02:00), one day without progress, one rejected delivery, first callback
  // window missed and the second met.
  await seed({
    id: 'R-2026-000902', customer: 'C4', type: 'after_sales', complexity: 'complex', priority: 'P2', group: 'G-A', assignee: 'A1', created: '2026-12-02 01:00',
    states: [
      {
        stage: 'closed', subStage: null, status: 'completed', resolution: 'delivered', followUp: 'done', closedAt: t('2026-12-11 02:00'),
        firstResponseAt: t('2026-12-02 01:10'), rejections: 1,
        solution: agreedSolution('A1', '2026-12-02 09:00', 2, 0, [task('T1', 'B1', '2026-12-04 10:00'), task('T2', 'A2', '2026-12-04 10:00')]),
        pauses: [{ ...BY_AGENT('A1', '2026-12-03 10:00'), reason: '等待客户提供日志', resumedAt: t('2026-12-03 14:00'), resumedBy: BY_AGENT('A1', '2026-12-03 14:00') }],
        delays: [{ ...BY_AGENT('A1', '2026-12-04 01:00'), from: t('2026-12-04 06:00'), to: t('2026-12-05 06:00'), reason: '备件延迟', lateNotice: false }],
        feedback: feedbackOf('callback', '2026-12-11 02:00', [4, 4, 3, 4], 'basically_satisfied', 9),
        deadlines: [
          win('firstResponse', 'A1', '2026-12-02 01:00', '2026-12-02 01:30', 'met', '2026-12-02 01:10'),
          win('requirementSheet', 'A1', '2026-12-02 01:10', '2026-12-04 10:00', 'met', '2026-12-02 03:00'),
          win('confirmation', 'A1', '2026-12-02 03:00', '2026-12-03 10:00', 'met', '2026-12-02 05:00'),
          win('solution', 'A1', '2026-12-02 05:00', '2026-12-02 07:00', 'met', '2026-12-02 06:00'),
          win('solutionAgreement', 'A1', '2026-12-02 06:00', '2026-12-07 10:00', 'met', '2026-12-02 08:00'),
          win('solution', 'A1', '2026-12-02 08:00', '2026-12-02 10:00', 'missed', null, '2026-12-02 11:00'),
          win('solutionAgreement', 'A1', '2026-12-02 11:00', '2026-12-07 10:00', 'met', '2026-12-03 02:00'),
          win('taskAcceptance', 'B1', '2026-12-03 02:00', '2026-12-03 06:00', 'met', '2026-12-03 04:00', undefined, { taskId: 'T1' }),
          win('taskAcceptance', 'A2', '2026-12-03 02:00', '2026-12-03 06:00', 'missed', null, '2026-12-03 07:00', { taskId: 'T2' }),
          // Armed 12-03 02:00 due 12-04 02:00; paused 4 h (due 12-04 06:00); delayed to 12-05 06:00.
          win('execution', 'A1', '2026-12-04 01:00', '2026-12-05 06:00', 'met', '2026-12-05 05:00'),
          win('taskDue', 'B1', '2026-12-03 02:00', '2026-12-04 10:00', 'met', '2026-12-04 08:00', undefined, { taskId: 'T1' }),
          win('taskDue', 'A2', '2026-12-03 02:00', '2026-12-04 10:00', 'met', '2026-12-04 09:00', undefined, { taskId: 'T2' }),
          win('dailyProgress', 'A1', '2026-12-03 02:00', '2026-12-03 10:00', 'met', '2026-12-03 09:00'),
          win('dailyProgress', 'A1', '2026-12-03 10:00', '2026-12-04 10:00', 'missed'),
          win('dailyProgress', 'A1', '2026-12-04 10:00', '2026-12-07 10:00', 'cancelled', '2026-12-05 05:00'),
          win('acceptance', 'A1', '2026-12-05 05:00', '2026-12-08 10:00', 'met', '2026-12-05 08:00'),
          win('rework', 'A1', '2026-12-05 08:00', '2026-12-09 10:00', 'met', '2026-12-07 02:00'),
          win('acceptance', 'A1', '2026-12-07 02:00', '2026-12-10 10:00', 'met', '2026-12-07 04:00'),
          win('callback', null, '2026-12-07 04:00', '2026-12-10 10:00', 'missed'),
          win('callback', null, '2026-12-10 10:00', '2026-12-15 10:00', 'met', '2026-12-11 02:00'),
        ],
      },
    ],
  });

  // R03: questionnaire dissatisfied, the supervisor intervenes without reopening.
  await seed({
    id: 'R-2026-000903', customer: 'C1', type: 'complaint', complexity: 'simple', priority: 'P2', group: 'G-B', assignee: 'B1', created: '2026-12-10 00:00',
    states: [
      {
        stage: 'closed', subStage: null, status: 'completed', resolution: 'delivered', followUp: 'intervened', closedAt: t('2026-12-11 02:30'),
        firstResponseAt: t('2026-12-10 00:20'),
        feedback: feedbackOf('survey', '2026-12-11 02:00', [2, 3, 4, 3], 'dissatisfied', 3),
        interventions: [{ ...BY_SUPERVISOR('2026-12-11 02:30'), plan: '致电道歉并补偿', reopen: false }],
        deadlines: [
          win('firstResponse', 'B1', '2026-12-10 00:00', '2026-12-10 00:30', 'met', '2026-12-10 00:20'),
          win('simpleAnswer', 'B1', '2026-12-10 00:20', '2026-12-11 10:00', 'met', '2026-12-10 06:00'),
          win('callback', null, '2026-12-10 06:00', '2026-12-15 10:00', 'met', '2026-12-11 02:00'),
          win('intervention', null, '2026-12-11 02:00', '2026-12-11 03:00', 'met', '2026-12-11 02:30'),
        ],
      },
    ],
  });
  await review('R-2026-000903', '2026-12-11 02:30', '2026-12-13 02:30', 'met', '2026-12-12 00:00');

  // R04: C1's second complaint within 30 days; the answer is late; its callback window is due after `to`.
  await seed({
    id: 'R-2026-000904', customer: 'C1', type: 'complaint', complexity: 'simple', priority: 'P3', group: 'G-B', assignee: 'B1', created: '2026-12-20 00:00',
    states: [
      {
        stage: 'closed', subStage: null, status: 'completed', resolution: 'delivered', followUp: 'done', closedAt: t('2026-12-31 10:00'),
        firstResponseAt: t('2026-12-20 00:25'),
        feedback: feedbackOf('survey', '2026-12-31 10:00', [5, 4, 5, 4], 'satisfied', null),
        deadlines: [
          win('firstResponse', 'B1', '2026-12-20 00:00', '2026-12-20 00:30', 'met', '2026-12-20 00:25'),
          win('simpleAnswer', 'B1', '2026-12-20 00:25', '2026-12-21 10:00', 'missed', null, '2026-12-29 03:00'),
          win('callback', null, '2026-12-29 03:00', '2027-01-01 10:00', 'met', '2026-12-31 10:00'),
        ],
      },
    ],
  });
  await review('R-2026-000904', '2026-12-31 10:00', '2027-01-02 10:00', 'pending', null);

  // R05: open; solution through one review round, agreed as first presented; execution now paused.
  await seed({
    id: 'R-2026-000905', customer: 'C5', type: 'fault', complexity: 'complex', priority: 'P1', group: 'G-A', assignee: 'A1', created: '2026-12-14 00:00',
    states: [
      {
        stage: 'in_progress', subStage: 'waiting_on_customer',
        firstResponseAt: t('2026-12-14 00:03'),
        solution: agreedSolution('A1', '2026-12-14 01:20', 1, 1, [task('T3', 'B1', '2026-12-15 10:00')]),
        pauses: [{ ...BY_AGENT('A1', '2026-12-14 03:00'), reason: '等待客户安排停机', resumedAt: null, resumedBy: null }],
        deadlines: [
          win('firstResponse', 'A1', '2026-12-14 00:00', '2026-12-14 00:05', 'met', '2026-12-14 00:03'),
          win('requirementSheet', 'A1', '2026-12-14 00:03', '2026-12-15 10:00', 'met', '2026-12-14 00:30'),
          win('confirmation', 'A1', '2026-12-14 00:30', '2026-12-15 10:00', 'met', '2026-12-14 00:50'),
          win('solution', 'A1', '2026-12-14 00:50', '2026-12-14 02:50', 'met', '2026-12-14 01:20'),
          win('solutionAgreement', 'A1', '2026-12-14 01:30', '2026-12-17 10:00', 'met', '2026-12-14 02:00'),
          win('taskAcceptance', 'B1', '2026-12-14 02:00', '2026-12-14 06:00', 'met', '2026-12-14 05:00', undefined, { taskId: 'T3' }),
          win('execution', 'A1', '2026-12-14 02:00', '2026-12-14 04:00', 'paused', null, null, { remainingMs: 3_600_000 }),
          win('dailyProgress', 'A1', '2026-12-14 02:00', '2026-12-14 10:00', 'met', '2026-12-14 09:00'),
          win('dailyProgress', 'A1', '2026-12-14 10:00', '2026-12-15 10:00', 'pending'),
        ],
      },
    ],
  });

  // R06: dissatisfied callback (recorded while in intervention), reopened into rework; the second
  // follow-up misses both callback windows and closes `followUp: missed` at the second one's end.
  const r06Early = [
    win('firstResponse', 'B1', '2026-12-05 00:00', '2026-12-05 00:05', 'met', '2026-12-05 00:04'),
    win('temporaryMeasure', null, '2026-12-05 00:00', '2026-12-05 00:30', 'missed', null, '2026-12-05 01:00'),
    win('solution', null, '2026-12-05 00:00', '2026-12-05 02:00', 'met', '2026-12-05 01:30'),
    win('solutionAgreement', 'B1', '2026-12-05 01:30', '2026-12-08 10:00', 'met', '2026-12-05 03:00'),
    win('execution', 'B1', '2026-12-05 03:00', '2026-12-05 05:00', 'met', '2026-12-05 04:30'),
    win('acceptance', 'B1', '2026-12-05 04:30', '2026-12-10 10:00', 'met', '2026-12-05 06:00'),
    win('callback', null, '2026-12-05 06:00', '2026-12-10 10:00', 'met', '2026-12-06 00:00'),
    win('intervention', null, '2026-12-06 00:00', '2026-12-06 01:00', 'pending'),
  ];
  const r06Common = {
    firstResponseAt: t('2026-12-05 00:04'),
    temporaryMeasure: { ...BY_AGENT('B1', '2026-12-05 01:00'), measure: '临时停用故障模块' },
    solution: agreedSolution('B1', '2026-12-05 01:30', 1, 0),
    feedback: feedbackOf('callback', '2026-12-06 00:00', [2, 3, 3, 2], 'dissatisfied', 4),
  };
  await seed({
    id: 'R-2026-000906', customer: 'C2', type: 'complaint', complexity: 'emergency', priority: 'P1', group: 'G-B', assignee: 'B1', created: '2026-12-05 00:00',
    states: [
      { ...r06Common, stage: 'follow_up', subStage: 'intervention', deadlines: r06Early },
      {
        ...r06Common,
        stage: 'closed', subStage: null, status: 'completed', resolution: 'delivered', followUp: 'missed', closedAt: t('2026-12-11 10:00'),
        interventions: [{ ...BY_SUPERVISOR('2026-12-06 00:30'), plan: '返工并上门复核', reopen: true }],
        deadlines: [
          ...r06Early.slice(0, 7),
          win('intervention', null, '2026-12-06 00:00', '2026-12-06 01:00', 'met', '2026-12-06 00:30'),
          win('rework', 'B1', '2026-12-06 00:30', '2026-12-09 10:00', 'met', '2026-12-07 02:00'),
          win('acceptance', 'B1', '2026-12-07 02:00', '2026-12-10 10:00', 'met', '2026-12-07 05:00'),
          win('callback', null, '2026-12-07 05:00', '2026-12-10 10:00', 'missed'),
          win('callback', null, '2026-12-10 10:00', '2026-12-11 10:00', 'missed'),
        ],
      },
    ],
  });
  await review('R-2026-000906', '2026-12-11 10:00', '2026-12-13 10:00', 'missed', '2026-12-14 00:00');

  // R07: the first response comes exactly at its due time (= `from`): too late, so missed (and fulfilled).
  await seed({
    id: 'R-2026-000907', customer: 'C2', type: 'consultation', complexity: 'simple', priority: 'P3', group: 'G-A', assignee: 'A2', created: '2026-11-30 23:30',
    states: [
      {
        stage: 'analysis', firstResponseAt: t('2026-12-01 00:00'),
        deadlines: [
          win('firstResponse', 'A2', '2026-11-30 23:30', '2026-12-01 00:00', 'missed', null, '2026-12-01 00:00'),
          win('simpleAnswer', 'A2', '2026-12-01 00:00', '2026-12-02 10:00', 'pending'),
        ],
      },
    ],
  });

  // R08: the suggestion's outcome is due exactly at `to`; the questionnaire and closing come exactly at `to`.
  await seed({
    id: 'R-2026-000908', customer: 'C6', type: 'suggestion', complexity: 'simple', priority: 'P3', group: 'G-B', assignee: 'B1', created: '2026-12-29 00:00',
    states: [
      {
        stage: 'closed', subStage: null, status: 'completed', resolution: 'first_contact', followUp: 'done', closedAt: TO,
        firstResponseAt: t('2026-12-29 00:10'),
        feedback: feedbackOf('survey', '2027-01-01 00:00', [3, 3, 3, 3], 'basically_satisfied', 0),
        deadlines: [
          win('suggestionOutcome', null, '2026-12-29 00:00', '2027-01-01 00:00', 'met', '2026-12-29 05:00'),
          win('firstResponse', 'B1', '2026-12-29 00:00', '2026-12-29 00:30', 'met', '2026-12-29 00:10'),
          win('callback', null, '2026-12-29 05:00', '2027-01-05 10:00', 'met', '2027-01-01 00:00'),
        ],
      },
    ],
  });

  // R09: C1's complaint taken in exactly at `to`.
  await seed({ id: 'R-2026-000909', customer: 'C1', type: 'complaint', complexity: 'simple', priority: 'P2', group: null, assignee: null, created: '2027-01-01 00:00', states: [] });

  // R10: resolved at first contact in November; the questionnaire, and so the closing, exactly at `from`.
  await seed({
    id: 'R-2026-000910', customer: 'C7', type: 'consultation', complexity: 'simple', priority: 'P3', group: 'G-A', assignee: 'A1', created: '2026-11-30 20:00',
    states: [
      {
        stage: 'closed', subStage: null, status: 'completed', resolution: 'first_contact', followUp: 'done', closedAt: FROM,
        firstResponseAt: t('2026-11-30 20:05'),
        feedback: feedbackOf('survey', '2026-12-01 00:00', [4, 5, 4, 5], 'satisfied', 9),
        deadlines: [
          win('firstResponse', 'A1', '2026-11-30 20:00', '2026-11-30 20:30', 'met', '2026-11-30 20:05'),
          win('callback', null, '2026-11-30 20:05', '2026-12-03 10:00', 'met', '2026-12-01 00:00'),
        ],
      },
    ],
  });

  // R11: cancelled before the first response.
  await seed({
    id: 'R-2026-000911', customer: 'C8', type: 'fault', complexity: 'simple', priority: 'P2', group: 'G-A', assignee: 'A2', created: '2026-12-15 00:00',
    states: [
      {
        stage: 'closed', subStage: null, status: 'cancelled', closedAt: t('2026-12-15 00:20'),
        cancellation: { ...BY_CUSTOMER('2026-12-15 00:20'), reason: '问题已自行解决' },
        deadlines: [win('firstResponse', 'A2', '2026-12-15 00:00', '2026-12-15 00:30', 'cancelled', '2026-12-15 00:20')],
      },
    ],
  });
}

beforeAll(async () => {
  database = await startActivityDatabase({ now: () => new Date('2027-01-02T00:00:00Z') });
  ({ db, activities } = database);
  await seedDecember();
});

afterAll(async () => {
  await database?.close();
});

/** A ratio's figures: value, numerator, denominator. */
function r(figure: RatioFigure): [number | null, number, number] {
  return [figure.value, figure.numerator, figure.denominator];
}

function group(report: KpiReport, key: string | null): KpiFigures {
  const row = report.groups.find((g) => g.key === key);
  if (!row) throw new Error(`no group ${String(key)} in ${report.groups.map((g) => g.key).join(', ')}`);
  return row.figures;
}

describe('the KPI catalogue', () => {
  it('gives each KPI the target of the standards', () => {
    expect(KPI_DEFINITIONS.first_response_time.target).toEqual({ kind: 'maxSecondsByPriority', seconds: { P1: 300, P2: 1800, P3: 1800 } });
    expect(KPI_DEFINITIONS.first_response_compliance.target).toEqual({ kind: 'minRatio', ratio: 1 });
    expect(KPI_DEFINITIONS.one_time_resolution_rate.target).toEqual({ kind: 'minRatio', ratio: 0.95 });
    expect(KPI_DEFINITIONS.solution_first_pass_rate.target).toEqual({ kind: 'minRatio', ratio: 0.85 });
    expect(KPI_DEFINITIONS.deadline_compliance.target).toBeNull();
    expect(KPI_DEFINITIONS.closure_timeliness.target).toEqual({ kind: 'minRatio', ratio: 0.98 });
    expect(KPI_DEFINITIONS.progress_feedback_rate.target).toEqual({ kind: 'minRatio', ratio: 0.9 });
    expect(KPI_DEFINITIONS.co_handler_response_rate.target).toEqual({ kind: 'minRatio', ratio: 0.95 });
    expect(KPI_DEFINITIONS.temporary_measure_coverage.target).toEqual({ kind: 'minRatio', ratio: 1 });
    expect(KPI_DEFINITIONS.satisfaction.target).toEqual({ kind: 'minRatio', ratio: 0.9 });
    expect(KPI_DEFINITIONS.nps.target).toBeNull();
    expect(KPI_DEFINITIONS.repeat_complaint_rate).toMatchObject({ target: null, direction: 'lower_is_better' });
    expect(KPI_DEFINITIONS.callback_timeliness.target).toEqual({ kind: 'minRatio', ratio: 1 });
    expect(KPI_DEFINITIONS.complaint_review_rate.target).toEqual({ kind: 'minRatio', ratio: 1 });
  });

  it('names exactly the staff-side deadlines of the deadline catalogue', () => {
    const staffSide = Object.values(DEADLINES).filter((d) => d.side === 'staff').map((d) => d.id);
    expect([...StaffDeadlineId.options].sort()).toEqual([...staffSide].sort());
  });
});

describe('kpiReport over December 2026', () => {
  let report: KpiReport;
  beforeAll(async () => {
    report = await kpiReport(db, { from: FROM, to: TO });
  });

  it('states its period and has no groups without groupBy', () => {
    expect(report).toMatchObject({ from: FROM, to: TO, groupBy: null, groups: [] });
  });

  it('first response time: median and p90 of the waits acknowledged in the period, by priority', () => {
    // Acknowledged in P (first_response_at): R01 480 s (P1), R02 600 (P2), R03 1200 (P2), R04 1500 (P3),
    // R05 180 (P1), R06 240 (P1), R07 1800 (P3, exactly at `from`), R08 600 (P3).
    // Not R10 (acknowledged 11-30 20:05), not R11 (never acknowledged).
    // percentile_cont: position f·(n−1) in the sorted waits, interpolated.
    // All: [180, 240, 480, 600, 600, 1200, 1500, 1800], n = 8:
    //   median at 3.5 → (600 + 600)/2 = 600; p90 at 6.3 → 1500 + 0.3·(1800 − 1500) = 1590.
    // P1: [180, 240, 480]: median 240; p90 at 1.8 → 240 + 0.8·240 = 432. Target 300 s.
    // P2: [600, 1200]: median 900; p90 at 0.9 → 600 + 0.9·600 = 1140. Target 1800 s.
    // P3: [600, 1500, 1800]: median 1500; p90 at 1.8 → 1500 + 0.8·300 = 1740. Target 1800 s.
    const figure = report.totals.first_response_time;
    expect(figure).toMatchObject({ count: 8, medianSeconds: 600, targetSeconds: null });
    expect(figure.p90Seconds).toBeCloseTo(1590, 6);
    expect(figure.byPriority.P1).toMatchObject({ count: 3, medianSeconds: 240, targetSeconds: 300 });
    expect(figure.byPriority.P1.p90Seconds).toBeCloseTo(432, 6);
    expect(figure.byPriority.P2).toMatchObject({ count: 2, medianSeconds: 900, targetSeconds: 1800 });
    expect(figure.byPriority.P2.p90Seconds).toBeCloseTo(1140, 6);
    expect(figure.byPriority.P3).toMatchObject({ count: 3, medianSeconds: 1500, targetSeconds: 1800 });
    expect(figure.byPriority.P3.p90Seconds).toBeCloseTo(1740, 6);
  });

  it('first-response compliance: assignee windows due in the period, met ÷ met + missed', () => {
    // Due in P: R01 A1 missed, R01 A2 met, R02 met, R03 met, R04 met, R05 met, R06 met,
    // R07 missed (due exactly at `from`, answered at its due time), R08 met.
    // Not R10 (due 11-30 20:30), not R11 (cancelled). 7 met of 9.
    expect(r(report.totals.first_response_compliance)).toEqual([7 / 9, 7, 9]);
    expect(report.totals.first_response_compliance).toMatchObject({ target: 1, direction: 'higher_is_better', onTarget: false });
  });

  it('one-time resolution rate and closure timeliness: closed completed in the period', () => {
    // Closed completed in P: R10 (exactly at `from`), R01, R02, R03, R04, R06.
    // Not R08 (closed exactly at `to`), not R11 (cancelled), not R05/R07 (open).
    // One-time: R01 ✓, R02 ✗ (1 rejection), R03 ✓, R04 ✓, R06 ✗ (reopened), R10 ✓ → 4/6.
    // Every staff window met: R01 ✗ (A1's first response), R02 ✗ (solution, T2's acceptance,
    // a day of progress, a callback window: 4), R03 ✓, R04 ✗ (simple answer), R06 ✗
    // (temporary measure, two callback windows: 3), R10 ✓ → 2/6.
    expect(r(report.totals.one_time_resolution_rate)).toEqual([4 / 6, 4, 6]);
    expect(report.totals.one_time_resolution_rate).toMatchObject({ target: 0.95, onTarget: false });
    expect(r(report.totals.closure_timeliness)).toEqual([2 / 6, 2, 6]);
    expect(report.totals.closure_timeliness.target).toBe(0.98);
  });

  it('solution first-pass rate: solutions agreed in the period', () => {
    // Agreed in P: R01 (rev 1, no review) ✓, R02 (rev 2) ✗, R05 (rev 1, one review round) ✓, R06 (rev 1) ✓ → 3/4.
    expect(r(report.totals.solution_first_pass_rate)).toEqual([3 / 4, 3, 4]);
    expect(report.totals.solution_first_pass_rate).toMatchObject({ target: 0.85, onTarget: false });
  });

  it('deadline compliance per staff-side deadline, by due time; pending, paused and cancelled windows left out', () => {
    const d = report.totals.deadline_compliance;
    expect(Object.keys(d).sort()).toEqual([...StaffDeadlineId.options].sort());
    expect(r(d.firstResponse)).toEqual([7 / 9, 7, 9]);
    // R01 met, R06 missed.
    expect(r(d.temporaryMeasure)).toEqual([1 / 2, 1, 2]);
    // R03 met, R04 missed; R07's is pending.
    expect(r(d.simpleAnswer)).toEqual([1 / 2, 1, 2]);
    // R08's is due exactly at `to`.
    expect(r(d.suggestionOutcome)).toEqual([null, 0, 0]);
    // R02 met, R05 met.
    expect(r(d.requirementSheet)).toEqual([1, 2, 2]);
    // R01 met, R02 met and missed (the revision's), R05 met, R06 met.
    expect(r(d.solution)).toEqual([4 / 5, 4, 5]);
    expect(r(d.review)).toEqual([null, 0, 0]);
    // R02 T1 met, R02 T2 missed, R05 T3 met.
    expect(r(d.taskAcceptance)).toEqual([2 / 3, 2, 3]);
    // R02 T1, T2 met.
    expect(r(d.taskDue)).toEqual([1, 2, 2]);
    // R02 met, missed (cancelled one left out), R05 met (pending one left out).
    expect(r(d.dailyProgress)).toEqual([2 / 3, 2, 3]);
    // R01 met; R02 met at 12-05 05:00 against its paused and delayed due time 12-05 06:00
    // (after the original 12-04 02:00): met; R05's is paused; R06 met → 3/3.
    expect(r(d.execution)).toEqual([1, 3, 3]);
    // R02 met, R06 met.
    expect(r(d.rework)).toEqual([1, 2, 2]);
    // R01 met, R02 missed + met, R03 met, R06 met + missed + missed, R10 met (due 12-03);
    // R04 (due 01-01 10:00) and R08 (01-05) after `to` → 5/8.
    expect(r(d.callback)).toEqual([5 / 8, 5, 8]);
    // R03 met, R06 met.
    expect(r(d.intervention)).toEqual([1, 2, 2]);
    // Reviews due in P: R03 met, R06 missed; R04's pending.
    expect(r(d.complaintReview)).toEqual([1 / 2, 1, 2]);
    expect(d.callback).toMatchObject({ target: null, onTarget: null });
  });

  it('progress feedback, co-handler response and temporary-measure coverage', () => {
    // dailyProgress 2/3, taskAcceptance 2/3, temporaryMeasure 1/2 (above).
    expect(r(report.totals.progress_feedback_rate)).toEqual([2 / 3, 2, 3]);
    expect(report.totals.progress_feedback_rate.target).toBe(0.9);
    expect(r(report.totals.co_handler_response_rate)).toEqual([2 / 3, 2, 3]);
    expect(report.totals.co_handler_response_rate.target).toBe(0.95);
    expect(r(report.totals.temporary_measure_coverage)).toEqual([1 / 2, 1, 2]);
    expect(report.totals.temporary_measure_coverage).toMatchObject({ target: 1, onTarget: false });
  });

  it('satisfaction: the mean of each rating and the satisfied share of callbacks and questionnaires given in the period', () => {
    // Feedback in P (not R01's first-contact rating, not R08's at `to`):
    //        speed res att prof verdict
    //   R10    4    5   4   5   satisfied       (exactly at `from`)
    //   R01    5    5   5   5   satisfied
    //   R06    2    3   3   2   dissatisfied
    //   R02    4    4   3   4   basically_satisfied
    //   R03    2    3   4   3   dissatisfied
    //   R04    5    4   5   4   satisfied
    // speed 22/6, resolution 24/6 = 4, attitude 24/6 = 4, professionalism 23/6; satisfied 4/6.
    const s = report.totals.satisfaction;
    expect(s.responseSpeed.count).toBe(6);
    expect(s.responseSpeed.mean).toBeCloseTo(22 / 6, 10);
    expect(s.resolution).toEqual({ mean: 4, count: 6 });
    expect(s.attitude).toEqual({ mean: 4, count: 6 });
    expect(s.professionalism.mean).toBeCloseTo(23 / 6, 10);
    expect(r(s.satisfied)).toEqual([4 / 6, 4, 6]);
    expect(s.satisfied).toMatchObject({ target: 0.9, onTarget: false });
  });

  it('NPS: % promoters minus % detractors of the scores collected', () => {
    // Scores in P: R10 9, R01 10, R06 4, R02 9, R03 3 (R04 gave none; R08's 0 is at `to`).
    // Promoters 3 (60%), detractors 2 (40%), passives 0 → 20.
    expect(report.totals.nps).toEqual({ value: 20, promoters: 3, passives: 0, detractors: 2, responses: 5, target: null });
  });

  it('repeat complaint rate: complaints taken in during the period after another by the customer in the 30 days before', () => {
    // Complaints taken in in P: R06 (C2; C2's R07 is a consultation) ✗, R03 (C1; R00 was 35 days before) ✗,
    // R04 (C1; R03 10 days before) ✓. R09 (exactly at `to`) left out → 1/3.
    expect(r(report.totals.repeat_complaint_rate)).toEqual([1 / 3, 1, 3]);
    expect(report.totals.repeat_complaint_rate).toMatchObject({ target: null, direction: 'lower_is_better', onTarget: null });
  });

  it('callback timeliness: follow-ups whose first callback window is due in the period', () => {
    // First windows due in P: R10 met, R01 met, R02 missed (its second window, met, is not a
    // follow-up of its own), R03 met, R06's first follow-up met, R06's second follow-up (after the
    // reopening) missed (its second window left out) → 4/6.
    expect(r(report.totals.callback_timeliness)).toEqual([4 / 6, 4, 6]);
    expect(report.totals.callback_timeliness.target).toBe(1);
  });

  it('complaint review rate: complaints closed in the period reviewed within 48 h; pending reviews apart', () => {
    // Closed in P: R03 met, R06 missed, R04 pending (due 01-02) → 1/2, 1 pending.
    expect(report.totals.complaint_review_rate).toMatchObject({ value: 1 / 2, numerator: 1, denominator: 2, pending: 1, target: 1, onTarget: false });
  });
});

describe('kpiReport grouped', () => {
  it('by agent: windows count for the agent who owed them, closures for the assignee at closing', async () => {
    const report = await kpiReport(db, { from: FROM, to: TO, groupBy: 'agent' });
    expect(report.groupBy).toBe('agent');
    // Windows owed by nobody (callbacks, interventions, complaint reviews, an emergency's intake windows) under null.
    expect(report.groups.map((g) => g.key)).toEqual(['A1', 'A2', 'B1', null]);
    const a1 = group(report, 'A1');
    const a2 = group(report, 'A2');
    const b1 = group(report, 'B1');
    const none = group(report, null);
    // First response (reassigned R01: A1's missed window counts for A1, A2's met one for A2):
    // A1: R01 missed, R02 met, R05 met → 2/3; A2: R01 met, R07 missed → 1/2; B1: R03, R04, R06, R08 met → 4/4.
    expect(r(a1.first_response_compliance)).toEqual([2 / 3, 2, 3]);
    expect(r(a2.first_response_compliance)).toEqual([1 / 2, 1, 2]);
    expect(r(b1.first_response_compliance)).toEqual([1, 4, 4]);
    expect(r(none.first_response_compliance)).toEqual([null, 0, 0]);
    // First response time for the agent whose window the response answered:
    // A1: R05 180, R02 600 → median 390, p90 180 + 0.9·420 = 558. A2: R01 480, R07 1800 → median 1140,
    // p90 480 + 0.9·1320 = 1668. B1: [240, 600, 1200, 1500] → median 900, p90 at 2.7 → 1200 + 0.7·300 = 1410.
    expect(a1.first_response_time).toMatchObject({ count: 2, medianSeconds: 390 });
    expect(a1.first_response_time.p90Seconds).toBeCloseTo(558, 6);
    expect(a1.first_response_time.byPriority.P1).toMatchObject({ count: 1, medianSeconds: 180 });
    expect(a2.first_response_time).toMatchObject({ count: 2, medianSeconds: 1140 });
    expect(a2.first_response_time.p90Seconds).toBeCloseTo(1668, 6);
    expect(b1.first_response_time).toMatchObject({ count: 4, medianSeconds: 900 });
    expect(b1.first_response_time.p90Seconds).toBeCloseTo(1410, 6);
    // Co-handlers: B1 accepted R02 T1 and R05 T3 in time → 2/2; A2 missed R02 T2 → 0/1.
    expect(r(b1.co_handler_response_rate)).toEqual([1, 2, 2]);
    expect(r(a2.co_handler_response_rate)).toEqual([0, 0, 1]);
    expect(r(a1.co_handler_response_rate)).toEqual([null, 0, 0]);
    // Daily progress: all A1's (R02 met, missed; R05 met).
    expect(r(a1.progress_feedback_rate)).toEqual([2 / 3, 2, 3]);
    // Execution: A2 R01 met; A1 R02 met (moved); B1 R06 met.
    expect(r(a1.deadline_compliance.execution)).toEqual([1, 1, 1]);
    expect(r(a2.deadline_compliance.execution)).toEqual([1, 1, 1]);
    // Solution: A1 R02 met + missed, R05 met → 2/3; R01's and R06's (armed at intake) owed by nobody → 2/2.
    expect(r(a1.deadline_compliance.solution)).toEqual([2 / 3, 2, 3]);
    expect(r(none.deadline_compliance.solution)).toEqual([1, 2, 2]);
    expect(r(none.temporary_measure_coverage)).toEqual([1 / 2, 1, 2]);
    expect(r(none.deadline_compliance.callback)).toEqual([5 / 8, 5, 8]);
    expect(r(none.callback_timeliness)).toEqual([4 / 6, 4, 6]);
    expect(r(none.deadline_compliance.complaintReview)).toEqual([1 / 2, 1, 2]);
    // Closures by the assignee at closing: A1 R02 (✗, ✗), R10 (✓, ✓); A2 R01 (✓, ✗); B1 R03 (✓, ✓), R04 (✓, ✗), R06 (✗, ✗).
    expect(r(a1.one_time_resolution_rate)).toEqual([1 / 2, 1, 2]);
    expect(r(a1.closure_timeliness)).toEqual([1 / 2, 1, 2]);
    expect(r(a2.one_time_resolution_rate)).toEqual([1, 1, 1]);
    expect(r(a2.closure_timeliness)).toEqual([0, 0, 1]);
    expect(r(b1.one_time_resolution_rate)).toEqual([2 / 3, 2, 3]);
    expect(r(b1.closure_timeliness)).toEqual([1 / 3, 1, 3]);
    // Complaint reviews by the complaint's assignee: B1 R03 met, R06 missed, R04 pending.
    expect(b1.complaint_review_rate).toMatchObject({ numerator: 1, denominator: 2, pending: 1 });
  });

  it('by priority', async () => {
    const report = await kpiReport(db, { from: FROM, to: TO, groupBy: 'priority' });
    expect(report.groups.map((g) => g.key)).toEqual(['P1', 'P2', 'P3']);
    const [p1, p2, p3] = [group(report, 'P1'), group(report, 'P2'), group(report, 'P3')];
    // First response windows: P1 R01 ✗ ✓, R05 ✓, R06 ✓ → 3/4; P2 R02, R03 → 2/2; P3 R04 ✓, R07 ✗, R08 ✓ → 2/3.
    expect(r(p1.first_response_compliance)).toEqual([3 / 4, 3, 4]);
    expect(r(p2.first_response_compliance)).toEqual([1, 2, 2]);
    expect(r(p3.first_response_compliance)).toEqual([2 / 3, 2, 3]);
    // Wait within the group: P1 [180, 240, 480], only its own priority measured.
    expect(p1.first_response_time).toMatchObject({ count: 3, medianSeconds: 240 });
    expect(p1.first_response_time.byPriority.P1).toMatchObject({ count: 3, medianSeconds: 240, targetSeconds: 300 });
    expect(p1.first_response_time.byPriority.P2).toEqual({ count: 0, medianSeconds: null, p90Seconds: null, targetSeconds: 1800 });
    // One-time: P1 R01 ✓, R06 ✗ → 1/2; P2 R02 ✗, R03 ✓ → 1/2; P3 R04 ✓, R10 ✓ → 2/2.
    expect(r(p1.one_time_resolution_rate)).toEqual([1 / 2, 1, 2]);
    expect(r(p2.one_time_resolution_rate)).toEqual([1 / 2, 1, 2]);
    expect(r(p3.one_time_resolution_rate)).toEqual([1, 2, 2]);
    // Solutions agreed: P1 R01 ✓, R05 ✓, R06 ✓ → 3/3; P2 R02 ✗ → 0/1.
    expect(r(p1.solution_first_pass_rate)).toEqual([1, 3, 3]);
    expect(r(p2.solution_first_pass_rate)).toEqual([0, 0, 1]);
    expect(r(p3.solution_first_pass_rate)).toEqual([null, 0, 0]);
  });

  it('by group', async () => {
    const report = await kpiReport(db, { from: FROM, to: TO, groupBy: 'group' });
    expect(report.groups.map((g) => g.key)).toEqual(['G-A', 'G-B']);
    const [ga, gb] = [group(report, 'G-A'), group(report, 'G-B')];
    // Closed completed: G-A R01 (✓ one-time, ✗ timely), R02 (✗, ✗), R10 (✓, ✓); G-B R03 (✓, ✓), R04 (✓, ✗), R06 (✗, ✗).
    expect(r(ga.one_time_resolution_rate)).toEqual([2 / 3, 2, 3]);
    expect(r(ga.closure_timeliness)).toEqual([1 / 3, 1, 3]);
    expect(r(gb.one_time_resolution_rate)).toEqual([2 / 3, 2, 3]);
    expect(r(gb.closure_timeliness)).toEqual([1 / 3, 1, 3]);
    // Ratings: G-A R01 (5,5,5,5 s), R02 (4,4,3,4 b), R10 (4,5,4,5 s): speed 13/3, resolution 14/3, attitude 4,
    // professionalism 14/3, satisfied 3/3; G-B R03 (2,3,4,3 d), R04 (5,4,5,4 s), R06 (2,3,3,2 d): 3, 10/3, 4, 3, 1/3.
    expect(ga.satisfaction.responseSpeed.mean).toBeCloseTo(13 / 3, 10);
    expect(ga.satisfaction.resolution.mean).toBeCloseTo(14 / 3, 10);
    expect(ga.satisfaction.attitude).toEqual({ mean: 4, count: 3 });
    expect(ga.satisfaction.professionalism.mean).toBeCloseTo(14 / 3, 10);
    expect(ga.satisfaction.satisfied).toMatchObject({ value: 1, numerator: 3, denominator: 3, onTarget: true });
    expect(gb.satisfaction.responseSpeed).toEqual({ mean: 3, count: 3 });
    expect(gb.satisfaction.resolution.mean).toBeCloseTo(10 / 3, 10);
    expect(gb.satisfaction.professionalism).toEqual({ mean: 3, count: 3 });
    expect(r(gb.satisfaction.satisfied)).toEqual([1 / 3, 1, 3]);
    // NPS: G-A 10, 9, 9 → 3 promoters of 3 → 100; G-B 3, 4 (R04 none) → 2 detractors of 2 → −100.
    expect(ga.nps).toMatchObject({ value: 100, promoters: 3, responses: 3 });
    expect(gb.nps).toMatchObject({ value: -100, detractors: 2, responses: 2 });
    // Callback first windows: G-A R10 ✓, R01 ✓, R02 ✗ → 2/3; G-B R03 ✓, R06 ✓ ✗ → 2/3.
    expect(r(ga.callback_timeliness)).toEqual([2 / 3, 2, 3]);
    expect(r(gb.callback_timeliness)).toEqual([2 / 3, 2, 3]);
  });

  it('by type', async () => {
    const report = await kpiReport(db, { from: FROM, to: TO, groupBy: 'type' });
    expect(report.groups.map((g) => g.key)).toEqual(['after_sales', 'complaint', 'consultation', 'fault', 'suggestion']);
    // Repeat complaints only among complaints: 1/3; no complaint of another type → 0/0.
    expect(r(group(report, 'complaint').repeat_complaint_rate)).toEqual([1 / 3, 1, 3]);
    expect(r(group(report, 'fault').repeat_complaint_rate)).toEqual([null, 0, 0]);
    // First response windows: fault R01 ✗ ✓, R05 ✓ → 2/3; after_sales R02 → 1/1; complaint R03, R04, R06 → 3/3;
    // consultation R07 ✗ → 0/1; suggestion R08 → 1/1.
    expect(r(group(report, 'fault').first_response_compliance)).toEqual([2 / 3, 2, 3]);
    expect(r(group(report, 'after_sales').first_response_compliance)).toEqual([1, 1, 1]);
    expect(r(group(report, 'complaint').first_response_compliance)).toEqual([1, 3, 3]);
    expect(r(group(report, 'consultation').first_response_compliance)).toEqual([0, 0, 1]);
    expect(r(group(report, 'suggestion').first_response_compliance)).toEqual([1, 1, 1]);
    expect(group(report, 'complaint').complaint_review_rate).toMatchObject({ numerator: 1, denominator: 2, pending: 1 });
    // Temporary measures: fault R01 met; complaint R06 missed.
    expect(r(group(report, 'fault').temporary_measure_coverage)).toEqual([1, 1, 1]);
    expect(r(group(report, 'complaint').temporary_measure_coverage)).toEqual([0, 0, 1]);
  });
});

describe('kpiReport over an empty period', () => {
  it('has null values and zero denominators, and no groups', async () => {
    const report = await kpiReport(db, { from: '2026-06-01T00:00:00Z', to: '2026-07-01T00:00:00Z', groupBy: 'agent' });
    expect(report.groups).toEqual([]);
    const totals = report.totals;
    expect(totals.first_response_time).toMatchObject({ count: 0, medianSeconds: null, p90Seconds: null });
    expect(totals.first_response_time.byPriority.P1).toEqual({ count: 0, medianSeconds: null, p90Seconds: null, targetSeconds: 300 });
    for (const figure of [
      totals.first_response_compliance,
      totals.one_time_resolution_rate,
      totals.solution_first_pass_rate,
      totals.closure_timeliness,
      totals.progress_feedback_rate,
      totals.co_handler_response_rate,
      totals.temporary_measure_coverage,
      totals.satisfaction.satisfied,
      totals.repeat_complaint_rate,
      totals.callback_timeliness,
      totals.complaint_review_rate,
      ...Object.values(totals.deadline_compliance),
    ]) {
      expect(figure).toMatchObject({ value: null, numerator: 0, denominator: 0, onTarget: null });
    }
    expect(totals.satisfaction.responseSpeed).toEqual({ mean: null, count: 0 });
    expect(totals.nps).toEqual({ value: null, promoters: 0, passives: 0, detractors: 0, responses: 0, target: null });
    expect(totals.complaint_review_rate.pending).toBe(0);
  });

  it('refuses a period that does not start before it ends', async () => {
    await expect(kpiReport(db, { from: TO, to: FROM })).rejects.toThrow(RangeError);
  });
});
