/**
 * The policy (process.md "Deadlines"): every deadline by its id, each
 * duration in calendar time or working days, with per-priority and per-tier
 * overrides, and the rules around them. These are defaults; a deployment
 * stores its own versions in PostgreSQL, and a running request keeps the
 * version it started with.
 */
import { z } from 'zod';
import { CustomerTier, DeadlineId, Priority, RequestType } from './request';

export const PolicyDuration = z.discriminatedUnion('clock', [
  z.object({ clock: z.literal('calendar'), seconds: z.number().int().positive() }),
  /** `days: 0` is the next end of business of a working day still to come (the daily progress duty). */
  z.object({ clock: z.literal('workingDays'), days: z.number().int().min(0) }),
]);
export type PolicyDuration = z.infer<typeof PolicyDuration>;

export const DeadlinePolicy = z.object({
  default: PolicyDuration,
  byPriority: z.partialRecord(Priority, PolicyDuration).optional(),
  byTier: z.partialRecord(CustomerTier, PolicyDuration).optional(),
});
export type DeadlinePolicy = z.infer<typeof DeadlinePolicy>;

/** `taskDue` has no duration of its own: each task carries its due time. */
export const PolicyDeadlineId = DeadlineId.exclude(['taskDue']);
export type PolicyDeadlineId = z.infer<typeof PolicyDeadlineId>;

/** The part of a policy a workflow keeps: no addresses, so nothing personal enters history. */
export const WorkflowPolicy = z.object({
  deadlines: z.record(PolicyDeadlineId, DeadlinePolicy),
  /** A reminder goes out when this fraction of a staff-side window has elapsed. */
  reminderAtFraction: z.number().gt(0).lt(1),
  /** How often assignment is tried again while nobody is eligible. */
  assignmentRetry: PolicyDuration,
  /** ✎ The number of void sheets after which a request closes `unconfirmed`. */
  voidSheetsBeforeUnconfirmed: z.number().int().positive(),
  /** The rejection that escalates (the third by default). */
  rejectionsBeforeEscalation: z.number().int().positive(),
  /** ✎ At the end of the acceptance window: deemed accepted, or escalate and keep waiting. */
  acceptanceOnExpiry: z.enum(['deemed_accepted', 'escalate']),
  /** Callback windows before the follow-up closes `missed`. */
  callbackWindowsBeforeMissed: z.number().int().positive(),
  /** Routing: the service group that takes each request type. */
  routing: z.record(RequestType, z.string().min(1)),
  /** Open requests an agent may hold unless their own capacity says otherwise. */
  defaultCapacity: z.number().int().positive(),
  /** Continue-as-new past this many history events. */
  historyLengthLimit: z.number().int().positive(),
});
export type WorkflowPolicy = z.infer<typeof WorkflowPolicy>;

export const Policy = WorkflowPolicy.extend({
  /** Escalation addresses (role mailboxes); read by the notification activity, never by workflows. */
  addresses: z.object({
    supervisors: z.array(z.email()).min(1),
    headOfService: z.email(),
    /** The service representatives' desk (客服专员), who owe the callbacks; without it their mails go to the supervisors. */
    serviceRepresentatives: z.array(z.email()).min(1).optional(),
  }),
});
export type Policy = z.infer<typeof Policy>;
export type PolicyAddressName = keyof Policy['addresses'];

/** A policy version as a workflow obtains it and keeps it. */
export interface PolicySnapshot {
  version: number;
  policy: WorkflowPolicy;
}

const minutes = (n: number): PolicyDuration => ({ clock: 'calendar', seconds: n * 60 });
const hours = (n: number): PolicyDuration => minutes(n * 60);
const workingDays = (n: number): PolicyDuration => ({ clock: 'workingDays', days: n });

/** The defaults of process.md. */
export const DEFAULT_POLICY: Policy = {
  deadlines: {
    firstResponse: { default: minutes(30), byPriority: { P1: minutes(5) } },
    temporaryMeasure: { default: minutes(30) },
    simpleAnswer: { default: workingDays(1) },
    suggestionOutcome: { default: hours(72) },
    requirementSheet: { default: workingDays(2) },
    confirmation: { default: workingDays(1) },
    solution: { default: hours(2) },
    review: { default: workingDays(1) },
    solutionAgreement: { default: workingDays(3) },
    taskAcceptance: { default: hours(4) },
    dailyProgress: { default: workingDays(0) },
    execution: { default: hours(72), byPriority: { P1: hours(2), P2: hours(24) } },
    acceptance: { default: workingDays(3) },
    rework: { default: workingDays(2) },
    callback: { default: workingDays(3) },
    intervention: { default: hours(1) },
    complaintReview: { default: hours(48) },
  },
  reminderAtFraction: 0.8,
  assignmentRetry: minutes(5),
  voidSheetsBeforeUnconfirmed: 3,
  rejectionsBeforeEscalation: 3,
  acceptanceOnExpiry: 'deemed_accepted',
  callbackWindowsBeforeMissed: 2,
  routing: {
    consultation: 'product_consulting',
    suggestion: 'product_consulting',
    fault: 'technical_support',
    after_sales: 'after_sales',
    complaint: 'complaints',
  },
  defaultCapacity: 20,
  historyLengthLimit: 10_000,
  addresses: {
    supervisors: ['supervisors@service.example'],
    headOfService: 'head-of-service@service.example',
    serviceRepresentatives: ['service-desk@service.example'],
  },
};

export function workflowPolicy(policy: Policy): WorkflowPolicy {
  const { addresses: _addresses, ...rules } = policy;
  return rules;
}
