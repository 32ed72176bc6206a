/**
 * Failures raised by Update validators and their HTTP errors (api.md
 * "Errors"): 403 forbidden, 409 invalid_transition, 412 precondition_failed,
 * 409 stale_document.
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  FailureType,
  forbidden,
  HTTP_ERROR_FOR_FAILURE,
  invalidTransition,
  isFailureType,
  preconditionFailed,
  staleDocument,
} from '../../contracts/failures';

describe('failure constructors', () => {
  it('forbidden: a non-retryable ApplicationFailure of type Forbidden', () => {
    const failure = forbidden('agent A-002 is not assigned to R-2026-000123');
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe('Forbidden');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe('agent A-002 is not assigned to R-2026-000123');
  });

  it('invalidTransition: carries the stage, sub-stage and allowed actions as its details', () => {
    const details = { stage: 'awaiting_confirmation' as const, subStage: null, allowed: ['confirm', 'request-changes', 'cancel'] };
    const failure = invalidTransition('solution is not allowed in awaiting_confirmation', details);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe('InvalidTransition');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe('solution is not allowed in awaiting_confirmation');
    expect(failure.details).toEqual([details]);
  });

  it('invalidTransition: keeps a sub-stage', () => {
    const failure = invalidTransition('no', { stage: 'solution_design', subStage: 'in_review', allowed: ['review'] });
    expect(failure.details).toEqual([{ stage: 'solution_design', subStage: 'in_review', allowed: ['review'] }]);
  });

  it('preconditionFailed: names the expected and current versions and carries the current one', () => {
    const failure = preconditionFailed(3, 5);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe('PreconditionFailed');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('3');
    expect(failure.message).toContain('5');
    expect(failure.details).toEqual([{ currentVersion: 5 }]);
  });

  it('staleDocument: a non-retryable ApplicationFailure of type StaleDocument', () => {
    const failure = staleDocument('sheet revision 1 was superseded by revision 2');
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe('StaleDocument');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe('sheet revision 1 was superseded by revision 2');
  });

  it('gives every constructor’s type an HTTP error', () => {
    const failures = [
      forbidden('x'),
      invalidTransition('x', { stage: 'received', subStage: null, allowed: [] }),
      preconditionFailed(1, 2),
      staleDocument('x'),
    ];
    expect(failures.map((f) => f.type).sort()).toEqual(Object.values(FailureType).sort());
    for (const f of failures) expect(isFailureType(f.type)).toBe(true);
  });
});

describe('HTTP_ERROR_FOR_FAILURE', () => {
  it('maps each failure to its status and code of api.md', () => {
    expect(HTTP_ERROR_FOR_FAILURE.Forbidden).toEqual({ status: 403, code: 'forbidden' });
    expect(HTTP_ERROR_FOR_FAILURE.InvalidTransition).toEqual({ status: 409, code: 'invalid_transition' });
    expect(HTTP_ERROR_FOR_FAILURE.PreconditionFailed).toEqual({ status: 412, code: 'precondition_failed' });
    expect(HTTP_ERROR_FOR_FAILURE.StaleDocument).toEqual({ status: 409, code: 'stale_document' });
  });

  it('covers exactly the failure types', () => {
    expect(Object.keys(HTTP_ERROR_FOR_FAILURE).sort()).toEqual(Object.values(FailureType).sort());
  });
});

describe('isFailureType', () => {
  it('recognises each failure type', () => {
    for (const type of ['Forbidden', 'InvalidTransition', 'PreconditionFailed', 'StaleDocument']) {
      expect([type, isFailureType(type)]).toEqual([type, true]);
    }
  });

  it('rejects other types, missing types and inherited property names', () => {
    for (const type of [undefined, null, '', 'forbidden', 'NotFound', 'Error', 'toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect([type, isFailureType(type)]).toEqual([type, false]);
    }
  });
});
