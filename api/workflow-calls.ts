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
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { HTTP_ERROR_FOR_FAILURE, isFailureType, type InvalidTransitionDetails } from '../contracts/failures';
import type { RequestDocument } from '../contracts/request';
import { requestWorkflowId, Timeouts } from '../contracts/temporal';
import { stateQuery, type ActionCommand, type ActionUpdate } from '../workflows/definitions';
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

/** Performs an action as a workflow Update; the idempotency key, when given, is the Update id. */
export async function performAction(
  client: Client,
  requestId: string,
  update: ActionUpdate,
  command: ActionCommand,
  idempotencyKey: string | null,
): Promise<RequestDocument> {
  try {
    return await client.connection.withDeadline(Date.now() + Timeouts.actionUpdateMs, () =>
      client.workflow
        .getHandle(requestWorkflowId(requestId))
        .executeUpdate(update, { args: [command], ...(idempotencyKey ? { updateId: idempotencyKey } : {}) }),
    );
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      // A retry of the action that closed the request returns its first result.
      const first = idempotencyKey === null ? null : await completedUpdate(client, requestId, idempotencyKey);
      if (first !== null) return first;
      throw await closedOrNotFound(client, requestId);
    }
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) throw failureToApiError(err.cause);
    if (isUnreachable(err)) {
      throw unavailable('the action was not answered in time; retrying with the same Idempotency-Key is safe', 'unknown');
    }
    throw err;
  }
}

/** The result of an Update that completed before its workflow closed, or null if there was none by that id. */
async function completedUpdate(client: Client, requestId: string, updateId: string): Promise<RequestDocument | null> {
  try {
    return await client.connection.withDeadline(Date.now() + Timeouts.stateQueryMs, () =>
      client.workflow.getHandle(requestWorkflowId(requestId)).getUpdateHandle<RequestDocument>(updateId).result(),
    );
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    if (isUnreachable(err)) throw unavailable('the action was not answered in time; retrying with the same Idempotency-Key is safe', 'unknown');
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
    const doc = await queryState(client, requestId);
    return new ApiError(409, 'invalid_transition', `request ${requestId} is ${doc.status}: it takes no more actions`, {
      stage: doc.stage,
      subStage: doc.subStage,
      allowed: [],
    });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return notFound(`no request ${requestId}`);
    throw err;
  }
}
