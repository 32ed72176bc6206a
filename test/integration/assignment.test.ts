/**
 * The assignment activities on real PostgreSQL (process.md "Assignment").
 *
 * assignAgent, rule by rule: the customer's dedicated advisor first, whatever
 * the group; then continuity with the agent of the customer's latest earlier
 * request in the same group (never another group's); then the group the
 * policy routes the type to, VIPs to senior agents while one is under
 * capacity, ties broken by fewest open requests, longest since the last
 * assignment (never assigned first), agent id. Inactive agents, agents at
 * capacity and excluded agents (who missed the first response) are skipped,
 * also as advisor or continuity agent; with nobody eligible nothing changes.
 * A retry after a committed attempt returns the same agent without a second
 * load; a reassignment moves the load. Twenty assignments at once, on a pool
 * wide enough for all of them to be in flight together, fill a group's free
 * places exactly and never push an agent over capacity.
 *
 * The load-moving activities: a named transfer moves the request and its
 * load, whatever the agent's capacity, once however often it is retried;
 * releasing at closing drops the assignee's load once, even when two calls
 * race, never below zero; after the release neither an assignment nor a
 * transfer takes the request again.
 *
 * Expected agents are worked out by hand from the loads each test sets.
 */
import { ApplicationFailure } from '@temporalio/common';
import { sql } from 'kysely';
import { createAssignmentActivities } from '../../activities/assignment';
import type { AssignmentResult, RequestActivities } from '../../contracts/activities';
import { DEFAULT_POLICY } from '../../contracts/policy';
import type { CustomerTier, RequestType } from '../../contracts/request';
import { createDatabase, type Db } from '../../db/database';
import { initialDocument } from '../../rules/request-document';
import { raceOnHeldLock, startActivityDatabase, type ActivityDatabase } from '../support/activity-database';
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

/** A service group of its own for the parallel assignments. */
const PARALLEL_GROUP = 'parallel_test';

/**
 * Synthetic agents of the assignAgent rules, in groups the tests above do not
 * use: three product consultants of capacity 3 (inserted out of id order, so
 * a tie on the id is not the table's order), an after-sales agent and two
 * senior after-sales agents of capacity 2, and two agents of capacity 3 in
 * the parallel group. Each test starts with all of them active, no load,
 * never assigned.
 */
const RULE_AGENTS = [
  { id: 'P-3', name: '咨询专员丙', email: 'p3@service.example', group_id: 'product_consulting', capacity: 3 },
  { id: 'P-1', name: '咨询专员甲', email: 'p1@service.example', group_id: 'product_consulting', capacity: 3 },
  { id: 'P-2', name: '咨询专员乙', email: 'p2@service.example', group_id: 'product_consulting', capacity: 3 },
  { id: 'S-1', name: '售后专员甲', email: 's1@service.example', group_id: 'after_sales', capacity: 2 },
  { id: 'S-2', name: '售后专员乙', email: 's2@service.example', group_id: 'after_sales', capacity: 2, senior: true },
  { id: 'S-3', name: '售后专员丙', email: 's3@service.example', group_id: 'after_sales', capacity: 2, senior: true },
  { id: 'Q-1', name: '并发专员甲', email: 'q1@service.example', group_id: PARALLEL_GROUP, capacity: 3 },
  { id: 'Q-2', name: '并发专员乙', email: 'q2@service.example', group_id: PARALLEL_GROUP, capacity: 3 },
];

let sequence = 100;
const customerTier = new Map<string, CustomerTier>();
const requestOf = new Map<string, { customerId: string; groupId: string; tier: CustomerTier }>();

/** A fresh synthetic customer, standard unless told, with a dedicated advisor when given. */
async function newCustomer(options: { tier?: CustomerTier; advisorId?: string } = {}): Promise<string> {
  sequence += 1;
  const id = `C-TEST-0${sequence}`;
  const tier = options.tier ?? 'standard';
  await db
    .insertInto('customers')
    .values({ id, name: '测试客户', email: `customer.${sequence}@example.com`, phone: `+86 100 0000 0${sequence}`, tier, advisor_id: options.advisorId ?? null })
    .execute();
  customerTier.set(id, tier);
  return id;
}

/**
 * A request recorded as the workflow records it (no assignee yet, created
 * `now`), of a fresh customer unless one is given, a `fault` unless told; it
 * is routed by the default policy, as the workflow routes it, unless a group
 * (one of the tests' own) is given. A fresh
 * customer has no earlier request, so no continuity: assignAgent picks by
 * load, then last assignment, then id.
 */
async function newRequest(options: { customerId?: string; type?: RequestType; groupId?: string } = {}): Promise<string> {
  const customerId = options.customerId ?? (await newCustomer());
  sequence += 1;
  const tier = customerTier.get(customerId)!;
  const input = requestInput({
    requestId: `R-2026-000${sequence}`,
    customerId,
    customerTier: tier,
    recordedAt: now.toISOString(),
    intake: { type: options.type ?? 'fault' },
  });
  await activities.recordRequest({ request: input, document: initialDocument(input) });
  requestOf.set(input.requestId, { customerId, groupId: options.groupId ?? DEFAULT_POLICY.routing[input.intake.type], tier });
  return input.requestId;
}

/** assignAgent as the workflow calls it: the routed group, the customer's tier, the agents to skip. */
async function assign(requestId: string, excludeAgentIds: string[] = [], on: Pick<RequestActivities, 'assignAgent'> = activities) {
  const { customerId, groupId, tier } = requestOf.get(requestId)!;
  return on.assignAgent({ requestId, customerId, groupId, tier, excludeAgentIds });
}

/** Loads and last assignments, of every agent or of those of the groups given. */
async function agents(groups?: string[]): Promise<Record<string, { open: number; lastAssignedAt: string | null }>> {
  let query = db.selectFrom('agents').select(['id', 'open_requests', 'last_assigned_at']).orderBy('id');
  if (groups) query = query.where('group_id', 'in', groups);
  const rows = await query.execute();
  return Object.fromEntries(rows.map((r) => [r.id, { open: r.open_requests, lastAssignedAt: r.last_assigned_at?.toISOString() ?? null }]));
}

/** Sets agents' loads, last assignments or leave, as a test's starting point. */
async function setAgents(changes: Record<string, { open?: number; lastAssignedAt?: string | null; active?: boolean }>) {
  for (const [id, change] of Object.entries(changes)) {
    await db
      .updateTable('agents')
      .set({
        ...(change.open === undefined ? {} : { open_requests: change.open }),
        ...(change.lastAssignedAt === undefined ? {} : { last_assigned_at: change.lastAssignedAt }),
        ...(change.active === undefined ? {} : { active: change.active }),
      })
      .where('id', '=', id)
      .execute();
  }
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

const assigned = (agentId: string, groupId: string): AssignmentResult => ({ outcome: 'assigned', agentId, groupId });
const nobody = (groupId: string): AssignmentResult => ({ outcome: 'nobody_eligible', groupId });

beforeAll(async () => {
  database = await startActivityDatabase({ now: () => now });
  ({ db, activities } = database);
  await db.insertInto('service_groups').values({ id: PARALLEL_GROUP, name_zh: '并发测试组', name_en: 'Parallel test' }).execute();
  await db.insertInto('agents').values([...AGENTS, ...RULE_AGENTS]).execute();
});

afterAll(async () => {
  await database?.close();
});

beforeEach(async () => {
  // Each test starts from the same loads; requests of earlier tests stay, each with its own id.
  await db.updateTable('agents').set({ open_requests: 0, last_assigned_at: null }).where('group_id', '=', 'technical_support').execute();
  await db.updateTable('agents').set({ open_requests: 1, last_assigned_at: null }).where('id', '=', 'A-C1').execute();
  await db
    .updateTable('agents')
    .set({ open_requests: 0, last_assigned_at: null, active: true })
    .where('id', 'in', RULE_AGENTS.map((a) => a.id))
    .execute();
  now = new Date('2026-11-27T07:00:00Z');
});

/** An instant of the test day: at('08:00'). */
const at = (time: string): string => `2026-11-27T${time}:00.000Z`;
/** An agent with nothing open, never assigned. */
const free = { open: 0, lastAssignedAt: null };

describe('assignAgent', () => {
  describe('the dedicated advisor (专属服务顾问)', () => {
    it('comes first, whatever the group the type routes to, before the free agents of that group', async () => {
      const customerId = await newCustomer({ advisorId: 'S-1' });
      await setAgents({ 'S-1': { open: 1, lastAssignedAt: at('06:30') } });
      const id = await newRequest({ customerId, type: 'consultation' }); // routed to product consulting
      now = new Date(at('08:00'));

      expect(await assign(id)).toEqual(assigned('S-1', 'after_sales'));
      expect(await requestRow(id)).toEqual({ assignee_id: 'S-1', group_id: 'after_sales', load_released_at: null });
      expect(await agents(['product_consulting', 'after_sales'])).toEqual({
        'P-1': free,
        'P-2': free,
        'P-3': free,
        'S-1': { open: 2, lastAssignedAt: at('08:00') },
        'S-2': free,
        'S-3': free,
      });
    });

    it('comes before the agent of the customer’s previous request (continuity)', async () => {
      const customerId = await newCustomer({ advisorId: 'S-1' });
      const earlier = await newRequest({ customerId, type: 'consultation' });
      await activities.transferAssignment({ requestId: earlier, agentId: 'P-3' });
      now = new Date(at('08:00'));
      const id = await newRequest({ customerId, type: 'consultation' });

      expect(await assign(id)).toEqual(assigned('S-1', 'after_sales'));
    });

    it('is skipped when on leave or at capacity: continuity next, then the group', async () => {
      const customerId = await newCustomer({ advisorId: 'S-1' });
      const earlier = await newRequest({ customerId, type: 'consultation' });
      await activities.transferAssignment({ requestId: earlier, agentId: 'P-3' }); // P-3: 1 of 3 open

      // The advisor on leave: continuity with P-3, though P-1 and P-2 have nothing open.
      await setAgents({ 'S-1': { active: false } });
      now = new Date(at('08:00'));
      expect(await assign(await newRequest({ customerId, type: 'consultation' }))).toEqual(assigned('P-3', 'product_consulting'));

      // Back, but at capacity (2 of 2): continuity again, P-3 reaches 3 of 3.
      await setAgents({ 'S-1': { active: true, open: 2 } });
      now = new Date(at('08:10'));
      expect(await assign(await newRequest({ customerId, type: 'consultation' }))).toEqual(assigned('P-3', 'product_consulting'));

      // Advisor and continuity agent both at capacity: the group's pick, P-1 (none open, never assigned, first id).
      now = new Date(at('08:20'));
      expect(await assign(await newRequest({ customerId, type: 'consultation' }))).toEqual(assigned('P-1', 'product_consulting'));

      expect(await agents(['product_consulting', 'after_sales'])).toEqual({
        'P-1': { open: 1, lastAssignedAt: at('08:20') },
        'P-2': free,
        'P-3': { open: 3, lastAssignedAt: at('08:10') },
        'S-1': { open: 2, lastAssignedAt: null },
        'S-2': free,
        'S-3': free,
      });
    });

    it('is skipped when excluded (missed the first response): the request and its load leave the advisor', async () => {
      const customerId = await newCustomer({ advisorId: 'S-1' });
      const id = await newRequest({ customerId, type: 'consultation' });
      expect(await assign(id)).toEqual(assigned('S-1', 'after_sales'));

      now = new Date(at('08:00'));
      expect(await assign(id, ['S-1'])).toEqual(assigned('P-1', 'product_consulting'));
      expect(await requestRow(id)).toEqual({ assignee_id: 'P-1', group_id: 'product_consulting', load_released_at: null });
      expect(await agents(['product_consulting', 'after_sales'])).toEqual({
        'P-1': { open: 1, lastAssignedAt: at('08:00') },
        'P-2': free,
        'P-3': free,
        'S-1': { open: 0, lastAssignedAt: at('07:00') },
        'S-2': free,
        'S-3': free,
      });
    });
  });

  describe('continuity', () => {
    it('goes to the agent of the customer’s previous request in the group, before less loaded agents', async () => {
      const customerId = await newCustomer();
      const earlier = await newRequest({ customerId, type: 'consultation' });
      await activities.transferAssignment({ requestId: earlier, agentId: 'P-3' });
      await setAgents({ 'P-3': { open: 2 } }); // 2 of 3, where P-1 and P-2 have none
      now = new Date(at('08:00'));
      // A suggestion: another type, the same group.
      const id = await newRequest({ customerId, type: 'suggestion' });

      expect(await assign(id)).toEqual(assigned('P-3', 'product_consulting'));
      expect(await agents(['product_consulting'])).toEqual({ 'P-1': free, 'P-2': free, 'P-3': { open: 3, lastAssignedAt: at('08:00') } });
    });

    it('follows the latest of the customer’s earlier requests in the group', async () => {
      const customerId = await newCustomer();
      const first = await newRequest({ customerId, type: 'consultation' });
      await activities.transferAssignment({ requestId: first, agentId: 'P-3' }); // P-3: 1 open, last 07:00
      now = new Date(at('07:30'));
      const second = await newRequest({ customerId, type: 'consultation' });
      await activities.transferAssignment({ requestId: second, agentId: 'P-2' }); // P-2: 1 open, last 07:30
      now = new Date(at('08:00'));

      // The group alone would pick P-1 (none open).
      expect(await assign(await newRequest({ customerId, type: 'consultation' }))).toEqual(assigned('P-2', 'product_consulting'));
    });

    it('is skipped when the agent is on leave or at capacity: the group picks', async () => {
      // On leave: P-1 (none open, first id) rather than P-3.
      const onLeave = await newCustomer();
      await activities.transferAssignment({ requestId: await newRequest({ customerId: onLeave, type: 'consultation' }), agentId: 'P-3' });
      await setAgents({ 'P-3': { active: false } });
      now = new Date(at('08:00'));
      expect(await assign(await newRequest({ customerId: onLeave, type: 'consultation' }))).toEqual(assigned('P-1', 'product_consulting'));

      // At capacity (3 of 3): P-2, the only one with none open now.
      const atCapacity = await newCustomer();
      await activities.transferAssignment({ requestId: await newRequest({ customerId: atCapacity, type: 'consultation' }), agentId: 'P-3' });
      await setAgents({ 'P-3': { active: true, open: 3 } });
      now = new Date(at('08:10'));
      expect(await assign(await newRequest({ customerId: atCapacity, type: 'consultation' }))).toEqual(assigned('P-2', 'product_consulting'));
    });

    it('is skipped when excluded, and the reassignment moves the load off it', async () => {
      const customerId = await newCustomer();
      await activities.transferAssignment({ requestId: await newRequest({ customerId, type: 'consultation' }), agentId: 'P-3' });
      now = new Date(at('07:30'));
      const id = await newRequest({ customerId, type: 'consultation' });
      expect(await assign(id)).toEqual(assigned('P-3', 'product_consulting')); // P-3: 2 open

      now = new Date(at('08:00'));
      expect(await assign(id, ['P-3'])).toEqual(assigned('P-1', 'product_consulting'));
      expect(await agents(['product_consulting'])).toEqual({
        'P-1': { open: 1, lastAssignedAt: at('08:00') },
        'P-2': free,
        'P-3': { open: 1, lastAssignedAt: at('07:30') },
      });
    });

    it('never crosses groups: an earlier request of another group does not count', async () => {
      const customerId = await newCustomer();
      const earlier = await newRequest({ customerId, type: 'after_sales' });
      await activities.transferAssignment({ requestId: earlier, agentId: 'S-1' }); // S-1: 1 of 2 open

      // A consultation: the product consulting group's pick, not S-1.
      now = new Date(at('08:00'));
      expect(await assign(await newRequest({ customerId, type: 'consultation' }))).toEqual(assigned('P-1', 'product_consulting'));
      // An after-sales request: S-1 again, where the group alone would pick S-2 (none open); the consultation does not count.
      now = new Date(at('08:10'));
      expect(await assign(await newRequest({ customerId, type: 'after_sales' }))).toEqual(assigned('S-1', 'after_sales'));
    });
  });

  describe('the group', () => {
    it('is the one the policy routes the type to (consultation, suggestion → product consulting; fault → technical support; after_sales → after-sales; complaint → complaints)', async () => {
      expect(DEFAULT_POLICY.routing).toEqual({
        consultation: 'product_consulting',
        suggestion: 'product_consulting',
        fault: 'technical_support',
        after_sales: 'after_sales',
        complaint: 'complaints',
      });
      // Every agent is free but A-C1, alone in complaints and at capacity.
      const cases: [RequestType, AssignmentResult][] = [
        ['consultation', assigned('P-1', 'product_consulting')],
        ['suggestion', assigned('P-2', 'product_consulting')], // P-1 has one now
        ['fault', assigned('A-T1', 'technical_support')],
        ['after_sales', assigned('S-1', 'after_sales')], // a standard customer: seniority does not matter
        ['complaint', nobody('complaints')],
      ];
      for (const [type, expected] of cases) {
        expect(await assign(await newRequest({ type }))).toEqual(expected);
      }
    });

    it('gives VIP customers to senior agents while one is under capacity, even busier ones; then to the others', async () => {
      await setAgents({ 'S-2': { open: 1, lastAssignedAt: at('07:30') }, 'S-3': { open: 1, lastAssignedAt: at('07:00') } });
      const vipRequest = async () => newRequest({ customerId: await newCustomer({ tier: 'vip' }), type: 'after_sales' });

      // The seniors tie on load; S-3 has waited longer. S-1, with none open, is passed over.
      now = new Date(at('08:00'));
      expect(await assign(await vipRequest())).toEqual(assigned('S-3', 'after_sales'));
      // A standard customer at the same moment: S-1, with none open.
      expect(await assign(await newRequest({ type: 'after_sales' }))).toEqual(assigned('S-1', 'after_sales'));
      // S-2 (1 open) before S-3 (2 of 2, full) and S-1.
      now = new Date(at('08:10'));
      expect(await assign(await vipRequest())).toEqual(assigned('S-2', 'after_sales'));
      // Both seniors full (2 of 2): S-1.
      now = new Date(at('08:20'));
      expect(await assign(await vipRequest())).toEqual(assigned('S-1', 'after_sales'));

      expect(await agents(['after_sales'])).toEqual({
        'S-1': { open: 2, lastAssignedAt: at('08:20') },
        'S-2': { open: 2, lastAssignedAt: at('08:10') },
        'S-3': { open: 2, lastAssignedAt: at('08:00') },
      });
    });

    it('gives a VIP customer to a non-senior agent when the seniors are on leave or at capacity', async () => {
      await setAgents({ 'S-2': { open: 2 }, 'S-3': { active: false } });
      const customerId = await newCustomer({ tier: 'vip' });
      expect(await assign(await newRequest({ customerId, type: 'after_sales' }))).toEqual(assigned('S-1', 'after_sales'));
    });
  });

  describe('ties', () => {
    it('go first to the fewest open requests, however recently that agent was assigned', async () => {
      await setAgents({
        'P-1': { open: 2 },
        'P-2': { open: 1, lastAssignedAt: at('07:59') },
        'P-3': { open: 2, lastAssignedAt: at('06:00') },
      });
      now = new Date(at('08:00'));
      expect(await assign(await newRequest({ type: 'consultation' }))).toEqual(assigned('P-2', 'product_consulting'));
    });

    it('then to the longest since the last assignment, never assigned first', async () => {
      await setAgents({
        'P-1': { open: 1, lastAssignedAt: at('07:50') },
        'P-2': { open: 1, lastAssignedAt: at('07:10') },
        'P-3': { open: 1, lastAssignedAt: null },
      });
      now = new Date(at('08:00'));
      expect(await assign(await newRequest({ type: 'consultation' }))).toEqual(assigned('P-3', 'product_consulting'));
      // P-3 has 2 now; of P-1 and P-2 (1 each), P-2 was assigned longer ago.
      now = new Date(at('08:05'));
      expect(await assign(await newRequest({ type: 'consultation' }))).toEqual(assigned('P-2', 'product_consulting'));
    });

    it('then to the agent id', async () => {
      await setAgents({
        'P-1': { open: 1, lastAssignedAt: at('07:00') },
        'P-2': { open: 1, lastAssignedAt: at('07:00') },
        'P-3': { open: 1, lastAssignedAt: at('07:00') },
      });
      for (const [time, agentId] of [['08:00', 'P-1'], ['08:05', 'P-2'], ['08:10', 'P-3']] as const) {
        now = new Date(at(time));
        expect(await assign(await newRequest({ type: 'consultation' }))).toEqual(assigned(agentId, 'product_consulting'));
      }
      expect(await agents(['product_consulting'])).toEqual({
        'P-1': { open: 2, lastAssignedAt: at('08:00') },
        'P-2': { open: 2, lastAssignedAt: at('08:05') },
        'P-3': { open: 2, lastAssignedAt: at('08:10') },
      });
    });
  });

  describe('skipping', () => {
    it('skips agents on leave and agents at capacity', async () => {
      await setAgents({ 'P-1': { active: false }, 'P-2': { open: 3 }, 'P-3': { open: 2, lastAssignedAt: at('07:59') } });
      now = new Date(at('08:00'));
      expect(await assign(await newRequest({ type: 'consultation' }))).toEqual(assigned('P-3', 'product_consulting'));
      expect(await agents(['product_consulting'])).toEqual({
        'P-1': free,
        'P-2': { open: 3, lastAssignedAt: null },
        'P-3': { open: 3, lastAssignedAt: at('08:00') },
      });
    });

    it('skips the excluded agents (who missed the first response)', async () => {
      expect(await assign(await newRequest({ type: 'consultation' }), ['P-1'])).toEqual(assigned('P-2', 'product_consulting'));
      expect(await assign(await newRequest({ type: 'consultation' }), ['P-1', 'P-3'])).toEqual(assigned('P-2', 'product_consulting'));
      expect(await assign(await newRequest({ type: 'consultation' }), ['P-2'])).toEqual(assigned('P-1', 'product_consulting'));
      expect(await agents(['product_consulting'])).toEqual({
        'P-1': { open: 1, lastAssignedAt: at('07:00') },
        'P-2': { open: 2, lastAssignedAt: at('07:00') },
        'P-3': free,
      });
    });
  });

  describe('with nobody eligible', () => {
    it('answers nobody_eligible for the routed group and changes nothing', async () => {
      // The advisor S-1 at capacity, the continuity agent P-3 excluded, P-1 on leave, P-2 at capacity.
      const customerId = await newCustomer({ advisorId: 'S-1' });
      await activities.transferAssignment({ requestId: await newRequest({ customerId, type: 'consultation' }), agentId: 'P-3' });
      await setAgents({ 'S-1': { open: 2 }, 'P-1': { active: false }, 'P-2': { open: 3, lastAssignedAt: at('06:00') } });
      const id = await newRequest({ customerId, type: 'consultation' });
      const before = await snapshot(id);
      expect(before.request).toEqual({ assignee_id: null, group_id: null, load_released_at: null });

      now = new Date(at('08:00'));
      expect(await assign(id, ['P-3'])).toEqual(nobody('product_consulting'));
      expect(await snapshot(id)).toEqual(before);
    });

    it('on a reassignment, leaves the request with its assignee and every load as it was', async () => {
      const id = await newRequest({ type: 'consultation' });
      expect(await assign(id)).toEqual(assigned('P-1', 'product_consulting'));
      await setAgents({ 'P-2': { open: 3 }, 'P-3': { active: false } });
      const before = await snapshot(id);

      now = new Date(at('08:00'));
      expect(await assign(id, ['P-1'])).toEqual(nobody('product_consulting'));
      expect(await snapshot(id)).toEqual(before);
      expect(before.request.assignee_id).toBe('P-1');
    });
  });

  describe('retries and reassignments', () => {
    it('a retry after the first attempt committed returns the same agent and takes no second load', async () => {
      const id = await newRequest({ type: 'consultation' });
      expect(await assign(id)).toEqual(assigned('P-1', 'product_consulting'));
      const after = await snapshot(id);

      // By the rules P-2 (none open) would be picked now; the retry keeps the committed choice.
      now = new Date(at('07:05'));
      expect(await assign(id)).toEqual(assigned('P-1', 'product_consulting'));
      expect(await snapshot(id)).toEqual(after);

      // Two attempts at once: the row lock lets one assign, the other finds it assigned.
      const other = await newRequest({ type: 'consultation' });
      expect(await Promise.all([assign(other), assign(other)])).toEqual([assigned('P-2', 'product_consulting'), assigned('P-2', 'product_consulting')]);
      expect(await agents(['product_consulting'])).toEqual({
        'P-1': { open: 1, lastAssignedAt: at('07:00') },
        'P-2': { open: 1, lastAssignedAt: at('07:05') },
        'P-3': free,
      });
    });

    it('a reassignment moves the request and its load off the previous assignee, once however often retried', async () => {
      const id = await newRequest({ type: 'consultation' });
      expect(await assign(id)).toEqual(assigned('P-1', 'product_consulting'));

      now = new Date(at('08:00'));
      expect(await assign(id, ['P-1'])).toEqual(assigned('P-2', 'product_consulting'));
      const moved = await snapshot(id);
      expect(moved.request).toEqual({ assignee_id: 'P-2', group_id: 'product_consulting', load_released_at: null });
      expect(await agents(['product_consulting'])).toEqual({
        'P-1': { open: 0, lastAssignedAt: at('07:00') },
        'P-2': { open: 1, lastAssignedAt: at('08:00') },
        'P-3': free,
      });

      now = new Date(at('08:05'));
      expect(await assign(id, ['P-1'])).toEqual(assigned('P-2', 'product_consulting'));
      expect(await snapshot(id)).toEqual(moved);

      // P-2 misses too: P-3, and P-2's load goes with the request.
      now = new Date(at('09:00'));
      expect(await assign(id, ['P-1', 'P-2'])).toEqual(assigned('P-3', 'product_consulting'));
      expect(await agents(['product_consulting'])).toEqual({
        'P-1': { open: 0, lastAssignedAt: at('07:00') },
        'P-2': { open: 0, lastAssignedAt: at('08:00') },
        'P-3': { open: 1, lastAssignedAt: at('09:00') },
      });
    });
  });

  describe('in parallel', () => {
    /**
     * startActivityDatabase's pool has createDatabase's default 10
     * connections: with it no more than 10 of the 20 assignments could be in
     * a transaction at once. These run on a second pool of 25 on the same
     * database, so all 20 can.
     */
    let wide: Db;
    let wideActivities: Pick<RequestActivities, 'assignAgent'>;

    beforeAll(async () => {
      const { rows } = await sql<{ port: number; db_name: string; role_name: string }>`
        select inet_server_port() as port, current_database() as db_name, current_user as role_name`.execute(db);
      const { port, db_name, role_name } = rows[0]!;
      wide = createDatabase(`postgres://${role_name}@127.0.0.1:${port}/${db_name}`, { maxConnections: 25 });
      wideActivities = createAssignmentActivities({ db: wide, clock: { now: () => now } });
    });

    afterAll(async () => {
      await wide?.destroy();
    });

    async function twentyRequests(): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < 20; i += 1) ids.push(await newRequest({ groupId: PARALLEL_GROUP }));
      return ids;
    }

    /** Q-1 and Q-2 (capacity 3 each, none open): 6 places for 20 requests. */
    async function expectExactlyTheFreePlacesFilled(ids: string[], results: AssignmentResult[]) {
      const count = (agentIds: (string | null)[]) => {
        const counts: Record<string, number> = {};
        for (const agentId of agentIds) counts[agentId ?? 'nobody'] = (counts[agentId ?? 'nobody'] ?? 0) + 1;
        return counts;
      };
      expect(count(results.map((r) => (r.outcome === 'assigned' ? r.agentId : null)))).toEqual({ 'Q-1': 3, 'Q-2': 3, nobody: 14 });
      expect(results.filter((r) => r.outcome === 'nobody_eligible')).toEqual(Array(14).fill(nobody(PARALLEL_GROUP)));

      // The rows say the same, request by request; the requests of earlier tests are not counted.
      const rows = await db.selectFrom('requests').select(['id', 'assignee_id']).where('id', 'in', ids).execute();
      const assignee = new Map(rows.map((r) => [r.id, r.assignee_id]));
      expect(ids.map((id) => assignee.get(id))).toEqual(results.map((r) => (r.outcome === 'assigned' ? r.agentId : null)));
      expect(count(rows.map((r) => r.assignee_id))).toEqual({ 'Q-1': 3, 'Q-2': 3, nobody: 14 });

      // Each agent's open_requests is the number of these requests it holds: 3, its capacity.
      expect(await agents([PARALLEL_GROUP])).toEqual({
        'Q-1': { open: 3, lastAssignedAt: at('07:00') },
        'Q-2': { open: 3, lastAssignedAt: at('07:00') },
      });
    }

    it('twenty at once, all provably in flight together, fill exactly the 6 free places and no agent goes over capacity', async () => {
      const ids = await twentyRequests();
      // Hold both agents' rows so all 20 assignments are inside their transactions, waiting to take a load, before any proceeds.
      const results = await raceOnHeldLock(
        db,
        (trx) => trx.selectFrom('agents').select('id').where('group_id', '=', PARALLEL_GROUP).forUpdate().execute(),
        () => ids.map((id) => assign(id, [], wideActivities)),
      );
      await expectExactlyTheFreePlacesFilled(ids, results);
    });

    it('twenty at once, unaided (Promise.all), fill exactly the 6 free places and no agent goes over capacity', async () => {
      const ids = await twentyRequests();
      const results = await Promise.all(ids.map((id) => assign(id, [], wideActivities)));
      await expectExactlyTheFreePlacesFilled(ids, results);
    });
  });
});

describe('transferAssignment', () => {
  it('moves the request and its load to the named agent and group, even one at capacity', async () => {
    const id = await newRequest();
    expect(await assign(id)).toEqual({ outcome: 'assigned', agentId: 'A-T1', groupId: 'technical_support' });
    expect((await agents())['A-T1']!.open).toBe(1);

    now = new Date('2026-11-27T08:30:00Z');
    await activities.transferAssignment({ requestId: id, agentId: 'A-C1' });

    expect(await requestRow(id)).toEqual({ assignee_id: 'A-C1', group_id: 'complaints', load_released_at: null });
    expect(await agents(['technical_support', 'complaints'])).toEqual({
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
    expect(await agents(['technical_support', 'complaints'])).toEqual({
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
    await raceOnHeldLock(
      db,
      (trx) => trx.selectFrom('requests').select('id').where('id', '=', id).forUpdate().execute(),
      () => [activities.releaseAssignment({ requestId: id }), activities.releaseAssignment({ requestId: id })],
    );

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

