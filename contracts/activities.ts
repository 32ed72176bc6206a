/**
 * The activity interface: names and argument/result types. Workflows call
 * these through `proxyActivities<RequestActivities>`; `createActivities`
 * implements them. Arguments carry ids, never contact data.
 */
import type { CalendarSnapshot } from './calendar';
import type { ComplaintReviewDocument } from './complaint-review';
import type { PolicyAddressName, PolicySnapshot } from './policy';
import type { CustomerRequestInput, CustomerTier, RequestDocument } from './request';
import type { TimelineEvent } from './timeline';

export interface RecordRequestInput {
  request: CustomerRequestInput;
  document: RequestDocument;
}

export interface AssignAgentInput {
  requestId: string;
  customerId: string;
  /** The group the policy routes the request type to. */
  groupId: string;
  tier: CustomerTier;
  /** Agents who missed this request's first response, skipped on reassignment. */
  excludeAgentIds: string[];
}

/** A supervisor's or lead's reassignment to a named agent (the API has checked the agent is active). */
export interface TransferAssignmentInput {
  requestId: string;
  agentId: string;
}

export type AssignmentResult =
  | { outcome: 'assigned'; agentId: string; groupId: string }
  | { outcome: 'nobody_eligible'; groupId: string };

/** Who a notification goes to; the activity resolves addresses and language from PostgreSQL. */
export type NotificationRecipient =
  | { kind: 'customer'; customerId: string }
  | { kind: 'agent'; agentId: string }
  | { kind: 'groupLead'; groupId: string }
  | { kind: 'policyAddress'; name: PolicyAddressName };

export const NotificationTemplate = [
  'receipt-notice',
  'assignment',
  'first-response',
  'nobody-eligible',
  'deadline-reminder',
  'deadline-escalation',
  'reassignment',
  'cancellation',
  'requirement-sheet',
  'void-sheet',
  'review-request',
  'solution',
  'customer-reminder',
  'closure',
  'task-assigned',
  'waiting-notice',
  'delay-notice',
  'progress-report',
  'delivery',
  'deemed-acceptance',
  'repeated-rejection',
  'questionnaire',
  'intervention-needed',
  'complaint-review-request',
] as const;
export type NotificationTemplate = (typeof NotificationTemplate)[number];

export interface NotifyInput {
  requestId: string;
  /** The workflow's own event counter; with template and recipient it keys the notification. */
  eventSeq: number;
  template: NotificationTemplate;
  recipients: NotificationRecipient[];
  /**
   * Template parameters: ids, deadline names and instants, never personal data.
   * A customer link is `link` (the customer document) with `revision` beside it,
   * the document's revision the workflow counts, e.g. `{ link: 'sheet', revision: 2 }`;
   * the token is signed for that revision. A `link` without a whole-number
   * `revision` fails the activity, non-retryable.
   */
  facts: Record<string, string | number | boolean | null>;
}

export interface NotifyResult {
  /** Keys sent by this attempt; keys sent before are skipped. */
  sent: string[];
  skipped: string[];
  /** Recipients with no address (a group without a lead, say). */
  unresolved: string[];
  /** Keys the mail server refused for good (SMTP 5xx): recorded, never sent again. */
  rejected: string[];
}

export interface RecordStateInput {
  document: RequestDocument;
  /** Events since the last call, written beside the read model (absent in histories recorded before the timeline). */
  timeline?: TimelineEvent[];
}

export interface RequestActivities {
  /** The policy version the request started with (the API picks the newest at intake). */
  loadPolicy(input: { version: number }): Promise<PolicySnapshot>;
  /** The newest calendar version, limited to the days from `from` to 400 days later. */
  loadCalendar(input: { from: string }): Promise<CalendarSnapshot>;
  recordRequest(input: RecordRequestInput): Promise<void>;
  assignAgent(input: AssignAgentInput): Promise<AssignmentResult>;
  /** Moves the request, and its load, to the named agent, whatever their capacity: a supervisor's or lead's decision. */
  transferAssignment(input: TransferAssignmentInput): Promise<void>;
  /** The complaint review as it stands (idempotent: an older version never overwrites a newer one). */
  recordComplaintReview(input: { review: ComplaintReviewDocument }): Promise<void>;
  /** At closing: the whole record (服务闭环) is archived, once however often it is called. */
  archiveRequest(input: { document: RequestDocument }): Promise<void>;
  /** At closing: the assignee's load drops by this request, once however often it is called. */
  releaseAssignment(input: { requestId: string }): Promise<void>;
  /** Keeps the request read model in PostgreSQL in step with the workflow. */
  recordState(input: RecordStateInput): Promise<void>;
  notify(input: NotifyInput): Promise<NotifyResult>;
}
