/**
 * The state machine of actions (api.md "Actions"): for a request as it stands
 * and an actor, whether an action may be taken, and if not, why. Pure: the
 * workflow's Update validators call it, and its tests walk every action in
 * every state with every kind of actor. Scope is judged before state, so a
 * caller without scope learns nothing about the request.
 */
import type { Actor } from '../contracts/actor';
import type { ActionRecord, Complexity, RequestStatus, RequestType, Stage, SubStage } from '../contracts/request';

/** Every action of api.md's table, in its order. */
export const ACTION_NAMES = [
  'acknowledge',
  'temporary-measure',
  'resolve',
  'reclassify',
  'requirement-sheet',
  'confirm',
  'request-changes',
  'solution',
  'review',
  'agree-solution',
  'revise-solution',
  'accept-task',
  'complete-task',
  'progress',
  'delay',
  'wait-for-customer',
  'resume',
  'delivery',
  'accept',
  'reject',
  'callback',
  'survey',
  'rate-first-contact',
  'intervention',
  'root-cause',
  'reassign',
  'cancel',
] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

/** Actions the customer takes (from a customer page, or recorded by staff with `recordedFrom`). */
export const CUSTOMER_ACTIONS: ReadonlySet<ActionName> = new Set<ActionName>([
  'confirm',
  'request-changes',
  'agree-solution',
  'revise-solution',
  'accept',
  'reject',
  'survey',
  'rate-first-contact',
  'resume',
  'cancel',
]);

/** What the state machine needs to know of a request. */
export interface RequestView {
  stage: Stage;
  subStage: SubStage | null;
  status: RequestStatus;
  type: RequestType;
  complexity: Complexity;
  assignee: { id: string; group: string } | null;
  /** The group the request belongs to: the assignee's, or the routed one while unassigned. */
  group: string;
  firstResponded: boolean;
  firstContactRated: boolean;
  temporaryMeasureRecorded: boolean;
  /** Tasks of the agreed solution. */
  tasks: { id: string; ownerId: string; accepted: boolean; completed: boolean }[];
  /** Reviewers of the solution in review, and their answers so far. */
  reviews: { area: string; agentId: string; approved: boolean | null }[];
  /** A closed complaint whose root-cause review is still owed. */
  complaintReviewOwed: boolean;
  /** The execution deadline while in progress (ISO-8601), for `delay`. */
  executionDueAt: string | null;
}

/** What an action is about, where it names something: a task, a review area. */
export interface ActionTarget {
  taskId?: string;
  area?: string;
}

export type ActionVerdict =
  | { allowed: true }
  | { allowed: false; failure: 'Forbidden' | 'InvalidTransition'; reason: string };

const ALLOWED: ActionVerdict = { allowed: true };
const forbidden = (reason: string): ActionVerdict => ({ allowed: false, failure: 'Forbidden', reason });
const invalid = (reason: string): ActionVerdict => ({ allowed: false, failure: 'InvalidTransition', reason });

const isSupervisor = (actor: Actor): boolean => actor.kind === 'staff' && (actor.role === 'supervisor' || actor.role === 'admin');
const isAssignee = (actor: Actor, view: RequestView): boolean =>
  actor.kind === 'staff' && actor.agentId !== null && actor.agentId === view.assignee?.id;
const isGroupLead = (actor: Actor, view: RequestView): boolean =>
  actor.kind === 'staff' && actor.role === 'agent' && actor.lead && actor.group === view.group;
const isServiceRepresentative = (actor: Actor): boolean => actor.kind === 'staff' && actor.role === 'intake';

/** Who may take the action on this request (scope), before its state is looked at. */
function inScope(action: ActionName, actor: Actor, view: RequestView, target: ActionTarget): boolean {
  if (CUSTOMER_ACTIONS.has(action)) {
    if (actor.kind === 'customer') return true;
    if (action === 'resume' && isAssignee(actor, view) && actor.recordedFrom === null) return true;
    if (action === 'cancel' && isSupervisor(actor) && actor.recordedFrom === null) return true;
    // Staff record what the customer said; the assignee may not record the questionnaire.
    if (actor.recordedFrom === null) return false;
    if (action === 'survey' && isAssignee(actor, view)) return false;
    return isAssignee(actor, view) || isGroupLead(actor, view) || isServiceRepresentative(actor) || isSupervisor(actor);
  }
  // Only a customer's action is recorded on someone's behalf.
  if (actor.kind === 'customer' || actor.recordedFrom !== null) return false;
  switch (action) {
    case 'acknowledge':
    case 'resolve':
    case 'solution':
    case 'progress':
    case 'delay':
    case 'wait-for-customer':
    case 'delivery':
      return isAssignee(actor, view);
    case 'temporary-measure':
      return isAssignee(actor, view) || (view.assignee === null && (isGroupLead(actor, view) || isSupervisor(actor)));
    case 'reclassify':
    case 'requirement-sheet':
      return isAssignee(actor, view) || isGroupLead(actor, view);
    case 'review':
      return isSupervisor(actor) || view.reviews.some((r) => r.agentId === actor.agentId && (target.area === undefined || r.area === target.area));
    case 'accept-task':
    case 'complete-task':
      return view.tasks.some((t) => t.ownerId === actor.agentId && (target.taskId === undefined || t.id === target.taskId));
    case 'callback':
      return isServiceRepresentative(actor) || isSupervisor(actor);
    case 'intervention':
    case 'root-cause':
      return isSupervisor(actor);
    case 'reassign':
      return isSupervisor(actor) || isGroupLead(actor, view);
    default:
      return false;
  }
}

const at = (view: RequestView, stage: Stage, subStage?: SubStage): boolean =>
  view.stage === stage && (subStage === undefined || view.subStage === subStage);
const open = (view: RequestView): boolean => view.status === 'open';
const simple = (view: RequestView): boolean => view.complexity === 'simple';

/** Whether the request's state admits the action (scope already granted). */
function stateAdmits(action: ActionName, view: RequestView, target: ActionTarget, now: Date): boolean {
  switch (action) {
    case 'acknowledge':
      return at(view, 'assigned');
    case 'temporary-measure':
      return open(view) && view.complexity === 'emergency' && !view.temporaryMeasureRecorded;
    case 'resolve':
      return (at(view, 'assigned') || at(view, 'analysis')) && simple(view);
    case 'reclassify':
      return (at(view, 'assigned') || at(view, 'analysis')) && simple(view) && view.type !== 'suggestion';
    case 'requirement-sheet':
      return at(view, 'analysis') && view.complexity === 'complex';
    case 'confirm':
    case 'request-changes':
      return at(view, 'awaiting_confirmation');
    case 'solution':
      return at(view, 'solution_design', 'drafting');
    case 'review':
      return at(view, 'solution_design', 'in_review') && view.reviews.some((r) => r.approved === null && (target.area === undefined || r.area === target.area));
    case 'agree-solution':
    case 'revise-solution':
      return at(view, 'solution_design', 'presented');
    case 'accept-task':
      return (at(view, 'in_progress') || at(view, 'rework')) && view.tasks.some((t) => t.id === target.taskId && !t.accepted);
    case 'complete-task':
      return (at(view, 'in_progress') || at(view, 'rework')) && view.tasks.some((t) => t.id === target.taskId && !t.completed);
    case 'progress':
      return at(view, 'in_progress') || at(view, 'rework');
    case 'delay':
      return at(view, 'in_progress') && view.executionDueAt !== null && now.getTime() < Date.parse(view.executionDueAt);
    case 'wait-for-customer':
      return at(view, 'in_progress', 'working');
    case 'resume':
      return at(view, 'in_progress', 'waiting_on_customer');
    case 'delivery':
      return (at(view, 'in_progress') || at(view, 'rework')) && view.tasks.every((t) => t.completed);
    case 'accept':
    case 'reject':
      return at(view, 'awaiting_acceptance');
    case 'callback':
    case 'survey':
      return at(view, 'follow_up', 'awaiting_feedback');
    case 'rate-first-contact':
      return open(view) && view.firstResponded && !view.firstContactRated;
    case 'intervention':
      return at(view, 'follow_up', 'intervention');
    case 'root-cause':
      return at(view, 'closed') && view.type === 'complaint' && view.complaintReviewOwed;
    case 'reassign':
    case 'cancel':
      return open(view);
  }
}

/** May `actor` take `action` on the request now? Scope first, then state. */
export function judgeAction(action: ActionName, actor: Actor, view: RequestView, now: Date, target: ActionTarget = {}): ActionVerdict {
  if (!inScope(action, actor, view, target)) return forbidden(`${action} is not yours to take on this request`);
  if (!stateAdmits(action, view, target, now)) {
    const where = view.subStage ? `${view.stage}/${view.subStage}` : view.stage;
    return invalid(`${action} is not allowed in ${where}`);
  }
  return ALLOWED;
}

/**
 * The actions `actor` may take now (what a 409 lists as `allowed`). Actions
 * naming a task or a review area are listed when one of them would do.
 */
export function allowedActions(actor: Actor, view: RequestView, now: Date): ActionName[] {
  return ACTION_NAMES.filter((action) => {
    if (action === 'accept-task' || action === 'complete-task') {
      return view.tasks.some((t) => judgeAction(action, actor, view, now, { taskId: t.id }).allowed);
    }
    return judgeAction(action, actor, view, now).allowed;
  });
}

/** Who took an action and when, as documents record it (kind and role, an agent id, the channel staff recorded it from). */
export function actionRecord(actor: Actor, at: string): ActionRecord {
  return { at, byKind: actor.kind, byRole: actor.role, byAgentId: actor.agentId, recordedFrom: actor.recordedFrom };
}
