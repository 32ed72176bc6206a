/**
 * What each template needs from the workflow's facts and from the request
 * document the workflow recorded before sending, checked before anything is
 * recorded or sent. Facts are ids, codes, instants and counts; a fact that is
 * missing or of the wrong type, a customer link addressed to staff, or a
 * document the workflow has not recorded yet is a programming error, which no
 * retry mends: the activity fails non-retryably.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { NotificationTemplate, NotifyInput } from '../../contracts/activities';
import { CustomerDocument } from '../../contracts/customer-document';
import {
  DeadlineId,
  FollowUpOutcome,
  Resolution,
  ReviewArea,
  Verdict,
  type DelayRecord,
  type RequestDocument,
  type SolutionTask,
} from '../../contracts/request';

/** Facts the workflow got wrong. */
export function invalidFacts(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, 'InvalidNotificationFacts');
}

interface FactRule {
  test(value: unknown): boolean;
  expected: string;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const instant: FactRule = {
  test: (v) => typeof v === 'string' && ISO_INSTANT.test(v) && !Number.isNaN(Date.parse(v)),
  expected: 'an ISO-8601 instant',
};
const wholeNumber = (min: number): FactRule => ({
  test: (v) => typeof v === 'number' && Number.isInteger(v) && v >= min,
  expected: `a whole number ≥ ${min}`,
});
const oneOf = (values: readonly string[]): FactRule => ({
  test: (v) => typeof v === 'string' && values.includes(v),
  expected: `one of ${values.map((v) => `'${v}'`).join(', ')}`,
});
const orNull = (rule: FactRule): FactRule => ({ test: (v) => v === null || rule.test(v), expected: `${rule.expected}, or null` });
const boolean: FactRule = { test: (v) => typeof v === 'boolean', expected: 'true or false' };
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
/** An id (a task's, an agent's): a code, never free text. */
const id: FactRule = { test: (v) => typeof v === 'string' && ID.test(v), expected: 'an id' };
/** Agent ids joined by commas (`A-1,A-2`), or '' for none. */
const idList: FactRule = {
  test: (v) => typeof v === 'string' && (v === '' || v.split(',').every((part) => ID.test(part))),
  expected: "agent ids separated by commas, or ''",
};

/** The customer-side deadlines a customer reminder is about, and the document each one's link opens. */
export const REMINDER_DOCUMENT = {
  confirmation: 'sheet',
  solutionAgreement: 'solution',
  acceptance: 'delivery',
} as const satisfies Record<string, CustomerDocument>;
export type ReminderDeadline = keyof typeof REMINDER_DOCUMENT;

export const CLOSED_STATUSES = ['completed', 'unconfirmed', 'cancelled'] as const;

interface TemplateRules {
  /** Who may receive it: the customer's own mails carry the customer's words and links. */
  recipients: 'customer' | 'staff' | 'any';
  /** Every fact named here must be present (a nullable one as null). */
  facts: Record<string, FactRule>;
  /** Facts the template shows when the workflow passes them. */
  optional?: Record<string, FactRule>;
}

const deadlineFacts = { deadline: oneOf(DeadlineId.options), dueAt: instant };

const RULES: Partial<Record<NotificationTemplate, TemplateRules>> = {
  cancellation: { recipients: 'any', facts: { by: oneOf(['customer', 'staff']) } },
  'requirement-sheet': { recipients: 'customer', facts: { link: oneOf(['sheet']), revision: wholeNumber(0), dueAt: instant } },
  'void-sheet': { recipients: 'any', facts: { voidSheets: wholeNumber(1), dueAt: instant } },
  'review-request': { recipients: 'staff', facts: { area: oneOf(ReviewArea.options), dueAt: instant, round: wholeNumber(1) } },
  solution: { recipients: 'customer', facts: { link: oneOf(['solution']), revision: wholeNumber(0), dueAt: instant } },
  'customer-reminder': {
    recipients: 'customer',
    facts: {
      deadline: oneOf(Object.keys(REMINDER_DOCUMENT)),
      dueAt: instant,
      link: oneOf(Object.values(REMINDER_DOCUMENT)),
      revision: wholeNumber(0),
    },
  },
  closure: {
    recipients: 'any',
    facts: { status: oneOf(CLOSED_STATUSES), resolution: orNull(oneOf(Resolution.options)), followUp: orNull(oneOf(FollowUpOutcome.options)) },
  },
  // A task's deadlines name the task; a review's escalation, the reviewers who have not answered.
  'deadline-reminder': { recipients: 'staff', facts: deadlineFacts, optional: { taskId: id } },
  'deadline-escalation': { recipients: 'staff', facts: deadlineFacts, optional: { taskId: id, pendingReviewers: idList } },
  'task-assigned': { recipients: 'staff', facts: { taskId: id, dueAt: instant, acceptBy: instant } },
  'waiting-notice': { recipients: 'customer', facts: { link: oneOf(['waiting-notice']), revision: wholeNumber(0) } },
  'delay-notice': { recipients: 'customer', facts: { from: instant, to: instant, lateNotice: boolean } },
  'progress-report': { recipients: 'customer', facts: { week: wholeNumber(1) } },
  delivery: { recipients: 'customer', facts: { link: oneOf(['delivery']), revision: wholeNumber(0), dueAt: instant } },
  'deemed-acceptance': { recipients: 'any', facts: { deadline: oneOf(['acceptance']), dueAt: instant } },
  'repeated-rejection': { recipients: 'staff', facts: { rejections: wholeNumber(1) } },
  questionnaire: { recipients: 'customer', facts: { link: oneOf(['questionnaire']), revision: wholeNumber(0) } },
  'intervention-needed': { recipients: 'staff', facts: { verdict: oneOf(Verdict.options) } },
  // The complaint review (投诉根因复盘): when it is due; the closing time and the complaint are the request's.
  'complaint-review-request': { recipients: 'staff', facts: { dueAt: instant } },
};

/** What a template cannot do without, and who may receive it; checked before anything is recorded or sent. */
export function checkFacts(input: NotifyInput): void {
  const { template, facts, recipients } = input;
  const rules = RULES[template];
  for (const [name, rule] of Object.entries(rules?.facts ?? {})) {
    const value = Object.hasOwn(facts, name) ? facts[name] : undefined;
    if (!rule.test(value)) {
      throw invalidFacts(`${template} needs facts.${name}, ${rule.expected}; got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
    }
  }
  for (const [name, rule] of Object.entries(rules?.optional ?? {})) {
    if (!Object.hasOwn(facts, name) || facts[name] === undefined) continue;
    if (!rule.test(facts[name])) {
      throw invalidFacts(`${template}'s facts.${name}, when given, is ${rule.expected}; got ${JSON.stringify(facts[name])}`);
    }
  }
  if (template === 'delay-notice' && Date.parse(facts.to as string) <= Date.parse(facts.from as string)) {
    throw invalidFacts(`delay-notice moves the delivery time later; got facts.from ${String(facts.from)} and facts.to ${String(facts.to)}`);
  }
  if (template === 'customer-reminder') {
    const expected = REMINDER_DOCUMENT[facts.deadline as ReminderDeadline];
    if (facts.link !== expected) {
      throw invalidFacts(`customer-reminder for ${String(facts.deadline)} links to '${expected}'; got facts.link ${JSON.stringify(facts.link)}`);
    }
  }
  // A customer link acts as the customer: it goes to the customer only.
  const hasLink = facts.link !== undefined && facts.link !== null;
  const needsCustomer = hasLink || rules?.recipients === 'customer';
  for (const recipient of recipients) {
    if (needsCustomer && recipient.kind !== 'customer') {
      throw invalidFacts(`${template}${hasLink ? ' carries a customer link and' : ''} goes to the customer only; got a ${recipient.kind} recipient`);
    }
    if (rules?.recipients === 'staff' && recipient.kind === 'customer') {
      throw invalidFacts(`${template} goes to staff only; got a customer recipient`);
    }
  }
}

/**
 * The customer document a link fact names, with the revision the workflow
 * passes beside it (`{ link: 'sheet', revision: 2 }`); null without a link.
 */
export function linkFacts(facts: NotifyInput['facts']): { document: CustomerDocument; revision: number } | null {
  if (facts.link === undefined || facts.link === null) return null;
  const document = CustomerDocument.safeParse(facts.link);
  if (!document.success) throw invalidFacts(`facts.link ${JSON.stringify(facts.link)} is not a customer document`);
  const { revision } = facts;
  if (typeof revision !== 'number' || !Number.isInteger(revision) || revision < 0) {
    throw invalidFacts(
      `facts.link ${JSON.stringify(document.data)} needs facts.revision, the document's revision as a whole number ≥ 0; got ${JSON.stringify(revision ?? null)}`,
    );
  }
  return { document: document.data, revision };
}

/** The count a mail is for, against the count the recorded document holds (null: the part is missing). */
interface ShownPart {
  part: string;
  counter: string;
  value: number;
  recorded: number | null;
}

/**
 * The part of the request document a template shows, and the count it must
 * be at: the revision the link is signed for, the review round asked for,
 * the rejection the mail reports.
 */
function shownPart(input: NotifyInput, request: RequestDocument): ShownPart | null {
  const { template, facts } = input;
  const revisionOf = (part: 'sheet' | 'solution' | 'delivery'): ShownPart => ({
    part,
    counter: 'revision',
    value: facts.revision as number,
    recorded: request[part]?.revision ?? null,
  });
  /** The waiting notice's page is no part of its own: the revision the workflow counted, the reason the last pause's. */
  const waitingRevision = (): ShownPart => ({
    part: 'waiting-notice',
    counter: 'revision',
    value: facts.revision as number,
    recorded: request.pauses.length > 0 ? (request.documentRevisions['waiting-notice'] ?? 0) : null,
  });
  switch (template) {
    case 'requirement-sheet':
      return revisionOf('sheet');
    case 'solution':
      return revisionOf('solution');
    case 'delivery':
      return revisionOf('delivery');
    case 'review-request':
      return { part: 'solution', counter: 'review round', value: facts.round as number, recorded: request.solution?.reviewRounds ?? null };
    case 'customer-reminder':
      // The reminder shows no content, but a reminder for a superseded sheet, solution or delivery is moot.
      return facts.link === 'sheet' || facts.link === 'solution' || facts.link === 'delivery' ? revisionOf(facts.link) : null;
    case 'repeated-rejection':
      // The rejection's reasons are the delivery's; a later rejection would show other reasons.
      return { part: 'delivery', counter: 'rejection', value: facts.rejections as number, recorded: request.delivery ? request.rejections : null };
    case 'waiting-notice':
      return waitingRevision();
    default:
      return null;
  }
}

function notRecorded(input: NotifyInput, request: RequestDocument, what: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `${input.template} ${what}, but the recorded document ${request.id} v${request.version} does not hold it: the workflow records it before it sends`,
    'DocumentNotRecorded',
  );
}

/** The task a task's mail names (task-assigned, a task's reminder or escalation), if the solution holds it. */
export function taskOf(request: RequestDocument, taskId: unknown): SolutionTask | null {
  return typeof taskId === 'string' ? (request.solution?.tasks.find((task) => task.id === taskId) ?? null) : null;
}

/** The mails about a complaint's root-cause review: the request for it, and its deadline's reminder and escalation. */
export function isComplaintReviewMail({ template, facts }: Pick<NotifyInput, 'template' | 'facts'>): boolean {
  return (
    template === 'complaint-review-request' ||
    ((template === 'deadline-reminder' || template === 'deadline-escalation') && facts.deadline === 'complaintReview')
  );
}

/** The announced delay a delay notice is about: the last one from `from` to `to`. */
export function delayOf(request: RequestDocument, facts: NotifyInput['facts']): DelayRecord | null {
  const from = Date.parse(String(facts.from));
  const to = Date.parse(String(facts.to));
  return [...request.delays].reverse().find((delay) => Date.parse(delay.from) === from && Date.parse(delay.to) === to) ?? null;
}

/**
 * Whether the recorded document holds what the mail shows. The workflow
 * records the document before it sends, so a missing part, or an older
 * revision (or review round, or rejection) than the mail's, is a
 * programming error (non-retryable). A newer one means the mail was
 * superseded while it waited (the request moved on before its e-mails went
 * out): it is not sent, since its link would be stale and its content not
 * what it announces. So is a waiting notice for a wait that has ended, and
 * any mail linking to a customer page of a request that has since closed.
 */
export function checkDocument(input: NotifyInput, request: RequestDocument): 'current' | 'superseded' {
  const { template, facts } = input;
  // A closed request takes no more actions: a link to one of its customer pages would only be refused.
  if (typeof facts.link === 'string' && request.status !== 'open') return 'superseded';
  switch (template) {
    case 'task-assigned':
      if (!taskOf(request, facts.taskId)) throw notRecorded(input, request, `names task ${String(facts.taskId)} of the solution`);
      return 'current';
    case 'delay-notice':
      if (!delayOf(request, facts)) throw notRecorded(input, request, `announces the delay from ${String(facts.from)} to ${String(facts.to)}`);
      return 'current';
    case 'intervention-needed':
      if (request.feedback?.verdict !== facts.verdict) throw notRecorded(input, request, `shows the customer's feedback with verdict ${String(facts.verdict)}`);
      return 'current';
    case 'complaint-review-request':
    case 'deadline-reminder':
    case 'deadline-escalation':
      // Only a complaint has a root-cause review (process.md stage 10).
      if (isComplaintReviewMail(input) && request.type !== 'complaint') {
        throw invalidFacts(`${template}${template === 'complaint-review-request' ? '' : ' for complaintReview'} is about a complaint; request ${request.id} is of type ${request.type}`);
      }
      return 'current';
    case 'questionnaire': {
      // It shows nothing of the document, so a row not yet recorded is no error (after a deemed
      // acceptance it may be sent beside the recordState); a newer questionnaire makes its link stale.
      const recorded = request.documentRevisions.questionnaire;
      return recorded !== undefined && recorded > (facts.revision as number) ? 'superseded' : 'current';
    }
    default:
      break;
  }
  const shown = shownPart(input, request);
  if (!shown) return 'current';
  if (shown.recorded === null) {
    throw ApplicationFailure.nonRetryable(
      `${template} shows the request's ${shown.part}, but the recorded document ${request.id} v${request.version} has none: the workflow records it before it sends`,
      'DocumentNotRecorded',
    );
  }
  if (shown.recorded < shown.value) {
    throw ApplicationFailure.nonRetryable(
      `${template} is for ${shown.part} ${shown.counter} ${shown.value}, but the recorded document ${request.id} v${request.version} holds ${shown.recorded}: the workflow records it before it sends`,
      'DocumentNotRecorded',
    );
  }
  if (shown.recorded > shown.value) return 'superseded';
  // The customer (or the assignee) has already said the wait is over: "we are waiting for you" is moot.
  if (template === 'waiting-notice' && request.pauses.at(-1)!.resumedAt !== null) return 'superseded';
  return 'current';
}
