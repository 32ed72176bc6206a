/**
 * How an activity's error reaches Temporal. Bad data — a row PostgreSQL
 * refuses (a missing reference, a broken check, a value of the wrong form) —
 * is not fixed by trying again: it becomes a non-retryable failure that names
 * the activity and the database's complaint. Everything else (the database
 * or mail server unreachable, a deadlock, a serialization conflict, a
 * timeout) is thrown as it is, and Temporal retries it.
 */
import { ApplicationFailure } from '@temporalio/common';

/** SQLSTATE classes of bad data: 22 data exception, 23 integrity constraint violation. */
const BAD_DATA_CLASSES = new Set(['22', '23']);
/** A unique violation is a race another attempt won; the retry finds its row. */
const RETRYABLE_CODES = new Set(['23505']);

function sqlState(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

export function classifyActivityError(activity: string, err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  const code = sqlState(err);
  if (code === null || RETRYABLE_CODES.has(code) || !BAD_DATA_CLASSES.has(code.slice(0, 2))) return err;
  const detail = (err as { detail?: string }).detail;
  const message = `${activity}: the database refused the data (${code}): ${(err as Error).message}${detail ? ` — ${detail}` : ''}`;
  return ApplicationFailure.create({ message, type: 'InvalidData', nonRetryable: true, cause: err as Error });
}

type Activity = (...args: never[]) => Promise<unknown>;

/** The same activities, each passing its errors through `classifyActivityError`. */
export function withErrorClassification<T extends Record<string, Activity>>(activities: T): T {
  const classified: Record<string, Activity> = {};
  for (const [name, activity] of Object.entries(activities)) {
    classified[name] = async (...args: never[]) => {
      try {
        return await activity(...args);
      } catch (err) {
        throw classifyActivityError(name, err);
      }
    };
  }
  return classified as T;
}
