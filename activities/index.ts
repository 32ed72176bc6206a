/**
 * The activity factory: every activity of `RequestActivities`, built from
 * the dependencies it receives (`createActivities({ db, mailer, clock, … })`),
 * its errors classified (activities/failures.ts: bad data fails for good, an
 * unreachable service is retried).
 */
import type { RequestActivities, ReviewActivities } from '../contracts/activities';
import { createArchiveActivities } from './archive';
import { createAssignmentActivities } from './assignment';
import { createComplaintReviewActivities } from './complaint-reviews';
import type { ActivityDependencies } from './dependencies';
import { withErrorClassification } from './failures';
import { createNotificationActivities } from './notifications/notify';
import { createRequestActivities } from './requests';
import { createReviewActivities } from './reviews';
import { createVersionActivities } from './versions';

export type { ActivityDependencies, Clock } from './dependencies';
export { systemClock } from './dependencies';

/** Every activity the worker registers: a request's and the scheduled work's. */
export type WorkerActivities = RequestActivities & ReviewActivities;

export function createActivities(deps: ActivityDependencies): WorkerActivities {
  return withErrorClassification({
    ...createVersionActivities(deps),
    ...createRequestActivities(deps),
    ...createAssignmentActivities(deps),
    ...createArchiveActivities(deps),
    ...createComplaintReviewActivities(deps),
    ...createNotificationActivities(deps),
    ...createReviewActivities(deps),
  });
}
