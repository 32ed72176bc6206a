/**
 * The read model beside the workflow on real PostgreSQL (migration 0005):
 * `recordState` writes the workflow's timeline events (keyed `wf:<seq>`),
 * the request row with its `overdue` flag, the current solution's tasks and
 * the feedback answers, in one transaction. A retry or a racing duplicate
 * writes each event once; an older document's events are still written, but
 * the row, tasks and feedback never move back. The requests table has an
 * index for each list filter of api.md (`GET /api/requests`).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { RequestActivities } from '../../contracts/activities';
import type { DeadlineEntry, DeadlineId, Feedback, RequestDocument, Solution, SolutionTask } from '../../contracts/request';
import type { TimelineActor, TimelineEvent } from '../../contracts/timeline';
import type { Db } from '../../db/database';
import { initialDocument } from '../../rules/request-document';
import { indexDefinitions, raceOnHeldLock, recordFreshRequest, startActivityDatabase, type ActivityDatabase } from '../support/activity-database';
import { requestInput } from '../support/fixtures';

let database: ActivityDatabase;
let db: Db;
let activities: RequestActivities;
let now = new Date('2026-11-27T07:00:00Z');

const AGENT_ID = 'A-RM-1';
const CO_HANDLER_ID = 'A-RM-2';
const REPRESENTATIVE_ID = 'A-RM-3';
const AGENT_ACTOR: TimelineActor = { byKind: 'staff', byRole: 'agent', byAgentId: AGENT_ID, recordedFrom: null };
const BY_AGENT = { byKind: 'staff' as const, byRole: 'agent', byAgentId: AGENT_ID, recordedFrom: null };
const BY_CUSTOMER = { byKind: 'customer' as const, byRole: 'customer', byAgentId: null, recordedFrom: null };

let sequence = 500;
/** A fresh request of a fresh customer, recorded as the workflow records it at intake (version 1). */
async function newRequest(): Promise<RequestDocument> {
  sequence += 1;
  return recordFreshRequest(database, sequence);
}

/** The document at a later version, with some fields changed. */
function at(base: RequestDocument, version: number, change: Partial<RequestDocument> = {}): RequestDocument {
  return { ...base, version, ...change };
}

function deadline(name: DeadlineId, state: DeadlineEntry['state'], change: Partial<DeadlineEntry> = {}): DeadlineEntry {
  return {
    name,
    dueAt: '2026-11-30T10:00:00.000Z',
    state,
    armedAt: '2026-11-27T07:10:00.000Z',
    owedBy: AGENT_ID,
    remindedAt: null,
    settledAt: state === 'pending' ? null : '2026-11-30T10:00:00.000Z',
    fulfilledAt: null,
    escalatedAt: state === 'missed' ? '2026-11-30T10:00:00.000Z' : null,
    ...change,
  };
}

function task(id: string, ownerId: string, dueAt: string, change: Partial<SolutionTask> = {}): SolutionTask {
  return { id, title: `任务 ${id}（合成数据）`, ownerId, dueAt, acceptedAt: null, completedAt: null, note: null, ...change };
}

function solution(revision: number, tasks: SolutionTask[]): Solution {
  return {
    at: '2026-11-28T02:00:00.000Z',
    ...BY_AGENT,
    revision,
    steps: ['上门检测', '更换部件'],
    resources: null,
    risks: [],
    tasks,
    complex: false,
    reviews: [],
    reviewRounds: 0,
    state: 'agreed',
    customerComment: null,
  };
}

function survey(atTime: string, change: Partial<Feedback> = {}): Feedback {
  return {
    at: atTime,
    ...BY_CUSTOMER,
    source: 'survey',
    resolved: null,
    ratings: { responseSpeed: 5, resolution: 4, attitude: 5, professionalism: 4 },
    verdict: 'satisfied',
    shortfalls: null,
    comment: null,
    nps: 9,
    ...change,
  };
}

function event(seq: number, atTime: string, type: TimelineEvent['type'], data: TimelineEvent['data'], actor: TimelineActor | null = null): TimelineEvent {
  return { seq, at: atTime, type, actor, data };
}

/** The request's timeline rows in time order (ties by key). */
async function timelineRows(requestId: string) {
  return db
    .selectFrom('timeline_events')
    .select(['key', 'at', 'type', 'actor', 'data'])
    .where('request_id', '=', requestId)
    .orderBy('at')
    .orderBy('key')
    .execute();
}

/** What a timeline row holds for a workflow event. */
function rowOf(e: TimelineEvent) {
  return { key: `wf:${e.seq}`, at: new Date(e.at), type: e.type, actor: e.actor, data: e.data };
}

async function requestRow(requestId: string) {
  return db.selectFrom('requests').select(['stage', 'status', 'version', 'overdue', 'document', 'updated_at']).where('id', '=', requestId).executeTakeFirstOrThrow();
}

async function taskRows(requestId: string) {
  return db.selectFrom('tasks').selectAll().where('request_id', '=', requestId).orderBy('task_id').execute();
}

async function feedbackRows(requestId: string) {
  return db.selectFrom('feedback').selectAll().where('request_id', '=', requestId).orderBy('recorded_at').orderBy('kind').execute();
}

/** A feedback row with every answer column empty, for the fields a kind leaves out. */
const EMPTY_ANSWERS = {
  rating: null,
  resolved: null,
  response_speed: null,
  resolution: null,
  attitude: null,
  professionalism: null,
  verdict: null,
  nps: null,
  shortfalls: null,
  comment: null,
};

beforeAll(async () => {
  database = await startActivityDatabase({ now: () => now });
  ({ db, activities } = database);
});

afterAll(async () => {
  await database?.close();
});

beforeEach(() => {
  now = new Date('2026-11-27T07:00:00Z');
});

describe('the timeline', () => {
  it('writes the workflow’s events with the read model, each once: a retry adds nothing', async () => {
    const base = await newRequest();
    const assigned = at(base, 2, {
      stage: 'assigned',
      assignee: { id: AGENT_ID, group: 'technical_support' },
      deadlines: [deadline('firstResponse', 'pending', { dueAt: '2026-11-27T09:00:01.000Z', armedAt: '2026-11-27T07:00:01.000Z', settledAt: null })],
    });
    const first = [
      event(1, '2026-11-27T07:00:00.100Z', 'stage_changed', { from: null, fromSubStage: null, to: 'received', subStage: null }),
      event(2, '2026-11-27T07:00:01.000Z', 'stage_changed', { from: 'received', fromSubStage: null, to: 'assigned', subStage: null }),
      event(3, '2026-11-27T07:00:01.000Z', 'deadline_armed', { deadline: 'firstResponse', dueAt: '2026-11-27T09:00:01.000Z', owedBy: AGENT_ID, taskId: null }),
    ];
    await activities.recordState({ document: assigned, timeline: first });
    expect(await timelineRows(base.id)).toEqual(first.map(rowOf));
    expect(await requestRow(base.id)).toMatchObject({ stage: 'assigned', version: 2 });

    // The activity retried (same input, and a copy of it): nothing more.
    now = new Date('2026-11-27T07:00:05Z');
    await activities.recordState({ document: assigned, timeline: first });
    await activities.recordState(structuredClone({ document: assigned, timeline: first }));
    expect(await timelineRows(base.id)).toEqual(first.map(rowOf));

    // The acknowledgement: who did it is kept with the action.
    const acknowledged = at(assigned, 3, {
      stage: 'analysis',
      deadlines: [{ ...assigned.deadlines[0]!, state: 'met', settledAt: '2026-11-27T07:30:00.000Z', fulfilledAt: '2026-11-27T07:30:00.000Z' }],
    });
    const second = [
      event(4, '2026-11-27T07:30:00.000Z', 'action', { action: 'acknowledge', updateId: 'U-ACK-1' }, AGENT_ACTOR),
      event(5, '2026-11-27T07:30:00.000Z', 'deadline_met', { deadline: 'firstResponse', dueAt: '2026-11-27T09:00:01.000Z', owedBy: AGENT_ID, taskId: null }),
      event(6, '2026-11-27T07:30:00.000Z', 'stage_changed', { from: 'assigned', fromSubStage: null, to: 'analysis', subStage: null }),
    ];
    await activities.recordState({ document: acknowledged, timeline: second });
    await activities.recordState({ document: acknowledged, timeline: second });
    const rows = await timelineRows(base.id);
    expect(rows).toEqual([...first, ...second].map(rowOf));
    expect(rows[3]).toMatchObject({ key: 'wf:4', type: 'action', actor: { byKind: 'staff', byRole: 'agent', byAgentId: 'A-RM-1', recordedFrom: null } });
    expect(await requestRow(base.id)).toMatchObject({ stage: 'analysis', version: 3 });
  });

  it('writes each event once when two calls with overlapping events race, held on the request row and released together', async () => {
    // In either order: the older call (events 1–2) and the newer (events 1–3, the older's not yet known written).
    for (const order of [0, 1]) {
      const base = await newRequest();
      const events = [
        event(1, '2026-11-27T07:00:00.100Z', 'stage_changed', { from: null, fromSubStage: null, to: 'received', subStage: null }),
        event(2, '2026-11-27T07:00:01.000Z', 'stage_changed', { from: 'received', fromSubStage: null, to: 'assigned', subStage: null }),
        event(3, '2026-11-27T07:05:00.000Z', 'reminder', { deadline: 'firstResponse', dueAt: '2026-11-27T09:00:01.000Z', owedBy: AGENT_ID, taskId: null }),
      ];
      const calls = [
        { document: at(base, 2, { stage: 'assigned' }), timeline: events.slice(0, 2) },
        { document: at(base, 3, { stage: 'assigned' }), timeline: events },
      ];
      if (order === 1) calls.reverse();
      // Holding the request's row makes both calls wait on it before they write anything.
      await raceOnHeldLock(
        db,
        (trx) => trx.selectFrom('requests').select('id').where('id', '=', base.id).forUpdate().execute(),
        () => calls.map((call) => activities.recordState(call)),
      );

      expect(await timelineRows(base.id)).toEqual(events.map(rowOf));
      expect((await requestRow(base.id)).version).toBe(3);
    }
  });

  it('writes an event once when stale duplicates race: both held on its key, then released together', async () => {
    const base = await newRequest();
    await activities.recordState({ document: at(base, 5, { stage: 'analysis' }) });
    const escalation = event(9, '2026-11-28T02:00:00.000Z', 'escalation', {
      deadline: 'requirementSheet',
      dueAt: '2026-11-28T02:00:00.000Z',
      owedBy: AGENT_ID,
      taskId: null,
      effect: 'keepWaiting',
      escalateTo: 'assignee,groupLead',
    });
    // Older than the row: neither call updates (or locks) the request row, so both reach the key.
    const stale = { document: at(base, 4, { stage: 'analysis' }), timeline: [escalation] };
    await raceOnHeldLock(
      db,
      (trx) =>
        trx
          .insertInto('timeline_events')
          .values({ request_id: base.id, key: 'wf:9', at: '2026-11-28T01:00:00.000Z', type: 'reminder', actor: null, data: JSON.stringify({ held: true }) })
          .execute(),
      () => [activities.recordState(stale), activities.recordState(stale)],
    );

    expect(await timelineRows(base.id)).toEqual([rowOf(escalation)]);
  });

  it('leaves each event once when many duplicates race unaided (Promise.all)', async () => {
    const base = await newRequest();
    const events = [
      event(1, '2026-11-27T07:00:00.100Z', 'stage_changed', { from: null, fromSubStage: null, to: 'received', subStage: null }),
      event(2, '2026-11-27T07:00:01.000Z', 'stage_changed', { from: 'received', fromSubStage: null, to: 'assigned', subStage: null }),
    ];
    const call = { document: at(base, 2, { stage: 'assigned' }), timeline: events };
    await Promise.all(Array.from({ length: 8 }, () => activities.recordState(call)));
    expect(await timelineRows(base.id)).toEqual(events.map(rowOf));
  });

  it('writes the events of a call whose document is older than the row, but moves nothing back', async () => {
    const base = await newRequest();
    now = new Date('2026-11-29T02:00:00Z');
    // The row stands at version 6: one task, the survey answered, nothing overdue.
    const newer = at(base, 6, {
      stage: 'follow_up',
      subStage: 'awaiting_feedback',
      solution: solution(1, [task('T-1', AGENT_ID, '2026-11-29T02:00:00.000Z', { acceptedAt: '2026-11-28T02:00:00.000Z', completedAt: '2026-11-28T09:00:00.000Z' })]),
      feedback: survey('2026-11-29T01:00:00.000Z'),
      deadlines: [deadline('requirementSheet', 'missed', { fulfilledAt: '2026-11-28T03:00:00.000Z' })],
    });
    await activities.recordState({ document: newer, timeline: [event(20, '2026-11-29T01:00:00.000Z', 'action', { action: 'survey', updateId: 'U-20' })] });
    const row = await requestRow(base.id);
    const tasks = await taskRows(base.id);
    const feedback = await feedbackRows(base.id);
    expect(row).toMatchObject({ version: 6, stage: 'follow_up', overdue: false });

    // A late attempt of an earlier call: another task, a first-contact rating, a sheet still owed; and its reminder event.
    now = new Date('2026-11-29T03:00:00Z');
    const older = at(base, 5, {
      stage: 'in_progress',
      solution: solution(1, [task('T-1', AGENT_ID, '2026-11-29T02:00:00.000Z'), task('T-2', CO_HANDLER_ID, '2026-11-30T02:00:00.000Z')]),
      firstContactRating: { at: '2026-11-27T08:00:00.000Z', ...BY_CUSTOMER, rating: 2, comment: null },
      deadlines: [deadline('requirementSheet', 'missed')],
    });
    const reminder = event(19, '2026-11-28T20:00:00.000Z', 'reminder', { deadline: 'taskDue', dueAt: '2026-11-29T02:00:00.000Z', owedBy: AGENT_ID, taskId: 'T-1' });
    await activities.recordState({ document: older, timeline: [reminder] });

    expect((await timelineRows(base.id)).map((r) => r.key)).toEqual(['wf:19', 'wf:20']);
    expect((await timelineRows(base.id))[0]).toEqual(rowOf(reminder));
    // The row (document, overdue, updated_at), the tasks and the feedback are version 6's.
    expect(await requestRow(base.id)).toEqual(row);
    expect(await taskRows(base.id)).toEqual(tasks);
    expect(await feedbackRows(base.id)).toEqual(feedback);
    expect(tasks.map((t) => t.task_id)).toEqual(['T-1']);
    expect(feedback.map((f) => f.kind)).toEqual(['survey']);
  });
});

describe('overdue', () => {
  it('is true only for an open request with a missed staff-side deadline still owed', async () => {
    const cases: [string, Partial<RequestDocument>, boolean][] = [
      ['a missed requirement sheet, not yet issued', { deadlines: [deadline('requirementSheet', 'missed')] }, true],
      ['a missed task, beside a met first response', { deadlines: [deadline('firstResponse', 'met', { fulfilledAt: '2026-11-27T08:00:00.000Z' }), deadline('taskDue', 'missed', { taskId: 'T-1' })] }, true],
      ['a missed requirement sheet issued late', { deadlines: [deadline('requirementSheet', 'missed', { fulfilledAt: '2026-12-01T02:00:00.000Z' })] }, false],
      ['a lapsed day’s progress (dailyProgress)', { deadlines: [deadline('dailyProgress', 'missed')] }, false],
      ['a missed customer-side confirmation', { deadlines: [deadline('confirmation', 'missed', { owedBy: null })] }, false],
      ['a pending requirement sheet', { deadlines: [deadline('requirementSheet', 'pending')] }, false],
      ['a cancelled request with a sheet still owed', { status: 'cancelled', stage: 'closed', closedAt: '2026-12-01T02:00:00.000Z', deadlines: [deadline('requirementSheet', 'missed')] }, false],
      ['a completed request with a task still owed', { status: 'completed', stage: 'closed', closedAt: '2026-12-01T02:00:00.000Z', deadlines: [deadline('taskDue', 'missed', { taskId: 'T-1' })] }, false],
    ];
    const overdueIds: string[] = [];
    const allIds: string[] = [];
    for (const [name, change, expected] of cases) {
      const base = await newRequest();
      allIds.push(base.id);
      if (expected) overdueIds.push(base.id);
      await activities.recordState({ document: at(base, 2, change) });
      expect({ name, overdue: (await requestRow(base.id)).overdue }).toEqual({ name, overdue: expected });
    }
    // The list filter `overdue=true` reads the column (its partial index).
    const listed = await db.selectFrom('requests').select('id').where('overdue', '=', true).where('id', 'in', allIds).orderBy('id').execute();
    expect(listed.map((r) => r.id)).toEqual(overdueIds);
  });

  it('follows the document: set when missed, cleared when the action is done late or the request closes; a stale call leaves it', async () => {
    const base = await newRequest();
    expect((await requestRow(base.id)).overdue).toBe(false);
    const missed = deadline('requirementSheet', 'missed');
    await activities.recordState({ document: at(base, 2, { stage: 'analysis', deadlines: [missed] }) });
    expect((await requestRow(base.id)).overdue).toBe(true);

    await activities.recordState({ document: at(base, 3, { stage: 'awaiting_confirmation', deadlines: [{ ...missed, fulfilledAt: '2026-12-01T02:00:00.000Z' }] }) });
    expect((await requestRow(base.id)).overdue).toBe(false);
    // The older document (still owed) arrives late: the flag stays as version 3 set it.
    await activities.recordState({ document: at(base, 2, { stage: 'analysis', deadlines: [missed] }) });
    expect((await requestRow(base.id)).overdue).toBe(false);

    const again = await newRequest();
    await activities.recordState({ document: at(again, 2, { stage: 'analysis', deadlines: [missed] }) });
    expect((await requestRow(again.id)).overdue).toBe(true);
    await activities.recordState({
      document: at(again, 3, { stage: 'closed', status: 'cancelled', closedAt: '2026-12-01T02:00:00.000Z', deadlines: [missed] }),
    });
    expect(await requestRow(again.id)).toMatchObject({ status: 'cancelled', overdue: false });
  });
});

describe('tasks', () => {
  it('keeps one row per task of the current solution, with its owner, due time and progress; a revision that drops one marks it not current', async () => {
    const base = await newRequest();
    const t1 = task('T-1', AGENT_ID, '2026-12-01T02:00:00.000Z');
    const t2 = task('T-2', CO_HANDLER_ID, '2026-12-02T10:00:00.000Z');
    now = new Date('2026-11-28T02:00:00Z');
    await activities.recordState({ document: at(base, 2, { stage: 'in_progress', solution: solution(1, [t1, t2]) }) });
    const handedOut = {
      request_id: base.id,
      solution_revision: 1,
      accepted_at: null,
      completed_at: null,
      note: null,
      current: true,
      updated_at: new Date('2026-11-28T02:00:00Z'),
    };
    expect(await taskRows(base.id)).toEqual([
      { ...handedOut, task_id: 'T-1', title: '任务 T-1（合成数据）', owner_id: 'A-RM-1', due_at: new Date('2026-12-01T02:00:00.000Z') },
      { ...handedOut, task_id: 'T-2', title: '任务 T-2（合成数据）', owner_id: 'A-RM-2', due_at: new Date('2026-12-02T10:00:00.000Z') },
    ]);

    // The co-handler accepts T-2; the assignee completes T-1.
    now = new Date('2026-11-28T05:00:00Z');
    const t1Done = { ...t1, acceptedAt: '2026-11-28T02:00:00.000Z', completedAt: '2026-11-28T04:30:00.000Z', note: '已上门检测' };
    const t2Accepted = { ...t2, acceptedAt: '2026-11-28T03:00:00.000Z' };
    await activities.recordState({ document: at(base, 3, { stage: 'in_progress', solution: solution(1, [t1Done, t2Accepted]) }) });
    expect(await taskRows(base.id)).toEqual([
      expect.objectContaining({ task_id: 'T-1', accepted_at: new Date('2026-11-28T02:00:00.000Z'), completed_at: new Date('2026-11-28T04:30:00.000Z'), note: '已上门检测', current: true, updated_at: now }),
      expect.objectContaining({ task_id: 'T-2', accepted_at: new Date('2026-11-28T03:00:00.000Z'), completed_at: null, current: true, updated_at: now }),
    ]);

    // The customer asks for a revision: solution 2 keeps T-1, drops T-2 and gives the co-handler T-3 instead.
    now = new Date('2026-11-29T02:00:00Z');
    const t3 = task('T-3', CO_HANDLER_ID, '2026-12-03T02:00:00.000Z');
    const revised = at(base, 4, { stage: 'in_progress', solution: solution(2, [t1Done, t3]) });
    await activities.recordState({ document: revised });
    const afterRevision = await taskRows(base.id);
    expect(afterRevision).toEqual([
      {
        ...handedOut,
        task_id: 'T-1',
        title: '任务 T-1（合成数据）',
        owner_id: 'A-RM-1',
        due_at: new Date('2026-12-01T02:00:00.000Z'),
        solution_revision: 2,
        accepted_at: new Date('2026-11-28T02:00:00.000Z'),
        completed_at: new Date('2026-11-28T04:30:00.000Z'),
        note: '已上门检测',
        updated_at: new Date('2026-11-29T02:00:00Z'),
      },
      // Dropped: kept as solution 1 left it, no longer current.
      {
        ...handedOut,
        task_id: 'T-2',
        title: '任务 T-2（合成数据）',
        owner_id: 'A-RM-2',
        due_at: new Date('2026-12-02T10:00:00.000Z'),
        accepted_at: new Date('2026-11-28T03:00:00.000Z'),
        current: false,
        updated_at: new Date('2026-11-29T02:00:00Z'),
      },
      {
        ...handedOut,
        task_id: 'T-3',
        title: '任务 T-3（合成数据）',
        owner_id: 'A-RM-2',
        due_at: new Date('2026-12-03T02:00:00.000Z'),
        solution_revision: 2,
        updated_at: new Date('2026-11-29T02:00:00Z'),
      },
    ]);
    // The co-handler's open tasks: T-3 only.
    const owed = await db
      .selectFrom('tasks')
      .select('task_id')
      .where('owner_id', '=', CO_HANDLER_ID)
      .where('current', '=', true)
      .where('completed_at', 'is', null)
      .where('request_id', '=', base.id)
      .orderBy('due_at')
      .execute();
    expect(owed.map((t) => t.task_id)).toEqual(['T-3']);

    // Retried later: nothing changes, not even updated_at.
    now = new Date('2026-11-29T03:00:00Z');
    await activities.recordState({ document: revised });
    expect(await taskRows(base.id)).toEqual(afterRevision);
  });
});

describe('feedback', () => {
  it('records the first-contact rating and the callback, each once, with who recorded it', async () => {
    const base = await newRequest();
    const rating = { at: '2026-11-27T08:00:00.000Z', ...BY_CUSTOMER, rating: 4, comment: '接待及时' };
    await activities.recordState({ document: at(base, 2, { stage: 'assigned', firstContactRating: rating }) });
    const ratingRow = {
      ...EMPTY_ANSWERS,
      request_id: base.id,
      kind: 'first_contact_rating',
      recorded_at: new Date('2026-11-27T08:00:00.000Z'),
      by_role: 'customer',
      by_agent_id: null,
      rating: 4,
      comment: '接待及时',
    };
    expect(await feedbackRows(base.id)).toEqual([ratingRow]);

    const callback: Feedback = {
      at: '2026-12-02T03:00:00.000Z',
      byKind: 'staff',
      byRole: 'agent',
      byAgentId: REPRESENTATIVE_ID,
      recordedFrom: null,
      source: 'callback',
      resolved: true,
      ratings: { responseSpeed: 4, resolution: 5, attitude: 5, professionalism: 3 },
      verdict: 'basically_satisfied',
      shortfalls: '上门时间偏晚',
      comment: null,
      nps: null,
    };
    const called = at(base, 8, { stage: 'closed', status: 'completed', closedAt: '2026-12-02T03:00:00.000Z', firstContactRating: rating, feedback: callback });
    await activities.recordState({ document: called });
    await activities.recordState({ document: called });
    expect(await feedbackRows(base.id)).toEqual([
      ratingRow,
      {
        ...EMPTY_ANSWERS,
        request_id: base.id,
        kind: 'callback',
        recorded_at: new Date('2026-12-02T03:00:00.000Z'),
        by_role: 'agent',
        by_agent_id: 'A-RM-3',
        resolved: true,
        response_speed: 4,
        resolution: 5,
        attitude: 5,
        professionalism: 3,
        verdict: 'basically_satisfied',
        shortfalls: '上门时间偏晚',
      },
    ]);
  });

  it('adds a second questionnaire after a reopen; a retry or a later version with the same answer adds none', async () => {
    const base = await newRequest();
    const unhappy = survey('2026-12-01T02:00:00.000Z', {
      ratings: { responseSpeed: 3, resolution: 2, attitude: 4, professionalism: 3 },
      verdict: 'dissatisfied',
      shortfalls: '问题未彻底解决',
      nps: 3,
    });
    const answered = at(base, 10, { stage: 'follow_up', subStage: 'intervention', feedback: unhappy });
    await activities.recordState({ document: answered });
    await activities.recordState({ document: answered });
    // The intervention reopens the request: the document still shows the first answer.
    await activities.recordState({ document: at(base, 11, { stage: 'rework', feedback: unhappy }) });
    const first = {
      ...EMPTY_ANSWERS,
      request_id: base.id,
      kind: 'survey',
      recorded_at: new Date('2026-12-01T02:00:00.000Z'),
      by_role: 'customer',
      by_agent_id: null,
      response_speed: 3,
      resolution: 2,
      attitude: 4,
      professionalism: 3,
      verdict: 'dissatisfied',
      nps: 3,
      shortfalls: '问题未彻底解决',
    };
    expect(await feedbackRows(base.id)).toEqual([first]);

    // Reworked, delivered again, asked again.
    const pleased = survey('2026-12-05T02:00:00.000Z', { comment: '这次解决了' });
    const closed = at(base, 15, { stage: 'closed', status: 'completed', closedAt: '2026-12-05T02:00:00.000Z', feedback: pleased });
    await activities.recordState({ document: closed });
    await activities.recordState({ document: closed });
    await activities.recordState({ document: structuredClone(closed) });
    expect(await feedbackRows(base.id)).toEqual([
      first,
      {
        ...EMPTY_ANSWERS,
        request_id: base.id,
        kind: 'survey',
        recorded_at: new Date('2026-12-05T02:00:00.000Z'),
        by_role: 'customer',
        by_agent_id: null,
        response_speed: 5,
        resolution: 4,
        attitude: 5,
        professionalism: 4,
        verdict: 'satisfied',
        nps: 9,
        comment: '这次解决了',
      },
    ]);
  });
});

it('indexes the requests table for each list filter of api.md, newest first', async () => {
  // By index name: the 0001 indexes, and migration 0005's `(filter, created_at, id)` and the partial `overdue` one.
  expect(await indexDefinitions(db, 'requests')).toEqual([
    'btree (assignee_id, closed_at)', // requests_assignee_closed_idx (0006): the scorecard's closings
    'btree (assignee_id, created_at, id)', // requests_assignee_id_created_idx: assignee
    'btree (assignee_id, status)', // requests_assignee_idx
    'btree (closed_at, status)', // requests_closed_idx (0006): closure KPIs by closing time
    'btree (created_at, id)', // requests_created_idx: from, to, and the unfiltered list
    'btree (customer_id, created_at)', // requests_customer_idx: customerId
    'btree (external_id)', // requests_external_id_key
    'btree (first_response_at)', // requests_first_response_idx (0006): first responses by acknowledgement time
    'btree (group_id, created_at, id)', // requests_group_id_created_idx: group
    'btree (created_at, id) WHERE (overdue = true)', // requests_overdue_created_idx: overdue=true
    'btree (id)', // requests_pkey
    'btree (priority, created_at, id)', // requests_priority_created_idx: priority
    'btree (solution_agreed_at)', // requests_solution_agreed_idx (0006): solutions by agreement time
    'btree (stage, created_at, id)', // requests_stage_created_idx: stage
    'btree (status, created_at, id)', // requests_status_created_idx: status
    'btree (type, created_at, id)', // requests_type_created_idx: type
  ]);
});

describe('bad data', () => {
  it('fails without retry for a request never recorded, writing nothing', async () => {
    const input = requestInput({ requestId: 'R-2026-009999', customerId: 'C-TEST-9999' });
    const ghost = { ...initialDocument(input), version: 2 };
    const event: TimelineEvent = { seq: 1, at: '2026-11-27T07:00:00.000Z', type: 'stage_changed', actor: null, data: { from: null, fromSubStage: null, to: 'received', subStage: null } };
    const failure = await activities.recordState({ document: ghost, timeline: [event] }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'UnknownRequest', nonRetryable: true, message: 'request R-2026-009999 was never recorded: recordRequest runs first' });
    expect(await db.selectFrom('timeline_events').select('id').where('request_id', '=', ghost.id).execute()).toEqual([]);
  });

  it('fails without retry, naming the activity and the database’s words, for a value the schema refuses; nothing of the call is kept', async () => {
    const base = await newRequest();
    const answered = at(base, 5, {
      feedback: {
        ...BY_CUSTOMER,
        at: '2026-11-28T02:00:00.000Z',
        source: 'survey',
        resolved: null,
        ratings: { responseSpeed: 5, resolution: 5, attitude: 5, professionalism: 5 },
        verdict: 'satisfied',
        shortfalls: null,
        comment: null,
        // Outside 0–10: the check constraint refuses it.
        nps: 11,
      },
    });
    const event: TimelineEvent = { seq: 9, at: '2026-11-28T02:00:00.000Z', type: 'action', actor: AGENT_ACTOR, data: { action: 'survey', updateId: 'U-9' } };
    const failure = await activities.recordState({ document: answered, timeline: [event] }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'InvalidData', nonRetryable: true });
    expect((failure as ApplicationFailure).message).toMatch(/^recordState: the database refused the data \(23514\): .*feedback_nps_check/);
    // One transaction: the read model, the timeline and the feedback are as before the call.
    expect(await db.selectFrom('requests').select('version').where('id', '=', base.id).executeTakeFirstOrThrow()).toEqual({ version: base.version });
    expect(await db.selectFrom('timeline_events').select('id').where('request_id', '=', base.id).execute()).toEqual([]);
    expect(await db.selectFrom('feedback').select('kind').where('request_id', '=', base.id).execute()).toEqual([]);
  });
});
