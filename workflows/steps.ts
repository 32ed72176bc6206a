/**
 * How the workflows run their activities: one retry policy and timeout for
 * every step (a longer timeout for the scheduled reviews), and a summary on
 * each for the Temporal UI.
 */
import { ActivityCancellationType, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { RequestActivities } from '../contracts/activities';
import { Timeouts } from '../contracts/temporal';

const activityOptions: ActivityOptions = {
  startToCloseTimeout: Timeouts.activityStartToClose,
  // No attempt limit: a database or mail server outage delays a step, never loses it.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  // A request closing does not wait for a step in flight: each is safe to finish
  // after the closing steps (assignment refuses a released request, the read
  // model keeps the newest version, a sent e-mail was due when it was sent).
  cancellationType: ActivityCancellationType.ABANDON,
};
export const activities = proxyActivities<RequestActivities>(activityOptions);

/** Runs an activity with a summary naming the step, for the Temporal UI. */
export function step(summary: string): ActivityOptions {
  return { ...activityOptions, summary };
}

/** The same retry policy for a longer step (a scheduled review reads a quarter of data). */
export function longStep(summary: string, startToCloseTimeout: ActivityOptions['startToCloseTimeout']): ActivityOptions {
  return { ...activityOptions, startToCloseTimeout, summary };
}
