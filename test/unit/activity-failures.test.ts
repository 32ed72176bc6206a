/**
 * Activity error classification (activities/failures.ts): bad data fails for
 * good with a clear message; an unreachable service, a lock conflict or a lost
 * race is thrown as it is, for Temporal to retry.
 */
import { ApplicationFailure } from '@temporalio/common';
import { classifyActivityError, withErrorClassification } from '../../activities/failures';

/** An error shaped as `pg` reports a server error. */
function pgError(code: string, message: string, detail?: string): Error {
  return Object.assign(new Error(message), { code, ...(detail ? { detail } : {}) });
}

describe('classifyActivityError', () => {
  it.each([
    ['23503', 'insert or update on table "timeline_events" violates foreign key constraint', 'Key (request_id)=(R-2026-999999) is not present in table "requests".'],
    ['23514', 'new row for relation "feedback" violates check constraint "feedback_nps_check"', undefined],
    ['23502', 'null value in column "title" of relation "tasks" violates not-null constraint', undefined],
    ['22P02', 'invalid input syntax for type timestamp with time zone: "tomorrow-ish"', undefined],
    ['22001', 'value too long for type character varying(20)', undefined],
  ])('makes bad data (%s) a non-retryable InvalidData failure naming the activity and the database’s words', (code, message, detail) => {
    const classified = classifyActivityError('recordState', pgError(code, message, detail));
    expect(classified).toBeInstanceOf(ApplicationFailure);
    const failure = classified as ApplicationFailure;
    expect(failure.type).toBe('InvalidData');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe(`recordState: the database refused the data (${code}): ${message}${detail ? ` — ${detail}` : ''}`);
  });

  it.each([
    ['a lost insert race (23505)', pgError('23505', 'duplicate key value violates unique constraint "notifications_pkey"')],
    ['a deadlock (40P01)', pgError('40P01', 'deadlock detected')],
    ['a serialization conflict (40001)', pgError('40001', 'could not serialize access due to concurrent update')],
    ['the server shutting down (57P01)', pgError('57P01', 'terminating connection due to administrator command')],
    ['a connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['an SMTP connection error', Object.assign(new Error('Connection closed'), { code: 'ESOCKET', command: 'CONN' })],
    ['an error without a code', new Error('timeout')],
  ])('leaves %s to be retried, unchanged', (_, error) => {
    expect(classifyActivityError('notify', error)).toBe(error);
  });

  it('passes an activity’s own ApplicationFailure through as it is', () => {
    const own = ApplicationFailure.nonRetryable('agent A-9 does not exist', 'UnknownAgent');
    expect(classifyActivityError('transferAssignment', own)).toBe(own);
  });
});

describe('withErrorClassification', () => {
  it('returns each activity’s result and classifies what it throws, by its own name', async () => {
    const activities = withErrorClassification({
      recordState: async (version: number) => version + 1,
      archiveRequest: async () => {
        throw pgError('23503', 'violates foreign key constraint');
      },
      notify: async () => {
        throw pgError('40P01', 'deadlock detected');
      },
    });
    await expect(activities.recordState(1)).resolves.toBe(2);
    await expect(activities.archiveRequest()).rejects.toMatchObject({ type: 'InvalidData', nonRetryable: true, message: expect.stringMatching(/^archiveRequest: /) });
    await expect(activities.notify()).rejects.toMatchObject({ code: '40P01' });
  });
});
