/**
 * What the scheduled work's mails render with (templates vip-care-letter,
 * weekly-review, quarterly-review): the stored report's ids and codes turned
 * into the words and names of the recipient's language. Pure: the activities
 * (activities/reviews.ts) read the names, the tests render with these.
 */
import type { QuarterlyReviewDocument, ReviewKpi, ReviewPeriodInput, WeeklyReviewDocument } from '../../contracts/activities';
import type { RootCause } from '../../contracts/complaint-review';
import type { Channel, DeadlineId, Language, RequestType, Stage } from '../../contracts/request';
import {
  CHANNEL_LABEL,
  DEADLINE_LABEL,
  formatInstant,
  formatLocalDate,
  formatMonth,
  REQUEST_TYPE_LABEL,
  ROOT_CAUSE_LABEL,
  STAGE_LABEL,
} from './labels';

const DAY_MS = 86_400_000;

/** The period's last local day (its `toDate` is exclusive). */
function lastDay(period: ReviewPeriodInput): string {
  return new Date(Date.parse(`${period.toDate}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
}

/** `2026年11月23日 至 2026年11月29日` / `23 November 2026 to 29 November 2026`. */
export function periodLabel(period: ReviewPeriodInput, language: Language): string {
  const joiner = language === 'en' ? ' to ' : ' 至 ';
  return `${formatLocalDate(period.fromDate, language)}${joiner}${formatLocalDate(lastDay(period), language)}`;
}

/** `2026年第3季度` / `Q3 2026`. */
export function quarterLabel(period: ReviewPeriodInput, language: Language): string {
  const [year, month] = period.fromDate.split('-').map(Number) as [number, number];
  const quarter = Math.floor((month - 1) / 3) + 1;
  return language === 'en' ? `Q${quarter} ${year}` : `${year}年第${quarter}季度`;
}

const label = <K extends string>(labels: Record<K, string>, code: string): string => labels[code as K] ?? code;

function reference(kind: string, period: ReviewPeriodInput): string {
  return `${kind} · ${period.fromDate} – ${lastDay(period)} · ${period.timeZone}`;
}

export interface VipCareLetterFacts {
  recipient: { name: string };
  /** The customer's dedicated advisor (专属服务顾问), when they have one on duty. */
  advisor: { name: string; email: string } | null;
  /** The customer's requests recorded in the period, and of those the ones completed and still open. */
  submitted: number;
  completed: number;
  open: number;
}

export function vipCareLetterContext(period: ReviewPeriodInput, _language: Language, facts: VipCareLetterFacts): Record<string, unknown> {
  return {
    recipient: facts.recipient,
    advisor: facts.advisor,
    month: formatMonth(period.fromDate, _language),
    summary: { submitted: facts.submitted, completed: facts.completed, open: facts.open },
    reference: reference('vip_care_letter', period),
  };
}

export interface WeeklyReviewNames {
  recipient: { name: string };
  /** Agent names by id; an agent not found shows their id. */
  agents: Map<string, string>;
  /** Customer names by id (the supervisors see who asks most). */
  customers: Map<string, string>;
}

export function weeklyReviewContext(document: WeeklyReviewDocument, language: Language, names: WeeklyReviewNames): Record<string, unknown> {
  const tz = document.period.timeZone;
  const agentName = (id: string | null): string => (id === null ? (language === 'en' ? 'unassigned' : '未分配') : (names.agents.get(id) ?? id));
  const reasonLabels: Record<Language, Record<string, string>> = {
    'zh-CN': { priority: '高优先级', dissatisfied_at_intake: '受理时客户不满', dissatisfied_feedback: '回访结论不满意' },
    en: { priority: 'high priority', dissatisfied_at_intake: 'dissatisfied at intake', dissatisfied_feedback: 'dissatisfied verdict' },
  };
  const separator = language === 'en' ? ', ' : '、';
  const { consultations, majorComplaints, unresolvedComplex, missedDeadlines } = document;
  return {
    recipient: names.recipient,
    periodLabel: periodLabel(document.period, language),
    reference: reference('weekly_review', document.period),
    consultations: {
      total: consultations.total,
      byChannel: consultations.byChannel.map((c) => ({ label: label<Channel>(CHANNEL_LABEL[language], c.key), count: c.count })),
      byPriority: consultations.byPriority.map((c) => ({ label: c.key, count: c.count })),
      topCustomers: consultations.topCustomers.map((c) => ({ id: c.key, name: names.customers.get(c.key) ?? c.key, count: c.count })),
    },
    majorComplaints: majorComplaints.map((c) => ({
      requestId: c.requestId,
      priority: c.priority,
      stageLabel: label<Stage>(STAGE_LABEL[language], c.stage),
      createdLocal: formatInstant(c.createdAt, language, tz),
      assigneeName: agentName(c.assigneeId),
      reasons: c.reasons.map((r) => reasonLabels[language][r] ?? r).join(separator),
    })),
    unresolvedComplex: unresolvedComplex.map((r) => ({
      requestId: r.requestId,
      typeLabel: label<RequestType>(REQUEST_TYPE_LABEL[language], r.type),
      priority: r.priority,
      stageLabel: label<Stage>(STAGE_LABEL[language], r.stage),
      createdLocal: formatInstant(r.createdAt, language, tz),
      ageDays: Math.floor((Date.parse(document.period.to) - Date.parse(r.createdAt)) / DAY_MS),
      assigneeName: agentName(r.assigneeId),
    })),
    missedDeadlines: {
      total: missedDeadlines.total,
      byDeadline: missedDeadlines.byDeadline.map((d) => ({ label: label<DeadlineId>(DEADLINE_LABEL[language], d.key), count: d.count })),
      byAgent: missedDeadlines.byAgent.map((a) => ({ name: agentName(a.key), count: a.count })),
    },
  };
}

const KPI_LABEL: Record<Language, Record<string, string>> = {
  'zh-CN': {
    first_response_time: '首次响应时间',
    first_response_compliance: '首次响应及时率',
    one_time_resolution_rate: '一次性解决率',
    solution_first_pass_rate: '方案一次性通过率',
    deadline_compliance: '时限达成率',
    closure_timeliness: '服务闭环及时率',
    progress_feedback_rate: '进度主动反馈率',
    co_handler_response_rate: '协同响应及时率',
    temporary_measure_coverage: '临时措施覆盖率',
    satisfaction: '满意度',
    nps: 'NPS',
    repeat_complaint_rate: '重复投诉率',
    callback_timeliness: '回访及时率',
    complaint_review_rate: '投诉复盘率',
  },
  en: {
    first_response_time: 'first response time',
    first_response_compliance: 'first-response compliance',
    one_time_resolution_rate: 'one-time resolution rate',
    solution_first_pass_rate: 'solution first-pass rate',
    deadline_compliance: 'deadline compliance',
    closure_timeliness: 'closure timeliness',
    progress_feedback_rate: 'progress-feedback rate',
    co_handler_response_rate: 'co-handler response rate',
    temporary_measure_coverage: 'temporary-measure coverage',
    satisfaction: 'satisfaction',
    nps: 'NPS',
    repeat_complaint_rate: 'repeat complaint rate',
    callback_timeliness: 'callback timeliness',
    complaint_review_rate: 'complaint review rate',
  },
};

function kpiLine(kpi: ReviewKpi, language: Language) {
  const minutes = language === 'en' ? ' min' : ' 分钟';
  const value =
    kpi.value === null ? '—' : kpi.unit === 'rate' ? `${(kpi.value * 100).toFixed(1)}%` : kpi.unit === 'minutes' ? `${kpi.value.toFixed(1)}${minutes}` : kpi.value.toFixed(1);
  return { label: KPI_LABEL[language][kpi.kpi] ?? kpi.kpi, value, target: kpi.target ?? '—', measured: kpi.measured ?? '—' };
}

export function quarterlyReviewContext(document: QuarterlyReviewDocument, language: Language, names: { recipient: { name: string } }): Record<string, unknown> {
  const total = document.requestsReceived;
  return {
    recipient: names.recipient,
    quarterLabel: quarterLabel(document.period, language),
    periodLabel: periodLabel(document.period, language),
    reference: reference('quarterly_feedback_review', document.period),
    kpis: document.kpis === null ? null : document.kpis.map((k) => kpiLine(k, language)),
    requestsReceived: total,
    problemTypes: document.problemTypes.map((t) => ({
      label: label<RequestType>(REQUEST_TYPE_LABEL[language], t.key),
      count: t.count,
      share: total === 0 ? '—' : `${((t.count / total) * 100).toFixed(1)}%`,
    })),
    complaintRootCauses: document.complaintRootCauses.map((c) => ({ label: label<RootCause>(ROOT_CAUSE_LABEL[language], c.key), count: c.count })),
  };
}
