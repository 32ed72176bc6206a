/**
 * The customer request (客户需求) as process.md and api.md define it: the
 * enumerations every layer shares, the request document the `state` query
 * returns, and the workflow's input. The zod enums are the single source of
 * truth for API validation and (later) the OpenAPI document.
 */
import { z } from 'zod';

export const Channel = z.enum(['phone', 'online_chat', 'email', 'wechat', 'app', 'web']);
export type Channel = z.infer<typeof Channel>;

export const RequestType = z.enum(['consultation', 'complaint', 'suggestion', 'after_sales', 'fault']);
export type RequestType = z.infer<typeof RequestType>;

export const Urgency = z.enum(['urgent', 'normal']);
export type Urgency = z.infer<typeof Urgency>;

export const Emotion = z.enum(['anxious', 'dissatisfied', 'calm']);
export type Emotion = z.infer<typeof Emotion>;

export const Complexity = z.enum(['simple', 'complex', 'emergency']);
export type Complexity = z.infer<typeof Complexity>;

export const Priority = z.enum(['P1', 'P2', 'P3']);
export type Priority = z.infer<typeof Priority>;

export const CustomerTier = z.enum(['standard', 'vip']);
export type CustomerTier = z.infer<typeof CustomerTier>;

export const Language = z.enum(['zh-CN', 'en']);
export type Language = z.infer<typeof Language>;

export const Stage = z.enum([
  'received',
  'assigned',
  'analysis',
  'awaiting_confirmation',
  'solution_design',
  'in_progress',
  'awaiting_acceptance',
  'rework',
  'follow_up',
  'closed',
]);
export type Stage = z.infer<typeof Stage>;

export const SubStage = z.enum([
  'drafting',
  'in_review',
  'presented',
  'working',
  'waiting_on_customer',
  'awaiting_feedback',
  'intervention',
]);
export type SubStage = z.infer<typeof SubStage>;

export const RequestStatus = z.enum(['open', 'completed', 'unconfirmed', 'cancelled']);
export type RequestStatus = z.infer<typeof RequestStatus>;

export const Resolution = z.enum(['first_contact', 'delivered', 'deemed_accepted']);
export type Resolution = z.infer<typeof Resolution>;

export const FollowUpOutcome = z.enum(['done', 'missed', 'intervened']);
export type FollowUpOutcome = z.infer<typeof FollowUpOutcome>;

/** The deadline ids of process.md's table; a deadline is called by its id everywhere. */
export const DeadlineId = z.enum([
  'firstResponse',
  'temporaryMeasure',
  'simpleAnswer',
  'suggestionOutcome',
  'requirementSheet',
  'confirmation',
  'solution',
  'review',
  'solutionAgreement',
  'taskAcceptance',
  'taskDue',
  'dailyProgress',
  'execution',
  'acceptance',
  'rework',
  'callback',
  'intervention',
  'complaintReview',
]);
export type DeadlineId = z.infer<typeof DeadlineId>;

export const DeadlineState = z.enum(['pending', 'paused', 'met', 'missed']);
export type DeadlineState = z.infer<typeof DeadlineState>;

export interface DeadlineEntry {
  name: DeadlineId;
  /** ISO-8601 instant, computed once when the deadline is armed. */
  dueAt: string;
  state: DeadlineState;
}

/** What the customer told us, as recorded at intake (no contact data: that stays in PostgreSQL). */
export interface IntakeDetails {
  channel: Channel;
  type: RequestType;
  description: string;
  expectedOutcome: string | null;
  urgency: Urgency;
  emotion: Emotion;
  complexity: Complexity;
  /** Set when whoever recorded the request overrode the rule's priority. */
  priorityOverride: Priority | null;
  externalId: string | null;
}

/** Who recorded a request: the staff token's id and role (never a name). */
export interface RecordedBy {
  tokenId: string;
  role: string;
  agentId: string | null;
}

/** Input of workflow `customerRequest`: ids and the request's facts, never contact data. */
export interface CustomerRequestInput {
  requestId: string;
  customerId: string;
  customerTier: CustomerTier;
  intake: IntakeDetails;
  recordedBy: RecordedBy;
  /** ISO-8601 instant the API accepted the request. */
  recordedAt: string;
  /** The policy version in force at intake; the request keeps it for life. */
  policyVersion: number;
}

/** The request document of api.md, as the `state` query returns it (no contact data, no staff names). */
export interface RequestDocument {
  id: string;
  stage: Stage;
  subStage: SubStage | null;
  status: RequestStatus;
  resolution: Resolution | null;
  followUp: FollowUpOutcome | null;
  priority: Priority;
  type: RequestType;
  channel: Channel;
  urgency: Urgency;
  emotion: Emotion;
  complexity: Complexity;
  customer: { id: string; tier: CustomerTier };
  assignee: { id: string; group: string } | null;
  createdAt: string;
  closedAt: string | null;
  deadlines: DeadlineEntry[];
  voidSheets: number;
  rejections: number;
  reassignments: number;
  sheet: null;
  solution: null;
  delivery: null;
  feedback: null;
  policyVersion: number;
  calendarVersion: number;
  version: number;
}

/** Request ids are `R-{year}-{six-digit sequence}`, allocated by the API. */
export const REQUEST_ID_PATTERN = /^R-\d{4}-\d{6,}$/;
export function formatRequestId(year: number, sequence: number): string {
  return `R-${year}-${String(sequence).padStart(6, '0')}`;
}
