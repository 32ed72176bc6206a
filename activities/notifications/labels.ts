/** The words e-mails use for the domain's codes, in each language (process.md's terms). */
import type { Language, DeadlineId, RequestType } from '../../contracts/request';

export const REQUEST_TYPE_LABEL: Record<Language, Record<RequestType, string>> = {
  'zh-CN': { consultation: '咨询', complaint: '投诉', suggestion: '建议', after_sales: '售后', fault: '故障' },
  en: { consultation: 'consultation', complaint: 'complaint', suggestion: 'suggestion', after_sales: 'after-sales', fault: 'fault' },
};

export const DEADLINE_LABEL: Record<Language, Record<DeadlineId, string>> = {
  'zh-CN': {
    firstResponse: '首次响应',
    temporaryMeasure: '临时处理措施',
    simpleAnswer: '简单需求答复',
    suggestionOutcome: '建议处理结果',
    requirementSheet: '需求确认单出具',
    confirmation: '客户确认',
    solution: '服务方案提交',
    review: '方案评审',
    solutionAgreement: '客户同意方案',
    taskAcceptance: '协办人接收任务',
    taskDue: '任务到期',
    dailyProgress: '每日进度更新',
    execution: '处理时限',
    acceptance: '客户验收',
    rework: '整改',
    callback: '回访',
    intervention: '主管介入',
    complaintReview: '投诉根因复盘',
  },
  en: {
    firstResponse: 'first response',
    temporaryMeasure: 'temporary measure',
    simpleAnswer: 'simple answer',
    suggestionOutcome: 'suggestion outcome',
    requirementSheet: 'requirement sheet issued',
    confirmation: 'customer confirmation',
    solution: 'solution submitted',
    review: 'solution review',
    solutionAgreement: 'solution agreement',
    taskAcceptance: 'co-handler accepts task',
    taskDue: 'task due',
    dailyProgress: 'daily progress',
    execution: 'execution',
    acceptance: 'customer acceptance',
    rework: 'rework',
    callback: 'callback',
    intervention: 'intervention',
    complaintReview: 'complaint review',
  },
};

export function formatInstant(iso: string, language: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(new Date(iso));
}
