/** The request read model in PostgreSQL, kept in step with the workflow, with its KPI facts, deadline windows, timeline, tasks and feedback. */
import type { RecordRequestInput, RecordStateInput } from '../contracts/activities';
import { ApplicationFailure } from '@temporalio/common';
import type { Transaction } from 'kysely';
import type { ActionRecord, RequestDocument } from '../contracts/request';
import type { TimelineEvent } from '../contracts/timeline';
import type { Database, FeedbackTable } from '../db/schema';
import { overdueDeadlines } from '../rules/deadline-catalogue';
import { requestFacts } from '../rules/kpi-facts';
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
    overdue: overdueDeadlines(document).length > 0,
    ...factColumns(document),
  };
}

function factColumns(document: RequestDocument) {
  const facts = requestFacts(document);
  return {
    first_response_at: facts.firstResponseAt,
    rejections: facts.rejections,
    reopened: facts.reopened,
    solution_agreed_at: facts.solutionAgreedAt,
    solution_first_pass: facts.solutionFirstPass,
    staff_deadlines_missed: facts.staffDeadlinesMissed,
  };
}

type FeedbackKind = FeedbackTable['kind'];

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

    /**
     * Writes a newer document only: retries and reordered attempts never move
     * the row back. In the same transaction the timeline events the workflow
     * passes (keyed by their number, so a retry adds nothing), and with a newer
     * document its tasks and feedback answers.
     */
    async recordState({ document, timeline = [] }: RecordStateInput): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const written = await trx
          .updateTable('requests')
          .set({ ...stateColumns(document), updated_at: clock.now() })
          .where('id', '=', document.id)
          .where('version', '<', document.version)
          .executeTakeFirst();
        if (written.numUpdatedRows === 0n) await mustBeRecorded(trx, document.id);
        if (timeline.length > 0) {
          await trx
            .insertInto('timeline_events')
            .values(timeline.map((event) => timelineRow(document.id, event)))
            .onConflict((oc) => oc.columns(['request_id', 'key']).doNothing())
            .execute();
        }
        if (written.numUpdatedRows === 0n) return;
        await recordDeadlines(trx, document);
        await recordTasks(trx, document, clock.now());
        await recordFeedback(trx, document);
      });
    },
  };
}

/** No row to update: a newer version was written, or the request was never recorded (a bug no retry mends). */
async function mustBeRecorded(trx: Transaction<Database>, requestId: string): Promise<void> {
  const row = await trx.selectFrom('requests').select('id').where('id', '=', requestId).executeTakeFirst();
  if (!row) throw ApplicationFailure.nonRetryable(`request ${requestId} was never recorded: recordRequest runs first`, 'UnknownRequest');
}

function timelineRow(requestId: string, event: TimelineEvent) {
  return {
    request_id: requestId,
    key: `wf:${event.seq}`,
    at: event.at,
    type: event.type,
    actor: event.actor === null ? null : JSON.stringify(event.actor),
    data: JSON.stringify(event.data),
  };
}

/** Every deadline window as the document has it now (entries are only appended, so the position keys each). */
async function recordDeadlines(trx: Transaction<Database>, document: RequestDocument): Promise<void> {
  if (document.deadlines.length === 0) return;
  const rows = document.deadlines.map((entry, position) => ({
    request_id: document.id,
    position,
    name: entry.name,
    owed_by: entry.owedBy,
    task_id: entry.taskId ?? null,
    armed_at: entry.armedAt,
    due_at: entry.dueAt,
    state: entry.state,
    reminded_at: entry.remindedAt,
    settled_at: entry.settledAt,
    fulfilled_at: entry.fulfilledAt,
    escalated_at: entry.escalatedAt,
  }));
  await trx
    .insertInto('request_deadlines')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['request_id', 'position']).doUpdateSet((eb) => ({
        owed_by: eb.ref('excluded.owed_by'),
        due_at: eb.ref('excluded.due_at'),
        state: eb.ref('excluded.state'),
        reminded_at: eb.ref('excluded.reminded_at'),
        settled_at: eb.ref('excluded.settled_at'),
        fulfilled_at: eb.ref('excluded.fulfilled_at'),
        escalated_at: eb.ref('excluded.escalated_at'),
      })),
    )
    .execute();
}

/** The current solution's tasks as they stand; tasks a revision dropped stay, no longer current. */
async function recordTasks(trx: Transaction<Database>, document: RequestDocument, now: Date): Promise<void> {
  const solution = document.solution;
  const tasks = solution?.tasks ?? [];
  await trx
    .updateTable('tasks')
    .set({ current: false, updated_at: now })
    .where('request_id', '=', document.id)
    .where('current', '=', true)
    .$if(tasks.length > 0, (q) => q.where('task_id', 'not in', tasks.map((t) => t.id)))
    .execute();
  if (solution === null || tasks.length === 0) return;
  const rows = tasks.map((task) => ({
    request_id: document.id,
    task_id: task.id,
    solution_revision: solution.revision,
    title: task.title,
    owner_id: task.ownerId,
    due_at: task.dueAt,
    accepted_at: task.acceptedAt,
    completed_at: task.completedAt,
    note: task.note,
    current: true,
    updated_at: now,
  }));
  await trx
    .insertInto('tasks')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['request_id', 'task_id']).doUpdateSet((eb) => ({
        solution_revision: eb.ref('excluded.solution_revision'),
        title: eb.ref('excluded.title'),
        owner_id: eb.ref('excluded.owner_id'),
        due_at: eb.ref('excluded.due_at'),
        accepted_at: eb.ref('excluded.accepted_at'),
        completed_at: eb.ref('excluded.completed_at'),
        note: eb.ref('excluded.note'),
        current: eb.ref('excluded.current'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

/** Each answer once: the first-contact rating and the latest callback or questionnaire (a reopened request may answer again). */
async function recordFeedback(trx: Transaction<Database>, document: RequestDocument): Promise<void> {
  const rows = [];
  const rating = document.firstContactRating;
  if (rating !== null) {
    rows.push({ ...answeredBy(document.id, 'first_contact_rating', rating), rating: rating.rating, comment: rating.comment });
  }
  const feedback = document.feedback;
  if (feedback !== null) {
    rows.push({
      ...answeredBy(document.id, feedback.source, feedback),
      resolved: feedback.resolved,
      response_speed: feedback.ratings.responseSpeed,
      resolution: feedback.ratings.resolution,
      attitude: feedback.ratings.attitude,
      professionalism: feedback.ratings.professionalism,
      verdict: feedback.verdict,
      nps: feedback.nps,
      shortfalls: feedback.shortfalls,
      comment: feedback.comment,
    });
  }
  if (rows.length === 0) return;
  await trx
    .insertInto('feedback')
    .values(rows)
    .onConflict((oc) => oc.columns(['request_id', 'kind', 'recorded_at']).doNothing())
    .execute();
}

function answeredBy(requestId: string, kind: FeedbackKind, record: ActionRecord) {
  return { request_id: requestId, kind, recorded_at: record.at, by_role: record.byRole, by_agent_id: record.byAgentId };
}
