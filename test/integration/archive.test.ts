/**
 * The closing archive (服务闭环, process.md stage 9) on real PostgreSQL: a
 * closed request's whole record is frozen in `archived_requests` once —
 * a retry, a concurrent duplicate (held on the row's unique index, then
 * released together) and a late call with an older document all leave the
 * one row, and only a newer document version replaces it. The row's columns
 * are the document's; the read model (`requests`) is recordState's and stays
 * as it was.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { RequestActivities } from '../../contracts/activities';
import type { RequestDocument } from '../../contracts/request';
import type { TimelineActor, TimelineEvent } from '../../contracts/timeline';
import type { Db } from '../../db/database';
import { indexDefinitions, raceOnHeldLock, recordFreshRequest, startActivityDatabase, type ActivityDatabase } from '../support/activity-database';

let database: ActivityDatabase;
let db: Db;
let activities: RequestActivities;
let now = new Date('2026-11-27T07:00:00Z');

const AGENT = { id: 'A-ARCH-1', name: '测试专员', email: 'a.arch1@service.example', group_id: 'after_sales' };
const CLOSED_AT = '2026-12-03T02:30:00.000Z';
const CUSTOMER_ACTOR: TimelineActor = { byKind: 'customer', byRole: 'customer', byAgentId: null, recordedFrom: null };

let sequence = 200;
/** A fresh request of a fresh customer, recorded as the workflow records it at intake. */
async function newRequest(): Promise<RequestDocument> {
  sequence += 1;
  return recordFreshRequest(database, sequence, { type: 'after_sales' });
}

/** The request as it closed: delivered, accepted, followed up; every part of the record filled in. */
function closed(base: RequestDocument, version: number, change: Partial<RequestDocument> = {}): RequestDocument {
  const by = { at: '2026-11-28T02:00:00.000Z', byKind: 'staff' as const, byRole: 'agent', byAgentId: AGENT.id, recordedFrom: null };
  return {
    ...base,
    version,
    stage: 'closed',
    subStage: null,
    status: 'completed',
    resolution: 'delivered',
    followUp: 'done',
    priority: 'P2',
    assignee: { id: AGENT.id, group: AGENT.group_id },
    closedAt: CLOSED_AT,
    calendarVersion: 1,
    firstResponseAt: '2026-11-27T07:10:00.000Z',
    rejections: 1,
    sheet: {
      ...by,
      revision: 1,
      description: '洗衣机漏水（合成数据）',
      goal: '修复漏水',
      expectedDeliveryAt: null,
      customerObligations: null,
      state: 'confirmed',
      customerComment: null,
    },
    solution: {
      ...by,
      revision: 1,
      steps: ['上门检测', '更换密封圈'],
      resources: null,
      risks: [],
      tasks: [{ id: 'T-1', title: '上门检测', ownerId: AGENT.id, dueAt: '2026-11-30T02:00:00.000Z', acceptedAt: by.at, completedAt: '2026-11-29T02:00:00.000Z', note: '已完成' }],
      complex: false,
      reviews: [],
      reviewRounds: 0,
      state: 'agreed',
      customerComment: null,
    },
    progress: [{ ...by, note: '已上门检测', percent: 50, nextSteps: null, risks: null }],
    delays: [],
    pauses: [],
    delivery: { ...by, revision: 2, summary: '已更换密封圈', verification: '试机 30 分钟无漏水', state: 'accepted', customerComment: '满意' },
    feedback: {
      ...by,
      byAgentId: null,
      byKind: 'customer',
      byRole: 'customer',
      source: 'survey',
      resolved: null,
      ratings: { responseSpeed: 5, resolution: 4, attitude: 5, professionalism: 4 },
      verdict: 'satisfied',
      shortfalls: null,
      comment: null,
      nps: 9,
    },
    deadlines: [
      {
        name: 'acceptance',
        dueAt: '2026-12-02T10:00:00.000Z',
        state: 'met',
        armedAt: '2026-11-29T02:00:00.000Z',
        owedBy: null,
        remindedAt: null,
        settledAt: '2026-12-01T02:00:00.000Z',
        fulfilledAt: '2026-12-01T02:00:00.000Z',
        escalatedAt: null,
      },
      {
        name: 'taskDue',
        dueAt: '2026-11-30T02:00:00.000Z',
        state: 'met',
        armedAt: '2026-11-28T02:00:00.000Z',
        owedBy: AGENT.id,
        remindedAt: null,
        settledAt: '2026-11-29T02:00:00.000Z',
        fulfilledAt: '2026-11-29T02:00:00.000Z',
        escalatedAt: null,
        taskId: 'T-1',
      },
    ],
    documentRevisions: { sheet: 1, solution: 1, delivery: 2, questionnaire: 1 },
    ...change,
  };
}

async function archivedRows(requestId: string) {
  return db.selectFrom('archived_requests').selectAll().where('request_id', '=', requestId).execute();
}

/** The read model's row, which archiving must leave alone. */
async function requestRow(requestId: string) {
  return db.selectFrom('requests').select(['status', 'stage', 'closed_at', 'version', 'updated_at', 'document']).where('id', '=', requestId).executeTakeFirstOrThrow();
}

beforeAll(async () => {
  database = await startActivityDatabase({ now: () => now });
  ({ db, activities } = database);
  await db.insertInto('agents').values(AGENT).execute();
});

afterAll(async () => {
  await database?.close();
});

beforeEach(() => {
  now = new Date('2026-12-03T02:31:00Z');
});

it('creates the table with the indexes the KPI queries need', async () => {
  expect(await indexDefinitions(db, 'archived_requests')).toEqual([
    'btree (assignee_id, closed_at)',
    'btree (closed_at)',
    'btree (group_id, closed_at)',
    'btree (request_id)',
    'btree (priority, closed_at)',
    'btree (status, closed_at)',
    'btree (type, closed_at)',
  ]);
});

it('archives a closed request once, its columns the document’s and the whole document kept', async () => {
  const base = await newRequest();
  const document = closed(base, 14);
  // Written out of order: the archive keeps them in time order.
  const timeline: TimelineEvent[] = [
    { seq: 41, at: CLOSED_AT, type: 'stage_changed', actor: null, data: { from: 'follow_up', fromSubStage: 'awaiting_feedback', to: 'closed', subStage: null } },
    { seq: 40, at: '2026-12-03T02:29:00.000Z', type: 'action', actor: CUSTOMER_ACTOR, data: { action: 'survey', updateId: 'U-40' } },
  ];
  await activities.recordState({ document, timeline });
  const before = await requestRow(document.id);

  await activities.archiveRequest({ document });

  const rows = await archivedRows(document.id);
  expect(rows).toHaveLength(1);
  const { document: stored, ...columns } = rows[0]!;
  expect(columns).toEqual({
    request_id: document.id,
    closed_at: new Date(CLOSED_AT),
    status: 'completed',
    resolution: 'delivered',
    follow_up: 'done',
    type: 'after_sales',
    priority: 'P2',
    group_id: 'after_sales',
    assignee_id: AGENT.id,
    customer_id: document.customer.id,
    version: 14,
    archived_at: now,
    timeline: [timeline[1]!, timeline[0]!].map(({ at, type, actor, data }) => ({ at, type, actor, data })),
    complaint_review: null,
  });
  // The frozen record: sheet, solution, tasks, delivery, progress, feedback, every deadline with its outcome.
  expect(stored).toEqual(JSON.parse(JSON.stringify(document)));
  expect(stored).toMatchObject({
    sheet: { state: 'confirmed' },
    solution: { tasks: [{ id: 'T-1', completedAt: '2026-11-29T02:00:00.000Z' }] },
    delivery: { state: 'accepted', revision: 2 },
    feedback: { verdict: 'satisfied', nps: 9 },
    deadlines: [
      { name: 'acceptance', state: 'met' },
      { name: 'taskDue', state: 'met', taskId: 'T-1' },
    ],
  });
  // recordState's columns are its own: archiving writes nothing to the read model.
  expect(await requestRow(document.id)).toEqual(before);
});

it('leaves the one row as it was when retried', async () => {
  const document = closed(await newRequest(), 14);
  await activities.archiveRequest({ document });
  const first = await archivedRows(document.id);

  now = new Date('2026-12-03T02:35:00Z');
  await activities.archiveRequest({ document });
  await activities.archiveRequest({ document: structuredClone(document) });

  expect(await archivedRows(document.id)).toEqual(first);
  expect(first[0]!.archived_at).toEqual(new Date('2026-12-03T02:31:00Z'));
});

it('leaves one row when duplicates race: both held on the unique index, then released together', async () => {
  const document = closed(await newRequest(), 14);
  // A transaction holding an uncommitted row for the request makes both calls wait on the primary key.
  await raceOnHeldLock(
    db,
    (trx) =>
      trx
        .insertInto('archived_requests')
        .values({ ...columnsOf(closed(document, 1)), archived_at: now })
        .execute(),
    () => [activities.archiveRequest({ document }), activities.archiveRequest({ document })],
  );

  const rows = await archivedRows(document.id);
  expect(rows).toHaveLength(1);
  expect(rows[0]!.version).toBe(14);
  expect(rows[0]!.document).toEqual(JSON.parse(JSON.stringify(document)));
});

it('leaves one row when many duplicates race unaided (Promise.all)', async () => {
  const document = closed(await newRequest(), 14);
  await Promise.all(Array.from({ length: 8 }, () => activities.archiveRequest({ document })));
  expect(await archivedRows(document.id)).toHaveLength(1);
});

it('never lets an older document overwrite a newer one; a newer one replaces the row', async () => {
  const base = await newRequest();
  const newer = closed(base, 20, { followUp: 'intervened', resolution: 'deemed_accepted' });
  const older = closed(base, 19);
  await activities.archiveRequest({ document: newer });
  const archived = await archivedRows(base.id);

  now = new Date('2026-12-03T03:00:00Z');
  await activities.archiveRequest({ document: older });
  expect(await archivedRows(base.id)).toEqual(archived);
  expect(archived[0]).toMatchObject({ version: 20, follow_up: 'intervened', resolution: 'deemed_accepted' });

  // A later version of the closed record (say, a field the workflow set after closing) replaces it whole.
  const latest = closed(base, 21, { followUp: 'intervened', resolution: 'deemed_accepted', priority: 'P1' });
  await activities.archiveRequest({ document: latest });
  const replaced = await archivedRows(base.id);
  expect(replaced).toHaveLength(1);
  expect(replaced[0]).toMatchObject({ version: 21, priority: 'P1', archived_at: now });
  expect(replaced[0]!.document).toEqual(JSON.parse(JSON.stringify(latest)));
});

it('keeps the newest when an older and a newer document race, in either order', async () => {
  for (const order of [0, 1]) {
    const base = await newRequest();
    const calls = [closed(base, 30), closed(base, 31, { followUp: 'missed' })];
    if (order === 1) calls.reverse();
    await Promise.all(calls.map((document) => activities.archiveRequest({ document })));
    const rows = await archivedRows(base.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ version: 31, follow_up: 'missed' });
  }
});

it('archives a request cancelled before anyone was assigned, its assignee and group empty', async () => {
  const base = await newRequest();
  const cancelled: RequestDocument = {
    ...base,
    version: 3,
    stage: 'closed',
    status: 'cancelled',
    closedAt: '2026-11-27T07:20:00.000Z',
    cancellation: { at: '2026-11-27T07:20:00.000Z', byKind: 'customer', byRole: 'customer', byAgentId: null, recordedFrom: null, reason: '不需要了' },
  };
  await activities.archiveRequest({ document: cancelled });
  expect(await archivedRows(base.id)).toEqual([
    expect.objectContaining({
      status: 'cancelled',
      resolution: null,
      follow_up: null,
      group_id: null,
      assignee_id: null,
      closed_at: new Date('2026-11-27T07:20:00.000Z'),
      priority: base.priority,
    }),
  ]);
});

it('fails without retry for a request that is not closed, writing nothing', async () => {
  const base = await newRequest();
  const failure = await activities.archiveRequest({ document: { ...base, version: 2 } }).catch((err: unknown) => err);
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect(failure).toMatchObject({ type: 'RequestNotClosed', nonRetryable: true });
  expect(await archivedRows(base.id)).toEqual([]);
});

/** The row's columns for a document, as archiveRequest writes them (for the held insert above). */
function columnsOf(document: RequestDocument) {
  return {
    request_id: document.id,
    closed_at: document.closedAt!,
    status: document.status,
    resolution: document.resolution,
    follow_up: document.followUp,
    type: document.type,
    priority: document.priority,
    group_id: document.assignee?.group ?? null,
    assignee_id: document.assignee?.id ?? null,
    customer_id: document.customer.id,
    document: JSON.stringify(document),
    version: document.version,
  };
}

