/**
 * Workflow `customerRequest`: one customer request (客户需求) from intake on.
 *
 * The story: record the request, send the receipt notice (受理通知), assign an
 * agent, wait for the first response and tell the customer who handles the
 * request. Beside it, two loops run for the request's whole open life: the
 * deadline watcher (every deadline a durable timer, reminded at 80%,
 * escalated when it passes) and the follow-ups of accepted actions. Actions
 * arrive as Updates whose handlers only change state; what they set off runs
 * from the loops. When the request closes (cancelled, unconfirmed or
 * completed) all three stop and the closing steps run; a complaint's root-cause
 * review then goes on as child workflow `complaintReview`.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  currentUpdateInfo,
  isCancellation,
  log,
  ParentClosePolicy,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { AssignmentResult, NotificationRecipient, NotificationTemplate, NotifyInput } from '../contracts/activities';
import type { CalendarSnapshot } from '../contracts/calendar';
import type { CustomerDocument } from '../contracts/customer-document';
import { forbidden, invalidTransition, preconditionFailed, staleDocument } from '../contracts/failures';
import type { PolicyDeadlineId, PolicyDuration, WorkflowPolicy } from '../contracts/policy';
import type {
  ActionRecord,
  CarriedRequest,
  CustomerRequestInput,
  DeadlineEntry,
  DeadlineId,
  FeedbackRatings,
  RequestDocument,
  ReviewArea,
  Solution,
  SolutionTask,
  Stage,
  StoryProgress,
  SubStage,
  Verdict,
} from '../contracts/request';
import { complaintReviewWorkflowId, SearchAttribute } from '../contracts/temporal';
import type { TimelineActor, TimelineData, TimelineEvent, TimelineEventType } from '../contracts/timeline';
import { ACTION_NAMES, actionRecord, allowedActions, judgeAction, type ActionName, type RequestView } from '../rules/actions';
import { DEADLINES, isStaffSide, overdueDeadlines, type DeadlineParty } from '../rules/deadline-catalogue';
import { deadlineDuration } from '../rules/deadlines';
import { initialDocument } from '../rules/request-document';
import { dueAt, localDate } from '../rules/working-days';
import { complaintReview } from './complaint-review';
import { actionUpdates, stateQuery, type ActionCommand } from './definitions';
import { activities, step } from './steps';
import { hasChange, Patch } from './versioning';

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;
/** How many recent actions' results a request keeps for retries across runs (bounded: they travel in the next run's input). */
const RECENT_ACTIONS_KEPT = 10;

export async function customerRequest(input: CustomerRequestInput): Promise<RequestDocument> {
  const request = new CustomerRequest(input);
  setHandler(stateQuery, () => request.doc);
  for (const action of ACTION_NAMES) {
    setHandler(actionUpdates[action], (command) => request.perform(action, command), {
      validator: (command) => request.validate(action, command),
    });
  }

  if (input.carried) {
    request.resumeFrom(input.carried);
  } else {
    const policySnapshot = await activities.loadPolicy.executeWithOptions(step('load policy version'), [
      { version: input.policyVersion },
    ]);
    const calendar = await activities.loadCalendar.executeWithOptions(step('load calendar snapshot'), [
      { from: input.recordedAt },
    ]);
    request.adopt(policySnapshot.version, policySnapshot.policy, calendar);
    await activities.recordRequest.executeWithOptions(step('record request'), [{ request: input, document: request.doc }]);
    await request.notify('receipt-notice', [{ kind: 'customer', customerId: input.customerId }]);
  }

  if (await request.runUntilClosedOrLong()) {
    // A long life (many reworks, weeks of progress): the next run takes over with a short history.
    return continueAsNew<typeof customerRequest>({ ...input, carried: request.carry() });
  }
  await request.close();
  return request.doc;
}

/** A follow-up of an accepted action, run in order from the main flow. */
type FollowUp = () => Promise<void>;

/** The request's state and the steps that change it. */
class CustomerRequest {
  readonly doc: RequestDocument;
  private policy!: WorkflowPolicy;
  private calendar!: CalendarSnapshot;
  /** Numbers notification events; with template and recipient it keys each e-mail. */
  private eventSeq = 0;
  private lastEscalatedAt: Date | null = null;
  /** The group the policy routes the request to; known once the policy is loaded. */
  private routedGroup = '';
  /** Set while an assignment activity is in flight: the assignee is about to change. */
  private handingOver = false;
  /** Bumped whenever a deadline is armed or settled, to wake the deadline watcher. */
  private deadlineChanges = 0;
  private readonly followUps: FollowUp[] = [];
  private policyVersion = 0;
  /** Activities running now: a request continues as new only with none in flight. */
  private inFlight = 0;
  /** When each timed wait under way falls due (see `waitUntil`). */
  private readonly timedWaits = new Set<{ at: number }>();
  /** Where the story stands, beyond the document (carried across runs). */
  private story: StoryProgress = { toldNobodyEligible: false, firstResponseMailSent: false, weeklyReports: 0, weekStartedAt: null };
  /** The results of recent actions by Update id, so a retry returns the first result, also in a later run. */
  private readonly recentActions = new Map<string, RequestDocument>();
  /** Timeline events not yet written by `recordState`, oldest first. */
  private timeline: TimelineEvent[] = [];
  /** The last timeline event's number (carried across runs, so numbers never repeat). */
  private timelineSeq = 0;
  /** The search-attribute values last upserted, by key. */
  private readonly published = new Map<string, unknown>();

  constructor(input: CustomerRequestInput) {
    this.doc = input.carried?.doc ?? initialDocument(input);
  }

  /** The next run of a continued request takes over where the last one stopped. */
  resumeFrom(carried: CarriedRequest): void {
    this.policyVersion = carried.policyVersion;
    this.policy = carried.policy;
    this.calendar = carried.calendar;
    this.routedGroup = carried.policy.routing[this.doc.type];
    this.eventSeq = carried.eventSeq;
    this.lastEscalatedAt = carried.lastEscalatedAt === null ? null : new Date(carried.lastEscalatedAt);
    this.story = { ...carried.story };
    // Histories recorded before the timeline existed carry none.
    this.timeline = [...(carried.timeline ?? [])];
    this.timelineSeq = carried.timelineSeq ?? 0;
    for (const { updateId, result } of carried.recentActions) this.recentActions.set(updateId, result);
    this.publish();
  }

  /** What the next run needs; taken when nothing is in flight and no follow-up is queued. */
  carry(): CarriedRequest {
    return {
      doc: this.doc,
      policyVersion: this.policyVersion,
      policy: this.policy,
      calendar: this.calendar,
      eventSeq: this.eventSeq,
      lastEscalatedAt: this.lastEscalatedAt?.toISOString() ?? null,
      story: this.story,
      timeline: this.timeline,
      timelineSeq: this.timelineSeq,
      recentActions: [...this.recentActions].map(([updateId, result]) => ({ updateId, result })),
    };
  }

  adopt(policyVersion: number, policy: WorkflowPolicy, calendar: CalendarSnapshot): void {
    this.policyVersion = policyVersion;
    this.policy = policy;
    this.calendar = calendar;
    this.routedGroup = policy.routing[this.doc.type];
    this.doc.policyVersion = policyVersion;
    this.doc.calendarVersion = calendar.version;
    this.note('stage_changed', { from: null, fromSubStage: null, to: this.doc.stage, subStage: this.doc.subStage });
    // Deadlines that start at intake.
    if (this.doc.complexity === 'emergency') {
      this.arm('temporaryMeasure');
      this.arm('solution');
    }
    if (this.doc.type === 'suggestion') this.arm('suggestionOutcome');
    this.changed();
  }

  /**
   * The open life of the request: the story, the deadline watcher and the
   * follow-ups of actions, until the request closes — or its history grows
   * long (true: continue as new). Whatever is still waiting then is
   * cancelled; a step in flight is left to finish on its own.
   */
  async runUntilClosedOrLong(): Promise<boolean> {
    const scope = new CancellationScope();
    const work = scope.run(() => allSettledOrThrow([this.serve(), this.watchDeadlines(), this.runFollowUps()]));
    const closed = condition(() => this.doc.status !== 'open').then(() => false);
    const long = condition(() => this.mayContinueAsNew()).then(() => true);
    const continueAsNew = await Promise.race([work.then(() => false), closed, long]);
    scope.cancel();
    await work.catch((err: unknown) => {
      if (!isCancellation(err)) throw err;
    });
    return continueAsNew && this.doc.status === 'open';
  }

  /**
   * Past the policy's history length (or when Temporal suggests it), and only
   * at a quiet moment: no activity in flight, no follow-up queued, no handler
   * running, no assignment under way. Everything else is waiting on a
   * condition or a timer, which the next run re-arms from the document.
   */
  private mayContinueAsNew(): boolean {
    const { continueAsNewSuggested, historyLength } = workflowInfo();
    const long = continueAsNewSuggested || historyLength > this.policy.historyLengthLimit;
    return long && this.inFlight === 0 && this.followUps.length === 0 && !this.handingOver && allHandlersFinished() && !this.wakingUp();
  }

  /**
   * A timer has fired, or a deadline needs the watcher, but the code it wakes
   * has not run yet: the SDK checks conditions right after each history event,
   * before the woken code continues, and handing over then would cut that code
   * off halfway (a deadline escalated but its effect never applied).
   */
  private wakingUp(): boolean {
    const now = Date.now();
    if ([...this.timedWaits].some((wait) => wait.at <= now)) return true;
    const next = this.nextWake();
    return (next !== null && next.at <= now) || this.doc.deadlines.some((entry) => entry.state === 'missed' && entry.escalatedAt === null);
  }

  /**
   * Waits until `ready` holds or the clock reaches `at`; true when `ready`
   * came first. It hands back the SDK's own promise, not a wrapper: an extra
   * `await` would reorder the commands of recorded histories on replay.
   */
  private waitUntil(ready: () => boolean, at: number, summary: string): Promise<boolean> {
    const wait = { at };
    this.timedWaits.add(wait);
    const woken = condition(ready, Math.max(1, at - Date.now()), { summary });
    const over = () => void this.timedWaits.delete(wait);
    woken.then(over, over);
    return woken;
  }

  /** The story of stage 1 (需求接入与初步响应): assigned, answered, and the customer told who handles it. */
  private async serve(): Promise<void> {
    await this.assign();
    await condition(() => this.doc.firstResponseAt !== null);
    if (!this.story.firstResponseMailSent) {
      this.story.firstResponseMailSent = true;
      const revision = this.issue('first-contact-rating');
      await this.recordState();
      await this.notify('first-response', [{ kind: 'customer', customerId: this.doc.customer.id }], {
        link: 'first-contact-rating',
        revision,
      });
    }
    await this.reportWeekly();
  }

  /** Every 7 days in progress the customer gets a progress report (服务进度报告). */
  private async reportWeekly(): Promise<void> {
    const inProgress = () => this.doc.stage === 'in_progress';
    for (;;) {
      await condition(inProgress);
      this.story.weekStartedAt ??= new Date().toISOString();
      while (inProgress()) {
        const reportAt: number = Date.parse(this.story.weekStartedAt!) + WEEK_MS;
        const left = await this.waitUntil(() => !inProgress(), reportAt, 'weekly progress report');
        if (left) break;
        this.story.weeklyReports += 1;
        this.story.weekStartedAt = new Date(reportAt).toISOString();
        await this.recordState();
        await this.notify('progress-report', this.recipients(['customer']), { week: this.story.weeklyReports });
      }
      this.story.weekStartedAt = null;
    }
  }

  /** A new revision of a document the customer acts on; links to older ones go stale. */
  private issue(document: CustomerDocument): number {
    const revision = (this.doc.documentRevisions[document] ?? 0) + 1;
    this.doc.documentRevisions[document] = revision;
    this.changed();
    return revision;
  }

  /** Assigns an agent; while nobody is eligible, tells the lead and supervisors once and tries again. */
  private async assign(): Promise<void> {
    while (this.doc.assignee === null) {
      const result = await this.findAgent('assign an agent', this.routedGroup, []);
      if (result.outcome === 'assigned') {
        await this.takeOver({ id: result.agentId, group: result.groupId });
        return;
      }
      if (!this.story.toldNobodyEligible) {
        this.story.toldNobodyEligible = true;
        await this.notify('nobody-eligible', this.recipients(['groupLead', 'supervisors']));
      }
      const retryAt = dueAt(this.policy.assignmentRetry, new Date(), this.calendar);
      // A lead or supervisor may assign someone by hand meanwhile.
      await this.waitUntil(() => this.doc.assignee !== null, retryAt.getTime(), 'assignment retry: nobody eligible');
    }
  }

  /** Asks the assignment activity for an agent of the group, skipping `excludeAgentIds`. */
  private async findAgent(summary: string, groupId: string, excludeAgentIds: string[]): Promise<AssignmentResult> {
    this.handingOver = true;
    try {
      return await activities.assignAgent.executeWithOptions(step(summary), [
        { requestId: this.doc.id, customerId: this.doc.customer.id, groupId, tier: this.doc.customer.tier, excludeAgentIds },
      ]);
    } finally {
      this.handingOver = false;
    }
  }

  /** The request passes to `agent`: state now, and the e-mails that say so. */
  private async takeOver(agent: { id: string; group: string }): Promise<void> {
    const previous = this.handOver(agent);
    await this.recordState();
    await this.tellHandover(previous);
  }

  /**
   * Moves the request to `agent` (state only): while the first response is
   * owed, the previous window closes and the new assignee's opens. Returns
   * the previous assignee.
   */
  private handOver(agent: { id: string; group: string }): string | null {
    const previous = this.doc.assignee?.id ?? null;
    this.doc.assignee = agent;
    if (previous !== null) this.doc.reassignments += 1;
    if (this.doc.stage === 'received') this.moveTo('assigned');
    if (this.doc.firstResponseAt === null) {
      for (const window of this.pending('firstResponse')) this.settle(window, 'cancelled');
      this.arm('firstResponse');
    }
    // The assignee's open windows move with the request (armed before anyone was assigned, or owed by the
    // previous assignee): a miss counts for whoever owed the action when it was due (process.md, KPIs).
    for (const entry of this.doc.deadlines) {
      const open = entry.state === 'pending' || entry.state === 'paused';
      if (open && entry.name !== 'firstResponse' && DEADLINES[entry.name].owedBy === 'assignee' && entry.owedBy === previous) entry.owedBy = agent.id;
    }
    this.changed();
    return previous;
  }

  /** Tells the new assignee (with the first-response window, while it is owed) and the previous one. */
  private async tellHandover(previous: string | null): Promise<void> {
    const window = this.pending('firstResponse')[0];
    await this.notify('assignment', [{ kind: 'agent', agentId: this.doc.assignee!.id }], window ? dueFacts(window) : {});
    if (previous !== null) await this.notify('reassignment', [{ kind: 'agent', agentId: previous }]);
  }

  /**
   * The deadline watcher: sleeps until the next reminder or expiry of any
   * pending deadline, or until one is armed or settled, and acts on what is
   * due. An action accepted before a deadline's timer fired has already met
   * it: the workflow's own order of events decides.
   */
  private async watchDeadlines(): Promise<void> {
    for (;;) {
      for (const entry of this.doc.deadlines) {
        if (entry.state === 'pending' && Date.parse(entry.dueAt) <= Date.now()) this.settle(entry, 'missed');
        if (entry.state === 'missed' && entry.escalatedAt === null) await this.expire(entry);
        if (entry.state === 'pending' && entry.remindedAt === null && this.remindAt(entry) <= Date.now()) await this.remind(entry);
      }
      const next = this.nextWake();
      const seen = this.deadlineChanges;
      const changed = () => this.deadlineChanges !== seen;
      if (next === null) await condition(changed);
      else await this.waitUntil(changed, next.at, next.summary);
    }
  }

  /** The next instant the watcher must act at, and what for. */
  private nextWake(): { at: number; summary: string } | null {
    let next: { at: number; summary: string } | null = null;
    for (const entry of this.doc.deadlines) {
      if (entry.state !== 'pending') continue;
      const reminder = entry.remindedAt === null && isStaffSide(entry.name);
      const at = reminder ? this.remindAt(entry) : Date.parse(entry.dueAt);
      if (next === null || at < next.at) next = { at, summary: `${entry.name} ${reminder ? 'reminder' : 'deadline'}` };
    }
    return next;
  }

  /** A staff-side window's reminder falls when the policy's fraction (80%) of it has elapsed. */
  private remindAt(entry: DeadlineEntry): number {
    if (!isStaffSide(entry.name)) return Number.POSITIVE_INFINITY;
    const armedAt = Date.parse(entry.armedAt);
    return armedAt + (Date.parse(entry.dueAt) - armedAt) * this.policy.reminderAtFraction;
  }

  private async remind(entry: DeadlineEntry): Promise<void> {
    entry.remindedAt = new Date().toISOString();
    this.note('reminder', deadlineData(entry));
    this.changed();
    // The read model shows the reminder at once (requests started before this change record it with their next change).
    if (hasChange(Patch.recordReminders)) await this.recordState();
    await this.notify('deadline-reminder', this.recipients([DEADLINES[entry.name].owedBy], entry), entry.taskId ? { ...dueFacts(entry), taskId: entry.taskId } : dueFacts(entry));
  }

  /** A deadline passed: do what its expiry does (process.md's "on expiry"), telling whom the catalogue names. */
  private async expire(entry: DeadlineEntry): Promise<void> {
    entry.escalatedAt = new Date().toISOString();
    const definition = DEADLINES[entry.name];
    this.note('escalation', { ...deadlineData(entry), effect: definition.effect ?? null, escalateTo: definition.escalateTo.join(',') });
    this.changed();
    if (definition.effect === 'voidSheet') return this.voidSheet(entry);
    if (definition.effect === 'deemAccepted') return this.deemAcceptance(entry);
    if (definition.effect === 'secondWindowThenMissed') return this.missCallback(entry);
    await this.recordState();
    const secondMiss = entry.name === 'firstResponse' && this.doc.deadlines.filter((d) => d.name === 'firstResponse' && d.state === 'missed').length > 1;
    await this.escalate(entry, secondMiss ? [...definition.escalateTo, 'supervisors'] : definition.escalateTo);
    // A working day without a progress update ends; the next day's duty begins.
    if (entry.name === 'dailyProgress' && this.doc.stage === 'in_progress') this.armDailyProgress(new Date(Date.parse(entry.dueAt) + 1));
    // Only the window of the agent who holds the request now: a hand-made reassignment has moved on.
    if (definition.effect === 'reassign' && entry.fulfilledAt === null && entry.owedBy === this.doc.assignee?.id) await this.reassignAfterMiss();
  }

  /** Tells staff of a passed deadline; a customer among the parties gets a reminder of what awaits them. */
  private async escalate(entry: DeadlineEntry, parties: DeadlineParty[]): Promise<void> {
    const staff = parties.filter((party) => party !== 'customer');
    if (parties.includes('customer')) {
      const link = CUSTOMER_LINK_OF[entry.name];
      await this.notify('customer-reminder', this.recipients(['customer']), {
        ...dueFacts(entry),
        link: link ?? null,
        revision: link ? (this.doc.documentRevisions[link] ?? null) : null,
      });
    }
    if (staff.length > 0) {
      this.lastEscalatedAt = new Date();
      this.changed();
      const facts: NotifyInput['facts'] = { ...dueFacts(entry) };
      if (entry.name === 'review') facts.pendingReviewers = this.pendingReviews().map((r) => r.agentId).join(',');
      if (entry.taskId !== undefined) facts.taskId = entry.taskId;
      await this.notify('deadline-escalation', this.recipients(staff, entry), facts);
    }
  }

  /**
   * The customer neither confirmed nor asked for changes in time: the sheet
   * is void (未确认的需求视为无效) and a new one is owed, or at the policy's
   * count the request closes `unconfirmed`.
   */
  private async voidSheet(entry: DeadlineEntry): Promise<void> {
    this.doc.voidSheets += 1;
    this.doc.sheet!.state = 'void';
    this.changed();
    if (this.doc.voidSheets >= this.policy.voidSheetsBeforeUnconfirmed) {
      this.closeAs('unconfirmed', entry.dueAt);
      return;
    }
    this.moveTo('analysis');
    const sheetDue = this.arm('requirementSheet');
    await this.recordState();
    await this.notify('void-sheet', this.recipients(['customer', 'assignee']), { voidSheets: this.doc.voidSheets, dueAt: sheetDue.dueAt });
  }

  /** A missed first response passes the request to the next eligible agent, skipping all who missed it. */
  private async reassignAfterMiss(): Promise<void> {
    const missedBy = this.doc.deadlines.filter((d) => d.name === 'firstResponse' && d.state === 'missed').map((d) => d.owedBy);
    // Assignment's order again (advisor, continuity, the group the type routes to), without those who missed it.
    const next = await this.findAgent('reassign: first response missed', this.routedGroup, unique(missedBy));
    if (this.doc.firstResponseAt !== null || this.doc.status !== 'open') return;
    if (next.outcome === 'nobody_eligible') {
      // Nobody else may take it: it stays with the assignee, owed and overdue.
      await this.notify('nobody-eligible', this.recipients(['groupLead', 'supervisors']));
      return;
    }
    await this.takeOver({ id: next.agentId, group: next.groupId });
  }

  /** Runs the follow-ups of accepted actions, in the order the actions were accepted. */
  private async runFollowUps(): Promise<void> {
    for (;;) {
      await condition(() => this.followUps.length > 0);
      await this.followUps.shift()!();
    }
  }

  /**
   * The closing steps, outside the cancelled scope: the read model, the
   * archive, the agent's load, the e-mails — and for a complaint, its review
   * (a child workflow that outlives the request).
   */
  async close(): Promise<void> {
    await this.recordState();
    const archive = () => activities.archiveRequest.executeWithOptions(step('archive the request'), [{ document: this.doc }]);
    const release = () => activities.releaseAssignment.executeWithOptions(step('release the assignee'), [{ requestId: this.doc.id }]);
    if (hasChange(Patch.releaseBeforeArchive)) {
      await release();
      await archive();
    } else {
      await archive();
      await release();
    }
    if (this.doc.status === 'cancelled') {
      const by = this.doc.cancellation?.byKind ?? 'staff';
      await this.notify('cancellation', this.recipients(['customer', 'assignee']), { by });
    } else {
      const { status, resolution, followUp } = this.doc;
      await this.notify('closure', this.recipients(['customer', 'assignee']), { status, resolution, followUp });
    }
    if (this.doc.type === 'complaint') await this.startComplaintReview();
  }

  /** 投诉根因复盘: the review window starts at closing; the child runs on after this workflow completes. */
  private async startComplaintReview(): Promise<void> {
    const closedAt = this.doc.closedAt!;
    await startChild(complaintReview, {
      workflowId: complaintReviewWorkflowId(this.doc.id),
      args: [
        {
          requestId: this.doc.id,
          closedAt,
          dueAt: dueAt(this.durationOf('complaintReview'), new Date(closedAt), this.calendar).toISOString(),
          reminderAtFraction: this.policy.reminderAtFraction,
          lastEventSeq: this.eventSeq,
        },
      ],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      staticSummary: `[complaint review] ${this.doc.priority} complaint · ${this.doc.id}`,
    });
  }


  /** The recipients of a reminder or an escalation, for this request as it stands. */
  private recipients(parties: DeadlineParty[], about?: DeadlineEntry): NotificationRecipient[] {
    return parties.flatMap((party): NotificationRecipient[] => {
      switch (party) {
        case 'assignee':
          // While nobody is assigned, the group lead holds the request.
          return this.doc.assignee ? [{ kind: 'agent', agentId: this.doc.assignee.id }] : [{ kind: 'groupLead', groupId: this.routedGroup }];
        case 'groupLead':
          return [{ kind: 'groupLead', groupId: this.doc.assignee?.group ?? this.routedGroup }];
        case 'supervisors':
        case 'headOfService':
          return [{ kind: 'policyAddress', name: party }];
        case 'customer':
          return [{ kind: 'customer', customerId: this.doc.customer.id }];
        case 'serviceRepresentatives':
          return [{ kind: 'policyAddress', name: 'serviceRepresentatives' }];
        case 'taskOwner':
          return about?.owedBy ? [{ kind: 'agent', agentId: about.owedBy }] : [];
        case 'reviewers':
          return this.pendingReviews().map((review): NotificationRecipient => ({ kind: 'agent', agentId: review.agentId }));
        default:
          // Task owners, reviewers and service representatives arrive with the later stages;
          // failing the workflow task here is louder than a mail silently not sent.
          throw new Error(`no recipients for ${party} yet`);
      }
    });
  }

  /**
   * Every action's validator, in api.md's order: scope (`Forbidden`), a
   * customer token's document revision (`StaleDocument`), the version
   * (`PreconditionFailed`), then state (`InvalidTransition`). A rejected
   * action leaves no trace in history.
   */
  validate(action: ActionName, command: ActionCommand): void {
    // A retry of an action applied in an earlier run: its first result is returned, nothing judged again.
    if (this.recentActions.has(currentUpdateInfo()?.id ?? '')) return;
    const now = new Date();
    const view = this.view();
    const target = { taskId: textOf(command.input.taskId), area: textOf(command.input.area) };
    const verdict = judgeAction(action, command.actor, view, now, target);
    if (!verdict.allowed && verdict.failure === 'Forbidden') throw forbidden(verdict.reason);
    if (command.document !== undefined) {
      const current = this.doc.documentRevisions[command.document.name];
      if (current !== command.document.revision) {
        throw staleDocument(`${command.document.name} revision ${command.document.revision} is not the current one (${current ?? 'none issued'})`);
      }
    }
    if (command.ifMatch !== undefined && command.ifMatch !== this.doc.version) {
      throw preconditionFailed(command.ifMatch, this.doc.version);
    }
    let reason: string | null = null;
    if (!verdict.allowed) reason = verdict.reason;
    else if (this.handingOver && action !== 'cancel') reason = `the request is being assigned; try ${action} again in a moment`;
    else if (action === 'reassign' && command.input.agentId === this.doc.assignee?.id) reason = `the request is already with ${this.doc.assignee?.id}`;
    else if (action === 'delay' && !(Date.parse(String(command.input.newDueAt)) > Date.parse(view.executionDueAt!))) {
      reason = `the new due time must be later than the current one (${view.executionDueAt})`;
    }
    if (reason !== null) {
      throw invalidTransition(reason, {
        stage: this.doc.stage,
        subStage: this.doc.subStage,
        allowed: this.handingOver ? [] : allowedActions(command.actor, view, now),
      });
    }
  }

  /** Changes state only and returns; what follows runs from the main flow, so the Update answers at once. */
  perform(action: ActionName, command: ActionCommand): RequestDocument {
    const updateId = currentUpdateInfo()?.id ?? '';
    const first = this.recentActions.get(updateId);
    if (first !== undefined) return first;
    this.note('action', { action, updateId }, timelineActor(command));
    const result = this.apply(action, command);
    this.remember(updateId, result);
    return result;
  }

  /** Keeps a copy of an action's result under its Update id; the last few travel to the next run. */
  private remember(updateId: string, result: RequestDocument): void {
    this.recentActions.set(updateId, JSON.parse(JSON.stringify(result)) as RequestDocument);
    for (const oldest of this.recentActions.keys()) {
      if (this.recentActions.size <= RECENT_ACTIONS_KEPT) break;
      this.recentActions.delete(oldest);
    }
  }

  private apply(action: ActionName, command: ActionCommand): RequestDocument {
    const record = actionRecord(command.actor, new Date().toISOString());
    const input = command.input;
    const queued = this.followUps.length;
    switch (action) {
      case 'acknowledge':
        this.firstResponse();
        if (this.doc.complexity === 'emergency') {
          this.moveTo('solution_design', 'drafting');
        } else {
          this.moveTo('analysis');
          this.armAnalysisDeadline();
        }
        break;
      case 'resolve':
        if (this.doc.stage === 'assigned') this.firstResponse();
        this.fulfil('simpleAnswer');
        this.fulfil('suggestionOutcome');
        this.doc.answer = { ...record, text: String(input.answer) };
        this.doc.resolution = 'first_contact';
        this.startFollowUp();
        break;
      case 'reclassify':
        this.doc.complexity = 'complex';
        this.doc.reclassification = { ...record, reason: String(input.reason) };
        for (const entry of this.pending('simpleAnswer')) this.settle(entry, 'cancelled');
        // Before the first response it stays assigned; the acknowledgement then opens analysis.
        if (this.doc.stage === 'analysis') this.arm('requirementSheet');
        break;
      case 'temporary-measure':
        this.doc.temporaryMeasure = { ...record, measure: String(input.measure) };
        this.fulfil('temporaryMeasure');
        break;
      case 'rate-first-contact':
        this.doc.firstContactRating = { ...record, rating: Number(input.rating), comment: textOf(input.comment) ?? null };
        break;
      case 'reassign': {
        const previous = this.handOver({ id: String(input.agentId), group: String(input.agentGroup) });
        this.followUps.push(async () => {
          await this.inFlightWhile(
            activities.transferAssignment.executeWithOptions(step('reassign by hand'), [{ requestId: this.doc.id, agentId: String(input.agentId) }]),
          );
          await this.tellHandover(previous);
        });
        break;
      }
      case 'cancel':
        this.doc.cancellation = { ...record, reason: String(input.reason) };
        this.closeAs('cancelled', record.at);
        // The closing steps follow in the main flow.
        return this.doc;
      case 'requirement-sheet':
        this.issueSheet(record, input);
        break;
      case 'confirm':
        this.answerSheet('confirmed', textOf(input.comment) ?? null);
        this.moveTo('solution_design', 'drafting');
        this.arm('solution');
        break;
      case 'request-changes':
        this.answerSheet('changes_requested', String(input.comment));
        this.moveTo('analysis');
        this.arm('requirementSheet');
        break;
      case 'solution':
        this.submitSolution(record, input);
        break;
      case 'review':
        this.recordReview(String(input.area) as ReviewArea, input.approved === true, textOf(input.comment) ?? null, record.at);
        break;
      case 'agree-solution':
        this.answerSolution('agreed', textOf(input.comment) ?? null);
        this.moveTo('in_progress', 'working');
        this.startExecution();
        break;
      case 'accept-task':
        this.acceptTask(String(input.taskId), record.at);
        break;
      case 'complete-task':
        this.completeTask(String(input.taskId), textOf(input.note) ?? null, record.at);
        break;
      case 'progress':
        this.reportProgress(record, input);
        break;
      case 'delay':
        this.delay(record, String(input.newDueAt), String(input.reason));
        break;
      case 'wait-for-customer':
        this.waitForCustomer(record, String(input.reason));
        break;
      case 'resume':
        this.resume(record);
        break;
      case 'delivery':
        this.deliver(record, input);
        break;
      case 'accept':
        this.fulfil('acceptance');
        Object.assign(this.doc.delivery!, { state: 'accepted', customerComment: textOf(input.comment) ?? null });
        this.doc.resolution = 'delivered';
        this.startFollowUp();
        break;
      case 'reject':
        this.reject(String(input.reasons));
        break;
      case 'callback':
      case 'survey':
        this.recordFeedback(record, action, input);
        break;
      case 'intervention':
        this.intervene(record, String(input.plan), input.reopen === true);
        break;
      case 'revise-solution':
        this.answerSolution('revision_requested', String(input.comment));
        this.moveTo('solution_design', 'drafting');
        this.arm('solution');
        break;
      case 'root-cause':
        // A closed complaint's review (workflow `complaintReview`) takes it; the validator never admits it here.
        throw new Error('root-cause is for the complaint review');
    }
    this.changed();
    this.recordFirst(queued);
    return this.doc;
  }

  /**
   * Queues the read model (and `more`) ahead of the follow-ups queued since
   * `queued`: their e-mails show the document as it now is.
   */
  private recordFirst(queued: number, ...more: FollowUp[]): void {
    this.followUps.splice(queued, 0, () => this.recordState(), ...more);
  }

  /**
   * The customer agreed: the execution deadline starts (the confirmed sheet's
   * expected delivery time, else the priority's window), the tasks go to
   * their owners (co-handlers must accept theirs), and the daily progress
   * duty begins.
   */
  private startExecution(): void {
    const expected = this.doc.sheet?.state === 'confirmed' ? this.doc.sheet.expectedDeliveryAt : null;
    this.arm('execution', expected ? { dueAt: new Date(expected) } : {});
    for (const task of this.doc.solution!.tasks) {
      if (task.ownerId === this.doc.assignee?.id) {
        task.acceptedAt = new Date().toISOString();
      } else {
        const acceptance = this.arm('taskAcceptance', { taskId: task.id, owedBy: task.ownerId });
        this.followUps.push(() =>
          this.notify('task-assigned', [{ kind: 'agent', agentId: task.ownerId }], { taskId: task.id, dueAt: task.dueAt, acceptBy: acceptance.dueAt }),
        );
      }
      this.arm('taskDue', { taskId: task.id, dueAt: new Date(task.dueAt), owedBy: task.ownerId });
    }
    this.armDailyProgress(new Date());
  }

  /** The next end of business of a working day still to come, from `from`. */
  private armDailyProgress(from: Date): void {
    this.arm('dailyProgress', { dueAt: dueAt(this.durationOf('dailyProgress'), from, this.calendar) });
  }

  private task(taskId: string): SolutionTask {
    return this.doc.solution!.tasks.find((t) => t.id === taskId)!;
  }

  private acceptTask(taskId: string, at: string): void {
    this.task(taskId).acceptedAt = at;
    this.fulfil('taskAcceptance', taskId);
  }

  /** A task done; a co-handler who never accepted it accepted it by doing it. */
  private completeTask(taskId: string, note: string | null, at: string): void {
    const task = this.task(taskId);
    if (task.acceptedAt === null) this.acceptTask(taskId, at);
    Object.assign(task, { completedAt: at, note });
    this.fulfil('taskDue', taskId);
  }

  /** A progress update meets the duty of the working day it falls on; the next day's duty follows. */
  private reportProgress(record: ActionRecord, input: Record<string, unknown>): void {
    this.doc.progress.push({
      ...record,
      note: String(input.note),
      percent: typeof input.percent === 'number' ? input.percent : null,
      nextSteps: textOf(input.nextSteps) ?? null,
      risks: textOf(input.risks) ?? null,
    });
    const today = localDate(new Date(), this.calendar.timeZone);
    for (const duty of this.pending('dailyProgress')) {
      if (localDate(new Date(duty.dueAt), this.calendar.timeZone) !== today) continue;
      this.settle(duty, 'met');
      duty.fulfilledAt = record.at;
      this.armDailyProgress(new Date(Date.parse(duty.dueAt) + 1));
    }
  }

  /**
   * A delay announced before the execution deadline moves it; on a window of
   * 48 hours or more, less than 24 hours ahead is a late notice (recorded,
   * still accepted). The customer is told.
   */
  private delay(record: ActionRecord, newDueAt: string, reason: string): void {
    const execution = this.pending('execution')[0]!;
    const window = Date.parse(execution.dueAt) - Date.parse(execution.armedAt);
    const notice = Date.parse(execution.dueAt) - Date.now();
    const lateNotice = window >= 48 * HOUR_MS && notice < 24 * HOUR_MS;
    const announced = { from: execution.dueAt, to: new Date(newDueAt).toISOString() };
    this.doc.delays.push({ ...record, ...announced, reason, lateNotice });
    this.move(execution, Date.parse(announced.to));
    this.followUps.push(() => this.notify('delay-notice', this.recipients(['customer']), { ...announced, lateNotice }));
  }

  /** Waiting on the customer (客户配合事项) stops the execution clock; the customer is told what is needed. */
  private waitForCustomer(record: ActionRecord, reason: string): void {
    this.doc.pauses.push({ ...record, reason, resumedAt: null, resumedBy: null });
    for (const execution of this.pending('execution')) {
      execution.remainingMs = Date.parse(execution.dueAt) - Date.now();
      execution.state = 'paused';
      this.deadlineChanges += 1;
    }
    this.moveTo('in_progress', 'waiting_on_customer');
    const revision = this.issue('waiting-notice');
    this.followUps.push(() => this.notify('waiting-notice', this.recipients(['customer']), { link: 'waiting-notice', revision }));
  }

  /** The wait ends: the execution deadline moves by the paused time. */
  private resume(record: ActionRecord): void {
    const pause = this.doc.pauses.at(-1)!;
    pause.resumedAt = record.at;
    pause.resumedBy = record;
    for (const execution of this.doc.deadlines.filter((d) => d.name === 'execution' && d.state === 'paused')) {
      execution.state = 'pending';
      this.move(execution, Date.now() + execution.remainingMs!);
      delete execution.remainingMs;
    }
    this.moveTo('in_progress', 'working');
  }

  /** A deadline moved (a delay, a pause): its new window gets its own 80% reminder. */
  private move(entry: DeadlineEntry, to: number): void {
    entry.dueAt = new Date(to).toISOString();
    entry.armedAt = new Date().toISOString();
    entry.remindedAt = null;
    this.deadlineChanges += 1;
    this.changed();
  }

  /** The delivery (服务交付) submitted: execution met, the customer has the acceptance window. */
  private deliver(record: ActionRecord, input: Record<string, unknown>): void {
    this.fulfil('execution');
    this.fulfil('rework');
    for (const duty of this.pending('dailyProgress')) this.settle(duty, 'cancelled');
    this.doc.delivery = {
      ...record,
      revision: this.issue('delivery'),
      summary: String(input.summary),
      verification: String(input.verification),
      state: 'awaiting_acceptance',
      customerComment: null,
    };
    this.moveTo('awaiting_acceptance');
    const acceptance = this.arm('acceptance');
    const revision = this.doc.delivery.revision;
    this.followUps.push(() => this.notify('delivery', this.recipients(['customer']), { link: 'delivery', revision, dueAt: acceptance.dueAt }));
  }

  /**
   * The customer rejected the delivery: rework is owed within its window,
   * and the policy's rejection count (the third) calls the supervisors.
   */
  private reject(reasons: string): void {
    this.fulfil('acceptance');
    Object.assign(this.doc.delivery!, { state: 'rejected', customerComment: reasons });
    this.doc.rejections += 1;
    this.moveTo('rework');
    this.arm('rework');
    if (this.doc.rejections >= this.policy.rejectionsBeforeEscalation) {
      this.lastEscalatedAt = new Date();
      const rejections = this.doc.rejections;
      this.followUps.push(() => this.notify('repeated-rejection', this.recipients(['supervisors']), { rejections }));
    }
  }

  /**
   * The acceptance window ended without an answer: ✎ deemed accepted
   * (逾期未验收视为验收通过) and the customer told, or under the other policy,
   * the customer reminded, the supervisors told, and the wait goes on.
   */
  private async deemAcceptance(entry: DeadlineEntry): Promise<void> {
    if (this.policy.acceptanceOnExpiry === 'escalate') {
      await this.recordState();
      await this.escalate(entry, ['customer', 'supervisors']);
      return;
    }
    const queued = this.followUps.length;
    this.doc.delivery!.state = 'deemed_accepted';
    this.doc.resolution = 'deemed_accepted';
    this.startFollowUp();
    this.recordFirst(queued, () => this.notify('deemed-acceptance', this.recipients(['customer', 'assignee']), dueFacts(entry)));
  }

  /** Follow-up (售后跟进与回访): a questionnaire to the customer, and a callback owed by a service representative. */
  private startFollowUp(): void {
    this.moveTo('follow_up', 'awaiting_feedback');
    this.arm('callback', { owedBy: null });
    const revision = this.issue('questionnaire');
    this.followUps.push(() => this.notify('questionnaire', this.recipients(['customer']), { link: 'questionnaire', revision }));
  }

  /**
   * The first feedback (callback or questionnaire) completes the follow-up.
   * A dissatisfied verdict or a rating of 2 or lower calls the supervisors,
   * who owe an intervention; otherwise the request closes.
   */
  private recordFeedback(record: ActionRecord, source: 'callback' | 'survey', input: Record<string, unknown>): void {
    const ratings = input.ratings as FeedbackRatings;
    const verdict = input.verdict as Verdict;
    this.doc.feedback = {
      ...record,
      source,
      resolved: source === 'callback' ? input.resolved === true : null,
      ratings,
      verdict,
      shortfalls: textOf(input.shortfalls) ?? null,
      comment: textOf(input.comment) ?? null,
      nps: typeof input.nps === 'number' ? input.nps : null,
    };
    this.fulfil('callback');
    const unhappy = verdict === 'dissatisfied' || Object.values(ratings).some((rating) => rating <= 2);
    if (!unhappy) {
      this.doc.followUp = 'done';
      this.closeAs('completed', record.at);
      return;
    }
    this.moveTo('follow_up', 'intervention');
    this.arm('intervention', { owedBy: null });
    this.lastEscalatedAt = new Date();
    this.followUps.push(() => this.notify('intervention-needed', this.recipients(['supervisors']), { verdict }));
  }

  /** The supervisor's remedy plan: it reopens the request into rework, or closes it. */
  private intervene(record: ActionRecord, plan: string, reopen: boolean): void {
    this.doc.interventions.push({ ...record, plan, reopen });
    this.fulfil('intervention');
    if (reopen) {
      this.moveTo('rework');
      this.arm('rework');
    } else {
      this.doc.followUp = 'intervened';
      this.closeAs('completed', record.at);
    }
  }

  /**
   * A callback window passed: the supervisors are told; a second window
   * opens, and at the end of the last one the request closes `followUp: missed`.
   */
  private async missCallback(entry: DeadlineEntry): Promise<void> {
    await this.recordState();
    await this.escalate(entry, DEADLINES.callback.escalateTo);
    if (this.currentCallbackWindows() < this.policy.callbackWindowsBeforeMissed) {
      this.arm('callback', { owedBy: null });
      await this.recordState();
      return;
    }
    this.doc.followUp = 'missed';
    this.closeAs('completed', entry.dueAt);
  }

  /**
   * The callback windows of this follow-up: the last one and the missed ones
   * straight before it (a follow-up after a reopening starts counting again).
   */
  private currentCallbackWindows(): number {
    const windows = this.doc.deadlines.filter((d) => d.name === 'callback');
    let count = 1;
    while (count < windows.length && windows[windows.length - 1 - count]!.state === 'missed') count += 1;
    return count;
  }

  /** Closes the request (completed, cancelled, or unconfirmed after the last void sheet); the main flow runs the closing steps. */
  private closeAs(status: 'cancelled' | 'unconfirmed' | 'completed', at: string): void {
    this.doc.status = status;
    this.doc.closedAt = at;
    for (const entry of this.doc.deadlines) if (entry.state === 'pending') this.settle(entry, 'cancelled');
    this.moveTo('closed');
  }

  /** A requirement confirmation sheet (需求确认单) issued: the customer has the confirmation window to answer it. */
  private issueSheet(record: ActionRecord, input: Record<string, unknown>): void {
    this.fulfil('requirementSheet');
    this.doc.sheet = {
      ...record,
      revision: this.issue('sheet'),
      description: String(input.description),
      goal: String(input.goal),
      expectedDeliveryAt: textOf(input.expectedDeliveryAt) ?? null,
      customerObligations: textOf(input.customerObligations) ?? null,
      state: 'awaiting_confirmation',
      customerComment: null,
    };
    this.moveTo('awaiting_confirmation');
    const confirmation = this.arm('confirmation');
    const revision = this.doc.sheet.revision;
    this.followUps.push(() =>
      this.notify('requirement-sheet', this.recipients(['customer']), { link: 'sheet', revision, dueAt: confirmation.dueAt }),
    );
  }

  private answerSheet(state: 'confirmed' | 'changes_requested', comment: string | null): void {
    this.fulfil('confirmation');
    this.doc.sheet!.state = state;
    this.doc.sheet!.customerComment = comment;
  }

  /** A solution submitted: complex ones go to their named reviewers first, the others straight to the customer. */
  private submitSolution(record: ActionRecord, input: Record<string, unknown>): void {
    this.fulfil('solution');
    const tasks = (Array.isArray(input.tasks) ? input.tasks : []) as { title: string; ownerId: string; dueAt: string }[];
    const reviewers = (Array.isArray(input.reviewers) ? input.reviewers : []) as { area: ReviewArea; agentId: string }[];
    const complex = input.complex === true;
    this.doc.solution = {
      ...record,
      revision: this.doc.documentRevisions.solution ?? 0,
      steps: (input.steps as unknown[]).map(String),
      resources: textOf(input.resources) ?? null,
      risks: (Array.isArray(input.risks) ? input.risks : []) as { risk: string; mitigation: string }[],
      tasks: tasks.map((task, i) => ({ id: `T${i + 1}`, title: task.title, ownerId: task.ownerId, dueAt: task.dueAt, acceptedAt: null, completedAt: null, note: null })),
      complex,
      reviews: complex ? reviewers.map((r) => ({ area: r.area, agentId: r.agentId, approved: null, comment: null, at: null })) : [],
      reviewRounds: this.doc.solution?.reviewRounds ?? 0,
      state: complex ? 'in_review' : 'presented',
      customerComment: null,
    };
    if (complex) this.openReviewRound();
    else this.present();
  }

  /** One review window per round; each named reviewer is asked for their area. */
  private openReviewRound(): void {
    const solution = this.doc.solution!;
    solution.reviewRounds += 1;
    this.moveTo('solution_design', 'in_review');
    const review = this.arm('review');
    const round = solution.reviewRounds;
    for (const { agentId, area } of solution.reviews) {
      this.followUps.push(() => this.notify('review-request', [{ kind: 'agent', agentId }], { area, dueAt: review.dueAt, round }));
    }
  }

  /** A reviewer's answer: a rejection sends the solution back to drafting; the last approval presents it. */
  private recordReview(area: ReviewArea, approved: boolean, comment: string | null, at: string): void {
    const solution = this.doc.solution!;
    for (const review of solution.reviews) {
      if (review.area === area && review.approved === null) Object.assign(review, { approved, comment, at });
    }
    if (!approved) {
      this.fulfil('review');
      solution.state = 'rejected_in_review';
      this.moveTo('solution_design', 'drafting');
      this.arm('solution');
    } else if (this.pendingReviews().length === 0) {
      this.fulfil('review');
      this.present();
    }
  }

  private pendingReviews(): Solution['reviews'] {
    return this.doc.solution?.reviews.filter((r) => r.approved === null) ?? [];
  }

  /** The solution shown to the customer (a new revision of the page), with the agreement window. */
  private present(): void {
    const solution = this.doc.solution!;
    solution.state = 'presented';
    solution.revision = this.issue('solution');
    this.moveTo('solution_design', 'presented');
    const agreement = this.arm('solutionAgreement');
    const revision = solution.revision;
    this.followUps.push(() => this.notify('solution', this.recipients(['customer']), { link: 'solution', revision, dueAt: agreement.dueAt }));
  }

  private answerSolution(state: 'agreed' | 'revision_requested', comment: string | null): void {
    this.fulfil('solutionAgreement');
    this.doc.solution!.state = state;
    this.doc.solution!.customerComment = comment;
  }

  /** The first response (acknowledge, or resolve while assigned): the window is met if still pending. */
  private firstResponse(): void {
    this.doc.firstResponseAt = new Date().toISOString();
    this.fulfil('firstResponse');
  }

  /** After the first response: the simple answer, or the requirement sheet of the complex path. */
  private armAnalysisDeadline(): void {
    if (this.doc.complexity === 'complex') this.arm('requirementSheet');
    else if (this.doc.type !== 'suggestion') this.arm('simpleAnswer');
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
      firstResponded: this.doc.firstResponseAt !== null,
      firstContactRated: this.doc.firstContactRating !== null,
      temporaryMeasureRecorded: this.doc.temporaryMeasure !== null,
      tasks: (this.doc.solution?.state === 'agreed' ? this.doc.solution.tasks : []).map((t) => ({
        id: t.id,
        ownerId: t.ownerId,
        accepted: t.acceptedAt !== null,
        completed: t.completedAt !== null,
      })),
      reviews: this.doc.subStage === 'in_review' ? (this.doc.solution?.reviews ?? []) : [],
      complaintReviewOwed: false,
      executionDueAt: this.pending('execution')[0]?.dueAt ?? null,
    };
  }

  private pending(name: DeadlineId): DeadlineEntry[] {
    return this.doc.deadlines.filter((d) => d.name === name && d.state === 'pending');
  }

  /** The policy's duration of a deadline for this request (tier over priority over default). */
  private durationOf(name: PolicyDeadlineId): PolicyDuration {
    return deadlineDuration(this.policy, name, { priority: this.doc.priority, tier: this.doc.customer.tier });
  }

  /**
   * Arms a deadline: its `dueAt` is computed once, now, and stored — from the
   * policy, or given (a task's due time, the sheet's expected delivery).
   */
  private arm(name: DeadlineId, options: { dueAt?: Date; taskId?: string; owedBy?: string | null } = {}): DeadlineEntry {
    const now = new Date();
    const due = options.dueAt ?? dueAt(this.durationOf(name as PolicyDeadlineId), now, this.calendar);
    const entry: DeadlineEntry = {
      name,
      dueAt: due.toISOString(),
      state: 'pending',
      armedAt: now.toISOString(),
      owedBy: options.owedBy !== undefined ? options.owedBy : (this.doc.assignee?.id ?? null),
      remindedAt: null,
      settledAt: null,
      fulfilledAt: null,
      escalatedAt: null,
      ...(options.taskId ? { taskId: options.taskId } : {}),
    };
    this.doc.deadlines.push(entry);
    this.note('deadline_armed', deadlineData(entry));
    this.deadlineChanges += 1;
    this.changed();
    return entry;
  }

  private settle(entry: DeadlineEntry, state: 'met' | 'missed' | 'cancelled'): void {
    entry.state = state;
    entry.settledAt = new Date().toISOString();
    this.note(`deadline_${state}`, deadlineData(entry));
    this.deadlineChanges += 1;
    this.changed();
  }

  /**
   * The action a deadline waited for is done: a pending window is met (it is
   * still before `dueAt`, or the watcher would have missed it); a missed one
   * stays missed for the KPIs but is no longer owed.
   */
  private fulfil(name: DeadlineId, taskId?: string): void {
    const now = new Date().toISOString();
    for (const entry of this.doc.deadlines) {
      if (entry.name !== name || entry.fulfilledAt !== null || entry.state === 'cancelled') continue;
      if (taskId !== undefined && entry.taskId !== taskId) continue;
      if (entry.state === 'pending' || entry.state === 'paused') this.settle(entry, entry.state === 'paused' || Date.now() < Date.parse(entry.dueAt) ? 'met' : 'missed');
      entry.fulfilledAt = now;
    }
    this.changed();
  }

  private moveTo(stage: Stage, subStage: SubStage | null = null): void {
    if (stage !== this.doc.stage || subStage !== this.doc.subStage) {
      this.note('stage_changed', { from: this.doc.stage, fromSubStage: this.doc.subStage, to: stage, subStage });
    }
    this.doc.stage = stage;
    this.doc.subStage = subStage;
    this.changed();
  }

  private changed(): void {
    this.doc.version += 1;
    this.publish();
  }

  /** Adds an event to the timeline; the next `recordState` writes it. */
  private note(type: TimelineEventType, data: TimelineData, actor: TimelineActor | null = null): void {
    this.timelineSeq += 1;
    this.timeline.push({ seq: this.timelineSeq, at: new Date().toISOString(), type, actor, data });
  }

  /** Keeps search attributes and the current details in step with the document. */
  private publish(): void {
    const { doc } = this;
    const pending = doc.deadlines.filter((d) => d.state === 'pending').sort((a, b) => a.dueAt.localeCompare(b.dueAt));
    const next = pending[0];
    const overdue = overdueDeadlines(doc);
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
      { key: SearchAttribute.Overdue, value: overdue.length > 0 },
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
    const late = overdue.length > 0 ? ` · OVERDUE: ${overdue.join(', ')}` : '';
    setCurrentDetails(`${doc.status === 'open' ? '' : `${doc.status} · `}${doc.stage}${doc.subStage ? `/${doc.subStage}` : ''} · ${holder} · ${due}${late}`);
  }

  private async recordState(): Promise<void> {
    // A copy: events noted while the call runs join `this.timeline`, not what this call wrote.
    const timeline = [...this.timeline];
    await this.inFlightWhile(activities.recordState.executeWithOptions(step(`record state: ${this.doc.stage}`), [{ document: this.doc, timeline }]));
    // Only what this call wrote: events noted while it ran wait for the next one.
    this.timeline = this.timeline.filter((event) => !timeline.includes(event));
  }

  /** Counts an activity as in flight until it settles. */
  private async inFlightWhile<T>(running: Promise<T>): Promise<T> {
    this.inFlight += 1;
    try {
      return await running;
    } finally {
      this.inFlight -= 1;
    }
  }

  async notify(template: NotificationTemplate, recipients: NotificationRecipient[], facts: NotifyInput['facts'] = {}): Promise<void> {
    this.eventSeq += 1;
    const eventSeq = this.eventSeq;
    try {
      await this.inFlightWhile(
        activities.notify.executeWithOptions(step(`e-mail: ${template}`), [{ requestId: this.doc.id, eventSeq, template, recipients, facts }]),
      );
    } catch (err) {
      // A mail that cannot be made (facts or a document it cannot show) is a bug to fix, not a reason to stop keeping the request's promises.
      if (!(err instanceof ActivityFailure) || !(err.cause instanceof ApplicationFailure)) throw err;
      const failure = err.cause.type ?? 'ApplicationFailure';
      log.error('notification failed; the request goes on', { requestId: this.doc.id, template, eventSeq, failure });
      this.note('notification_failed', { template, eventSeq, failure });
      await this.recordState();
    }
  }
}

/** The customer page a reminder of a customer-side deadline links to. */
const CUSTOMER_LINK_OF: Partial<Record<DeadlineId, CustomerDocument>> = {
  confirmation: 'sheet',
  solutionAgreement: 'solution',
  acceptance: 'delivery',
};

/** Waits for every loop; the first failure that is not a cancellation wins, else the cancellation. */
async function allSettledOrThrow(loops: Promise<void>[]): Promise<void> {
  const outcomes = await Promise.allSettled(loops);
  const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  const failure = failures.find((err) => !isCancellation(err)) ?? failures[0];
  if (failure !== undefined) throw failure;
}

/** What a reminder or an escalation e-mail says of its deadline. */
/** What the timeline says of a deadline: which, when due, who owes it (and for a task, which). */
function deadlineData(entry: DeadlineEntry): TimelineData {
  return { deadline: entry.name, dueAt: entry.dueAt, owedBy: entry.owedBy, taskId: entry.taskId ?? null };
}

function timelineActor({ actor }: ActionCommand): TimelineActor {
  return { byKind: actor.kind, byRole: actor.role, byAgentId: actor.agentId, recordedFrom: actor.recordedFrom };
}

function dueFacts(deadline: DeadlineEntry): NotifyInput['facts'] {
  return { deadline: deadline.name, dueAt: deadline.dueAt };
}

/** A text field of an action's input, when it is one. */
function textOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function unique<T>(values: (T | null)[]): T[] {
  return [...new Set(values.filter((v): v is T => v !== null))];
}
