/** The worker's workflow bundle: every workflow type of the task queue. */
export { customerRequest } from './customer-request';
export { complaintReview } from './complaint-review';
export { serviceReview } from './scheduled-reviews';
