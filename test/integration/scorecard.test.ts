/**
 * The agent scorecard (绩效考核表) on real PostgreSQL (reports/scorecard.ts):
 * requests written by the real `recordState` from hand-made documents, held
 * by agents through the real `transferAssignment`, then scored for a
 * period. Every expected figure is worked out by hand below, not by the code
 * under test:
 * - an agent with every dimension, and every row that must not count beside
 *   the ones that must (customer-side, pending, paused and cancelled
 *   windows, closings cancelled, unconfirmed, still open or outside the
 *   period, first-contact ratings, answers on a request still open, and the
 *   period's edges: `from` included, `to` excluded);
 * - a reassigned request: the missed first window counts against the agent
 *   who owed it, the closing and the rating for the one who held it at
 *   closing;
 * - agents with nothing to measure in one or two dimensions;
 * - empty periods.
 *
 * The period is November 2026 in the business time zone (Asia/Shanghai):
 * [2026-10-31T16:00Z, 2026-11-30T16:00Z).
 */
import type { RequestActivities } from '../../contracts/activities';
import type { DeadlineEntry, DeadlineId, Feedback, RequestDocument } from '../../contracts/request';
import type { Db } from '../../db/database';
import { agentScorecard, type Scorecard } from '../../reports/scorecard';
import { STAFF_SIDE_DEADLINES } from '../../rules/deadline-catalogue';
import { recordFreshRequest, startActivityDatabase, type ActivityDatabase } from '../support/activity-database';

let database: ActivityDatabase;
let db: Db;
let activities: RequestActivities;
const now = new Date('2026-12-05T02:00:00Z');

const FROM = '2026-10-31T16:00:00.000Z';
const TO = '2026-11-30T16:00:00.000Z';
const NOVEMBER = { from: new Date(FROM), to: new Date(TO) };
const OCTOBER = { from: new Date('2026-09-30T16:00:00.000Z'), to: new Date(FROM) };
const DECEMBER = { from: new Date(TO), to: new Date('2026-12-31T16:00:00.000Z') };
const SEPTEMBER = { from: new Date('2026-08-31T16:00:00.000Z'), to: new Date('2026-09-30T16:00:00.000Z') };

const GROUP = 'technical_support';
/** Every dimension, and every row that must not count. */
const A1 = 'A-SC-1';
/** Owed the first window of a request that was reassigned after the miss. */
const A2 = 'A-SC-2';
/** Took the reassigned request over and closed it. */
const A3 = 'A-SC-3';
/** No answer on anything they closed: satisfaction has nothing to measure. */
const A4 = 'A-SC-4';
/** Took a request over after its first response and closed it: no window of theirs fell due. */
const A5 = 'A-SC-5';
/** Answered the first response of A5's request. */
const A9 = 'A-SC-9';
/** Nothing at all. */
const A0 = 'A-SC-0';
const AGENTS = [A1, A2, A3, A4, A5, A9, A0];

let sequence = 0;

/** A fresh request, recorded at intake, then held by `agentId` (the assignment activity's row) and written at version 2 with `change`. */
async function held(agentId: string, change: Partial<RequestDocument>): Promise<RequestDocument> {
  sequence += 1;
  const base = await recordFreshRequest(database, sequence);
  await activities.transferAssignment({ requestId: base.id, agentId });
  return write(base, 2, { stage: 'in_progress', subStage: 'working', assignee: { id: agentId, group: GROUP }, ...change });
}

async function write(base: RequestDocument, version: number, change: Partial<RequestDocument>): Promise<RequestDocument> {
  const document = { ...base, version, ...change };
  await activities.recordState({ document });
  return document;
}

/** Closed `completed` at `at`, delivered and followed up. */
function closed(at: string, change: Partial<RequestDocument> = {}): Partial<RequestDocument> {
  return { stage: 'closed', subStage: null, status: 'completed', resolution: 'delivered', followUp: 'done', closedAt: at, ...change };
}

const minutes = (iso: string, n: number) => new Date(Date.parse(iso) + n * 60_000).toISOString();

/** A window due at `dueAt`: met 10 minutes before it, missed at it, cancelled 20 minutes before it. */
function window(name: DeadlineId, state: DeadlineEntry['state'], dueAt: string, owedBy: string | null, change: Partial<DeadlineEntry> = {}): DeadlineEntry {
  const settledAt = state === 'met' ? minutes(dueAt, -10) : state === 'missed' ? dueAt : state === 'cancelled' ? minutes(dueAt, -20) : null;
  return {
    name,
    dueAt,
    state,
    armedAt: minutes(dueAt, -60),
    owedBy,
    remindedAt: null,
    settledAt,
    fulfilledAt: state === 'met' ? settledAt : null,
    escalatedAt: state === 'missed' ? dueAt : null,
    ...change,
  };
}

type Four = [responseSpeed: number, resolution: number, attitude: number, professionalism: number];

function answer(source: Feedback['source'], at: string, [responseSpeed, resolution, attitude, professionalism]: Four): Feedback {
  return {
    at,
    byKind: source === 'survey' ? 'customer' : 'staff',
    byRole: source === 'survey' ? 'customer' : 'service_representative',
    byAgentId: null,
    recordedFrom: null,
    source,
    resolved: source === 'callback' ? true : null,
    ratings: { responseSpeed, resolution, attitude, professionalism },
    verdict: Math.min(responseSpeed, resolution, attitude, professionalism) <= 2 ? 'dissatisfied' : 'satisfied',
    shortfalls: null,
    comment: null,
    nps: null,
  };
}

const ratingsOf = ([responseSpeed, resolution, attitude, professionalism]: Four) => ({ responseSpeed, resolution, attitude, professionalism });

const byAgent = (agentId: string, at: string) => ({ at, byKind: 'staff' as const, byRole: 'agent', byAgentId: agentId, recordedFrom: null });

/** The request ids the scenarios name, for the evidence. */
const ids: Record<string, string> = {};

beforeAll(async () => {
  database = await startActivityDatabase({ now: () => now });
  ({ db, activities } = database);
  await db
    .insertInto('agents')
    .values(AGENTS.map((id) => ({ id, name: `测试专员 ${id}`, email: `${id.toLowerCase()}@service.example`, group_id: GROUP })))
    .execute();

  // ---------- A1: every dimension ----------
  // 15 plain one-time closings in November, the first exactly at `from` (included).
  for (let i = 0; i < 15; i += 1) {
    await held(A1, closed(i === 0 ? FROM : `2026-11-${String(i + 1).padStart(2, '0')}T04:00:00.000Z`));
  }
  // One-time, a survey 5 5 4 4, and a first-contact rating of 1 (not one of the four ratings: never counted).
  // Windows: first response met, due exactly at `from` (included); requirement sheet and solution met.
  ids.a = (
    await held(
      A1,
      closed('2026-11-05T02:00:00.000Z', {
        firstContactRating: { ...byAgent(A1, '2026-11-01T02:00:00.000Z'), byKind: 'customer', byRole: 'customer', byAgentId: null, rating: 1, comment: null },
        feedback: answer('survey', '2026-11-05T02:00:00.000Z', [5, 5, 4, 4]),
        deadlines: [
          window('firstResponse', 'met', FROM, A1),
          window('requirementSheet', 'met', '2026-11-02T10:00:00.000Z', A1),
          window('solution', 'met', '2026-11-03T10:00:00.000Z', A1),
          // Customer-side, met: never counted.
          window('confirmation', 'met', '2026-11-02T12:00:00.000Z', A1),
        ],
      }),
    )
  ).id;
  // One-time; first response met.
  ids.w = (await held(A1, closed('2026-11-08T02:00:00.000Z', { deadlines: [window('firstResponse', 'met', '2026-11-06T01:30:00.000Z', A1)] }))).id;
  // One-time; first response missed, but nobody else was eligible: it stayed with A1, who answered late.
  ids.m = (
    await held(
      A1,
      closed('2026-11-09T02:00:00.000Z', {
        firstResponseAt: '2026-11-07T03:00:00.000Z',
        deadlines: [window('firstResponse', 'missed', '2026-11-07T01:30:00.000Z', A1, { fulfilledAt: '2026-11-07T03:00:00.000Z' })],
      }),
    )
  ).id;
  // A delivery rejected once: not one-time. A callback 4 4 3 5.
  // Staff-side misses: execution and a day's progress. Customer-side misses owed_by A1 (the workflow
  // arms every window with the assignee): confirmation and acceptance — never counted.
  ids.b = (
    await held(
      A1,
      closed('2026-11-10T02:00:00.000Z', {
        rejections: 1,
        feedback: answer('callback', '2026-11-10T02:00:00.000Z', [4, 4, 3, 5]),
        deadlines: [
          window('confirmation', 'missed', '2026-11-03T10:00:00.000Z', A1),
          window('dailyProgress', 'missed', '2026-11-04T10:00:00.000Z', A1),
          window('execution', 'missed', '2026-11-06T10:00:00.000Z', A1, { fulfilledAt: '2026-11-07T10:00:00.000Z' }),
          window('acceptance', 'missed', '2026-11-09T10:00:00.000Z', A1),
        ],
      }),
    )
  ).id;
  // Reopened by an intervention: not one-time. Two answers, both counted: the dissatisfied survey
  // 2 3 2 3 that called the supervisors, then after the rework a callback 4 4 4 4. First response met.
  const reopenedBase = await held(A1, {
    stage: 'follow_up',
    subStage: 'intervention',
    feedback: answer('survey', '2026-11-15T02:00:00.000Z', [2, 3, 2, 3]),
    deadlines: [window('firstResponse', 'met', '2026-11-11T01:30:00.000Z', A1)],
  });
  ids.reopened = reopenedBase.id;
  await write(
    reopenedBase,
    3,
    closed('2026-11-25T02:00:00.000Z', {
      interventions: [{ ...byAgent('A-SUPERVISOR', '2026-11-15T06:00:00.000Z'), byRole: 'supervisor', plan: '返工并回访', reopen: true }],
      feedback: answer('callback', '2026-11-25T02:00:00.000Z', [4, 4, 4, 4]),
    }),
  );
  // Not counted: still open (a rejection, and a dissatisfied answer 1 1 1 1 awaiting the intervention), with a
  // pending solution, a paused execution and a cancelled first response (the lead reassigned it, then back),
  // all due in November, and an execution missed a millisecond before `from` (October's).
  await held(A1, {
    stage: 'follow_up',
    subStage: 'intervention',
    rejections: 1,
    feedback: answer('survey', '2026-11-16T02:00:00.000Z', [1, 1, 1, 1]),
    deadlines: [
      window('execution', 'missed', '2026-10-31T15:59:59.999Z', A1),
      window('firstResponse', 'cancelled', '2026-11-02T01:30:00.000Z', A1),
      window('solution', 'pending', '2026-11-20T10:00:00.000Z', A1),
      window('execution', 'paused', '2026-11-22T10:00:00.000Z', A1, { remainingMs: 3_600_000 }),
    ],
  });
  // Not counted in November: closed in October (a rejection, a callback 1 1 1 1 in October).
  await held(A1, closed('2026-10-20T02:00:00.000Z', { rejections: 1, feedback: answer('callback', '2026-10-20T02:00:00.000Z', [1, 1, 1, 1]) }));
  // Not counted in November: closed exactly at `to` (a rejection, a survey 1 1 1 1 at `to`, a requirement sheet missed at `to`).
  await held(
    A1,
    closed(TO, {
      rejections: 1,
      feedback: answer('survey', TO, [1, 1, 1, 1]),
      deadlines: [window('requirementSheet', 'missed', TO, A1)],
    }),
  );
  // Not counted: closed in November, but not `completed`.
  await held(A1, { stage: 'closed', subStage: null, status: 'cancelled', closedAt: '2026-11-12T02:00:00.000Z', rejections: 1 });
  await held(A1, { stage: 'closed', subStage: null, status: 'unconfirmed', closedAt: '2026-11-13T02:00:00.000Z', voidSheets: 2 });

  // ---------- A2 → A3: a reassigned request ----------
  // A2 is assigned and misses the first response; the request passes to A3, who answers in time,
  // has the requirement sheet in time, closes it one-time, and gets a callback 5 4 5 4.
  sequence += 1;
  const x = await recordFreshRequest(database, sequence);
  ids.x = x.id;
  await activities.transferAssignment({ requestId: x.id, agentId: A2 });
  const a2Window = window('firstResponse', 'pending', '2026-11-03T01:30:00.000Z', A2);
  const assigned = await write(x, 2, { stage: 'assigned', assignee: { id: A2, group: GROUP }, deadlines: [a2Window] });
  await activities.transferAssignment({ requestId: x.id, agentId: A3 });
  const missedAndMoved = [{ ...a2Window, state: 'missed' as const, settledAt: a2Window.dueAt, escalatedAt: a2Window.dueAt }, window('firstResponse', 'pending', '2026-11-03T02:00:00.000Z', A3)];
  const reassigned = await write(assigned, 3, { assignee: { id: A3, group: GROUP }, reassignments: 1, deadlines: missedAndMoved });
  await write(
    reassigned,
    4,
    closed('2026-11-06T02:00:00.000Z', {
      firstResponseAt: '2026-11-03T01:50:00.000Z',
      feedback: answer('callback', '2026-11-06T02:00:00.000Z', [5, 4, 5, 4]),
      deadlines: [missedAndMoved[0]!, window('firstResponse', 'met', '2026-11-03T02:00:00.000Z', A3), window('requirementSheet', 'met', '2026-11-04T10:00:00.000Z', A3)],
    }),
  );
  // A hand-made reassignment by the lead before A2's window passed: A2's window is cancelled (counts for
  // nobody), A3's is met. Still open.
  sequence += 1;
  const y = await recordFreshRequest(database, sequence);
  await activities.transferAssignment({ requestId: y.id, agentId: A2 });
  await activities.transferAssignment({ requestId: y.id, agentId: A3 });
  await write(y, 2, {
    stage: 'analysis',
    assignee: { id: A3, group: GROUP },
    reassignments: 1,
    deadlines: [window('firstResponse', 'cancelled', '2026-11-04T01:30:00.000Z', A2), window('firstResponse', 'met', '2026-11-04T02:30:00.000Z', A3)],
  });

  // ---------- A4: nothing to measure in customer satisfaction ----------
  // One-time, no answer (the callbacks were missed, owed by no one agent; the follow-up closed `missed`).
  await held(
    A4,
    closed('2026-11-20T02:00:00.000Z', {
      followUp: 'missed',
      deadlines: [
        window('firstResponse', 'met', '2026-11-14T01:30:00.000Z', A4),
        window('execution', 'met', '2026-11-17T10:00:00.000Z', A4),
        window('callback', 'missed', '2026-11-18T10:00:00.000Z', null),
        window('callback', 'missed', '2026-11-19T10:00:00.000Z', null),
      ],
    }),
  );
  // Rejected twice: not one-time. Only a first-contact rating, which is not one of the four ratings.
  await held(
    A4,
    closed('2026-11-21T02:00:00.000Z', {
      rejections: 2,
      followUp: 'missed',
      firstContactRating: { at: '2026-11-14T02:00:00.000Z', byKind: 'customer', byRole: 'customer', byAgentId: null, recordedFrom: null, rating: 5, comment: null },
    }),
  );

  // ---------- A5: took over after the first response (A9's), closed it ----------
  await held(
    A5,
    closed('2026-11-18T02:00:00.000Z', {
      firstResponseAt: '2026-11-16T01:20:00.000Z',
      reassignments: 1,
      feedback: answer('survey', '2026-11-18T02:00:00.000Z', [3, 3, 3, 3]),
      deadlines: [window('firstResponse', 'met', '2026-11-16T01:30:00.000Z', A9)],
    }),
  );
});

afterAll(async () => {
  await database?.close();
});

const DIGITS = 12;

/** The scores, dimension by dimension, and the total. */
function scoresOf(card: Scorecard) {
  const d = card.scores.dimensions;
  return {
    responseTimeliness: d.responseTimeliness.score,
    handlingEfficiency: d.handlingEfficiency.score,
    processCompliance: d.processCompliance.score,
    customerSatisfaction: d.customerSatisfaction.score,
  };
}

it('counts every staff-side deadline of the catalogue, and no customer-side one', () => {
  expect([...STAFF_SIDE_DEADLINES].sort()).toEqual(
    [
      'firstResponse',
      'temporaryMeasure',
      'simpleAnswer',
      'suggestionOutcome',
      'requirementSheet',
      'solution',
      'review',
      'taskAcceptance',
      'taskDue',
      'dailyProgress',
      'execution',
      'rework',
      'callback',
      'intervention',
      'complaintReview',
    ].sort(),
  );
});

describe('an agent with every dimension (A1, November)', () => {
  it('measures each from the rows that belong to the period, and only those', async () => {
    const card = await agentScorecard(db, { agentId: A1, ...NOVEMBER });
    expect(card.agentId).toBe(A1);
    expect(card.period).toEqual(NOVEMBER);
    expect(card.inputs).toEqual({
      // First responses met: due at `from`, 11-06, 11-11; missed: 11-07. (Cancelled 11-02: not counted.)
      firstResponseWindows: { met: 3, missed: 1 },
      // 15 plain + a + w + m one-time; b (rejected) and the reopened one not. Not counted: the open one, October's,
      // the one closed at `to`, the cancelled and the unconfirmed.
      closedCompleted: { total: 20, oneTime: 18 },
      // Met: 3 first responses + requirement sheet + solution = 5. Missed: the first response of m, b's day's
      // progress and execution = 3. Not: customer-side confirmation/acceptance; pending, paused, cancelled;
      // before `from`; at `to`.
      staffSideWindows: { met: 5, missed: 3 },
      // a's survey, b's callback, the reopened request's survey and callback, by feedback time.
      feedback: [ratingsOf([5, 5, 4, 4]), ratingsOf([4, 4, 3, 5]), ratingsOf([2, 3, 2, 3]), ratingsOf([4, 4, 4, 4])],
    });
  });

  it('scores them and weights the total', async () => {
    const card = await agentScorecard(db, { agentId: A1, ...NOVEMBER });
    expect(scoresOf(card)).toEqual({
      // (10 + 10 + 10 + 0) / 4 = 7.5
      responseTimeliness: 7.5,
      // 18 / 20 = exactly 90% → 8 (the band's lower edge)
      handlingEfficiency: 8,
      // 10 − 2 × 3 = 4
      processCompliance: 4,
      // (5+5+4+4 + 4+4+3+5 + 2+3+2+3 + 4+4+4+4) / 16 = (18 + 16 + 10 + 16) / 16 = 60 / 16 = 3.75; × 2 = 7.5
      customerSatisfaction: 7.5,
    });
    expect(card.scores.oneTimeResolutionRate).toBe(0.9);
    // 0.15 × 7.5 + 0.25 × 8 + 0.20 × 4 + 0.40 × 7.5 = 1.125 + 2 + 0.8 + 3 = 6.925
    expect(card.scores.total).toBeCloseTo(6.925, DIGITS);
    expect(card.scores.dimensions.customerSatisfaction).toMatchObject({ weight: 40, appliedWeight: 0.4 });
  });

  it('shows a supervisor why: the windows missed, the closings not one-time, every rating', async () => {
    const card = await agentScorecard(db, { agentId: A1, ...NOVEMBER });
    expect(card.evidence.missedWindows).toEqual([
      { requestId: ids.b, deadline: 'dailyProgress', dueAt: new Date('2026-11-04T10:00:00.000Z') },
      { requestId: ids.b, deadline: 'execution', dueAt: new Date('2026-11-06T10:00:00.000Z') },
      { requestId: ids.m, deadline: 'firstResponse', dueAt: new Date('2026-11-07T01:30:00.000Z') },
    ]);
    expect(card.evidence.closingsNotOneTime).toEqual([
      { requestId: ids.b, closedAt: new Date('2026-11-10T02:00:00.000Z'), rejections: 1, reopened: false },
      { requestId: ids.reopened, closedAt: new Date('2026-11-25T02:00:00.000Z'), rejections: 0, reopened: true },
    ]);
    expect(card.evidence.feedback).toEqual([
      { requestId: ids.a, kind: 'survey', recordedAt: new Date('2026-11-05T02:00:00.000Z'), ratings: ratingsOf([5, 5, 4, 4]) },
      { requestId: ids.b, kind: 'callback', recordedAt: new Date('2026-11-10T02:00:00.000Z'), ratings: ratingsOf([4, 4, 3, 5]) },
      { requestId: ids.reopened, kind: 'survey', recordedAt: new Date('2026-11-15T02:00:00.000Z'), ratings: ratingsOf([2, 3, 2, 3]) },
      { requestId: ids.reopened, kind: 'callback', recordedAt: new Date('2026-11-25T02:00:00.000Z'), ratings: ratingsOf([4, 4, 4, 4]) },
    ]);
  });

  it('counts what lay just outside November in the month it belongs to: `to` is the next period’s `from`', async () => {
    // October: the execution missed at 15:59:59.999 (10 − 2 = 8); the closing of 10-20 with a rejection
    // (0 of 1 → 0); its callback 1 1 1 1 (4 / 4 × 2 = 2); no first response (left out).
    // (25 × 0 + 20 × 8 + 40 × 2) / (25 + 20 + 40) = 240 / 85 = 2.8235…
    const october = await agentScorecard(db, { agentId: A1, ...OCTOBER });
    expect(october.inputs).toEqual({
      firstResponseWindows: { met: 0, missed: 0 },
      closedCompleted: { total: 1, oneTime: 0 },
      staffSideWindows: { met: 0, missed: 1 },
      feedback: [ratingsOf([1, 1, 1, 1])],
    });
    expect(scoresOf(october)).toEqual({ responseTimeliness: null, handlingEfficiency: 0, processCompliance: 8, customerSatisfaction: 2 });
    expect(october.scores.total).toBeCloseTo(240 / 85, DIGITS);

    // December: the same shape from the rows at exactly `to`: the requirement sheet missed, the closing with a
    // rejection, the survey 1 1 1 1. 240 / 85 again.
    const december = await agentScorecard(db, { agentId: A1, ...DECEMBER });
    expect(december.inputs).toEqual(october.inputs);
    expect(december.evidence.missedWindows).toEqual([{ requestId: expect.any(String), deadline: 'requirementSheet', dueAt: new Date(TO) }]);
    expect(december.scores.total).toBeCloseTo(240 / 85, DIGITS);
  });
});

describe('a reassigned request', () => {
  it('counts the missed first window against the agent who owed it (A2), who held nothing at closing', async () => {
    const card = await agentScorecard(db, { agentId: A2, ...NOVEMBER });
    expect(card.inputs).toEqual({
      // Missed on x; the cancelled window on y counts for nobody.
      firstResponseWindows: { met: 0, missed: 1 },
      closedCompleted: { total: 0, oneTime: 0 },
      staffSideWindows: { met: 0, missed: 1 },
      feedback: [],
    });
    expect(card.evidence.missedWindows).toEqual([{ requestId: ids.x, deadline: 'firstResponse', dueAt: new Date('2026-11-03T01:30:00.000Z') }]);
    // Response timeliness 0 / 1 = 0; process compliance 10 − 2 = 8; handling efficiency and satisfaction left out.
    expect(scoresOf(card)).toEqual({ responseTimeliness: 0, handlingEfficiency: null, processCompliance: 8, customerSatisfaction: null });
    // (15 × 0 + 20 × 8) / (15 + 20) = 160 / 35 = 4.571428…
    expect(card.scores.total).toBeCloseTo(160 / 35, DIGITS);
    expect(card.scores.dimensions.responseTimeliness.appliedWeight).toBeCloseTo(15 / 35, DIGITS);
    expect(card.scores.dimensions.processCompliance.appliedWeight).toBeCloseTo(20 / 35, DIGITS);
  });

  it('gives the new assignee (A3) their own windows, the closing and its rating — not the miss', async () => {
    const card = await agentScorecard(db, { agentId: A3, ...NOVEMBER });
    expect(card.inputs).toEqual({
      // Met on x and on y.
      firstResponseWindows: { met: 2, missed: 0 },
      // x, one-time.
      closedCompleted: { total: 1, oneTime: 1 },
      // The two first responses and x's requirement sheet.
      staffSideWindows: { met: 3, missed: 0 },
      feedback: [ratingsOf([5, 4, 5, 4])],
    });
    expect(card.evidence).toEqual({
      missedWindows: [],
      closingsNotOneTime: [],
      feedback: [{ requestId: ids.x, kind: 'callback', recordedAt: new Date('2026-11-06T02:00:00.000Z'), ratings: ratingsOf([5, 4, 5, 4]) }],
    });
    // 10, 1 of 1 = 100% → 10, 10 − 0 = 10, (5 + 4 + 5 + 4) / 4 = 4.5 → 9.
    expect(scoresOf(card)).toEqual({ responseTimeliness: 10, handlingEfficiency: 10, processCompliance: 10, customerSatisfaction: 9 });
    // 0.15 × 10 + 0.25 × 10 + 0.20 × 10 + 0.40 × 9 = 1.5 + 2.5 + 2 + 3.6 = 9.6
    expect(card.scores.total).toBeCloseTo(9.6, DIGITS);
  });
});

describe('nothing to measure in a dimension', () => {
  it('leaves customer satisfaction out when no answer was given on what the agent closed (A4)', async () => {
    const card = await agentScorecard(db, { agentId: A4, ...NOVEMBER });
    expect(card.inputs).toEqual({
      firstResponseWindows: { met: 1, missed: 0 },
      closedCompleted: { total: 2, oneTime: 1 },
      // The first response and execution; the missed callbacks were owed by no agent.
      staffSideWindows: { met: 2, missed: 0 },
      // The first-contact rating is not one of the four ratings.
      feedback: [],
    });
    // 10; 1 of 2 = 50% → 0; 10; left out.
    expect(scoresOf(card)).toEqual({ responseTimeliness: 10, handlingEfficiency: 0, processCompliance: 10, customerSatisfaction: null });
    // (15 × 10 + 25 × 0 + 20 × 10) / (15 + 25 + 20) = 350 / 60 = 5.8333…
    expect(card.scores.total).toBeCloseTo(350 / 60, DIGITS);
    expect(card.scores.dimensions.customerSatisfaction).toEqual({ score: null, weight: 40, appliedWeight: 0 });
  });

  it('leaves response timeliness and process compliance out when no window of the agent fell due (A5)', async () => {
    const card = await agentScorecard(db, { agentId: A5, ...NOVEMBER });
    expect(card.inputs).toEqual({
      firstResponseWindows: { met: 0, missed: 0 },
      closedCompleted: { total: 1, oneTime: 1 },
      staffSideWindows: { met: 0, missed: 0 },
      feedback: [ratingsOf([3, 3, 3, 3])],
    });
    // Left out; 1 of 1 → 10; left out; 12 / 4 = 3 → 6.
    expect(scoresOf(card)).toEqual({ responseTimeliness: null, handlingEfficiency: 10, processCompliance: null, customerSatisfaction: 6 });
    // (25 × 10 + 40 × 6) / (25 + 40) = 490 / 65 = 7.538461…
    expect(card.scores.total).toBeCloseTo(490 / 65, DIGITS);
    expect(card.scores.dimensions.handlingEfficiency.appliedWeight).toBeCloseTo(25 / 65, DIGITS);
    expect(card.scores.dimensions.customerSatisfaction.appliedWeight).toBeCloseTo(40 / 65, DIGITS);

    // The first response on that request was A9's, met: A9 has 10 and 10, the rest left out; (150 + 200) / 35 = 10.
    const a9 = await agentScorecard(db, { agentId: A9, ...NOVEMBER });
    expect(scoresOf(a9)).toEqual({ responseTimeliness: 10, handlingEfficiency: null, processCompliance: 10, customerSatisfaction: null });
    expect(a9.scores.total).toBe(10);
  });
});

describe('an empty period', () => {
  const EMPTY = {
    firstResponseWindows: { met: 0, missed: 0 },
    closedCompleted: { total: 0, oneTime: 0 },
    staffSideWindows: { met: 0, missed: 0 },
    feedback: [],
  };

  it.each([
    ['A1 in September, before any of their rows', A1, SEPTEMBER],
    ['an agent with no rows at all, in November', A0, NOVEMBER],
    ['an agent the database does not know', 'A-NOBODY', NOVEMBER],
  ])('%s: every dimension left out, the total null', async (_, agentId, period) => {
    const card = await agentScorecard(db, { agentId, ...period });
    expect(card.inputs).toEqual(EMPTY);
    expect(card.evidence).toEqual({ missedWindows: [], closingsNotOneTime: [], feedback: [] });
    expect(scoresOf(card)).toEqual({ responseTimeliness: null, handlingEfficiency: null, processCompliance: null, customerSatisfaction: null });
    expect(card.scores.oneTimeResolutionRate).toBeNull();
    expect(card.scores.total).toBeNull();
  });

  it('refuses a period that ends before it starts', async () => {
    await expect(agentScorecard(db, { agentId: A1, from: NOVEMBER.to, to: NOVEMBER.from })).rejects.toThrow(RangeError);
    await expect(agentScorecard(db, { agentId: A1, from: NOVEMBER.from, to: NOVEMBER.from })).rejects.toThrow(RangeError);
  });
});
