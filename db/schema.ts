/** Kysely's view of the tables the migrations create. */
import type { ColumnType, Generated, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

export interface ServiceGroupsTable {
  id: string;
  name_zh: string;
  name_en: string;
  created_at: CreatedAt;
}

export interface AgentsTable {
  id: string;
  name: string;
  email: string;
  language: Generated<string>;
  group_id: string;
  senior: Generated<boolean>;
  lead: Generated<boolean>;
  active: Generated<boolean>;
  capacity: Generated<number>;
  reviewer_areas: Generated<string[]>;
  open_requests: Generated<number>;
  last_assigned_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface CustomersTable {
  id: string;
  name: string;
  email: string;
  phone: string;
  tier: string;
  language: Generated<string>;
  advisor_id: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface RequestCountersTable {
  year: number;
  last_sequence: number;
}

export interface RequestsTable {
  id: string;
  customer_id: string;
  external_id: string | null;
  channel: string;
  type: string;
  description: string;
  expected_outcome: string | null;
  urgency: string;
  emotion: string;
  complexity: string;
  priority: string;
  priority_overridden_by: string | null;
  stage: string;
  sub_stage: string | null;
  status: string;
  assignee_id: string | null;
  group_id: string | null;
  policy_version: number;
  calendar_version: number;
  recorded_by: Json<unknown>;
  document: Json<unknown>;
  version: number;
  created_at: Timestamp;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  closed_at: NullableTimestamp;
  /** When the assignee's load was released at closing (migration 0002); no assignment after it. */
  load_released_at: NullableTimestamp;
  /** A staff-side deadline missed and still owed (migration 0005; `rules/deadline-catalogue.ts` overdueDeadlines). */
  overdue: ColumnType<boolean, boolean | undefined, boolean>;
  /** The KPI facts of `rules/kpi-facts.ts` (migration 0006). */
  first_response_at: NullableTimestamp;
  rejections: ColumnType<number, number | undefined, number>;
  reopened: ColumnType<boolean, boolean | undefined, boolean>;
  solution_agreed_at: NullableTimestamp;
  solution_first_pass: ColumnType<boolean | null, boolean | null | undefined, boolean | null>;
  staff_deadlines_missed: ColumnType<number, number | undefined, number>;
}

/** A closed request's frozen record (migration 0003): the document as it closed, and the columns KPIs filter on. */
export interface ArchivedRequestsTable {
  request_id: string;
  closed_at: Timestamp;
  status: string;
  resolution: string | null;
  follow_up: string | null;
  type: string;
  priority: string;
  group_id: string | null;
  assignee_id: string | null;
  customer_id: string;
  document: Json<unknown>;
  version: number;
  archived_at: Timestamp;
  /** The timeline as it was at archiving (migration 0005). */
  timeline: ColumnType<unknown, string | undefined, string>;
  /** The complaint review once recorded (migration 0005). */
  complaint_review: ColumnType<unknown, string | null | undefined, string | null>;
}

/** A closed complaint's root-cause review (migration 0004), as its child workflow last recorded it. */
export interface ComplaintReviewsTable {
  request_id: string;
  closed_at: Timestamp;
  due_at: Timestamp;
  state: 'pending' | 'met' | 'missed';
  cause: string | null;
  analysis: string | null;
  corrective_action: string | null;
  reviewed_at: NullableTimestamp;
  reviewed_by_role: string | null;
  document: Json<unknown>;
  version: number;
  updated_at: Timestamp;
}

export interface IntakeKeysTable {
  key: string;
  body_hash: string;
  request_id: string;
  input: Json<unknown>;
  created_at: CreatedAt;
}

export interface ApiTokensTable {
  id: string;
  token_hash: string;
  role: string;
  agent_id: string | null;
  expires_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface NotificationsTable {
  key: string;
  /** Null for the scheduled work's mails, keyed `review:…` (migration 0007). */
  request_id: string | null;
  template: string;
  recipient_id: string;
  message_id: string;
  status: 'pending' | 'sent' | 'rejected';
  created_at: CreatedAt;
  sent_at: NullableTimestamp;
  /** The server's reply to a mail it refused for good (migration 0005). */
  rejection: ColumnType<string | null, string | null | undefined, string | null>;
}

/** One event of a request's timeline (migration 0005); `key` makes a retried write add nothing. */
export interface TimelineEventsTable {
  id: Generated<string>;
  request_id: string;
  key: string;
  at: Timestamp;
  type: string;
  actor: Json<unknown> | null;
  data: Json<unknown>;
  recorded_at: CreatedAt;
}

/** A task of the request's current (or an earlier) solution (migration 0005). */
export interface TasksTable {
  request_id: string;
  task_id: string;
  solution_revision: number;
  title: string;
  owner_id: string;
  due_at: Timestamp;
  accepted_at: NullableTimestamp;
  completed_at: NullableTimestamp;
  note: string | null;
  current: ColumnType<boolean, boolean | undefined, boolean>;
  updated_at: Timestamp;
}

/** A deadline window of a request as its document last recorded it (migration 0006). */
export interface RequestDeadlinesTable {
  request_id: string;
  position: number;
  name: string;
  owed_by: string | null;
  task_id: string | null;
  armed_at: Timestamp;
  due_at: Timestamp;
  state: 'pending' | 'paused' | 'met' | 'missed' | 'cancelled';
  reminded_at: NullableTimestamp;
  settled_at: NullableTimestamp;
  fulfilled_at: NullableTimestamp;
  escalated_at: NullableTimestamp;
}

/** A first-contact rating, callback or questionnaire answer (migration 0005). */
export interface FeedbackTable {
  request_id: string;
  kind: 'first_contact_rating' | 'callback' | 'survey';
  recorded_at: Timestamp;
  by_role: string;
  by_agent_id: string | null;
  rating: number | null;
  resolved: boolean | null;
  response_speed: number | null;
  resolution: number | null;
  attitude: number | null;
  professionalism: number | null;
  verdict: string | null;
  nps: number | null;
  shortfalls: string | null;
  comment: string | null;
}

/** A stored weekly or quarterly review (migration 0005). */
export interface StoredReportsTable {
  id: Generated<string>;
  kind: 'weekly_review' | 'quarterly_feedback_review';
  period_from: Timestamp;
  period_to: Timestamp;
  document: Json<unknown>;
  created_at: CreatedAt;
}

export interface VersionedDocumentTable {
  version: number;
  document: Json<unknown>;
  created_by: string;
  created_at: CreatedAt;
}

export interface Database {
  service_groups: ServiceGroupsTable;
  agents: AgentsTable;
  customers: CustomersTable;
  request_counters: RequestCountersTable;
  requests: RequestsTable;
  archived_requests: ArchivedRequestsTable;
  complaint_reviews: ComplaintReviewsTable;
  intake_keys: IntakeKeysTable;
  api_tokens: ApiTokensTable;
  notifications: NotificationsTable;
  timeline_events: TimelineEventsTable;
  tasks: TasksTable;
  request_deadlines: RequestDeadlinesTable;
  feedback: FeedbackTable;
  stored_reports: StoredReportsTable;
  policies: VersionedDocumentTable;
  calendars: VersionedDocumentTable;
}

export type AgentRow = Selectable<AgentsTable>;
