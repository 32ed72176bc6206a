/**
 * The scheduled work (process.md "Scheduled work") on real parts: the
 * Temporal dev server, the worker, PostgreSQL and the SMTP sink. After
 * start-up the three schedules exist in the business time zone with their
 * calendar and overlap policy, and a second `ensureSchedules` changes
 * nothing; triggering each one mails and stores its period's review exactly
 * once, also when triggered twice. A triggered run's scheduled time is now,
 * so the seeds are placed relative to the periods now gives (the period
 * arithmetic is checked by hand in test/unit/review-periods.test.ts); every
 * expected figure below is counted by hand from the seeds.
 */
import { createHash } from 'node:crypto';
import { ScheduleOverlapPolicy, type ScheduleDescription } from '@temporalio/client';
import { createActivities, systemClock } from '../../activities';
import { ScheduleId, TASK_QUEUE } from '../../contracts/temporal';
import type { CustomerRequestInput, RequestDocument } from '../../contracts/request';
import type { ServiceReviewResult } from '../../workflows/scheduled-reviews';
import { ensureSchedules } from '../../worker/schedules';
import { previousMonth, previousQuarter, previousWeek, type ReviewPeriod } from '../../rules/review-periods';
import { initialDocument } from '../../rules/request-document';
import type { ReceivedMail } from '../../local/mail-sink';
import { requestInput } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';
import { quietTemporalLogs } from '../support/temporal';

jest.setTimeout(120_000);

const TZ = 'Asia/Shanghai';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let stack: Stack;
const now = new Date();
const week = previousWeek(now, TZ);
const month = previousMonth(now, TZ);
const quarter = previousQuarter(now, TZ);

const plus = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
/** process.md: `Message-ID <sha256(key)@{mail domain}>`; the stack's mail domain is the default, service.example. */
const messageIdOf = (key: string): string => `<${sha256(key)}@service.example>`;

interface Seed {
  id: string;
  customerId: string;
  intake: Partial<CustomerRequestInput['intake']>;
  createdAt: string;
  tier?: 'standard' | 'vip';
  /** Changes the recorded document after intake: closing, deadlines, feedback. */
  later?: (doc: RequestDocument) => RequestDocument;
}

const missed = (name: RequestDocument['deadlines'][number]['name'], dueAt: string, owedBy: string | null): RequestDocument['deadlines'][number] => ({
  name,
  dueAt,
  state: 'missed',
  armedAt: plus(dueAt, -HOUR),
  owedBy,
  remindedAt: null,
  settledAt: dueAt,
  fulfilledAt: null,
  escalatedAt: dueAt,
});

const closed = (at: string) => (doc: RequestDocument): RequestDocument => ({ ...doc, stage: 'closed', status: 'completed', resolution: 'first_contact', closedAt: at });

const simple = { complexity: 'simple' as const };

/** The weekly review's seeds, in and around the previous week. */
const WEEK_SEEDS: Seed[] = [
  { id: 'R-2026-900001', customerId: 'C-STD-1', intake: { ...simple, type: 'consultation', channel: 'phone' }, createdAt: plus(week.from, DAY) },
  { id: 'R-2026-900002', customerId: 'C-STD-1', intake: { ...simple, type: 'consultation', channel: 'wechat' }, createdAt: plus(week.from, 2 * DAY) },
  // Urgent: P1.
  { id: 'R-2026-900003', customerId: 'C-STD-2', intake: { ...simple, type: 'consultation', channel: 'phone', urgency: 'urgent' }, createdAt: plus(week.from, 3 * DAY) },
  // An hour before the week: not counted.
  { id: 'R-2026-900004', customerId: 'C-STD-1', intake: { ...simple, type: 'consultation', channel: 'phone' }, createdAt: plus(week.from, -HOUR) },
  // A complaint from an anxious customer: P1, major.
  { id: 'R-2026-900005', customerId: 'C-STD-3', intake: { ...simple, type: 'complaint', channel: 'phone', emotion: 'anxious' }, createdAt: plus(week.from, DAY) },
  // A calm complaint set to P3 at intake: not major.
  { id: 'R-2026-900006', customerId: 'C-STD-3', intake: { ...simple, type: 'complaint', channel: 'email', priorityOverride: 'P3' }, createdAt: plus(week.from, 2 * DAY) },
  // An older P3 complaint whose callback in the week was dissatisfied: major.
  {
    id: 'R-2026-900007',
    customerId: 'C-STD-3',
    intake: { ...simple, type: 'complaint', channel: 'web', priorityOverride: 'P3' },
    createdAt: plus(week.from, -20 * DAY),
    later: (doc) => ({
      ...doc,
      stage: 'follow_up',
      feedback: {
        at: plus(week.from, 4 * DAY),
        byKind: 'staff',
        byRole: 'agent',
        byAgentId: 'A-AGT',
        recordedFrom: null,
        source: 'callback',
        resolved: false,
        ratings: { responseSpeed: 2, resolution: 1, attitude: 3, professionalism: 2 },
        verdict: 'dissatisfied',
        shortfalls: '合成数据',
        comment: null,
        nps: 2,
      },
    }),
  },
  // A complex fault open since ten days before the week's end: unresolved. Its deadlines: two staff-side
  // windows missed in the week (A-AGT), a customer-side one missed in the week and one missed before it.
  {
    id: 'R-2026-900008',
    customerId: 'C-STD-2',
    intake: { type: 'fault', channel: 'app', complexity: 'complex' },
    createdAt: plus(week.to, -10 * DAY),
    later: (doc) => ({
      ...doc,
      stage: 'analysis',
      deadlines: [
        missed('firstResponse', plus(week.from, -HOUR), 'A-AGT'),
        missed('firstResponse', plus(week.from, HOUR), 'A-AGT'),
        missed('requirementSheet', plus(week.from, 2 * DAY), 'A-AGT'),
        missed('confirmation', plus(week.from, 2 * DAY), null),
      ],
    }),
  },
  // A complex fault two days old: not yet unresolved for a week; A-ADV missed its first response in the week.
  {
    id: 'R-2026-900009',
    customerId: 'C-STD-2',
    intake: { type: 'fault', channel: 'app', complexity: 'complex' },
    createdAt: plus(week.to, -2 * DAY),
    later: (doc) => ({ ...doc, stage: 'assigned', deadlines: [missed('firstResponse', plus(week.from, DAY), 'A-ADV')] }),
  },
];

/** The VIP care letter's seeds: C-VIP-1's requests in and before the previous month. */
const MONTH_SEEDS: Seed[] = [
  { id: 'R-2026-900021', customerId: 'C-VIP-1', tier: 'vip', intake: { ...simple, type: 'after_sales' }, createdAt: plus(month.from, 2 * DAY), later: closed(plus(month.from, 3 * DAY)) },
  { id: 'R-2026-900022', customerId: 'C-VIP-1', tier: 'vip', intake: { ...simple, type: 'consultation' }, createdAt: plus(month.from, 5 * DAY) },
  { id: 'R-2026-900023', customerId: 'C-VIP-1', tier: 'vip', intake: { ...simple, type: 'consultation' }, createdAt: plus(month.from, -DAY), later: closed(month.from) },
];

/** The quarterly review's seeds. */
const QUARTER_SEEDS: Seed[] = [
  { id: 'R-2026-900031', customerId: 'C-STD-4', intake: { ...simple, type: 'fault' }, createdAt: plus(quarter.from, 10 * DAY), later: closed(plus(quarter.from, 11 * DAY)) },
  { id: 'R-2026-900032', customerId: 'C-STD-4', intake: { ...simple, type: 'fault' }, createdAt: plus(quarter.from, 20 * DAY), later: closed(plus(quarter.from, 21 * DAY)) },
  { id: 'R-2026-900033', customerId: 'C-STD-4', intake: { ...simple, type: 'complaint', priorityOverride: 'P3' }, createdAt: plus(quarter.from, 30 * DAY), later: closed(plus(quarter.from, 31 * DAY)) },
  { id: 'R-2026-900034', customerId: 'C-STD-4', intake: { ...simple, type: 'suggestion' }, createdAt: plus(quarter.to, HOUR), later: closed(plus(quarter.to, 2 * HOUR)) },
];

const ALL_SEEDS = [...WEEK_SEEDS, ...MONTH_SEEDS, ...QUARTER_SEEDS];
const inPeriod = (seed: Seed, period: ReviewPeriod): boolean => seed.createdAt >= period.from && seed.createdAt < period.to;

async function seed(): Promise<void> {
  const { db } = stack;
  await db
    .insertInto('agents')
    .values([
      { id: 'A-ADV', name: '测试顾问', email: 'advisor@service.example', group_id: 'after_sales', senior: true },
      { id: 'A-AGT', name: '测试专员', email: 'agent@service.example', group_id: 'technical_support' },
    ])
    .execute();
  await db
    .insertInto('customers')
    .values([
      { id: 'C-VIP-1', name: '贵宾客户甲', email: 'vip.one@example.com', phone: '+86 100 0000 0101', tier: 'vip', language: 'zh-CN', advisor_id: 'A-ADV' },
      { id: 'C-VIP-2', name: 'VIP Customer Two', email: 'vip.two@example.com', phone: '+86 100 0000 0102', tier: 'vip', language: 'en', advisor_id: null },
      { id: 'C-STD-1', name: '普通客户一', email: 'std.one@example.com', phone: '+86 100 0000 0201', tier: 'standard', language: 'zh-CN', advisor_id: null },
      { id: 'C-STD-2', name: '普通客户二', email: 'std.two@example.com', phone: '+86 100 0000 0202', tier: 'standard', language: 'zh-CN', advisor_id: null },
      { id: 'C-STD-3', name: '普通客户三', email: 'std.three@example.com', phone: '+86 100 0000 0203', tier: 'standard', language: 'zh-CN', advisor_id: null },
      { id: 'C-STD-4', name: '普通客户四', email: 'std.four@example.com', phone: '+86 100 0000 0204', tier: 'standard', language: 'en', advisor_id: null },
    ])
    .execute();
  const activities = createActivities({
    db,
    mailer: undefined as never,
    clock: systemClock,
    mail: { from: 'x <x@service.example>', messageIdDomain: 'service.example' },
    customerLinks: { publicBaseUrl: 'http://localhost', tokenSecret: 'unused-unused-unused-unused-unused' },
  });
  for (const s of ALL_SEEDS) {
    const request = requestInput({ requestId: s.id, customerId: s.customerId, customerTier: s.tier ?? 'standard', recordedAt: s.createdAt, intake: s.intake });
    const document = initialDocument(request);
    await activities.recordRequest({ request, document });
    if (s.later) await activities.recordState({ document: { ...s.later(document), version: 2 } });
  }
  // The quarter's complaint, reviewed in the quarter: the root cause is a product issue.
  await db
    .insertInto('complaint_reviews')
    .values({
      request_id: 'R-2026-900033',
      closed_at: plus(quarter.from, 31 * DAY),
      due_at: plus(quarter.from, 33 * DAY),
      state: 'met',
      cause: 'product_issue',
      analysis: '合成数据',
      corrective_action: '合成数据',
      reviewed_at: plus(quarter.from, 32 * DAY),
      reviewed_by_role: 'supervisor',
      document: '{}',
      version: 1,
      updated_at: plus(quarter.from, 32 * DAY),
    })
    .execute();
}

beforeAll(async () => {
  quietTemporalLogs();
  stack = await startStack();
  await seed();
});

afterAll(async () => {
  await stack?.close();
});

const handleOf = (id: string) => stack.temporal.client.schedule.getHandle(id);

/** What a schedule is, without its run counters. */
const definitionOf = (d: ScheduleDescription) => ({ spec: d.spec, action: d.action, policies: d.policies, paused: d.state.paused });

describe('after start-up', () => {
  it.each([
    [ScheduleId.vip_care_letter, { dayOfMonth: [{ start: 1, end: 1, step: 1 }], hour: [{ start: 10, end: 10, step: 1 }] }, 31],
    [ScheduleId.weekly_review, { dayOfWeek: [{ start: 'MONDAY', end: 'MONDAY', step: 1 }], hour: [{ start: 9, end: 9, step: 1 }] }, 7],
    [
      ScheduleId.quarterly_feedback_review,
      {
        month: [
          { start: 'JANUARY', end: 'JANUARY', step: 1 },
          { start: 'APRIL', end: 'APRIL', step: 1 },
          { start: 'JULY', end: 'JULY', step: 1 },
          { start: 'OCTOBER', end: 'OCTOBER', step: 1 },
        ],
        dayOfMonth: [{ start: 1, end: 1, step: 1 }],
        hour: [{ start: 9, end: 9, step: 1 }],
      },
      92,
    ],
  ])('schedule %s exists in the business time zone, overlaps skipped, catching up one period', async (id, calendar, catchupDays) => {
    const description = await handleOf(id).describe();
    expect(description.spec.timezone).toBe('Asia/Shanghai');
    expect(description.spec.calendars).toHaveLength(1);
    expect(description.spec.calendars?.[0]).toMatchObject({ minute: [{ start: 0, end: 0, step: 1 }], second: [{ start: 0, end: 0, step: 1 }], ...calendar });
    expect(description.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    expect(description.policies.catchupWindow).toBe(catchupDays * DAY);
    expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'serviceReview', taskQueue: TASK_QUEUE });
    expect(description.state.paused).toBe(false);
  });

  it('runs ensureSchedules again without changing the three schedules', async () => {
    const ids = Object.values(ScheduleId);
    const before = await Promise.all(ids.map(async (id) => definitionOf(await handleOf(id).describe())));
    const again = await ensureSchedules(stack.temporal.client, { timeZone: TZ, taskQueue: TASK_QUEUE });
    expect(again).toEqual({ created: [], updated: ids });
    const after = await Promise.all(ids.map(async (id) => definitionOf(await handleOf(id).describe())));
    expect(after).toEqual(before);
    const listed: string[] = [];
    for await (const schedule of stack.temporal.client.schedule.list()) listed.push(schedule.scheduleId);
    expect(listed.sort()).toEqual([...ids].sort());
  });
});

/** Triggers the schedule twice, a second apart (two runs of the same period, side by side), and waits for both. */
async function triggerTwice(id: string): Promise<ServiceReviewResult[]> {
  const handle = handleOf(id);
  const startedBefore = (await handle.describe()).info.recentActions.length;
  await handle.trigger();
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  await handle.trigger();
  const deadline = Date.now() + 30_000;
  let actions = (await handle.describe()).info.recentActions;
  while (actions.length < startedBefore + 2) {
    if (Date.now() > deadline) throw new Error(`schedule ${id} started ${actions.length - startedBefore} run(s) of 2`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    actions = (await handle.describe()).info.recentActions;
  }
  return Promise.all(
    actions
      .slice(startedBefore)
      .map((a) => stack.temporal.client.workflow.getHandle(a.action.workflow.workflowId, a.action.workflow.firstExecutionRunId).result() as Promise<ServiceReviewResult>),
  );
}

const mailsWith = (messageId: string): ReceivedMail[] => stack.mail.messages().filter((m) => m.messageId === messageId);

describe('the weekly review (周复盘)', () => {
  it('is stored and mailed to the supervisors once for the previous week, though triggered twice', async () => {
    const results = await triggerTwice(ScheduleId.weekly_review);
    for (const result of results) expect(result.period).toEqual(week);
    expect(results.map((r) => r.report?.created).sort()).toEqual([false, true]);

    const reports = await stack.db.selectFrom('stored_reports').selectAll().where('kind', '=', 'weekly_review').execute();
    expect(reports).toHaveLength(1);
    expect(reports[0]!.period_from.toISOString()).toBe(week.from);
    expect(reports[0]!.period_to.toISOString()).toBe(week.to);
    expect(reports[0]!.document).toMatchObject({
      kind: 'weekly_review',
      consultations: {
        total: 3,
        byChannel: [
          { key: 'phone', count: 2 },
          { key: 'wechat', count: 1 },
        ],
        byPriority: [
          { key: 'P3', count: 2 },
          { key: 'P1', count: 1 },
        ],
        topCustomers: [
          { key: 'C-STD-1', count: 2 },
          { key: 'C-STD-2', count: 1 },
        ],
      },
      majorComplaints: [
        { requestId: 'R-2026-900005', priority: 'P1', reasons: ['priority'] },
        { requestId: 'R-2026-900007', priority: 'P3', reasons: ['dissatisfied_feedback'] },
      ],
      unresolvedComplex: [{ requestId: 'R-2026-900008', type: 'fault', stage: 'analysis' }],
      missedDeadlines: {
        total: 3,
        byDeadline: [
          { key: 'firstResponse', count: 2 },
          { key: 'requirementSheet', count: 1 },
        ],
        byAgent: [
          { key: 'A-AGT', count: 2 },
          { key: 'A-ADV', count: 1 },
        ],
      },
    });

    const key = `review:weekly_review:${week.from}:supervisors`;
    const mails = mailsWith(messageIdOf(key));
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.envelopeTo).toEqual(['supervisors@service.example']);
    expect(mail.subject).toMatch(/^【周复盘】\d{4}年\d{1,2}月\d{1,2}日 至 \d{4}年\d{1,2}月\d{1,2}日 客服周复盘$/);
    expect(mail.text).toContain('本周共受理咨询 3 项');
    expect(mail.text).toContain('按渠道：电话 2 项；微信 1 项');
    expect(mail.text).toContain('按优先级：P3 2 项；P1 1 项');
    expect(mail.text).toContain('咨询最多的客户：普通客户一（C-STD-1）2 项；普通客户二（C-STD-2）1 项');
    expect(mail.text).toMatch(/R-2026-900005 · P1 · 已受理 · 受理于 .* · 负责人：未分配 · 高优先级/);
    expect(mail.text).toMatch(/R-2026-900007 · P3 · 回访 · 受理于 .* · 负责人：未分配 · 回访结论不满意/);
    expect(mail.text).toMatch(/R-2026-900008 · 故障 · P\d · 需求分析 · 受理于 .*（10 天）/);
    expect(mail.text).not.toContain('R-2026-900009');
    expect(mail.text).toContain('本周到期而超时的时限共 3 个');
    expect(mail.text).toContain('按时限：首次响应 2 个；需求确认单出具 1 个');
    expect(mail.text).toContain('按责任人：测试专员 2 个；测试顾问 1 个');
    expect(mail.html).toContain('<h3>四、超时未完成的时限</h3>');

    const rows = await stack.db.selectFrom('notifications').selectAll().where('key', '=', key).execute();
    expect(rows).toEqual([expect.objectContaining({ request_id: null, template: 'weekly-review', recipient_id: 'supervisors', status: 'sent', message_id: messageIdOf(key) })]);
  });
});

describe('the VIP care letter (服务关怀函)', () => {
  it('goes once to every VIP customer in their language, naming a dedicated advisor, though triggered twice', async () => {
    const results = await triggerTwice(ScheduleId.vip_care_letter);
    for (const result of results) expect(result.period).toEqual(month);
    expect(results.flatMap((r) => r.mail.sent).sort()).toEqual([
      `review:vip_care_letter:${month.from}:C-VIP-1`,
      `review:vip_care_letter:${month.from}:C-VIP-2`,
    ]);

    const zh = mailsWith(messageIdOf(`review:vip_care_letter:${month.from}:C-VIP-1`));
    expect(zh).toHaveLength(1);
    expect(zh[0]!.envelopeTo).toEqual(['vip.one@example.com']);
    const monthZh = `${Number(month.fromDate.slice(0, 4))}年${Number(month.fromDate.slice(5, 7))}月`;
    expect(zh[0]!.subject).toBe(`【服务关怀函】感谢您的信任与支持（${monthZh}服务回顾）`);
    expect(zh[0]!.text).toContain('尊敬的 贵宾客户甲：');
    // Two requests in the month, one completed, one open; the one the day before the month is not counted.
    expect(zh[0]!.text).toContain(`${monthZh}，您共向我们提出 2 项服务需求，其中 1 项已处理完成，其余 1 项我们正在跟进`);
    expect(zh[0]!.text).toContain('您的专属服务顾问 测试顾问（advisor@service.example）');

    const en = mailsWith(messageIdOf(`review:vip_care_letter:${month.from}:C-VIP-2`));
    expect(en).toHaveLength(1);
    expect(en[0]!.envelopeTo).toEqual(['vip.two@example.com']);
    expect(en[0]!.subject).toMatch(/^\[Customer care\] Thank you for your trust: your [A-Z][a-z]+ \d{4} service review$/);
    expect(en[0]!.text).toContain('Dear VIP Customer Two,');
    expect(en[0]!.text).toContain('you brought us no new service requests');
    expect(en[0]!.text).not.toContain('dedicated advisor');

    // Standard customers get none.
    expect(stack.mail.messages().filter((m) => m.headers['x-notification-template'] === 'vip-care-letter')).toHaveLength(2);
  });
});

describe('the quarterly feedback review (季度反馈分析)', () => {
  it('is stored and mailed to the supervisors once for the previous quarter, though triggered twice', async () => {
    const results = await triggerTwice(ScheduleId.quarterly_feedback_review);
    for (const result of results) expect(result.period).toEqual(quarter);

    // The quarter's seeds by type (with any of the week's or month's that fall in it).
    const byType = new Map<string, number>();
    for (const s of ALL_SEEDS.filter((s) => inPeriod(s, quarter))) byType.set(s.intake.type!, (byType.get(s.intake.type!) ?? 0) + 1);
    expect(byType.get('fault')).toBeGreaterThanOrEqual(2);

    const reports = await stack.db.selectFrom('stored_reports').selectAll().where('kind', '=', 'quarterly_feedback_review').execute();
    expect(reports).toHaveLength(1);
    expect(reports[0]!.period_from.toISOString()).toBe(quarter.from);
    const document = reports[0]!.document as { requestsReceived: number; problemTypes: { key: string; count: number }[]; complaintRootCauses: unknown };
    expect(document.requestsReceived).toBe([...byType.values()].reduce((a, b) => a + b, 0));
    expect(Object.fromEntries(document.problemTypes.map((t) => [t.key, t.count]))).toEqual(Object.fromEntries(byType));
    expect(document.problemTypes[0]).toEqual({ key: 'fault', count: byType.get('fault') });
    expect(document.complaintRootCauses).toEqual([{ key: 'product_issue', count: 1 }]);

    const key = `review:quarterly_feedback_review:${quarter.from}:supervisors`;
    const mails = mailsWith(messageIdOf(key));
    expect(mails).toHaveLength(1);
    const q = Math.floor((Number(quarter.fromDate.slice(5, 7)) - 1) / 3) + 1;
    expect(mails[0]!.subject).toBe(`【季度反馈分析】${quarter.fromDate.slice(0, 4)}年第${q}季度 客服季度反馈分析`);
    expect(mails[0]!.envelopeTo).toEqual(['supervisors@service.example']);
    expect(mails[0]!.text).toContain(`本季度共受理需求 ${document.requestsReceived} 项`);
    expect(mails[0]!.text).toContain(`故障：${byType.get('fault')} 项`);
    expect(mails[0]!.text).toContain('投诉根因：产品问题 1 项');
    // The quarter's KPIs (reports/kpi.ts): three requests closed completed in the quarter, none rejected or
    // reopened (one-time resolution 3/3); the complaint reviewed a day after closing (complaint review 1/1).
    expect(document).toMatchObject({
      kpis: expect.arrayContaining([
        { kpi: 'one_time_resolution_rate', value: 1, unit: 'rate', target: '≥ 95%', measured: 3 },
        { kpi: 'complaint_review_rate', value: 1, unit: 'rate', target: '≥ 100%', measured: 1 },
      ]),
    });
    expect(mails[0]!.html).toContain('<tr><td>一次性解决率</td><td>100.0%</td><td>≥ 95%</td><td>3</td></tr>');
  });
});
