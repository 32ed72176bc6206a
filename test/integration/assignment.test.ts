/**
 * The load-moving assignment activities on real PostgreSQL (process.md
 * "Assignment": a reassignment moves the load): a named transfer moves the
 * request and its load, whatever the agent's capacity, once however often it
 * is retried; releasing at closing drops the assignee's load once, even when
 * two calls race, never below zero; after the release neither an assignment
 * nor a transfer takes the request again.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { RequestActivities } from '../../contracts/activities';
import type { Db } from '../../db/database';
import { initialDocument } from '../../rules/request-document';
import { startActivityDatabase, waitForLockWaiters, type ActivityDatabase } from '../support/activity-database';
import { requestInput } from '../support/fixtures';

let database: ActivityDatabase;
let db: Db;
let activities: RequestActivities;
let now = new Date('2026-11-27T07:00:00Z');

/** Synthetic agents: two of technical support, one of complaints already at its capacity. */
const AGENTS = [
  { id: 'A-T1', name: '测试专员一', email: 'a.t1@service.example', group_id: 'technical_support' },
  { id: 'A-T2', name: '测试专员二', email: 'a.t2@service.example', group_id: 'technical_support' },
  { id: 'A-C1', name: '测试专员三', email: 'a.c1@service.example', group_id: 'complaints', capacity: 1, open_requests: 1 },
];

let sequence = 100;
const customerOf = new Map<string, string>();
/**
 * A fresh request of a fresh customer, recorded as the workflow records it
 * (no assignee yet). No earlier request of the customer, so no continuity:
 * assignAgent picks by load, then last assignment, then id.
 */
async function newRequest(): Promise<string> {
  sequence += 1;
  const input = requestInput({ requestId: `R-2026-000${sequence}`, customerId: `C-TEST-0${sequence}` });
  await db
    .insertInto('customers')
    .values({ id: input.customerId, name: '测试客户', email: `customer.${sequence}@example.com`, phone: `+86 100 0000 0${sequence}`, tier: 'standard' })
    .execute();
  await activities.recordRequest({ request: input, document: initialDocument(input) });
  customerOf.set(input.requestId, input.customerId);
  return input.requestId;
}

async function assign(requestId: string, excludeAgentIds: string[] = []) {
  const customerId = customerOf.get(requestId)!;
  return activities.assignAgent({ requestId, customerId, groupId: 'technical_support', tier: 'standard', excludeAgentIds });
}

async function agents(): Promise<Record<string, { open: number; lastAssignedAt: string | null }>> {
  const rows = await db.selectFrom('agents').select(['id', 'open_requests', 'last_assigned_at']).orderBy('id').execute();
  return Object.fromEntries(rows.map((r) => [r.id, { open: r.open_requests, lastAssignedAt: r.last_assigned_at?.toISOString() ?? null }]));
}

async function requestRow(requestId: string) {
  return db
    .selectFrom('requests')
    .select(['assignee_id', 'group_id', 'load_released_at'])
    .where('id', '=', requestId)
    .executeTakeFirstOrThrow();
}

/** Everything the activities may touch: every agent's load and the request's row. */
async function snapshot(requestId: string) {
  return { agents: await agents(), request: await requestRow(requestId) };
}

beforeAll(async () => {
  database = await startActivityDatabase({ now: () => now });
  ({ db, activities } = database);
  await db.insertInto('agents').values(AGENTS).execute();
});

afterAll(async () => {
  await database?.close();
});

beforeEach(async () => {
  // Each test starts from the same loads; requests of earlier tests stay, each with its own id.
  await db.updateTable('agents').set({ open_requests: 0, last_assigned_at: null }).where('group_id', '=', 'technical_support').execute();
  await db.updateTable('agents').set({ open_requests: 1, last_assigned_at: null }).where('id', '=', 'A-C1').execute();
  now = new Date('2026-11-27T07:00:00Z');
});

describe('transferAssignment', () => {
  it('moves the request and its load to the named agent and group, even one at capacity', async () => {
    const id = await newRequest();
    expect(await assign(id)).toEqual({ outcome: 'assigned', agentId: 'A-T1', groupId: 'technical_support' });
    expect((await agents())['A-T1']!.open).toBe(1);

    now = new Date('2026-11-27T08:30:00Z');
    await activities.transferAssignment({ requestId: id, agentId: 'A-C1' });

    expect(await requestRow(id)).toEqual({ assignee_id: 'A-C1', group_id: 'complaints', load_released_at: null });
    expect(await agents()).toEqual({
      'A-C1': { open: 2, lastAssignedAt: '2026-11-27T08:30:00.000Z' },
      'A-T1': { open: 0, lastAssignedAt: '2026-11-27T07:00:00.000Z' },
      'A-T2': { open: 0, lastAssignedAt: null },
    });
  });

  it('changes nothing when retried after the first attempt committed, or when two attempts race', async () => {
    const id = await newRequest();
    await assign(id);
    now = new Date('2026-11-27T08:30:00Z');
    await activities.transferAssignment({ requestId: id, agentId: 'A-T2' });
    const after = await snapshot(id);
    expect(after.agents['A-T1']!.open).toBe(0);
    expect(after.agents['A-T2']).toEqual({ open: 1, lastAssignedAt: '2026-11-27T08:30:00.000Z' });

    now = new Date('2026-11-27T08:31:00Z');
    await activities.transferAssignment({ requestId: id, agentId: 'A-T2' });
    expect(await snapshot(id)).toEqual(after);

    // A transfer back, attempted twice at once: the row lock lets one move the load.
    await Promise.all([
      activities.transferAssignment({ requestId: id, agentId: 'A-T1' }),
      activities.transferAssignment({ requestId: id, agentId: 'A-T1' }),
    ]);
    const back = await agents();
    expect([back['A-T1']!.open, back['A-T2']!.open]).toEqual([1, 0]);
  });

  it('gives an unassigned request to the agent without taking load from anyone', async () => {
    const id = await newRequest();
    await activities.transferAssignment({ requestId: id, agentId: 'A-T2' });
    expect(await requestRow(id)).toEqual({ assignee_id: 'A-T2', group_id: 'technical_support', load_released_at: null });
    expect(await agents()).toEqual({
      'A-C1': { open: 1, lastAssignedAt: null },
      'A-T1': { open: 0, lastAssignedAt: null },
      'A-T2': { open: 1, lastAssignedAt: '2026-11-27T07:00:00.000Z' },
    });
  });

  it('fails without retry for an agent that does not exist, changing nothing', async () => {
    const id = await newRequest();
    await assign(id);
    const before = await snapshot(id);
    const failure = await activities.transferAssignment({ requestId: id, agentId: 'A-NOBODY' }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'UnknownAgent', nonRetryable: true });
    expect(await snapshot(id)).toEqual(before);
  });
});

describe('releaseAssignment', () => {
  it('drops the assignee’s load once and marks the request released, however often it runs', async () => {
    const first = await newRequest();
    const second = await newRequest();
    await assign(first);
    await assign(second, ['A-T1']);
    await assign(await newRequest(), ['A-T2']); // A-T1 has two requests open
    expect((await agents())['A-T1']!.open).toBe(2);

    now = new Date('2026-11-27T09:00:00Z');
    await activities.releaseAssignment({ requestId: first });
    const released = await snapshot(first);
    expect(released.request).toEqual({ assignee_id: 'A-T1', group_id: 'technical_support', load_released_at: now });
    expect(released.agents['A-T1']!.open).toBe(1);
    expect(released.agents['A-T2']!.open).toBe(1);

    now = new Date('2026-11-27T09:05:00Z');
    await activities.releaseAssignment({ requestId: first });
    expect(await snapshot(first)).toEqual(released);
  });

  it('releases once when two calls race: the second waits on the row lock, then finds it released', async () => {
    const id = await newRequest();
    await assign(id);
    await assign(await newRequest(), ['A-T2']); // a second request keeps A-T1 above zero
    expect((await agents())['A-T1']!.open).toBe(2);

    // Hold the row so both calls are provably inside their transactions, waiting, before either proceeds.
    let both: Promise<void[]> | undefined;
    await db.transaction().execute(async (trx) => {
      await trx.selectFrom('requests').select('id').where('id', '=', id).forUpdate().execute();
      both = Promise.all([activities.releaseAssignment({ requestId: id }), activities.releaseAssignment({ requestId: id })]);
      await waitForLockWaiters(db, 2);
    });
    await both;

    expect((await agents())['A-T1']!.open).toBe(1);
    expect((await requestRow(id)).load_released_at).toEqual(now);
  });

  it('releases once when two calls race unaided (Promise.all)', async () => {
    const id = await newRequest();
    await assign(id);
    await assign(await newRequest(), ['A-T2']);
    await Promise.all([activities.releaseAssignment({ requestId: id }), activities.releaseAssignment({ requestId: id })]);
    expect((await agents())['A-T1']!.open).toBe(1);
  });

  it('never drives open_requests below zero', async () => {
    const id = await newRequest();
    await assign(id);
    // The counter drifted (say, an admin corrected it by hand).
    await db.updateTable('agents').set({ open_requests: 0 }).where('id', '=', 'A-T1').execute();
    await activities.releaseAssignment({ requestId: id });
    await activities.releaseAssignment({ requestId: id });
    expect((await agents())['A-T1']!.open).toBe(0);
    expect((await requestRow(id)).load_released_at).toEqual(now);
  });

  it('just marks a request with no assignee released', async () => {
    const id = await newRequest();
    const before = await agents();
    await activities.releaseAssignment({ requestId: id });
    expect(await agents()).toEqual(before);
    expect(await requestRow(id)).toEqual({ assignee_id: null, group_id: null, load_released_at: now });
  });
});

describe('after the release', () => {
  it('assignAgent answers nobody_eligible and changes nothing, assigned or not', async () => {
    const assigned = await newRequest();
    await assign(assigned);
    await activities.releaseAssignment({ requestId: assigned });
    const unassigned = await newRequest();
    await activities.releaseAssignment({ requestId: unassigned });

    for (const id of [assigned, unassigned]) {
      const before = await snapshot(id);
      now = new Date('2026-11-27T10:00:00Z');
      expect(await assign(id)).toEqual({ outcome: 'nobody_eligible', groupId: 'technical_support' });
      // The reassignment path too (the assignee excluded).
      expect(await assign(id, ['A-T1'])).toEqual({ outcome: 'nobody_eligible', groupId: 'technical_support' });
      expect(await snapshot(id)).toEqual(before);
    }
  });

  it('transferAssignment changes nothing', async () => {
    const id = await newRequest();
    await assign(id);
    await activities.releaseAssignment({ requestId: id });
    const before = await snapshot(id);
    now = new Date('2026-11-27T10:00:00Z');
    await activities.transferAssignment({ requestId: id, agentId: 'A-T2' });
    await activities.transferAssignment({ requestId: id, agentId: 'A-C1' });
    expect(await snapshot(id)).toEqual(before);
  });
});

