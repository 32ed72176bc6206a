/**
 * The scheduled work's mails (vip-care-letter, weekly-review,
 * quarterly-review) rendered in Chinese (zh-CN, default) and English, HTML
 * and plain text, with the contexts activities/reviews.ts builds from a
 * stored report. Expected words are written by hand.
 */
import type { QuarterlyReviewDocument, WeeklyReviewDocument } from '../../contracts/activities';
import { quarterlyReviewContext, vipCareLetterContext, weeklyReviewContext } from '../../activities/notifications/review-context';
import { renderEmail } from '../../activities/notifications/templates';

const WEEK = { fromDate: '2026-11-23', toDate: '2026-11-30', from: '2026-11-22T16:00:00.000Z', to: '2026-11-29T16:00:00.000Z', timeZone: 'Asia/Shanghai' };
const MONTH = { fromDate: '2026-11-01', toDate: '2026-12-01', from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z', timeZone: 'Asia/Shanghai' };
const QUARTER = { fromDate: '2026-07-01', toDate: '2026-10-01', from: '2026-06-30T16:00:00.000Z', to: '2026-09-30T16:00:00.000Z', timeZone: 'Asia/Shanghai' };

const weekly: WeeklyReviewDocument = {
  kind: 'weekly_review',
  period: WEEK,
  computedAt: '2026-11-30T01:00:05.000Z',
  consultations: {
    total: 3,
    byChannel: [
      { key: 'phone', count: 2 },
      { key: 'online_chat', count: 1 },
    ],
    byPriority: [{ key: 'P3', count: 3 }],
    topCustomers: [{ key: 'C-1', count: 2 }],
  },
  majorComplaints: [
    {
      requestId: 'R-2026-000005',
      customerId: 'C-2',
      priority: 'P1',
      emotion: 'dissatisfied',
      status: 'open',
      stage: 'in_progress',
      createdAt: '2026-11-24T02:00:00.000Z',
      assigneeId: 'A-1',
      reasons: ['priority', 'dissatisfied_at_intake'],
    },
  ],
  unresolvedComplex: [
    { requestId: 'R-2026-000001', type: 'fault', priority: 'P2', stage: 'solution_design', createdAt: '2026-11-16T02:00:00.000Z', assigneeId: null },
  ],
  missedDeadlines: { total: 1, byDeadline: [{ key: 'execution', count: 1 }], byAgent: [{ key: 'A-1', count: 1 }] },
};

const names = { recipient: { name: '客服主管 / Supervisors' }, agents: new Map([['A-1', '李四']]), customers: new Map([['C-1', '王五']]) };

describe('weekly-review', () => {
  it('renders the week in Chinese, HTML and text', () => {
    const email = renderEmail('weekly-review', 'zh-CN', weeklyReviewContext(weekly, 'zh-CN', names));
    expect(email.subject).toBe('【周复盘】2026年11月23日 至 2026年11月29日 客服周复盘');
    expect(email.html).toContain('<html lang="zh-CN">');
    expect(email.text).toContain('本周共受理咨询 3 项。');
    expect(email.text).toContain('按渠道：电话 2 项；在线客服 1 项');
    expect(email.text).toContain('咨询最多的客户：王五（C-1）2 项');
    expect(email.text).toContain('R-2026-000005 · P1 · 处理中 · 受理于 2026年11月24日');
    expect(email.html).toContain('负责人：李四 · 高优先级、受理时客户不满');
    // Open since 16 November 10:00 (Shanghai): 13 whole days at the week's end, 30 November 00:00.
    expect(email.text).toContain('R-2026-000001 · 故障 · P2 · 方案设计 · 受理于 2026年11月16日');
    expect(email.text).toContain('（13 天）· 负责人：未分配');
    expect(email.text).toContain('按时限：处理时限 1 个');
    expect(email.text).toContain('按责任人：李四 1 个');
    expect(email.text).toContain('weekly_review · 2026-11-23 – 2026-11-29 · Asia/Shanghai');
  });

  it('renders the week in English, and says so when a section is empty', () => {
    const empty: WeeklyReviewDocument = {
      ...weekly,
      consultations: { total: 0, byChannel: [], byPriority: [], topCustomers: [] },
      majorComplaints: [],
      unresolvedComplex: [],
      missedDeadlines: { total: 0, byDeadline: [], byAgent: [] },
    };
    const email = renderEmail('weekly-review', 'en', weeklyReviewContext(empty, 'en', names));
    expect(email.subject).toBe('[Weekly review] Customer service, 23 November 2026 to 29 November 2026');
    expect(email.html).toContain('<html lang="en">');
    expect(email.text).toContain('No consultations this week.');
    expect(email.text).toContain('No major complaints this week.');
    expect(email.text).toContain('No complex request received over a week ago is still open.');
    expect(email.text).toContain('No deadline due this week was missed.');
    const full = renderEmail('weekly-review', 'en', weeklyReviewContext(weekly, 'en', names));
    expect(full.text).toContain('By channel: phone 2; online chat 1');
    expect(full.text).toContain('assignee: 李四 · high priority, dissatisfied at intake');
  });
});

describe('vip-care-letter', () => {
  it('thanks the customer in Chinese, with last month’s requests and the dedicated advisor', () => {
    const context = vipCareLetterContext(MONTH, 'zh-CN', {
      recipient: { name: '贵宾客户甲' },
      advisor: { name: '测试顾问', email: 'advisor@service.example' },
      submitted: 3,
      completed: 2,
      open: 1,
    });
    const email = renderEmail('vip-care-letter', 'zh-CN', context);
    expect(email.subject).toBe('【服务关怀函】感谢您的信任与支持（2026年11月服务回顾）');
    expect(email.text).toContain('尊敬的 贵宾客户甲：');
    expect(email.text).toContain('2026年11月，您共向我们提出 3 项服务需求，其中 2 项已处理完成，其余 1 项我们正在跟进');
    expect(email.text).toContain('您的专属服务顾问 测试顾问（advisor@service.example）');
  });

  it('writes in English, without an advisor and without requests', () => {
    const context = vipCareLetterContext(MONTH, 'en', { recipient: { name: 'Alex Chen' }, advisor: null, submitted: 0, completed: 0, open: 0 });
    const email = renderEmail('vip-care-letter', 'en', context);
    expect(email.subject).toBe('[Customer care] Thank you for your trust: your November 2026 service review');
    expect(email.text).toContain('Dear Alex Chen,');
    expect(email.text).toContain('In November 2026 you brought us no new service requests.');
    expect(email.text).not.toContain('advisor');
    expect(email.html).toContain('<html lang="en">');
  });
});

describe('quarterly-review', () => {
  const quarterly: QuarterlyReviewDocument = {
    kind: 'quarterly_feedback_review',
    period: QUARTER,
    computedAt: '2026-10-01T01:00:05.000Z',
    kpis: [
      { kpi: 'one_time_resolution_rate', value: 0.9, target: '≥ 95%', measured: 20, unit: 'rate' },
      { kpi: 'first_response_time', value: 12.5, target: '≤ 30 min', measured: 40, unit: 'minutes' },
    ],
    kpiFigures: null,
    requestsReceived: 4,
    problemTypes: [
      { key: 'fault', count: 3 },
      { key: 'complaint', count: 1 },
    ],
    complaintRootCauses: [{ key: 'process_gap', count: 1 }],
  };

  it('renders the quarter in Chinese with its KPIs and problem types', () => {
    const email = renderEmail('quarterly-review', 'zh-CN', quarterlyReviewContext(quarterly, 'zh-CN', { recipient: { name: '客服主管' } }));
    expect(email.subject).toBe('【季度反馈分析】2026年第3季度 客服季度反馈分析');
    expect(email.html).toContain('<tr><td>一次性解决率</td><td>90.0%</td><td>≥ 95%</td><td>20</td></tr>');
    expect(email.html).toContain('<tr><td>首次响应时间</td><td>12.5 分钟</td>');
    expect(email.text).toContain('本季度共受理需求 4 项');
    expect(email.text).toContain('故障：3 项（75.0%）');
    expect(email.text).toContain('投诉根因：流程漏洞 1 项');
  });

  it('renders in English, saying when the KPIs are not available', () => {
    const email = renderEmail('quarterly-review', 'en', quarterlyReviewContext({ ...quarterly, kpis: null }, 'en', { recipient: { name: 'Supervisors' } }));
    expect(email.subject).toBe('[Quarterly feedback review] Customer service, Q3 2026');
    expect(email.text).toContain("The quarter's KPIs are not available yet.");
    expect(email.text).toContain('fault: 3 (75.0%)');
    expect(email.text).toContain('Complaint root causes: process gap 1');
  });
});
