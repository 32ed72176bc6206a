/**
 * The request document and facts the notification tests render and send
 * (process.md "Notifications"): a request with every part a mail shows
 * recorded, a complaint as it closed, the facts the workflow passes with each
 * template and the kinds of recipient each one is written for. Shared by the
 * template tests (test/unit/notification-templates.test.ts) and the tests
 * that send them through the notify activity (test/integration/). Synthetic
 * data only.
 */
import type { NotificationTemplate, NotifyInput } from '../../contracts/activities';
import type { Language, RequestDocument } from '../../contracts/request';
import { initialDocument } from '../../rules/request-document';
import { requestInput } from './fixtures';

/** The request and customer a fixture document is for; by default R-2026-000123 of C-TEST-0123. */
export interface FixtureIds {
  requestId?: string;
  customerId?: string;
}

/** When the deadline a mail names falls due (18:00 in Shanghai). */
export const DUE_AT = '2026-11-30T10:00:00.000Z';

export type RecipientKind = 'customer' | 'staff';

/** Whom the template tests greet, in each language. */
export const NAMES: Record<Language, string> = { 'zh-CN': '张三', en: 'Alex Chen' };
/** When the mails are written (the tests' clock). */
export const NOW = new Date('2026-11-27T07:00:00Z');
/** Staff ids the request document holds: the assignee, a task owner, the sheet's author, a reviewer. */
export const ASSIGNEE_ID = 'A-ASSIGNEE-7';
export const OWNER_ID = 'A-OWNER-9';
export const STAFF_IDS = [ASSIGNEE_ID, OWNER_ID, 'A-AUTHOR-3', 'A-REVIEWER-5', 'A-REP-2'];
export const OWNER_NAME = '王五';
export const TASK_DUE = '2026-12-01T02:00:00.000Z';
export const DELIVERY_AT = '2026-12-02T10:00:00.000Z';
/** When the co-handler must accept the task (4 h after the customer's agreement). */
export const ACCEPT_BY = '2026-11-27T11:00:00.000Z';
/** When the supervisors' intervention is due (1 h after the feedback). */
export const INTERVENTION_DUE = '2026-11-27T08:00:00.000Z';
/** When a complaint closed, and its root-cause review is due (48 h later). */
export const CLOSED_AT = '2026-12-03T02:30:00.000Z';
export const REVIEW_DUE = '2026-12-05T02:30:00.000Z';

/**
 * A request with every part a mail shows recorded, written by staff: the
 * sheet (revision 2) and solution (revision 1), a week of progress, a delay,
 * a wait on the customer, the delivery (revision 1) rejected a third time,
 * and a service representative's dissatisfied callback with the
 * intervention it calls for pending.
 */
export function documentFixture(ids: FixtureIds = {}): RequestDocument {
  const { requestId = 'R-2026-000123', customerId = 'C-TEST-0123' } = ids;
  const doc = initialDocument(requestInput({ requestId, customerId, intake: { type: 'after_sales' } }));
  const by = { at: '2026-11-27T07:00:00.000Z', byKind: 'staff' as const, byRole: 'agent', byAgentId: 'A-AUTHOR-3', recordedFrom: null };
  return {
    ...doc,
    priority: 'P1',
    stage: 'solution_design',
    subStage: 'presented',
    assignee: { id: ASSIGNEE_ID, group: 'after_sales' },
    voidSheets: 3,
    sheet: {
      ...by,
      revision: 2,
      description: '洗衣机购买三天后漏水。\nLeaks three days after purchase.',
      goal: '上门检修 / a technician visit',
      expectedDeliveryAt: DELIVERY_AT,
      customerObligations: '购买凭证照片 / a photo of the receipt',
      state: 'awaiting_confirmation',
      customerComment: null,
    },
    solution: {
      ...by,
      revision: 1,
      steps: ['检测进水管 / check the inlet hose', '更换密封圈 / replace the seal'],
      resources: '维修工程师一名 / one engineer',
      risks: [{ risk: '配件缺货 / parts out of stock', mitigation: '邻近仓库调货 / ship from the next warehouse' }],
      tasks: [{ id: 'T-1', title: '上门检测 / on-site check', ownerId: OWNER_ID, dueAt: TASK_DUE, acceptedAt: null, completedAt: null, note: null }],
      complex: true,
      reviews: [{ area: 'legal', agentId: 'A-REVIEWER-5', approved: null, comment: null, at: null }],
      reviewRounds: 1,
      state: 'presented',
      customerComment: null,
    },
    progress: [
      { ...by, at: '2026-11-18T03:00:00.000Z', note: '上周：已联系厂家 / last week: called the maker', percent: 10, nextSteps: '旧计划 / old plan', risks: null },
      { ...by, at: '2026-11-24T03:00:00.000Z', note: '已完成上门检测 / on-site check done', percent: 40, nextSteps: null, risks: null },
      {
        ...by,
        at: '2026-11-26T09:00:00.000Z',
        note: '密封圈已到货\nThe seal has arrived',
        percent: null,
        nextSteps: '周五上门更换 / replace it on Friday',
        risks: '可能需要更换进水管 / the inlet hose may need replacing too',
      },
    ],
    delays: [{ ...by, from: DUE_AT, to: DELIVERY_AT, reason: '配件需从厂家调货\nThe part ships from the factory', lateNotice: true }],
    pauses: [{ ...by, reason: '请提供购买凭证照片\nPlease send a photo of the receipt', resumedAt: null, resumedBy: null }],
    rejections: 3,
    delivery: {
      ...by,
      revision: 1,
      summary: '已更换密封圈并完成试机。\nSeal replaced, test run passed.',
      verification: '连续运行洗涤程序 30 分钟无漏水 / run a 30-minute wash without leaks',
      state: 'rejected',
      customerComment: '仍有少量漏水 / it still leaks a little',
    },
    feedback: {
      ...by,
      byAgentId: 'A-REP-2',
      source: 'callback',
      resolved: false,
      ratings: { responseSpeed: 4, resolution: 2, attitude: 5, professionalism: 3 },
      verdict: 'dissatisfied',
      shortfalls: '维修师傅迟到两小时\nThe technician came two hours late',
      comment: '希望尽快彻底解决 / please fix it for good',
      nps: 3,
    },
    deadlines: [
      {
        name: 'intervention',
        dueAt: INTERVENTION_DUE,
        state: 'pending',
        armedAt: '2026-11-27T07:00:00.000Z',
        owedBy: null,
        remindedAt: null,
        settledAt: null,
        fulfilledAt: null,
        escalatedAt: null,
      },
    ],
    documentRevisions: { sheet: 2, solution: 1, delivery: 1, 'waiting-notice': 1, questionnaire: 1 },
  };
}

/**
 * A complaint as it closed: delivered, a dissatisfied callback, the supervisors'
 * intervention closing it (the fixture's customer and staff otherwise).
 */
export function closedComplaint(ids: FixtureIds = {}): RequestDocument {
  return { ...documentFixture(ids), type: 'complaint', stage: 'closed', subStage: null, status: 'completed', resolution: 'delivered', followUp: 'intervened', closedAt: CLOSED_AT };
}

/** Recipient kinds each template is written for (process.md "Notifications"). */
export const KINDS: Record<NotificationTemplate, readonly RecipientKind[]> = {
  'receipt-notice': ['customer'],
  assignment: ['staff'],
  'first-response': ['customer'],
  'nobody-eligible': ['staff'],
  'deadline-reminder': ['staff'],
  'deadline-escalation': ['staff'],
  reassignment: ['staff'],
  cancellation: ['customer', 'staff'],
  'requirement-sheet': ['customer'],
  'void-sheet': ['customer', 'staff'],
  'review-request': ['staff'],
  solution: ['customer'],
  'customer-reminder': ['customer'],
  closure: ['customer', 'staff'],
  'task-assigned': ['staff'],
  'waiting-notice': ['customer'],
  'delay-notice': ['customer'],
  'progress-report': ['customer'],
  delivery: ['customer'],
  'deemed-acceptance': ['customer', 'staff'],
  'repeated-rejection': ['staff'],
  questionnaire: ['customer'],
  'intervention-needed': ['staff'],
  'complaint-review-request': ['staff'],
};

/** The facts the workflow passes with each template (ids, codes, instants and counts). */
export const FACTS: Record<NotificationTemplate, NotifyInput['facts']> = {
  'receipt-notice': {},
  assignment: { deadline: 'firstResponse', dueAt: DUE_AT },
  'first-response': { link: 'first-contact-rating', revision: 1 },
  'nobody-eligible': {},
  'deadline-reminder': { deadline: 'requirementSheet', dueAt: DUE_AT },
  'deadline-escalation': { deadline: 'firstResponse', dueAt: DUE_AT },
  reassignment: { deadline: 'firstResponse' },
  cancellation: { by: 'customer' },
  'requirement-sheet': { link: 'sheet', revision: 2, dueAt: DUE_AT },
  'void-sheet': { voidSheets: 2, dueAt: DUE_AT },
  'review-request': { area: 'legal', dueAt: DUE_AT, round: 1 },
  solution: { link: 'solution', revision: 1, dueAt: DUE_AT },
  'customer-reminder': { deadline: 'solutionAgreement', dueAt: DUE_AT, link: 'solution', revision: 1 },
  closure: { status: 'completed', resolution: 'delivered', followUp: 'done' },
  'task-assigned': { taskId: 'T-1', dueAt: TASK_DUE, acceptBy: ACCEPT_BY },
  'waiting-notice': { link: 'waiting-notice', revision: 1 },
  'delay-notice': { from: DUE_AT, to: DELIVERY_AT, lateNotice: true },
  'progress-report': { week: 1 },
  delivery: { link: 'delivery', revision: 1, dueAt: DUE_AT },
  'deemed-acceptance': { deadline: 'acceptance', dueAt: DUE_AT },
  'repeated-rejection': { rejections: 3 },
  questionnaire: { link: 'questionnaire', revision: 1 },
  'intervention-needed': { verdict: 'dissatisfied' },
  'complaint-review-request': { dueAt: REVIEW_DUE },
};

/** The plain text with line wrapping undone (the text part wraps at 78 columns). */
export const flat = (text: string): string => text.replace(/\s+/g, ' ');

/** The token of the customer link (`https://service.example/c/{token}` under `testMailSettings`) in a mail's HTML. */
export const tokenOf = (html: string | null): string => {
  const token = /href="https:\/\/service\.example\/c\/([^"]+)"/.exec(html ?? '')?.[1];
  expect(token).toBeDefined();
  return token!;
};
