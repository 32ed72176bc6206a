/**
 * The one place that knows Temporal names: task queue, workflow types and
 * ids, search-attribute keys, and the timeouts every caller shares.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';

export const TASK_QUEUE = 'customer-requests';

export const WorkflowType = {
  customerRequest: 'customerRequest',
  complaintReview: 'complaintReview',
  /** A run of the scheduled work (process.md "Scheduled work"), started by one of the three Schedules. */
  serviceReview: 'serviceReview',
} as const;

/** The Temporal Schedules of process.md "Scheduled work", by review kind; `worker/schedules.ts` creates them. */
export const ScheduleId = {
  vip_care_letter: 'vip-care-letter',
  weekly_review: 'weekly-review',
  quarterly_feedback_review: 'quarterly-feedback-review',
} as const;

/**
 * The workflow id a schedule gives its runs; Temporal appends the scheduled
 * time (`review-weekly-review-2026-11-30T01:00:00Z`), so each run has its own.
 */
export function serviceReviewWorkflowIdPrefix(scheduleId: string): string {
  return `review-${scheduleId}`;
}

/** Set by Temporal on a workflow a Schedule starts: the time the schedule meant (not when it ran). */
export const ScheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

export function requestWorkflowId(requestId: string): string {
  return `request-${requestId}`;
}

export function complaintReviewWorkflowId(requestId: string): string {
  return `complaint-review-${requestId}`;
}

/** Search attributes of api.md, kept current by the workflow; none holds personal data. */
export const SearchAttribute = {
  RequestStage: defineSearchAttributeKey('RequestStage', SearchAttributeType.KEYWORD),
  RequestSubStage: defineSearchAttributeKey('RequestSubStage', SearchAttributeType.KEYWORD),
  RequestStatus: defineSearchAttributeKey('RequestStatus', SearchAttributeType.KEYWORD),
  Priority: defineSearchAttributeKey('Priority', SearchAttributeType.KEYWORD),
  RequestType: defineSearchAttributeKey('RequestType', SearchAttributeType.KEYWORD),
  CustomerTier: defineSearchAttributeKey('CustomerTier', SearchAttributeType.KEYWORD),
  CustomerId: defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD),
  AssignedGroup: defineSearchAttributeKey('AssignedGroup', SearchAttributeType.KEYWORD),
  AssignedAgent: defineSearchAttributeKey('AssignedAgent', SearchAttributeType.KEYWORD),
  NextDeadline: defineSearchAttributeKey('NextDeadline', SearchAttributeType.DATETIME),
  LastEscalatedAt: defineSearchAttributeKey('LastEscalatedAt', SearchAttributeType.DATETIME),
  Overdue: defineSearchAttributeKey('Overdue', SearchAttributeType.BOOL),
} as const;

export const ALL_SEARCH_ATTRIBUTES: SearchAttributeKey<SearchAttributeType>[] = Object.values(SearchAttribute);

const CLI_TYPE_NAME: Record<SearchAttributeType, string> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

/** `--search-attribute NAME=Type` flags for `temporal server start-dev`. */
export function devServerSearchAttributeFlags(): string[] {
  return ALL_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPE_NAME[key.type]}`]);
}

/** Timeouts shared by the workflow, the worker and the API. */
export const Timeouts = {
  /** Every activity is short I/O; retries cover outages. */
  activityStartToClose: '30 seconds',
  /** api.md: an action not answered in 10 seconds returns 503 with outcome `unknown`. */
  actionUpdateMs: 10_000,
  /** How long the API waits for a `state` query before answering 503. */
  stateQueryMs: 5_000,
  /** How long intake waits for Temporal to start a request's workflow before answering 503. */
  workflowStartMs: 5_000,
  /** A scheduled review's step reads a period's data and mails every VIP customer: longer than a request's step. */
  reviewActivityStartToClose: '10 minutes',
} as const;
