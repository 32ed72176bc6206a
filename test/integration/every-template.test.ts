/**
 * Every notification template in both languages (issue 7; process.md
 * "Notifications", api.md customer pages), sent by the real notify activity
 * on real PostgreSQL to a real SMTP server and checked on the mail as it was
 * received: each template × {zh-CN, en} goes to recipients of the kinds it is
 * written for, in the language under test, and each mail has the right
 * envelope recipient, the Message-ID of its key, the subject written out by
 * hand below, an HTML and a plain-text part in the recipient's language, a
 * customer link whose token verifies for the request, the document and the
 * revision, and — to a customer — nothing of staff.
 *
 * Each case records a request of its own holding what the template shows
 * (test/support/notification-fixtures.ts), with staff who read the
 * language under test. A policy address (the supervisors' mailbox) has no
 * language of its own: notify.ts writes to it in Chinese, so in English the
 * group lead, an agent reading English, stands in for it.
 */
import { createActivities } from '../../activities';
import { createMailer } from '../../activities/notifications/mailer';
import { NotificationTemplate, type NotificationRecipient, type RequestActivities } from '../../contracts/activities';
import { verifyCustomerToken } from '../../contracts/customer-token';
import { DEFAULT_POLICY } from '../../contracts/policy';
import { Language, type RequestDocument } from '../../contracts/request';
import type { Db } from '../../db/database';
import { startMailSink, type MailSink, type ReceivedMail } from '../../local/mail-sink';
import { recordFreshRequest, startActivityDatabase, type ActivityDatabase } from '../support/activity-database';
import { messageIdOf, TEST_TOKEN_SECRET, testMailSettings } from '../support/fixtures';
import {
  closedComplaint,
  documentFixture,
  FACTS,
  flat,
  KINDS,
  NAMES,
  NOW,
  OWNER_NAME,
  STAFF_IDS,
  tokenOf,
  type RecipientKind,
} from '../support/notification-fixtures';

let database: ActivityDatabase;
let db: Db;
let sink: MailSink;
let activities: RequestActivities;

/** Who a mail goes to, as the workflows address them (workflows/customer-request.ts, workflows/complaint-review.ts). */
type Role = 'customer' | 'assignee' | 'previousAssignee' | 'taskOwner' | 'reviewer' | 'groupLead' | 'supervisors';
type StaffRole = Exclude<Role, 'customer' | 'supervisors'>;

/**
 * The recipients of each template, with the facts of FACTS: a reminder of the
 * requirement sheet goes to the assignee who owes it, a missed first response
 * to the group lead (and, missed again, to the supervisors), a reassignment
 * to the agent who had the request, a task to its owner, a review request to
 * the reviewer.
 */
const RECIPIENTS: Record<NotificationTemplate, readonly Role[]> = {
  'receipt-notice': ['customer'],
  assignment: ['assignee'],
  'first-response': ['customer'],
  'nobody-eligible': ['groupLead', 'supervisors'],
  'deadline-reminder': ['assignee'],
  'deadline-escalation': ['groupLead', 'supervisors'],
  reassignment: ['previousAssignee'],
  cancellation: ['customer', 'assignee'],
  'requirement-sheet': ['customer'],
  'void-sheet': ['customer', 'assignee'],
  'review-request': ['reviewer'],
  solution: ['customer'],
  'customer-reminder': ['customer'],
  closure: ['customer', 'assignee'],
  'task-assigned': ['taskOwner'],
  'waiting-notice': ['customer'],
  'delay-notice': ['customer'],
  'progress-report': ['customer'],
  delivery: ['customer'],
  'deemed-acceptance': ['customer', 'assignee'],
  'repeated-rejection': ['supervisors'],
  questionnaire: ['customer'],
  'intervention-needed': ['supervisors'],
  'complaint-review-request': ['supervisors'],
};

/** In English the group lead stands in for the supervisors' mailbox, which is written to in Chinese. */
function rolesIn(template: NotificationTemplate, language: Language): Role[] {
  const roles = RECIPIENTS[template].map((role): Role => (language === 'en' && role === 'supervisors' ? 'groupLead' : role));
  return [...new Set(roles)];
}

/**
 * The subject of every template in each language, written out by hand from
 * the templates (activities/notifications/templates/*.hbs) and their labels,
 * for the facts of FACTS and the request below (P1, after-sales); `{id}` is
 * the request's id. A template for customers and staff alike has a subject
 * for each.
 */
type Subject = string | { customer: string; staff: string };
const SUBJECTS: Record<NotificationTemplate, Record<Language, Subject>> = {
  'receipt-notice': {
    'zh-CN': '【受理通知】您的需求 {id} 已受理',
    en: 'We have received your request {id}',
  },
  assignment: {
    'zh-CN': '【新需求】P1 售后 {id} 已分配给您',
    en: '[New request] P1 after-sales {id} assigned to you',
  },
  'first-response': {
    'zh-CN': '您的需求 {id} 已由专人处理',
    en: 'Your request {id} is being handled',
  },
  'nobody-eligible': {
    'zh-CN': '【待分配】需求 {id} 暂无可分配人员',
    en: '[Unassigned] Nobody is available for request {id}',
  },
  'deadline-reminder': {
    'zh-CN': '【提醒】需求 {id} 的“需求确认单出具”即将到期',
    en: '[Reminder] Request {id}: requirement sheet issued due soon',
  },
  'deadline-escalation': {
    'zh-CN': '【升级】需求 {id} 已超过时限：首次响应',
    en: '[Escalation] Request {id} missed its deadline: first response',
  },
  reassignment: {
    'zh-CN': '【改派】需求 {id} 已改派给 李四',
    en: '[Reassigned] Request {id} now with Li Wei',
  },
  cancellation: {
    'zh-CN': { customer: '【取消通知】您的需求 {id} 已取消', staff: '【已取消】需求 {id} 已取消，请停止处理' },
    en: { customer: 'Your request {id} has been cancelled', staff: '[Cancelled] Request {id}: please stop work' },
  },
  'requirement-sheet': {
    'zh-CN': '【需求确认单】请确认您的需求 {id}',
    en: 'Please confirm the requirement sheet for your request {id}',
  },
  'void-sheet': {
    'zh-CN': { customer: '【确认单失效】您的需求 {id} 的需求确认单已失效', staff: '【确认单失效】需求 {id}：请重新与客户沟通' },
    en: { customer: 'The requirement sheet for your request {id} has expired', staff: '[Sheet void] Request {id}: please talk to the customer again' },
  },
  'review-request': {
    'zh-CN': '【方案评审】请评审需求 {id} 的服务方案（法务评审）',
    en: '[Review] Please review the solution for request {id} (legal review)',
  },
  solution: {
    'zh-CN': '【服务方案】您的需求 {id} 服务方案，请确认',
    en: 'Service solution for your request {id}: your agreement needed',
  },
  'customer-reminder': {
    'zh-CN': '【温馨提醒】您的需求 {id} 的服务方案待您确认',
    en: 'Reminder: the service solution for your request {id} awaits your agreement',
  },
  closure: {
    'zh-CN': { customer: '【服务闭环】您的需求 {id} 已办结', staff: '【已关闭】需求 {id} 已关闭（已完成）' },
    en: { customer: 'Your request {id} is complete', staff: '[Closed] Request {id}: completed' },
  },
  'task-assigned': {
    'zh-CN': '【协办任务】需求 {id} 有一项任务分配给您',
    en: '[Task] A task of request {id} is yours',
  },
  'waiting-notice': {
    'zh-CN': '【客户配合事项】您的需求 {id} 需要您的配合',
    en: 'Your request {id}: we need something from you',
  },
  'delay-notice': {
    'zh-CN': '【延期通知】您的需求 {id} 预计交付时间调整',
    en: 'Your request {id}: new expected delivery time',
  },
  'progress-report': {
    'zh-CN': '【服务进度报告】您的需求 {id} 第 1 周进度',
    en: 'Progress report, week 1: your request {id}',
  },
  delivery: {
    'zh-CN': '【服务交付】您的需求 {id} 已交付，请验收',
    en: 'Your request {id} has been delivered: please check and accept it',
  },
  'deemed-acceptance': {
    'zh-CN': { customer: '【验收通知】您的需求 {id} 已视为验收通过', staff: '【视为验收】需求 {id} 逾期未验收，已视为验收通过' },
    en: { customer: 'Your request {id}: the delivery is deemed accepted', staff: '[Deemed accepted] Request {id}: no answer within the acceptance period' },
  },
  'repeated-rejection': {
    'zh-CN': '【多次验收不通过】需求 {id} 的交付成果第 3 次被客户驳回',
    en: '[Repeated rejection] Request {id}: delivery rejected 3 times',
  },
  questionnaire: {
    'zh-CN': '【满意度问卷】诚邀您评价需求 {id} 的服务',
    en: 'How did we do? A short questionnaire about your request {id}',
  },
  'intervention-needed': {
    'zh-CN': '【需主管介入】需求 {id} 客户满意度反馈需采取补救措施',
    en: '[Intervention needed] Request {id}: the customer’s feedback calls for a remedy plan',
  },
  'complaint-review-request': {
    'zh-CN': '【投诉复盘】投诉 {id} 已关闭，请完成投诉根因复盘',
    en: '[Complaint review] Complaint {id} has closed: root-cause review needed',
  },
};

function subjectOf(template: NotificationTemplate, language: Language, kind: RecipientKind, requestId: string): string {
  const subject = SUBJECTS[template][language];
  return (typeof subject === 'string' ? subject : subject[kind]).replace('{id}', requestId);
}

/** Each language's group: the group lead is every active lead of the request's group, so each language has its own. */
const GROUP: Record<Language, string> = { 'zh-CN': 'after_sales', en: 'technical_support' };

interface Agent {
  id: string;
  name: string;
  email: string;
}
/** The staff of the requests in each language, who read that language. */
const STAFF: Record<Language, Record<StaffRole, Agent>> = {
  'zh-CN': {
    assignee: { id: 'A-ZH-ASSIGNEE', name: '李四', email: 'assignee.zh@service.example' },
    previousAssignee: { id: 'A-ZH-PREVIOUS', name: '赵六', email: 'previous.zh@service.example' },
    taskOwner: { id: 'A-ZH-OWNER', name: OWNER_NAME, email: 'owner.zh@service.example' },
    reviewer: { id: 'A-ZH-REVIEWER', name: '孙七', email: 'reviewer.zh@service.example' },
    groupLead: { id: 'A-ZH-LEAD', name: '周八', email: 'lead.zh@service.example' },
  },
  en: {
    assignee: { id: 'A-EN-ASSIGNEE', name: 'Li Wei', email: 'assignee.en@service.example' },
    previousAssignee: { id: 'A-EN-PREVIOUS', name: 'Ming Zhao', email: 'previous.en@service.example' },
    taskOwner: { id: 'A-EN-OWNER', name: 'Jun Wang', email: 'owner.en@service.example' },
    reviewer: { id: 'A-EN-REVIEWER', name: 'Lin Sun', email: 'reviewer.en@service.example' },
    groupLead: { id: 'A-EN-LEAD', name: 'Hua Zhou', email: 'lead.en@service.example' },
  },
};
const ALL_AGENTS = Language.options.flatMap((language) => Object.values(STAFF[language]));
const POLICY_ADDRESSES = [...DEFAULT_POLICY.addresses.supervisors, DEFAULT_POLICY.addresses.headOfService, ...(DEFAULT_POLICY.addresses.serviceRepresentatives ?? [])];
/** How notify.ts greets the supervisors' mailbox. */
const SUPERVISORS_NAME = '客服主管 / Supervisors';

/** Chinese (and other CJK) script and punctuation, full-width forms included. */
const CJK = /[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/;

const CASES = NotificationTemplate.flatMap((template) => Language.options.map((language) => [template, language] as const));
/** Case i records request R-2026-000{FIRST + i} of customer C-TEST-0{FIRST + i}. */
const FIRST = 700;
const EVENT_SEQ = 7;

interface Delivery {
  role: Role;
  kind: RecipientKind;
  recipient: NotificationRecipient;
  /** The key's recipient part. */
  recipientId: string;
  address: string;
  name: string;
}

/**
 * Records the case's request as the workflow has it when it sends the mail:
 * the fixture document (a closed complaint for its root-cause review), its
 * staff those of the language, its customer reading the language.
 */
async function recordCase(template: NotificationTemplate, language: Language, n: number): Promise<RequestDocument> {
  const complaint = template === 'complaint-review-request';
  const intake = await recordFreshRequest({ db, activities }, n, complaint ? { type: 'complaint', emotion: 'dissatisfied' } : { type: 'after_sales' });
  await db.updateTable('customers').set({ name: NAMES[language], language }).where('id', '=', intake.customer.id).execute();
  const ids = { requestId: intake.id, customerId: intake.customer.id };
  const fixture = complaint ? closedComplaint(ids) : documentFixture(ids);
  const staff = STAFF[language];
  const document: RequestDocument = {
    ...fixture,
    version: intake.version + 1,
    assignee: { id: staff.assignee.id, group: GROUP[language] },
    solution: fixture.solution && {
      ...fixture.solution,
      tasks: fixture.solution.tasks.map((task) => ({ ...task, ownerId: staff.taskOwner.id })),
      reviews: fixture.solution.reviews.map((review) => ({ ...review, agentId: staff.reviewer.id })),
    },
  };
  await activities.recordState({ document });
  await db.updateTable('requests').set({ assignee_id: staff.assignee.id, group_id: GROUP[language] }).where('id', '=', document.id).execute();
  return document;
}

function deliveryTo(role: Role, language: Language, request: RequestDocument, customerEmail: string): Delivery {
  switch (role) {
    case 'customer':
      return {
        role,
        kind: 'customer',
        recipient: { kind: 'customer', customerId: request.customer.id },
        recipientId: request.customer.id,
        address: customerEmail,
        name: NAMES[language],
      };
    case 'supervisors':
      return {
        role,
        kind: 'staff',
        recipient: { kind: 'policyAddress', name: 'supervisors' },
        recipientId: 'supervisors',
        address: DEFAULT_POLICY.addresses.supervisors[0]!,
        name: SUPERVISORS_NAME,
      };
    case 'groupLead': {
      const lead = STAFF[language].groupLead;
      return { role, kind: 'staff', recipient: { kind: 'groupLead', groupId: GROUP[language] }, recipientId: lead.id, address: lead.email, name: lead.name };
    }
    default: {
      const agent = STAFF[language][role];
      return { role, kind: 'staff', recipient: { kind: 'agent', agentId: agent.id }, recipientId: agent.id, address: agent.email, name: agent.name };
    }
  }
}

/** Every text the recorded document holds that is written in Chinese: what a mail may show of the data, in any language. */
function chineseData(value: unknown): string[] {
  if (typeof value === 'string') return CJK.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(chineseData);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(chineseData);
  return [];
}

/** The mail's text without the data it shows and the names it greets: the template's own words. */
function ownWords(text: string, data: string[]): string {
  let words = flat(text);
  for (const value of [...data].map(flat).sort((a, b) => b.length - a.length)) words = words.split(value).join(' ');
  return words;
}

beforeAll(async () => {
  database = await startActivityDatabase({ now: () => NOW });
  db = database.db;
  sink = await startMailSink();
  activities = createActivities({ db, mailer: createMailer(sink.smtpUrl), clock: { now: () => NOW }, ...testMailSettings });
  await db
    .insertInto('agents')
    .values(
      Language.options.flatMap((language) =>
        Object.entries(STAFF[language]).map(([role, agent]) => ({ ...agent, group_id: GROUP[language], language, lead: role === 'groupLead' })),
      ),
    )
    .execute();
});

afterAll(async () => {
  await sink?.close();
  await database?.close();
});

describe('the table covers every template in both languages', () => {
  it('has 24 templates × 2 languages, each with a hand-written subject for each kind of recipient it has', () => {
    expect(NotificationTemplate).toHaveLength(24);
    expect(Language.options).toEqual(['zh-CN', 'en']);
    expect(CASES).toHaveLength(48);
    expect(Object.keys(SUBJECTS).sort()).toEqual([...NotificationTemplate].sort());
    expect(Object.keys(RECIPIENTS).sort()).toEqual([...NotificationTemplate].sort());
    for (const [template, language] of CASES) {
      const subject = SUBJECTS[template][language];
      // Two subjects exactly where the template is for customers and staff alike.
      expect([template, language, typeof subject === 'string']).toEqual([template, language, KINDS[template].length === 1]);
    }
  });

  it('sends each template to the kinds of recipient it is written for, and uses every kind of recipient', () => {
    for (const [template, language] of CASES) {
      const kinds = new Set(rolesIn(template, language).map((role) => (role === 'customer' ? 'customer' : 'staff')));
      expect([template, language, [...kinds].sort()]).toEqual([template, language, [...KINDS[template]].sort()]);
    }
    const kinds = new Set(CASES.flatMap(([template, language]) => rolesIn(template, language)));
    // A customer, agents (the assignee and others), a group lead, a policy address.
    expect([...kinds].sort()).toEqual(['assignee', 'customer', 'groupLead', 'previousAssignee', 'reviewer', 'supervisors', 'taskOwner']);
  });
});

describe.each(CASES)('%s in %s', (template, language) => {
  const n = FIRST + CASES.findIndex(([t, l]) => t === template && l === language);
  const facts = FACTS[template];
  let request: RequestDocument;
  let deliveries: Delivery[];
  const received = new Map<Role, ReceivedMail>();

  beforeAll(async () => {
    request = await recordCase(template, language, n);
    deliveries = rolesIn(template, language).map((role) => deliveryTo(role, language, request, `customer.${n}@example.com`));
    const result = await activities.notify({
      requestId: request.id,
      eventSeq: EVENT_SEQ,
      template,
      recipients: deliveries.map((d) => d.recipient),
      facts,
    });
    expect(result).toEqual({
      sent: deliveries.map((d) => `${request.id}:${EVENT_SEQ}:${template}:${d.recipientId}`),
      skipped: [],
      unresolved: [],
      rejected: [],
    });
    for (const d of deliveries) {
      received.set(d.role, await sink.waitFor((m) => m.messageId === messageIdOf(`${request.id}:${EVENT_SEQ}:${template}:${d.recipientId}`)));
    }
  });

  const each = (check: (mail: ReceivedMail, d: Delivery) => void) => {
    for (const d of deliveries) check(received.get(d.role)!, d);
  };

  it('reaches each recipient at their address, once, with the Message-ID of its key and the request’s headers', () => {
    each((mail, d) => {
      const key = `${request.id}:${EVENT_SEQ}:${template}:${d.recipientId}`;
      expect([d.role, mail.envelopeTo]).toEqual([d.role, [d.address]]);
      expect(mail.messageId).toBe(messageIdOf(key));
      expect(sink.messages().filter((m) => m.messageId === messageIdOf(key))).toHaveLength(1);
      expect(mail.headers['x-notification-template']).toBe(template);
      expect(mail.headers['x-request-id']).toBe(request.id);
    });
  });

  it('has the subject written out in the table', () => {
    each((mail, d) => expect([d.role, mail.subject]).toEqual([d.role, subjectOf(template, language, d.kind, request.id)]));
  });

  it('has an HTML and a plain-text part (multipart/alternative), both naming the request and greeting the recipient', () => {
    each((mail, d) => {
      expect((JSON.parse(mail.headers['content-type']!) as { value: string }).value).toBe('multipart/alternative');
      expect(mail.html).not.toBeNull();
      expect(mail.html!.trimStart()).toMatch(/^<!DOCTYPE html>/i);
      expect(mail.html).toContain(`lang="${language}"`);
      expect(mail.html).toContain(request.id);
      expect(mail.text.trim()).not.toBe('');
      expect(mail.text).not.toMatch(/<\/?[a-zA-Z][^>]*>/);
      expect(mail.text).toContain(request.id);
      expect([d.role, flat(mail.text).includes(d.name)]).toEqual([d.role, true]);
    });
  });

  it(`is written in ${language === 'en' ? 'English: no Chinese but the data and names the test recorded' : 'Chinese'}`, () => {
    each((mail, d) => {
      const text = flat(mail.text).trim();
      const words = ownWords(mail.text, [...chineseData(request), d.name]);
      if (language === 'en') {
        expect(text.startsWith(`${d.kind === 'customer' ? 'Dear' : 'Hello'} ${d.name},`)).toBe(true);
        expect([d.role, words.match(new RegExp(CJK.source, 'g')) ?? []]).toEqual([d.role, []]);
        expect(mail.subject).not.toMatch(CJK);
      } else {
        expect(text.startsWith(`${d.name}，您好`)).toBe(true);
        expect(words).toMatch(CJK);
        expect(mail.subject).toMatch(CJK);
      }
    });
  });

  if (typeof facts.link === 'string') {
    it('links to the customer page with a token that verifies for the request, the document and the revision', () => {
      each((mail) => {
        const token = tokenOf(mail.html);
        expect(mail.text).toContain(`https://service.example/c/${token}`);
        const verified = verifyCustomerToken(token, TEST_TOKEN_SECRET, NOW);
        expect(verified).toEqual({
          valid: true,
          claims: expect.objectContaining({ requestId: request.id, customerId: request.customer.id, document: facts.link, revision: facts.revision }),
        });
        // Every customer page offers to cancel (process.md "Notifications").
        expect(verified.valid && verified.claims.actions).toContain('cancel');
      });
    });
  } else {
    it('carries no customer link', () => {
      each((mail) => {
        expect(mail.html).not.toContain('https://service.example/c/');
        expect(mail.text).not.toContain('https://service.example/c/');
      });
    });
  }

  if (KINDS[template].includes('customer')) {
    it('tells the customer nothing of staff: no agent id, no staff or policy address, no staff name but the assignee’s', () => {
      const customerMail = received.get('customer')!;
      const assignee = STAFF[language].assignee;
      for (const part of [customerMail.text, customerMail.html ?? '', customerMail.subject]) {
        for (const id of [...STAFF_IDS, ...ALL_AGENTS.map((a) => a.id)]) expect(part).not.toContain(id);
        for (const address of [...ALL_AGENTS.map((a) => a.email), ...POLICY_ADDRESSES]) expect(part).not.toContain(address);
        for (const name of ALL_AGENTS.filter((a) => a.id !== assignee.id).map((a) => a.name)) expect(part).not.toContain(name);
        expect(part).not.toContain(SUPERVISORS_NAME);
      }
      // No address at all in what the customer reads.
      expect(customerMail.text).not.toMatch(/@/);
    });
  }
});
