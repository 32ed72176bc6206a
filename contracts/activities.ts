/**
 * The activity interface: names and argument/result types (a request's
 * `RequestActivities`, the scheduled work's `ReviewActivities`). Workflows call
 * these through `proxyActivities<RequestActivities>`; `createActivities`
 * implements them. Arguments carry ids, never contact data.
 */
import type { CalendarSnapshot } from './calendar';
import type { ComplaintReviewDocument } from './complaint-review';
import type { KpiFigures } from './kpi';
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

/**
 * The mails of the scheduled work (process.md "Scheduled work"): not about
 * one request, keyed `review:{kind}:{periodFrom}:{recipientId}` instead.
 */
export const ScheduledMailTemplate = ['vip-care-letter', 'weekly-review', 'quarterly-review'] as const;
export type ScheduledMailTemplate = (typeof ScheduledMailTemplate)[number];

/** The scheduled work: the monthly VIP care letter, the weekly review, the quarterly feedback review. */
export const ReviewKind = ['vip_care_letter', 'weekly_review', 'quarterly_feedback_review'] as const;
export type ReviewKind = (typeof ReviewKind)[number];
/** The kinds stored as a report (`stored_reports.kind`). */
export type StoredReviewKind = Exclude<ReviewKind, 'vip_care_letter'>;

/** A period of the scheduled work in the business time zone (rules/review-periods.ts). */
export interface ReviewPeriodInput {
  /** First instant, ISO-8601 UTC (local midnight). */
  from: string;
  /** First instant after the period, ISO-8601 UTC. */
  to: string;
  /** The local dates, `YYYY-MM-DD` (`toDate` exclusive). */
  fromDate: string;
  toDate: string;
  timeZone: string;
}

export interface StoreReviewInput {
  kind: StoredReviewKind;
  period: ReviewPeriodInput;
}

export interface StoreReviewResult {
  reportId: string;
  /** False when the period's report was stored before (a re-run): the first one stands. */
  created: boolean;
}

export interface MailReviewInput {
  kind: StoredReviewKind;
  period: ReviewPeriodInput;
}

export interface ScheduledMailResult {
  /** Keys sent by this attempt; keys sent (or refused for good) before are skipped. */
  sent: string[];
  skipped: string[];
  /** Keys the mail server refused for good (SMTP 5xx). */
  rejected: string[];
}

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

/** The activities of the scheduled work (workflow `serviceReview`); the worker registers them beside `RequestActivities`. */
export interface ReviewActivities {
  /** The weekly or quarterly review of the period, computed and stored once (a re-run keeps the first). */
  storeReviewReport(input: StoreReviewInput): Promise<StoreReviewResult>;
  /** The stored review of the period mailed to the supervisors, once per period. */
  mailReviewReport(input: MailReviewInput): Promise<ScheduledMailResult>;
  /** The month's care letter to every VIP customer, once per customer and period. */
  sendVipCareLetters(input: { period: ReviewPeriodInput }): Promise<ScheduledMailResult>;
}

/** A count under a code (a channel, a priority, a request type, a deadline, a root cause) or an id (a customer, an agent). */
export interface ReviewCount {
  key: string;
  count: number;
}

/**
 * The weekly review (周复盘) as stored (`stored_reports`, kind `weekly_review`):
 * ids and codes only, names are added when it is mailed.
 */
export interface WeeklyReviewDocument {
  kind: 'weekly_review';
  period: ReviewPeriodInput;
  /** When it was computed; open requests are as they stood then. */
  computedAt: string;
  /** Consultations recorded in the week. */
  consultations: {
    total: number;
    byChannel: ReviewCount[];
    byPriority: ReviewCount[];
    /** The customers with the most, at most 5, most first. */
    topCustomers: ReviewCount[];
  };
  /** Complaints recorded in the week at P1/P2 or from a dissatisfied customer, and complaints given a dissatisfied verdict in the week. */
  majorComplaints: {
    requestId: string;
    customerId: string;
    priority: string;
    emotion: string;
    status: string;
    stage: string;
    createdAt: string;
    assigneeId: string | null;
    /** Why it is major: `priority`, `dissatisfied_at_intake`, `dissatisfied_feedback`. */
    reasons: string[];
  }[];
  /** Complex requests still open, recorded more than a week before the period's end. */
  unresolvedComplex: {
    requestId: string;
    type: string;
    priority: string;
    stage: string;
    createdAt: string;
    assigneeId: string | null;
  }[];
  /** Staff-side deadline windows due in the week and missed. */
  missedDeadlines: {
    total: number;
    byDeadline: ReviewCount[];
    /** By the agent who owed it; `key` null for a window owed by no agent (the supervisors'). */
    byAgent: { key: string | null; count: number }[];
  };
}

/** One KPI of process.md's table for the quarter, with its target. */
export interface ReviewKpi {
  /** The KPI's id (contracts/kpi.ts `KpiId`), e.g. `one_time_resolution_rate`. */
  kpi: string;
  /** A rate is 0–1, a time in minutes, NPS in points; null when nothing was measured. */
  value: number | null;
  unit: 'rate' | 'minutes' | 'points';
  /** The target in the standards as written (`≥ 95%`), or null. */
  target: string | null;
  /** What it was measured over (the denominator). */
  measured: number | null;
}

/** The quarterly feedback review (季度反馈分析) as stored (kind `quarterly_feedback_review`). */
export interface QuarterlyReviewDocument {
  kind: 'quarterly_feedback_review';
  period: ReviewPeriodInput;
  computedAt: string;
  /** The quarter's KPIs as the mail lists them (null in a report stored without them). */
  kpis: ReviewKpi[] | null;
  /** The KPI figures in full (reports/kpi.ts `kpiReport` totals). */
  kpiFigures: KpiFigures | null;
  requestsReceived: number;
  /** Requests recorded in the quarter by type, most frequent first. */
  problemTypes: ReviewCount[];
  /** Complaint root causes recorded in the quarter, most frequent first. */
  complaintRootCauses: ReviewCount[];
}
