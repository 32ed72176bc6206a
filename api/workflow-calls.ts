/**
 * The API's calls into Temporal — the `state` query and action Updates —
 * bounded in time, with Temporal's failures mapped to the errors of api.md.
 */
import {
  isGrpcServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import { HTTP_ERROR_FOR_FAILURE, isFailureType, type InvalidTransitionDetails } from '../contracts/failures';
import type { ComplaintReviewDocument } from '../contracts/complaint-review';
import type { RequestDocument } from '../contracts/request';
import { complaintReviewWorkflowId, requestWorkflowId, Timeouts } from '../contracts/temporal';
import { rootCauseUpdate, stateQuery, type ActionCommand, type ActionUpdate } from '../workflows/definitions';
import { ApiError, notFound, unavailable } from './errors';

/** gRPC status codes that mean Temporal could not be reached or did not answer in time. */
const UNREACHABLE_CODES = new Set([4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */, 1 /* CANCELLED */]);

function isUnreachable(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  const cause = (err as { cause?: unknown }).cause;
  for (const candidate of [err, cause]) {
    if (isGrpcServiceError(candidate) && UNREACHABLE_CODES.has(candidate.code)) return true;
  }
  return false;
}

export async function queryState(client: Client, requestId: string): Promise<RequestDocument> {
  try {
    return await client.connection.withDeadline(Date.now() + Timeouts.stateQueryMs, () =>
      client.workflow.getHandle(requestWorkflowId(requestId)).query(stateQuery),
    );
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw notFound(`no request ${requestId}`);
    if (isUnreachable(err)) throw unavailable('the request could not be read in time', 'not_applied');
    throw err;
  }
}

function failureToApiError(failure: ApplicationFailure): ApiError {
  if (!isFailureType(failure.type)) throw failure;
  const { status, code } = HTTP_ERROR_FOR_FAILURE[failure.type];
  const extra: Record<string, unknown> = {};
  if (failure.type === 'InvalidTransition') {
    const details = failure.details?.[0] as InvalidTransitionDetails | undefined;
    if (details) Object.assign(extra, { stage: details.stage, subStage: details.subStage, allowed: details.allowed });
  }
  return new ApiError(status, code, failure.message, extra);
}

const UNKNOWN_OUTCOME = 'the action was not answered in time; retrying with the same Idempotency-Key is safe';

/**
 * Runs an action's Update on a workflow, bounded by the 10-second rule; the
 * idempotency key, when given, is the Update id. A workflow no longer running
 * (or never started) answers with the first result of a retried Update, else
 * with what `whenNotRunning` says.
 */
async function executeAction<Result>(
  client: Client,
  workflowId: string,
  update: UpdateDefinition<Result, [ActionCommand]>,
  command: ActionCommand,
  idempotencyKey: string | null,
  whenNotRunning: () => Promise<ApiError>,
): Promise<Result> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    return await client.connection.withDeadline(Date.now() + Timeouts.actionUpdateMs, () =>
      handle.executeUpdate(update, { args: [command], ...(idempotencyKey ? { updateId: idempotencyKey } : {}) }),
    );
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      // A retry of the action that closed the workflow returns its first result.
      const first = idempotencyKey === null ? null : await completedUpdate<Result>(client, workflowId, idempotencyKey);
      if (first !== null) return first;
      throw await whenNotRunning();
    }
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) throw failureToApiError(err.cause);
    if (isUnreachable(err)) throw unavailable(UNKNOWN_OUTCOME, 'unknown');
    throw err;
  }
}

/** Performs an action on a request's workflow. */
export function performAction(
  client: Client,
  requestId: string,
  update: ActionUpdate,
  command: ActionCommand,
  idempotencyKey: string | null,
): Promise<RequestDocument> {
  return executeAction(client, requestWorkflowId(requestId), update, command, idempotencyKey, () => closedOrNotFound(client, requestId));
}

/**
 * `root-cause` reaches the complaint's review workflow; without one running
 * (the request is not a closed complaint, or its review is done) it is an
 * invalid transition of the request.
 */
export function recordRootCause(
  client: Client,
  requestId: string,
  command: ActionCommand,
  idempotencyKey: string | null,
): Promise<ComplaintReviewDocument> {
  return executeAction(client, complaintReviewWorkflowId(requestId), rootCauseUpdate, command, idempotencyKey, async () => {
    const doc = await queryState(client, requestId);
    return new ApiError(409, 'invalid_transition', `no complaint review is owed for request ${requestId}`, {
      stage: doc.stage,
      subStage: doc.subStage,
      allowed: [],
    });
  });
}

/** The result of an Update that completed before its workflow closed, or null if there was none by that id. */
async function completedUpdate<Result>(client: Client, workflowId: string, updateId: string): Promise<Result | null> {
  try {
    return await client.connection.withDeadline(Date.now() + Timeouts.stateQueryMs, () =>
      client.workflow.getHandle(workflowId).getUpdateHandle<Result>(updateId).result(),
    );
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    if (isUnreachable(err)) throw unavailable(UNKNOWN_OUTCOME, 'unknown');
    throw err;
  }
}

/**
 * Temporal answers an Update to a closed workflow as "not found": a closed
 * request exists but takes no more actions, which api.md calls an invalid
 * transition, with the state it closed in.
 */
async function closedOrNotFound(client: Client, requestId: string): Promise<ApiError> {
  const handle = client.workflow.getHandle(requestWorkflowId(requestId));
  try {
    const { status } = await client.connection.withDeadline(Date.now() + Timeouts.stateQueryMs, () => handle.describe());
    if (status.name === 'RUNNING') return notFound(`no request ${requestId}`);
    return closedRequestError(await queryState(client, requestId));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return notFound(`no request ${requestId}`);
    throw err;
  }
}

/** What an action on a closed request answers: it takes no more actions (409, with the stage it closed in). */
export function closedRequestError(doc: RequestDocument): ApiError {
  return new ApiError(409, 'invalid_transition', `request ${doc.id} is ${doc.status}: it takes no more actions`, {
    stage: doc.stage,
    subStage: doc.subStage,
    allowed: [],
  });
}
