/**
 * Assignment (分配), in the order of process.md: the customer's dedicated
 * advisor, continuity with the agent of the customer's previous request in
 * the group, then the group's agents (VIPs to senior agents first; fewest
 * open requests, longest since last assignment, agent id). Capacity is taken
 * with a conditional UPDATE, so parallel assignments never overfill an agent.
 *
 * Every activity here locks the request row first (`FOR UPDATE`), so a retry
 * or a concurrent call sees what the other committed: a transfer to the agent
 * who already has the request changes nothing, and the load released at
 * closing (`load_released_at`) is released once and never taken again.
 */
import { ApplicationFailure } from '@temporalio/common';
import { sql, type Transaction } from 'kysely';
import type { AssignAgentInput, AssignmentResult, TransferAssignmentInput } from '../contracts/activities';
import type { Database } from '../db/schema';
import type { ActivityDependencies } from './dependencies';

async function candidates(trx: Transaction<Database>, input: AssignAgentInput): Promise<string[]> {
  const customer = await trx
    .selectFrom('customers')
    .select('advisor_id')
    .where('id', '=', input.customerId)
    .executeTakeFirst();
  const previous = await trx
    .selectFrom('requests')
    .select('assignee_id')
    .where('customer_id', '=', input.customerId)
    .where('group_id', '=', input.groupId)
    .where('id', '!=', input.requestId)
    .where('assignee_id', 'is not', null)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  let group = trx
    .selectFrom('agents')
    .select('id')
    .where('group_id', '=', input.groupId)
    .where('active', '=', true)
    .where(sql<boolean>`open_requests < capacity`);
  if (input.tier === 'vip') group = group.orderBy('senior', 'desc');
  const members = await group
    .orderBy('open_requests', 'asc')
    .orderBy(sql`last_assigned_at asc nulls first`)
    .orderBy('id', 'asc')
    .execute();
  const ordered = [customer?.advisor_id, previous?.assignee_id, ...members.map((m) => m.id)];
  const excluded = new Set(input.excludeAgentIds);
  return [...new Set(ordered.filter((id): id is string => !!id && !excluded.has(id)))];
}

/** Only the database and the clock: the assignment activities send no e-mail. */
export function createAssignmentActivities({ db, clock }: Pick<ActivityDependencies, 'db' | 'clock'>) {
  return {
    async assignAgent(input: AssignAgentInput): Promise<AssignmentResult> {
      return db.transaction().execute(async (trx) => {
        // Locking the request row makes a retried attempt see the first one's choice.
        const request = await trx
          .selectFrom('requests')
          .select(['assignee_id', 'group_id', 'load_released_at'])
          .where('id', '=', input.requestId)
          .forUpdate()
          .executeTakeFirstOrThrow();
        // Closed: its load was released, so nobody takes it again.
        if (request.load_released_at) return { outcome: 'nobody_eligible', groupId: input.groupId };
        if (request.assignee_id && request.group_id && !input.excludeAgentIds.includes(request.assignee_id)) {
          return { outcome: 'assigned', agentId: request.assignee_id, groupId: request.group_id };
        }
        for (const agentId of await candidates(trx, input)) {
          const taken = await trx
            .updateTable('agents')
            .set({ open_requests: sql`open_requests + 1`, last_assigned_at: clock.now(), updated_at: clock.now() })
            .where('id', '=', agentId)
            .where('active', '=', true)
            .where(sql<boolean>`open_requests < capacity`)
            .returning(['id', 'group_id'])
            .executeTakeFirst();
          if (!taken) continue;
          // A reassignment moves the load off the previous assignee.
          if (request.assignee_id) await dropLoad(trx, request.assignee_id, clock.now());
          await trx
            .updateTable('requests')
            .set({ assignee_id: taken.id, group_id: taken.group_id })
            .where('id', '=', input.requestId)
            .execute();
          return { outcome: 'assigned', agentId: taken.id, groupId: taken.group_id };
        }
        return { outcome: 'nobody_eligible', groupId: input.groupId };
      });
    },

    /**
     * A supervisor's or lead's reassignment to a named agent: no capacity
     * check. The load moves with the request. A retry after a committed
     * attempt finds the request with that agent and changes nothing; a
     * request whose load was released is left alone.
     */
    async transferAssignment(input: TransferAssignmentInput): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const request = await trx
          .selectFrom('requests')
          .select(['assignee_id', 'load_released_at'])
          .where('id', '=', input.requestId)
          .forUpdate()
          .executeTakeFirstOrThrow();
        if (request.load_released_at || request.assignee_id === input.agentId) return;
        const now = clock.now();
        const taken = await trx
          .updateTable('agents')
          .set({ open_requests: sql`open_requests + 1`, last_assigned_at: now, updated_at: now })
          .where('id', '=', input.agentId)
          .returning(['id', 'group_id'])
          .executeTakeFirst();
        if (!taken) {
          // The API checks the agent exists; a retry cannot make one appear.
          throw ApplicationFailure.nonRetryable(`agent ${input.agentId} does not exist`, 'UnknownAgent');
        }
        if (request.assignee_id) await dropLoad(trx, request.assignee_id, now);
        await trx
          .updateTable('requests')
          .set({ assignee_id: taken.id, group_id: taken.group_id })
          .where('id', '=', input.requestId)
          .execute();
      });
    },

    /**
     * At closing: the assignee's load drops by this request, exactly once.
     * `load_released_at` is set under the row lock, so a retry or a
     * concurrent call waits for the first and then finds it released.
     */
    async releaseAssignment({ requestId }: { requestId: string }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const request = await trx
          .selectFrom('requests')
          .select(['assignee_id', 'load_released_at'])
          .where('id', '=', requestId)
          .forUpdate()
          .executeTakeFirstOrThrow();
        if (request.load_released_at) return;
        const now = clock.now();
        if (request.assignee_id) await dropLoad(trx, request.assignee_id, now);
        await trx.updateTable('requests').set({ load_released_at: now }).where('id', '=', requestId).execute();
      });
    },
  };
}

/** One request less for the agent, never below zero. */
async function dropLoad(trx: Transaction<Database>, agentId: string, now: Date): Promise<void> {
  await trx
    .updateTable('agents')
    .set({ open_requests: sql`greatest(open_requests - 1, 0)`, updated_at: now })
    .where('id', '=', agentId)
    .execute();
}
