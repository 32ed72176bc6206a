/**
 * The complaint review (投诉根因复盘): within 48 hours of a complaint's
 * closing a supervisor records its root cause and corrective action. It runs
 * as child workflow `complaintReview` (id `complaint-review-{id}`), started
 * at closing and left running when the request's workflow completes.
 */
import { z } from 'zod';
import type { ActionRecord, DeadlineEntry } from './request';

export const RootCause = z.enum(['process_gap', 'staff_error', 'product_issue', 'external', 'other']);
export type RootCause = z.infer<typeof RootCause>;

export interface ComplaintReviewInput {
  requestId: string;
  /** When the complaint closed; the review window starts here. */
  closedAt: string;
  /** The `complaintReview` deadline, computed by the request's workflow from its policy and calendar. */
  dueAt: string;
  /** The policy's reminder fraction of the window. */
  reminderAtFraction: number;
  /** The request's last notification event: the review numbers its own after it, so e-mail keys never collide. */
  lastEventSeq: number;
}

export interface RootCauseReview extends ActionRecord {
  cause: RootCause;
  analysis: string;
  correctiveAction: string;
}

/** What the review's `state` query returns and its activity records. */
export interface ComplaintReviewDocument {
  requestId: string;
  closedAt: string;
  deadline: DeadlineEntry;
  review: RootCauseReview | null;
  version: number;
}
