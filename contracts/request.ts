/**
 * The customer request (客户需求) as process.md and api.md define it: the
 * enumerations every layer shares, the request document the `state` query
 * returns, and the workflow's input. The zod enums are the single source of
 * truth for API validation and (later) the OpenAPI document.
 */
import { z } from 'zod';
import type { RecordedFrom } from './actor';
import type { CalendarSnapshot } from './calendar';
import type { CustomerDocument } from './customer-document';
import type { WorkflowPolicy } from './policy';
import type { TimelineEvent } from './timeline';

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

/** `cancelled`: the window closed neither met nor missed (the request was cancelled, reclassified or reassigned meanwhile). */
export const DeadlineState = z.enum(['pending', 'paused', 'met', 'missed', 'cancelled']);
export type DeadlineState = z.infer<typeof DeadlineState>;

export interface DeadlineEntry {
  name: DeadlineId;
  /** ISO-8601 instant, computed once when the deadline is armed. */
  dueAt: string;
  state: DeadlineState;
  /** When it was armed; the 80% reminder is measured from here. */
  armedAt: string;
  /** The agent who owed it when it was armed (KPIs count a deadline for them), if any. */
  owedBy: string | null;
  /** When whoever owed it was reminded, once per window. */
  remindedAt: string | null;
  /** When it was met, missed or cancelled. */
  settledAt: string | null;
  /** When its action was done: at `settledAt` when met, later when missed. A missed deadline without it is still owed. */
  fulfilledAt: string | null;
  /** When its expiry was escalated to whom the deadline catalogue names. */
  escalatedAt: string | null;
  /** The task a `taskAcceptance` or `taskDue` deadline belongs to. */
  taskId?: string;
  /** While `paused`: the time that was left, restored when the clock resumes. */
  remainingMs?: number;
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
  /** Set when the request continues as new: everything the next run takes over. */
  carried?: CarriedRequest;
}

/** Who took an action: the actor's kind and role, and the channel when staff recorded a customer's action. */
export interface ActionRecord {
  at: string;
  byKind: 'staff' | 'customer';
  byRole: string;
  byAgentId: string | null;
  recordedFrom: RecordedFrom | null;
}

/** The requirement confirmation sheet (需求确认单) as issued; a new one supersedes it. */
export interface RequirementSheet extends ActionRecord {
  /** The sheet's revision: the customer's link is signed for it. */
  revision: number;
  description: string;
  goal: string;
  /** When the work will take longer than the priority's execution window. */
  expectedDeliveryAt: string | null;
  /** What the customer must provide (客户配合事项). */
  customerObligations: string | null;
  state: 'awaiting_confirmation' | 'confirmed' | 'changes_requested' | 'void';
  /** The customer's comment when confirming or asking for changes. */
  customerComment: string | null;
}

export const ReviewArea = z.enum(['technical', 'product', 'legal']);
export type ReviewArea = z.infer<typeof ReviewArea>;

/** A task of the solution (任务项): an owner and a due time to the hour. */
export interface SolutionTask {
  id: string;
  title: string;
  ownerId: string;
  dueAt: string;
  acceptedAt: string | null;
  completedAt: string | null;
  note: string | null;
}

/** A named reviewer's answer for one area, in the current review round. */
export interface SolutionReview {
  area: ReviewArea;
  agentId: string;
  approved: boolean | null;
  comment: string | null;
  at: string | null;
}

/** The service solution (服务方案) as submitted; a revision supersedes it. */
export interface Solution extends ActionRecord {
  /** The solution's revision as presented to the customer: the customer's link is signed for it. */
  revision: number;
  steps: string[];
  resources: string | null;
  risks: { risk: string; mitigation: string }[];
  tasks: SolutionTask[];
  /** A complex solution needs every named reviewer's approval before the customer sees it. */
  complex: boolean;
  reviews: SolutionReview[];
  /** Review rounds so far (each opens one review window). */
  reviewRounds: number;
  state: 'in_review' | 'rejected_in_review' | 'presented' | 'agreed' | 'revision_requested';
  /** The customer's comment when agreeing or asking for a revision. */
  customerComment: string | null;
}

/** A progress update (每日更新任务进度). */
export interface ProgressReport extends ActionRecord {
  note: string;
  percent: number | null;
  nextSteps: string | null;
  risks: string | null;
}

/** An announced delay of the execution deadline (提前告知客户). */
export interface DelayRecord extends ActionRecord {
  from: string;
  to: string;
  reason: string;
  /** Announced less than 24 hours ahead on a window of 48 hours or more: accepted, recorded as late. */
  lateNotice: boolean;
}

/** A wait on the customer (客户配合事项): the execution clock stood still from `at` to `resumedAt`. */
export interface PauseRecord extends ActionRecord {
  reason: string;
  resumedAt: string | null;
  resumedBy: ActionRecord | null;
}

/** A delivery (服务交付) submitted for the customer's acceptance. */
export interface Delivery extends ActionRecord {
  revision: number;
  summary: string;
  verification: string;
  state: 'awaiting_acceptance' | 'accepted' | 'rejected' | 'deemed_accepted';
  /** The customer's comment on acceptance, or the reasons of a rejection. */
  customerComment: string | null;
}

export const Verdict = z.enum(['satisfied', 'basically_satisfied', 'dissatisfied']);
export type Verdict = z.infer<typeof Verdict>;

/** The four ratings of a callback or questionnaire, 1–5 each. */
export interface FeedbackRatings {
  responseSpeed: number;
  resolution: number;
  attitude: number;
  professionalism: number;
}

/** The follow-up's feedback (回访 / 问卷): the first of callback and questionnaire. */
export interface Feedback extends ActionRecord {
  source: 'callback' | 'survey';
  /** Asked on the callback: is the problem solved. */
  resolved: boolean | null;
  ratings: FeedbackRatings;
  verdict: Verdict;
  shortfalls: string | null;
  comment: string | null;
  /** 0–10, where collected. */
  nps: number | null;
}

/** A supervisor's intervention (补救措施) after dissatisfied feedback. */
export interface Intervention extends ActionRecord {
  plan: string;
  /** Reopened into rework; otherwise the request closed `followUp: intervened`. */
  reopen: boolean;
}

/**
 * What a request carries into its next run when it continues as new
 * (process.md "What Temporal holds"): the document with every deadline as an
 * absolute `dueAt`, the policy and calendar snapshots, the notification
 * sequence, where the story stands, and the results of recent actions so a
 * retried one returns its first result across runs.
 */
export interface CarriedRequest {
  doc: RequestDocument;
  policyVersion: number;
  policy: WorkflowPolicy;
  calendar: CalendarSnapshot;
  eventSeq: number;
  lastEscalatedAt: string | null;
  story: StoryProgress;
  /** Timeline events the last run had not written yet (absent in runs carried before the timeline existed). */
  timeline?: TimelineEvent[];
  /** The last timeline event's number. */
  timelineSeq?: number;
  /** Update ids of recent actions and the document each returned, newest last. */
  recentActions: { updateId: string; result: RequestDocument }[];
}

/** Where the story of a request stands, beyond its document. */
export interface StoryProgress {
  toldNobodyEligible: boolean;
  firstResponseMailSent: boolean;
  /** Weekly progress reports sent, and when the current 7-day period began (null outside progress). */
  weeklyReports: number;
  weekStartedAt: string | null;
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
  sheet: RequirementSheet | null;
  solution: Solution | null;
  delivery: Delivery | null;
  progress: ProgressReport[];
  delays: DelayRecord[];
  pauses: PauseRecord[];
  feedback: Feedback | null;
  interventions: Intervention[];
  /** Intake → first response, the customer's wait across reassignments. */
  firstResponseAt: string | null;
  /** The answer given when a simple request or suggestion was resolved. */
  answer: (ActionRecord & { text: string }) | null;
  /** An emergency's temporary measure (临时处理措施). */
  temporaryMeasure: (ActionRecord & { measure: string }) | null;
  /** A simple request reclassified as complex, and why. */
  reclassification: (ActionRecord & { reason: string }) | null;
  /** The customer's first-contact rating (需求接入满意度评分, 1–5). */
  firstContactRating: (ActionRecord & { rating: number; comment: string | null }) | null;
  cancellation: (ActionRecord & { reason: string }) | null;
  /** Revisions of the documents customer e-mails link to; a token for an older revision is stale. */
  documentRevisions: Partial<Record<CustomerDocument, number>>;
  policyVersion: number;
  calendarVersion: number;
  version: number;
}

/** Request ids are `R-{year}-{six-digit sequence}`, allocated by the API. */
export const REQUEST_ID_PATTERN = /^R-\d{4}-\d{6,}$/;
export function formatRequestId(year: number, sequence: number): string {
  return `R-${year}-${String(sequence).padStart(6, '0')}`;
}
