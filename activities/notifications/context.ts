/**
 * The context a template renders with, for one recipient: the workflow's
 * facts, the recipient, the request, instants in the business time zone, the
 * signed link, and — for the templates that show them — the parts of the
 * request document the workflow recorded before sending (the requirement
 * sheet, the solution, a task, the wait, the delay, the week's progress, the
 * delivery, the feedback, the closing outcome, the closed complaint a
 * root-cause review is about). Pure: notify.ts loads what it needs, the
 * template tests call it with a document of their own.
 *
 * Every key is present for every template (null where it does not apply),
 * so a template that uses one by mistake fails in strict mode, not silently.
 * A customer's context never holds staff ids or task owners, nor facts meant
 * for staff (a delay's `lateNotice`).
 */
import type { NotificationTemplate, NotifyInput } from '../../contracts/activities';
import { RootCause } from '../../contracts/complaint-review';
import type { WorkflowPolicy } from '../../contracts/policy';
import type { DeadlineId, FeedbackRatings, FollowUpOutcome, Language, RequestDocument, Resolution, ReviewArea } from '../../contracts/request';
import { delayOf, isComplaintReviewMail, taskOf, type CLOSED_STATUSES } from './facts';
import {
  CLOSED_STATUS_LABEL,
  DEADLINE_LABEL,
  FEEDBACK_SOURCE_LABEL,
  FOLLOW_UP_LABEL,
  formatInstant,
  RATING_LABEL,
  REQUEST_TYPE_LABEL,
  RESOLUTION_LABEL,
  REVIEW_AREA_LABEL,
  ROOT_CAUSE_LABEL,
  VERDICT_LABEL,
} from './labels';

/** Facts the workflow passes for the record that no mail shows: the customer never reads a delay's `lateNotice`. */
const UNSHOWN_FACTS: Partial<Record<NotificationTemplate, readonly string[]>> = { 'delay-notice': ['lateNotice'] };

/** The four ratings in the order mails list them. */
const RATINGS: readonly (keyof FeedbackRatings)[] = ['responseSpeed', 'resolution', 'attitude', 'professionalism'];

/** A rating of 2 or lower calls the supervisors (process.md stage 8). */
const LOW_RATING = 2;

/** "Done this week" in the weekly progress report: the updates of the 7 days before the report. */
const WEEK_MS = 7 * 86_400_000;

/** The templates that name a task when the facts carry `taskId`. */
const TASK_TEMPLATES: readonly NotificationTemplate[] = ['task-assigned', 'deadline-reminder', 'deadline-escalation'];

export interface ContextRecipient {
  name: string;
  language: Language;
  /** Customers and staff read different wording where a template has both. */
  kind: 'customer' | 'staff';
}

export interface ContextInput {
  template: NotificationTemplate;
  facts: NotifyInput['facts'];
  recipient: ContextRecipient;
  request: RequestDocument;
  /** The assignee's group in the recipient's language. */
  groupLabel: string;
  assigneeName: string | null;
  /** The business calendar's time zone: every instant is shown in it. */
  timeZone: string;
  /** The signed customer link, when the facts name one. */
  link: string | null;
  /**
   * Names of the agents a staff mail names, by id: the owners of the
   * solution's tasks (review requests), a task's owner (its reminder or
   * escalation) and the reviewers who have not answered (a review's
   * escalation). An agent missing here is shown by id.
   */
  agentNames: ReadonlyMap<string, string>;
  /** What the end of the acceptance window does under the request's policy, for the delivery mail; unknown: not said. */
  acceptanceOnExpiry?: WorkflowPolicy['acceptanceOnExpiry'];
  /**
   * When the request closed, for the complaint review's mails: the request
   * row's `closed_at`, else its document's `closedAt`, else the review's
   * (notify.ts looks them up in that order); by default the document's.
   */
  closedAt?: string | null;
  now: Date;
}

export function templateContext(input: ContextInput): Record<string, unknown> {
  const { template, facts, recipient, request, timeZone } = input;
  const { language } = recipient;
  const at = (iso: string): string => formatInstant(iso, language, timeZone);
  const deadline = typeof facts.deadline === 'string' ? (facts.deadline as DeadlineId) : null;
  const dueAt = typeof facts.dueAt === 'string' ? facts.dueAt : null;
  const toStaff = recipient.kind === 'staff';

  const sheet = template === 'requirement-sheet' && request.sheet ? request.sheet : null;
  const solution = (template === 'solution' || template === 'review-request') && request.solution ? request.solution : null;
  const nameOf = (agentId: string): string => input.agentNames.get(agentId) ?? agentId;

  const shownFacts = Object.fromEntries(Object.entries(facts).filter(([name]) => !UNSHOWN_FACTS[template]?.includes(name)));
  const taskId = TASK_TEMPLATES.includes(template) && typeof facts.taskId === 'string' ? facts.taskId : null;
  const task = taskId === null ? null : taskOf(request, taskId);
  const pendingReviewers =
    template === 'deadline-escalation' && typeof facts.pendingReviewers === 'string'
      ? facts.pendingReviewers.split(',').filter((id) => id !== '')
      : null;
  const pause = template === 'waiting-notice' ? (request.pauses.at(-1) ?? null) : null;
  const delay = template === 'delay-notice' ? delayOf(request, facts) : null;
  const delivery = (template === 'delivery' || template === 'repeated-rejection') && request.delivery ? request.delivery : null;
  const feedback = template === 'intervention-needed' && request.feedback ? request.feedback : null;
  // The intervention the supervisors owe, as armed: the newest pending one.
  const interventionDue = feedback && (request.deadlines.filter((d) => d.name === 'intervention' && d.state === 'pending').at(-1)?.dueAt ?? null);

  return {
    ...shownFacts,
    recipient: { name: recipient.name, kind: recipient.kind },
    request: {
      id: request.id,
      priority: request.priority,
      typeLabel: REQUEST_TYPE_LABEL[language][request.type],
      groupLabel: input.groupLabel,
      assigneeName: input.assigneeName ?? '—',
    },
    deadlineLabel: deadline ? (DEADLINE_LABEL[language][deadline] ?? null) : null,
    dueAtLocal: dueAt ? at(dueAt) : null,
    /** Whether the due time had passed when the mail was written (a reminder after expiry). */
    duePassed: dueAt ? Date.parse(dueAt) <= input.now.getTime() : null,
    link: input.link,
    sheet: sheet && {
      description: sheet.description,
      goal: sheet.goal,
      expectedDeliveryAtLocal: sheet.expectedDeliveryAt ? at(sheet.expectedDeliveryAt) : null,
      customerObligations: sheet.customerObligations,
    },
    solution: solution && {
      steps: solution.steps,
      resources: solution.resources,
      risks: solution.risks.map(({ risk, mitigation }) => ({ risk, mitigation })),
      tasks: solution.tasks.map((task) => ({
        title: task.title,
        dueAtLocal: at(task.dueAt),
        // Staff see who owns each task (by name); a customer never sees an owner.
        ownerName: toStaff ? (input.agentNames.get(task.ownerId) ?? task.ownerId) : null,
      })),
    },
    areaLabel: template === 'review-request' ? REVIEW_AREA_LABEL[language][facts.area as ReviewArea] : null,
    // A task by its title; one the document does not hold (a reminder's, say) by its id.
    task:
      taskId === null
        ? null
        : {
            title: task?.title ?? taskId,
            dueAtLocal: task ? at(task.dueAt) : null,
            // Staff read who owns it (by name), a customer never.
            ownerName: toStaff && task ? nameOf(task.ownerId) : null,
          },
    acceptByLocal: template === 'task-assigned' && typeof facts.acceptBy === 'string' ? at(facts.acceptBy) : null,
    pendingReviewerNames: pendingReviewers?.length ? pendingReviewers.map(nameOf).join(language === 'en' ? ', ' : '、') : null,
    waiting: pause && { reason: pause.reason },
    delay:
      template === 'delay-notice'
        ? { fromLocal: at(String(facts.from)), toLocal: at(String(facts.to)), reason: delay?.reason ?? null }
        : null,
    progress: template === 'progress-report' ? progressReport(request, input.now, at) : null,
    delivery: delivery && {
      summary: delivery.summary,
      verification: delivery.verification,
      // The customer's reasons, for the supervisors told of a repeated rejection.
      reasons: template === 'repeated-rejection' ? delivery.customerComment : null,
      deemedOnExpiry: template === 'delivery' ? input.acceptanceOnExpiry === 'deemed_accepted' : null,
    },
    feedback: feedback && {
      sourceLabel: FEEDBACK_SOURCE_LABEL[language][feedback.source],
      atLocal: at(feedback.at),
      verdictLabel: VERDICT_LABEL[language][feedback.verdict],
      ratings: RATINGS.map((rating) => ({
        label: RATING_LABEL[language][rating],
        score: feedback.ratings[rating],
        low: feedback.ratings[rating] <= LOW_RATING,
      })),
      resolved: feedback.resolved,
      nps: feedback.nps,
      shortfalls: feedback.shortfalls,
      comment: feedback.comment,
      interventionDueAtLocal: interventionDue ? at(interventionDue) : null,
    },
    complaint: isComplaintReviewMail(input) ? complaintReview(input, at) : null,
    closure:
      template === 'closure'
        ? {
            statusLabel: CLOSED_STATUS_LABEL[language][facts.status as (typeof CLOSED_STATUSES)[number]],
            resolutionLabel: facts.resolution ? RESOLUTION_LABEL[language][facts.resolution as Resolution] : null,
            followUpLabel: facts.followUp ? FOLLOW_UP_LABEL[language][facts.followUp as FollowUpOutcome] : null,
            voidSheets: request.voidSheets,
          }
        : null,
  };
}

/**
 * A closed complaint, for the mails about its root-cause review (投诉根因复盘):
 * when and how it closed, the customer's feedback verdict if any, and the
 * root causes the supervisors choose from. Nothing of the customer but the
 * verdict: no name, no contact data.
 */
function complaintReview(input: ContextInput, at: (iso: string) => string) {
  const { request, recipient } = input;
  const { language } = recipient;
  const closedAt = input.closedAt === undefined ? request.closedAt : input.closedAt;
  const status = request.status === 'open' ? null : request.status;
  return {
    closedAtLocal: closedAt ? at(closedAt) : null,
    statusLabel: status ? CLOSED_STATUS_LABEL[language][status] : null,
    resolutionLabel: request.resolution ? RESOLUTION_LABEL[language][request.resolution] : null,
    followUpLabel: request.followUp ? FOLLOW_UP_LABEL[language][request.followUp] : null,
    verdictLabel: request.feedback ? VERDICT_LABEL[language][request.feedback.verdict] : null,
    feedbackSourceLabel: request.feedback ? FEEDBACK_SOURCE_LABEL[language][request.feedback.source] : null,
    rootCauses: RootCause.options.map((cause) => ROOT_CAUSE_LABEL[language][cause]).join(' / '),
  };
}

/**
 * The weekly progress report (服务进度报告): the updates of the 7 days before
 * `now` (oldest first), the latest update's next steps and risks, and the
 * solution's tasks done of all. Updates carry no author: the customer reads
 * what was done, not who wrote it.
 */
function progressReport(request: RequestDocument, now: Date, at: (iso: string) => string) {
  const since = now.getTime() - WEEK_MS;
  const latest = request.progress.at(-1) ?? null;
  const tasks = request.solution?.tasks ?? [];
  return {
    updates: request.progress
      .filter((update) => Date.parse(update.at) > since && Date.parse(update.at) <= now.getTime())
      .map((update) => ({ atLocal: at(update.at), note: update.note, percent: update.percent })),
    nextSteps: latest?.nextSteps ?? null,
    risks: latest?.risks ?? null,
    tasksDone: tasks.filter((task) => task.completedAt !== null).length,
    tasksTotal: tasks.length,
  };
}
