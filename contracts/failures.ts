/**
 * The failure types the workflow raises from its Update validators, and how
 * the API maps each to an HTTP error of api.md. Validators run before an
 * Update is accepted, so a rejected action leaves no trace in history.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Stage, SubStage } from './request';

export const FailureType = {
  Forbidden: 'Forbidden',
  InvalidTransition: 'InvalidTransition',
  PreconditionFailed: 'PreconditionFailed',
  StaleDocument: 'StaleDocument',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** What an `InvalidTransition` carries: the state now and the actions allowed in it. */
export interface InvalidTransitionDetails {
  stage: Stage;
  subStage: SubStage | null;
  allowed: string[];
}

export function forbidden(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.Forbidden, message, nonRetryable: true });
}

export function invalidTransition(message: string, details: InvalidTransitionDetails): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.InvalidTransition,
    message,
    details: [details],
    nonRetryable: true,
  });
}

export function preconditionFailed(expectedVersion: number, currentVersion: number): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.PreconditionFailed,
    message: `version ${expectedVersion} is no longer current (now ${currentVersion})`,
    details: [{ currentVersion }],
    nonRetryable: true,
  });
}

export function staleDocument(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.StaleDocument, message, nonRetryable: true });
}

/** The HTTP status and error code of api.md for each failure type. */
export const HTTP_ERROR_FOR_FAILURE: Record<FailureType, { status: number; code: string }> = {
  Forbidden: { status: 403, code: 'forbidden' },
  InvalidTransition: { status: 409, code: 'invalid_transition' },
  PreconditionFailed: { status: 412, code: 'precondition_failed' },
  StaleDocument: { status: 409, code: 'stale_document' },
};

export function isFailureType(type: string | undefined | null): type is FailureType {
  return type != null && Object.prototype.hasOwnProperty.call(HTTP_ERROR_FOR_FAILURE, type);
}
