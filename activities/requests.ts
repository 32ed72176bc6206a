/** The request read model in PostgreSQL, kept in step with the workflow. */
import type { RecordRequestInput, RecordStateInput } from '../contracts/activities';
import type { RequestDocument } from '../contracts/request';
import type { ActivityDependencies } from './dependencies';

/**
 * The columns the workflow's document decides. The assignee and group are
 * not among them: the assignment activities own those, with the agents' load.
 */
function stateColumns(document: RequestDocument) {
  return {
    stage: document.stage,
    sub_stage: document.subStage,
    status: document.status,
    priority: document.priority,
    complexity: document.complexity,
    calendar_version: document.calendarVersion,
    document: JSON.stringify(document),
    version: document.version,
    closed_at: document.closedAt,
  };
}

export function createRequestActivities({ db, clock }: ActivityDependencies) {
  return {
    /** Idempotent: a retried attempt finds the row written and changes nothing. */
    async recordRequest({ request, document }: RecordRequestInput): Promise<void> {
      const { intake } = request;
      await db
        .insertInto('requests')
        .values({
          id: request.requestId,
          customer_id: request.customerId,
          external_id: intake.externalId,
          channel: intake.channel,
          type: intake.type,
          description: intake.description,
          expected_outcome: intake.expectedOutcome,
          urgency: intake.urgency,
          emotion: intake.emotion,
          priority_overridden_by: intake.priorityOverride ? request.recordedBy.tokenId : null,
          policy_version: request.policyVersion,
          recorded_by: JSON.stringify(request.recordedBy),
          created_at: request.recordedAt,
          ...stateColumns(document),
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    },

    /** Writes a newer document only: retries and reordered attempts never move the row back. */
    async recordState({ document }: RecordStateInput): Promise<void> {
      await db
        .updateTable('requests')
        .set({ ...stateColumns(document), updated_at: clock.now() })
        .where('id', '=', document.id)
        .where('version', '<', document.version)
        .execute();
    },
  };
}
