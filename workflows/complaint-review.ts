/**
 * Workflow `complaintReview` (投诉根因复盘): started by a complaint's request
 * at its closing and left running when the request completes. A supervisor
 * owes the root cause and corrective action within the window; the
 * supervisors are asked at once and reminded at 80%, and a miss goes to the
 * head of service while the review stays owed.
 */
import { condition, setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { NotificationRecipient, NotificationTemplate, NotifyInput } from '../contracts/activities';
import type { ComplaintReviewDocument, ComplaintReviewInput, RootCause } from '../contracts/complaint-review';
import { forbidden, invalidTransition, preconditionFailed } from '../contracts/failures';
import { SearchAttribute } from '../contracts/temporal';
import { actionRecord, allowedActions, judgeAction, type RequestView } from '../rules/actions';
import { complaintReviewStateQuery, rootCauseUpdate, type ActionCommand } from './definitions';
import { activities, step } from './steps';

export async function complaintReview(input: ComplaintReviewInput): Promise<ComplaintReviewDocument> {
  const review = new ComplaintReview(input);
  setHandler(complaintReviewStateQuery, () => review.doc);
  setHandler(rootCauseUpdate, (command) => review.record(command), { validator: (command) => review.validate(command) });

  await review.save();
  await review.notify('complaint-review-request', [supervisors], { dueAt: input.dueAt });
  const reviewed = () => review.doc.review !== null;
  const armedAt = Date.parse(input.closedAt);
  const due = Date.parse(input.dueAt);
  const remindAt = armedAt + (due - armedAt) * input.reminderAtFraction;
  if (!(await condition(reviewed, Math.max(1, remindAt - Date.now()), { summary: 'complaintReview reminder' }))) {
    review.reminded();
    await review.notify('deadline-reminder', [supervisors], { deadline: 'complaintReview', dueAt: input.dueAt });
  }
  if (!(await condition(reviewed, Math.max(1, due - Date.now()), { summary: 'complaintReview deadline' }))) {
    review.missed();
    await review.save();
    await review.notify('deadline-escalation', [{ kind: 'policyAddress', name: 'headOfService' }], { deadline: 'complaintReview', dueAt: input.dueAt });
    // The review stays owed.
    await condition(reviewed);
  }
  await review.save();
  return review.doc;
}

const supervisors: NotificationRecipient = { kind: 'policyAddress', name: 'supervisors' };

class ComplaintReview {
  readonly doc: ComplaintReviewDocument;
  private eventSeq: number;

  constructor(input: ComplaintReviewInput) {
    this.eventSeq = input.lastEventSeq;
    this.doc = {
      requestId: input.requestId,
      closedAt: input.closedAt,
      deadline: {
        name: 'complaintReview',
        dueAt: input.dueAt,
        state: 'pending',
        armedAt: input.closedAt,
        owedBy: null,
        remindedAt: null,
        settledAt: null,
        fulfilledAt: null,
        escalatedAt: null,
      },
      review: null,
      version: 1,
    };
    this.publish();
  }

  /** Scope (a supervisor or admin), the version, then whether a review is still owed. */
  validate(command: ActionCommand): void {
    const now = new Date();
    const view = this.view();
    const verdict = judgeAction('root-cause', command.actor, view, now);
    if (!verdict.allowed && verdict.failure === 'Forbidden') throw forbidden(verdict.reason);
    if (command.ifMatch !== undefined && command.ifMatch !== this.doc.version) throw preconditionFailed(command.ifMatch, this.doc.version);
    if (!verdict.allowed) {
      throw invalidTransition('the root cause of this complaint is already recorded', {
        stage: 'closed',
        subStage: null,
        allowed: allowedActions(command.actor, view, now).filter((a) => a === 'root-cause'),
      });
    }
  }

  record({ actor, input }: ActionCommand): ComplaintReviewDocument {
    const at = new Date().toISOString();
    this.doc.review = {
      ...actionRecord(actor, at),
      cause: String(input.cause) as RootCause,
      analysis: String(input.analysis),
      correctiveAction: String(input.correctiveAction),
    };
    const { deadline } = this.doc;
    if (deadline.state === 'pending') Object.assign(deadline, { state: Date.now() < Date.parse(deadline.dueAt) ? 'met' : 'missed', settledAt: at });
    deadline.fulfilledAt = at;
    this.changed();
    return this.doc;
  }

  reminded(): void {
    this.doc.deadline.remindedAt = new Date().toISOString();
    this.changed();
  }

  missed(): void {
    const at = new Date().toISOString();
    Object.assign(this.doc.deadline, { state: 'missed', settledAt: at, escalatedAt: at });
    this.changed();
    upsertSearchAttributes([{ key: SearchAttribute.LastEscalatedAt, value: new Date(at) }]);
  }

  async save(): Promise<void> {
    await activities.recordComplaintReview.executeWithOptions(step('record complaint review'), [{ review: this.doc }]);
  }

  async notify(template: NotificationTemplate, recipients: NotificationRecipient[], facts: NotifyInput['facts']): Promise<void> {
    this.eventSeq += 1;
    await activities.notify.executeWithOptions(step(`e-mail: ${template}`), [
      { requestId: this.doc.requestId, eventSeq: this.eventSeq, template, recipients, facts },
    ]);
  }

  private view(): RequestView {
    return {
      stage: 'closed',
      subStage: null,
      status: 'completed',
      type: 'complaint',
      complexity: 'complex',
      assignee: null,
      group: '',
      firstResponded: true,
      firstContactRated: true,
      temporaryMeasureRecorded: true,
      tasks: [],
      reviews: [],
      complaintReviewOwed: this.doc.review === null,
      executionDueAt: null,
    };
  }

  private changed(): void {
    this.doc.version += 1;
    this.publish();
  }

  /** What a supervisor sees in the Temporal UI: the deadline, whether it is overdue, and what is owed. */
  private publish(): void {
    const { deadline, review } = this.doc;
    const overdue = deadline.state === 'missed' && review === null;
    upsertSearchAttributes([
      { key: SearchAttribute.RequestType, value: 'complaint' },
      { key: SearchAttribute.NextDeadline, value: deadline.state === 'pending' ? new Date(deadline.dueAt) : null },
      { key: SearchAttribute.Overdue, value: overdue },
    ]);
    setCurrentDetails(review ? `root cause recorded: ${review.cause}` : `root cause owed by ${deadline.dueAt}${overdue ? ' · OVERDUE' : ''}`);
  }
}
