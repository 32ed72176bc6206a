/** The words e-mails use for the domain's codes, in each language (process.md's terms). */
import type { RootCause } from '../../contracts/complaint-review';
import type {
  Channel,
  DeadlineId,
  Feedback,
  FeedbackRatings,
  FollowUpOutcome,
  Language,
  RequestStatus,
  RequestType,
  Resolution,
  ReviewArea,
  Stage,
  Verdict,
} from '../../contracts/request';

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

/** A reviewer's area (评审): the Chinese reads "技术评审", the English "technical review". */
export const REVIEW_AREA_LABEL: Record<Language, Record<ReviewArea, string>> = {
  'zh-CN': { technical: '技术', product: '产品', legal: '法务' },
  en: { technical: 'technical', product: 'product', legal: 'legal' },
};

/** How a closed request ended (the closure e-mail's outcome). */
export const CLOSED_STATUS_LABEL: Record<Language, Record<Exclude<RequestStatus, 'open'>, string>> = {
  'zh-CN': { completed: '已完成', unconfirmed: '需求未确认', cancelled: '已取消' },
  en: { completed: 'completed', unconfirmed: 'requirement sheet not confirmed', cancelled: 'cancelled' },
};

export const RESOLUTION_LABEL: Record<Language, Record<Resolution, string>> = {
  'zh-CN': { first_contact: '首次接触即解决', delivered: '已交付验收', deemed_accepted: '逾期视为验收通过' },
  en: {
    first_contact: 'resolved at first contact',
    delivered: 'delivered and accepted',
    deemed_accepted: 'deemed accepted (no answer within the acceptance period)',
  },
};

/** The follow-up (售后跟进与回访) as it ended, shown after "回访情况：" / "Follow-up:". */
export const FOLLOW_UP_LABEL: Record<Language, Record<FollowUpOutcome, string>> = {
  'zh-CN': { done: '已完成', missed: '未完成', intervened: '主管已介入处理' },
  en: { done: 'completed', missed: 'not completed', intervened: 'handled with a supervisor’s intervention' },
};

/** The follow-up's verdict (回访结论), process.md's words. */
export const VERDICT_LABEL: Record<Language, Record<Verdict, string>> = {
  'zh-CN': { satisfied: '满意', basically_satisfied: '基本满意', dissatisfied: '不满意' },
  en: { satisfied: 'satisfied', basically_satisfied: 'basically satisfied', dissatisfied: 'dissatisfied' },
};

/** The four ratings of a callback or questionnaire (1–5 each), in the order mails list them. */
export const RATING_LABEL: Record<Language, Record<keyof FeedbackRatings, string>> = {
  'zh-CN': { responseSpeed: '响应速度', resolution: '问题解决效果', attitude: '服务态度', professionalism: '专业能力' },
  en: { responseSpeed: 'response speed', resolution: 'resolution', attitude: 'attitude', professionalism: 'professionalism' },
};

/** Where the feedback came from: a service representative's callback (回访) or the customer's questionnaire (问卷). */
export const FEEDBACK_SOURCE_LABEL: Record<Language, Record<Feedback['source'], string>> = {
  'zh-CN': { callback: '电话回访', survey: '满意度问卷' },
  en: { callback: 'callback', survey: 'questionnaire' },
};

/** A complaint's root cause (投诉根因复盘), process.md stage 10's words, in the order the mails list them. */
export const ROOT_CAUSE_LABEL: Record<Language, Record<RootCause, string>> = {
  'zh-CN': { process_gap: '流程漏洞', staff_error: '人员失误', product_issue: '产品问题', external: '外部因素', other: '其他' },
  en: { process_gap: 'process gap', staff_error: 'staff error', product_issue: 'product issue', external: 'external factors', other: 'other' },
};

/** Intake channels (渠道), as the weekly review counts consultations by them. */
export const CHANNEL_LABEL: Record<Language, Record<Channel, string>> = {
  'zh-CN': { phone: '电话', online_chat: '在线客服', email: '邮件', wechat: '微信', app: 'App', web: '网站' },
  en: { phone: 'phone', online_chat: 'online chat', email: 'e-mail', wechat: 'WeChat', app: 'app', web: 'web' },
};

/** Stages of a request (the weekly review's unresolved complex requests). */
export const STAGE_LABEL: Record<Language, Record<Stage, string>> = {
  'zh-CN': {
    received: '已受理',
    assigned: '已分配',
    analysis: '需求分析',
    awaiting_confirmation: '待客户确认',
    solution_design: '方案设计',
    in_progress: '处理中',
    awaiting_acceptance: '待验收',
    rework: '整改',
    follow_up: '回访',
    closed: '已关闭',
  },
  en: {
    received: 'received',
    assigned: 'assigned',
    analysis: 'analysis',
    awaiting_confirmation: 'awaiting confirmation',
    solution_design: 'solution design',
    in_progress: 'in progress',
    awaiting_acceptance: 'awaiting acceptance',
    rework: 'rework',
    follow_up: 'follow-up',
    closed: 'closed',
  },
};

/** A local date `YYYY-MM-DD` as mails show it (2026年11月23日 / 23 Nov 2026). */
export function formatLocalDate(date: string, language: Language): string {
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric' }).format(
    new Date(`${date}T00:00:00Z`),
  );
}

/** A month `YYYY-MM-01` as mails show it (2026年11月 / November 2026). */
export function formatMonth(date: string, language: Language): string {
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'UTC', year: 'numeric', month: 'long' }).format(new Date(`${date}T00:00:00Z`));
}

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
