/**
 * Assignment (分配), in the order of process.md: the customer's dedicated
 * advisor, continuity with the agent of the customer's previous request in
 * the group, then the group's agents (VIPs to senior agents first; fewest
 * open requests, longest since last assignment, agent id). Capacity is taken
 * with a conditional UPDATE, so parallel assignments never overfill an agent.
 */
import { sql, type Transaction } from 'kysely';
import type { AssignAgentInput, AssignmentResult } from '../contracts/activities';
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

export function createAssignmentActivities({ db, clock }: ActivityDependencies) {
  return {
    async assignAgent(input: AssignAgentInput): Promise<AssignmentResult> {
      return db.transaction().execute(async (trx) => {
        // Locking the request row makes a retried attempt see the first one's choice.
        const request = await trx
          .selectFrom('requests')
          .select(['assignee_id', 'group_id'])
          .where('id', '=', input.requestId)
          .forUpdate()
          .executeTakeFirstOrThrow();
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
          if (request.assignee_id) {
            // A reassignment moves the load off the previous assignee.
            await trx
              .updateTable('agents')
              .set({ open_requests: sql`greatest(open_requests - 1, 0)` })
              .where('id', '=', request.assignee_id)
              .execute();
          }
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
  };
}
