/**
 * The deadline catalogue: one place that knows every deadline of process.md's
 * table — when it starts, its clock, which side owes it, who is reminded at
 * 80% and who is told when it passes, and what its expiry does. Durations
 * are the policy's (contracts/policy.ts); this is what does not change with
 * a policy version.
 */
import { DeadlineId, type RequestDocument } from '../contracts/request';

/** Who a reminder or an escalation goes to. */
export type DeadlineParty =
  | 'assignee'
  | 'groupLead'
  | 'supervisors'
  | 'headOfService'
  | 'customer'
  | 'taskOwner'
  | 'reviewers'
  | 'serviceRepresentatives';

/** What the workflow does when the deadline passes, besides telling `escalateTo`. */
export type ExpiryEffect =
  /** Nothing changes: the action stays owed (and `Overdue` says so for staff-side deadlines). */
  | 'keepWaiting'
  /** Reassign to the next eligible agent; a second miss also tells the supervisors. */
  | 'reassign'
  /** The sheet is void, back to analysis; at the policy's count of void sheets, closed `unconfirmed`. */
  | 'voidSheet'
  /** Deemed accepted (逾期未验收视为验收通过), unless the policy says to escalate and keep waiting. */
  | 'deemAccepted'
  /** A second window; after it the follow-up closes `missed`. */
  | 'secondWindowThenMissed';

export interface DeadlineDefinition {
  id: DeadlineId;
  /** Customer-side deadlines (C) are recorded but never count against staff. */
  side: 'staff' | 'customer';
  /** When it is armed (process.md's "starts at"). */
  startsAt: string;
  /** The clock of the default; a policy may choose either for any deadline but `taskDue`. */
  clock: 'calendar' | 'workingDays' | 'taskDueTime';
  /** Who owes the action, and gets the reminder when 80% of a staff-side window has passed. */
  owedBy: DeadlineParty;
  /** Who is told when it passes. */
  escalateTo: DeadlineParty[];
  effect: ExpiryEffect;
  /** The duty lapses when it passes (a day's progress cannot be given later): not owed, so never `Overdue`. */
  lapses?: boolean;
}

const staff = (d: Omit<DeadlineDefinition, 'side'>): DeadlineDefinition => ({ ...d, side: 'staff' });
const customer = (d: Omit<DeadlineDefinition, 'side'>): DeadlineDefinition => ({ ...d, side: 'customer' });

export const DEADLINES: Record<DeadlineId, DeadlineDefinition> = {
  firstResponse: staff({ id: 'firstResponse', startsAt: 'assignment', clock: 'calendar', owedBy: 'assignee', escalateTo: ['groupLead'], effect: 'reassign' }),
  temporaryMeasure: staff({ id: 'temporaryMeasure', startsAt: 'intake (emergency)', clock: 'calendar', owedBy: 'assignee', escalateTo: ['supervisors'], effect: 'keepWaiting' }),
  simpleAnswer: staff({ id: 'simpleAnswer', startsAt: 'first response (simple, not suggestion)', clock: 'workingDays', owedBy: 'assignee', escalateTo: ['groupLead'], effect: 'keepWaiting' }),
  suggestionOutcome: staff({ id: 'suggestionOutcome', startsAt: 'intake (suggestion)', clock: 'calendar', owedBy: 'assignee', escalateTo: ['groupLead'], effect: 'keepWaiting' }),
  requirementSheet: staff({ id: 'requirementSheet', startsAt: 'first response, reclassification, a change request or a void sheet', clock: 'workingDays', owedBy: 'assignee', escalateTo: ['assignee', 'groupLead'], effect: 'keepWaiting' }),
  confirmation: customer({ id: 'confirmation', startsAt: 'sheet sent', clock: 'workingDays', owedBy: 'customer', escalateTo: ['assignee'], effect: 'voidSheet' }),
  solution: staff({ id: 'solution', startsAt: 'confirmation (complex), intake (emergency), a review rejection or a revision request', clock: 'calendar', owedBy: 'assignee', escalateTo: ['groupLead'], effect: 'keepWaiting' }),
  review: staff({ id: 'review', startsAt: 'solution submitted for review (one window per round)', clock: 'workingDays', owedBy: 'reviewers', escalateTo: ['groupLead'], effect: 'keepWaiting' }),
  solutionAgreement: customer({ id: 'solutionAgreement', startsAt: 'solution presented', clock: 'workingDays', owedBy: 'customer', escalateTo: ['customer', 'assignee'], effect: 'keepWaiting' }),
  taskAcceptance: staff({ id: 'taskAcceptance', startsAt: "customer's agreement", clock: 'calendar', owedBy: 'taskOwner', escalateTo: ['assignee', 'groupLead'], effect: 'keepWaiting' }),
  taskDue: staff({ id: 'taskDue', startsAt: "customer's agreement", clock: 'taskDueTime', owedBy: 'taskOwner', escalateTo: ['assignee', 'taskOwner'], effect: 'keepWaiting' }),
  dailyProgress: staff({ id: 'dailyProgress', startsAt: 'each working day in progress', clock: 'workingDays', owedBy: 'assignee', escalateTo: ['assignee'], effect: 'keepWaiting', lapses: true }),
  execution: staff({ id: 'execution', startsAt: "customer's agreement", clock: 'calendar', owedBy: 'assignee', escalateTo: ['supervisors'], effect: 'keepWaiting' }),
  acceptance: customer({ id: 'acceptance', startsAt: 'delivery submitted', clock: 'workingDays', owedBy: 'customer', escalateTo: ['customer'], effect: 'deemAccepted' }),
  rework: staff({ id: 'rework', startsAt: 'a rejection, or an intervention that reopens', clock: 'workingDays', owedBy: 'assignee', escalateTo: ['supervisors'], effect: 'keepWaiting' }),
  callback: staff({ id: 'callback', startsAt: 'acceptance or resolution', clock: 'workingDays', owedBy: 'serviceRepresentatives', escalateTo: ['supervisors'], effect: 'secondWindowThenMissed' }),
  intervention: staff({ id: 'intervention', startsAt: 'dissatisfied feedback', clock: 'calendar', owedBy: 'supervisors', escalateTo: ['headOfService'], effect: 'keepWaiting' }),
  complaintReview: staff({ id: 'complaintReview', startsAt: 'complaint closed', clock: 'calendar', owedBy: 'supervisors', escalateTo: ['headOfService'], effect: 'keepWaiting' }),
};

export function isStaffSide(id: DeadlineId): boolean {
  return DEADLINES[id].side === 'staff';
}

/** The deadlines staff owe (customer-side ones never count against staff). */
export const STAFF_SIDE_DEADLINES: readonly DeadlineId[] = DeadlineId.options.filter(isStaffSide);

/**
 * The staff-side deadlines an open request has missed and still owes (the
 * `Overdue` search attribute and the read model's `overdue`), each named once.
 * A lapsed duty is not owed; a closed request owes nothing.
 */
export function overdueDeadlines(doc: Pick<RequestDocument, 'status' | 'deadlines'>): DeadlineId[] {
  if (doc.status !== 'open') return [];
  const owed = doc.deadlines.filter((d) => d.state === 'missed' && d.fulfilledAt === null && isStaffSide(d.name) && !DEADLINES[d.name].lapses);
  return [...new Set(owed.map((d) => d.name))];
}
