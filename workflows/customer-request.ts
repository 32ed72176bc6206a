/**
 * Workflow `customerRequest`: one customer request (客户需求) from intake on.
 * It records the request, sends the receipt notice (受理通知), assigns an
 * agent and holds the first-response deadline as a durable timer. Later
 * stages build on this story (issues 4 and 5).
 */
import {
  condition,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { AssignmentResult, NotificationRecipient, NotificationTemplate, NotifyInput, RequestActivities } from '../contracts/activities';
import type { CalendarSnapshot } from '../contracts/calendar';
import { forbidden, invalidTransition, preconditionFailed } from '../contracts/failures';
import type { PolicyDeadlineId, WorkflowPolicy } from '../contracts/policy';
import type { CustomerRequestInput, DeadlineEntry, RequestDocument, Stage, SubStage } from '../contracts/request';
import { SearchAttribute, Timeouts } from '../contracts/temporal';
import { ACTION_NAMES, allowedActions, judgeAction, type ActionName, type RequestView } from '../rules/actions';
import { DEADLINES, type DeadlineParty } from '../rules/deadline-catalogue';
import { deadlineDuration } from '../rules/deadlines';
import { initialDocument } from '../rules/request-document';
import { dueAt } from '../rules/working-days';
import { actionUpdates, HANDLED_ACTIONS, stateQuery, type ActionCommand } from './definitions';

const activityOptions: ActivityOptions = {
  startToCloseTimeout: Timeouts.activityStartToClose,
  // No attempt limit: a database or mail server outage delays a step, never loses it.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
};
const activities = proxyActivities<RequestActivities>(activityOptions);

/** Runs an activity with a summary naming the step, for the Temporal UI. */
function step(summary: string): ActivityOptions {
  return { ...activityOptions, summary };
}

export async function customerRequest(input: CustomerRequestInput): Promise<RequestDocument> {
  const request = new OpenRequest(input);
  setHandler(stateQuery, () => request.doc);
  for (const action of ACTION_NAMES) {
    setHandler(actionUpdates[action], (command) => request.perform(action, command), {
      validator: (command) => request.validate(action, command),
    });
  }

  const policySnapshot = await activities.loadPolicy.executeWithOptions(step('load policy version'), [
    { version: input.policyVersion },
  ]);
  const calendar = await activities.loadCalendar.executeWithOptions(step('load calendar snapshot'), [
    { from: input.recordedAt },
  ]);
  request.adopt(policySnapshot.version, policySnapshot.policy, calendar);

  await activities.recordRequest.executeWithOptions(step('record request'), [{ request: input, document: request.doc }]);
  await request.notify('receipt-notice', [{ kind: 'customer', customerId: input.customerId }]);

  await request.assign();
  await request.awaitFirstResponse();

  // The stages after the first response are built on top of this (issues 4 and 5).
  await condition(() => request.doc.status !== 'open');
  return request.doc;
}

/** The request's state and the steps that change it. */
class OpenRequest {
  readonly doc: RequestDocument;
  private policy!: WorkflowPolicy;
  private calendar!: CalendarSnapshot;
  /** Numbers notification events; with template and recipient it keys each e-mail. */
  private eventSeq = 0;
  /** Staff-side deadlines missed whose action is still owed (the `Overdue` attribute). */
  private readonly overdueActions = new Set<string>();
  private lastEscalatedAt: Date | null = null;
  private firstResponded = false;
  /** The group the policy routes the request to; known once the policy is loaded. */
  private routedGroup = '';
  /** The search-attribute values last upserted, by key. */
  private readonly published = new Map<string, unknown>();

  constructor(input: CustomerRequestInput) {
    this.doc = initialDocument(input);
  }

  adopt(policyVersion: number, policy: WorkflowPolicy, calendar: CalendarSnapshot): void {
    this.policy = policy;
    this.calendar = calendar;
    this.routedGroup = policy.routing[this.doc.type];
    this.doc.policyVersion = policyVersion;
    this.doc.calendarVersion = calendar.version;
    this.publish();
  }

  async assign(): Promise<void> {
    const groupId = this.routedGroup;
    let toldNobodyEligible = false;
    for (;;) {
      const result = await this.findAgent('assign an agent', groupId, []);
      if (result.outcome === 'assigned') {
        this.doc.assignee = { id: result.agentId, group: result.groupId };
        this.moveTo('assigned');
        return;
      }
      if (!toldNobodyEligible) {
        toldNobodyEligible = true;
        await this.notify('nobody-eligible', this.recipients(['groupLead', 'supervisors']));
      }
      const retry = this.policy.assignmentRetry;
      const retryAt = dueAt(retry, new Date(), this.calendar);
      await sleep(retryAt.getTime() - Date.now(), { summary: 'assignment retry: nobody eligible' });
    }
  }

  /**
   * The first response (process.md stage 1): each assignment opens a window;
   * its owner is reminded at 80% of it; a miss escalates to the group lead
   * (a second one to the supervisors too) and reassigns to the next eligible
   * agent. The customer then hears who handles the request.
   */
  async awaitFirstResponse(): Promise<void> {
    const missedBy: string[] = [];
    for (;;) {
      const assignee = this.doc.assignee!;
      const armedAt = Date.now();
      const deadline = this.arm('firstResponse');
      await this.recordState();
      await this.notify('assignment', [{ kind: 'agent', agentId: assignee.id }], dueFacts(deadline));
      if (await this.firstResponseBefore(deadline, armedAt)) break;

      // The workflow's own order of events decides: an acknowledgement
      // accepted before the timer fired has already met the deadline.
      this.miss(deadline);
      missedBy.push(assignee.id);
      await this.recordState();
      const escalateTo: DeadlineParty[] = missedBy.length > 1 ? [...DEADLINES.firstResponse.escalateTo, 'supervisors'] : DEADLINES.firstResponse.escalateTo;
      await this.notify('deadline-escalation', this.recipients(escalateTo), dueFacts(deadline));

      const next = await this.findAgent('reassign: first response missed', assignee.group, missedBy);
      if (next.outcome === 'nobody_eligible') {
        // Nobody else may take it: it stays with the assignee, owed and overdue.
        await this.notify('nobody-eligible', this.recipients(['groupLead', 'supervisors']));
        await condition(() => this.firstResponded);
        break;
      }
      this.doc.assignee = { id: next.agentId, group: next.groupId };
      this.doc.reassignments += 1;
      this.changed();
      await this.notify('reassignment', [{ kind: 'agent', agentId: assignee.id }], { deadline: deadline.name });
    }
    await this.recordState();
    await this.notify('first-response', [{ kind: 'customer', customerId: this.doc.customer.id }], {
      link: 'first-contact-rating',
    });
  }

  /** Asks the assignment activity for an agent of the group, skipping `excludeAgentIds`. */
  private findAgent(summary: string, groupId: string, excludeAgentIds: string[]): Promise<AssignmentResult> {
    return activities.assignAgent.executeWithOptions(step(summary), [
      { requestId: this.doc.id, customerId: this.doc.customer.id, groupId, tier: this.doc.customer.tier, excludeAgentIds },
    ]);
  }

  /** Waits for the first response until the deadline, reminding whoever owes it at 80% of the window. */
  private async firstResponseBefore(deadline: DeadlineEntry, armedAt: number): Promise<boolean> {
    const due = Date.parse(deadline.dueAt);
    const remindAt = armedAt + (due - armedAt) * this.policy.reminderAtFraction;
    const answered = () => this.firstResponded;
    if (await condition(answered, Math.max(0, remindAt - Date.now()), { summary: `${deadline.name} reminder` })) return true;
    await this.notify('deadline-reminder', this.recipients([DEADLINES.firstResponse.owedBy]), dueFacts(deadline));
    return condition(answered, Math.max(0, due - Date.now()), { summary: `${deadline.name} deadline` });
  }

  /** The recipients of a reminder or an escalation, for this request as it stands. */
  private recipients(parties: DeadlineParty[]): NotificationRecipient[] {
    return parties.flatMap((party): NotificationRecipient[] => {
      switch (party) {
        case 'assignee':
          return this.doc.assignee ? [{ kind: 'agent', agentId: this.doc.assignee.id }] : [];
        case 'groupLead':
          return [{ kind: 'groupLead', groupId: this.doc.assignee?.group ?? this.routedGroup }];
        case 'supervisors':
        case 'headOfService':
          return [{ kind: 'policyAddress', name: party }];
        case 'customer':
          return [{ kind: 'customer', customerId: this.doc.customer.id }];
        default:
          // Task owners, reviewers and service representatives arrive with the later stages;
          // failing the workflow task here is louder than a mail silently not sent.
          throw new Error(`no recipients for ${party} yet`);
      }
    });
  }

  /**
   * Every action's validator, in api.md's order: scope (`Forbidden`), then the
   * version (`PreconditionFailed`), then state (`InvalidTransition`). A
   * rejected action leaves no trace in history.
   */
  validate(action: ActionName, command: ActionCommand): void {
    const now = new Date();
    const view = this.view();
    const target = { taskId: textOf(command.input.taskId), area: textOf(command.input.area) };
    const verdict = judgeAction(action, command.actor, view, now, target);
    if (!verdict.allowed && verdict.failure === 'Forbidden') throw forbidden(verdict.reason);
    this.checkVersion(command);
    if (!verdict.allowed || !HANDLED_ACTIONS.has(action)) {
      const where = this.doc.subStage ? `${this.doc.stage}/${this.doc.subStage}` : this.doc.stage;
      throw invalidTransition(verdict.allowed ? `${action} is not allowed in ${where}` : verdict.reason, {
        stage: this.doc.stage,
        subStage: this.doc.subStage,
        allowed: allowedActions(command.actor, view, now).filter((a) => HANDLED_ACTIONS.has(a)),
      });
    }
  }

  /** Changes state only and returns; the main flow sends what follows, so the Update answers at once. */
  perform(action: ActionName, _command: ActionCommand): RequestDocument {
    switch (action) {
      case 'acknowledge':
        this.firstResponded = true;
        this.meet('firstResponse');
        if (this.doc.complexity === 'emergency') this.moveTo('solution_design', 'drafting');
        else this.moveTo('analysis');
        return this.doc;
      default:
        // The validator admits only handled actions.
        throw new Error(`${action} has no handler yet`);
    }
  }

  /** The request as the state machine of actions sees it. */
  private view(): RequestView {
    return {
      stage: this.doc.stage,
      subStage: this.doc.subStage,
      status: this.doc.status,
      type: this.doc.type,
      complexity: this.doc.complexity,
      assignee: this.doc.assignee,
      group: this.doc.assignee?.group ?? this.routedGroup,
      firstResponded: this.firstResponded,
      firstContactRated: false,
      temporaryMeasureRecorded: false,
      tasks: [],
      reviews: [],
      complaintReviewOwed: false,
      executionDueAt: null,
    };
  }

  private checkVersion(command: ActionCommand<unknown>): void {
    if (command.ifMatch !== undefined && command.ifMatch !== this.doc.version) {
      throw preconditionFailed(command.ifMatch, this.doc.version);
    }
  }

  private arm(name: PolicyDeadlineId): DeadlineEntry {
    const duration = deadlineDuration(this.policy, name, { priority: this.doc.priority, tier: this.doc.customer.tier });
    const entry: DeadlineEntry = { name, dueAt: dueAt(duration, new Date(), this.calendar).toISOString(), state: 'pending' };
    this.doc.deadlines.push(entry);
    this.changed();
    return entry;
  }

  private meet(name: PolicyDeadlineId): void {
    for (const entry of this.doc.deadlines) {
      if (entry.name === name && entry.state === 'pending') entry.state = 'met';
    }
    // A missed deadline stays missed for the KPIs, but its action is no longer owed.
    this.overdueActions.delete(name);
    this.changed();
  }

  private miss(entry: DeadlineEntry): void {
    entry.state = 'missed';
    this.overdueActions.add(entry.name);
    this.lastEscalatedAt = new Date();
    this.changed();
  }

  private moveTo(stage: Stage, subStage: SubStage | null = null): void {
    this.doc.stage = stage;
    this.doc.subStage = subStage;
    this.changed();
  }

  private changed(): void {
    this.doc.version += 1;
    this.publish();
  }

  /** Keeps search attributes and the current details in step with the document. */
  private publish(): void {
    const { doc } = this;
    const pending = doc.deadlines.filter((d) => d.state === 'pending').sort((a, b) => a.dueAt.localeCompare(b.dueAt));
    const next = pending[0];
    const attributes: SearchAttributeUpdatePair[] = [
      { key: SearchAttribute.RequestStage, value: doc.stage },
      { key: SearchAttribute.RequestSubStage, value: doc.subStage },
      { key: SearchAttribute.RequestStatus, value: doc.status },
      { key: SearchAttribute.Priority, value: doc.priority },
      { key: SearchAttribute.RequestType, value: doc.type },
      { key: SearchAttribute.CustomerTier, value: doc.customer.tier },
      { key: SearchAttribute.CustomerId, value: doc.customer.id },
      { key: SearchAttribute.AssignedGroup, value: doc.assignee?.group ?? null },
      { key: SearchAttribute.AssignedAgent, value: doc.assignee?.id ?? null },
      { key: SearchAttribute.NextDeadline, value: next ? new Date(next.dueAt) : null },
      { key: SearchAttribute.LastEscalatedAt, value: this.lastEscalatedAt },
      { key: SearchAttribute.Overdue, value: this.overdueActions.size > 0 },
    ];
    // Only what changed; a null unsets an attribute, and one never set needs no unsetting.
    const changed = attributes.filter(({ key, value }) => {
      const before = this.published.get(key.name) ?? null;
      const now = value instanceof Date ? value.toISOString() : value;
      this.published.set(key.name, now);
      return now !== before;
    });
    if (changed.length > 0) upsertSearchAttributes(changed);
    const holder = doc.assignee ? `agent ${doc.assignee.id} (${doc.assignee.group})` : 'unassigned';
    const due = next ? `${next.name} due ${next.dueAt}` : 'nothing due';
    const overdue = this.overdueActions.size > 0 ? ` · OVERDUE: ${[...this.overdueActions].join(', ')}` : '';
    setCurrentDetails(`${doc.stage}${doc.subStage ? `/${doc.subStage}` : ''} · ${holder} · ${due}${overdue}`);
  }

  private async recordState(): Promise<void> {
    await activities.recordState.executeWithOptions(step(`record state: ${this.doc.stage}`), [{ document: this.doc }]);
  }

  async notify(
    template: NotificationTemplate,
    recipients: NotificationRecipient[],
    facts: NotifyInput['facts'] = {},
  ): Promise<void> {
    this.eventSeq += 1;
    await activities.notify.executeWithOptions(step(`e-mail: ${template}`), [
      { requestId: this.doc.id, eventSeq: this.eventSeq, template, recipients, facts },
    ]);
  }
}

/** What a reminder or an escalation e-mail says of its deadline. */
function dueFacts(deadline: DeadlineEntry): NotifyInput['facts'] {
  return { deadline: deadline.name, dueAt: deadline.dueAt };
}

/** A text field of an action's input, when it is one. */
function textOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
