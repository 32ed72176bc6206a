/**
 * The KPIs of the service standards (process.md "KPIs (考核指标)"): their ids,
 * their targets as the standards give them, and the figures the read side
 * (reports/kpi.ts) returns for a period [from, to), in total and per group.
 *
 * A ratio is its numerator and denominator with `value` their quotient, or
 * null when the denominator is 0: an empty period is not 0%. A target is
 * null where the standards give '—'; `direction` says which way is better.
 */
import { z } from 'zod';
import type { Priority } from './request';

export const KpiId = z.enum([
  'first_response_time',
  'first_response_compliance',
  'one_time_resolution_rate',
  'solution_first_pass_rate',
  'deadline_compliance',
  'closure_timeliness',
  'progress_feedback_rate',
  'co_handler_response_rate',
  'temporary_measure_coverage',
  'satisfaction',
  'nps',
  'repeat_complaint_rate',
  'callback_timeliness',
  'complaint_review_rate',
]);
export type KpiId = z.infer<typeof KpiId>;

/** What a report may be grouped by: the request's priority, group or type, or the agent the KPI counts for. */
export const KpiGroupBy = z.enum(['priority', 'group', 'type', 'agent']);
export type KpiGroupBy = z.infer<typeof KpiGroupBy>;

/**
 * The staff-side deadlines of process.md's table (customer-side ones never
 * count against staff), each with its own compliance figure. `complaintReview`
 * is kept by the complaint review's child workflow (table `complaint_reviews`),
 * the others in `request_deadlines`.
 */
export const StaffDeadlineId = z.enum([
  'firstResponse',
  'temporaryMeasure',
  'simpleAnswer',
  'suggestionOutcome',
  'requirementSheet',
  'solution',
  'review',
  'taskAcceptance',
  'taskDue',
  'dailyProgress',
  'execution',
  'rework',
  'callback',
  'intervention',
  'complaintReview',
]);
export type StaffDeadlineId = z.infer<typeof StaffDeadlineId>;

export type KpiTarget =
  /** The ratio must reach `ratio` (1 is 100%). */
  | { kind: 'minRatio'; ratio: number }
  /** The wait must not exceed `seconds` for the priority. */
  | { kind: 'maxSecondsByPriority'; seconds: Record<Priority, number> };

export interface KpiDefinition {
  id: KpiId;
  name: string;
  nameZh: string | null;
  /** The definition of process.md's table. */
  definition: string;
  /** Which event puts a request in a period. */
  periodBy: string;
  /** null where the standards give '—' or only a direction. */
  target: KpiTarget | null;
  direction: 'higher_is_better' | 'lower_is_better';
}

const minRatio = (ratio: number): KpiTarget => ({ kind: 'minRatio', ratio });

export const KPI_DEFINITIONS: Record<KpiId, KpiDefinition> = {
  first_response_time: {
    id: 'first_response_time',
    name: 'first response time',
    nameZh: null,
    definition: "intake → first response (the customer's wait, across reassignments), median and p90, by priority",
    periodBy: 'acknowledgement time (first response)',
    target: { kind: 'maxSecondsByPriority', seconds: { P1: 5 * 60, P2: 30 * 60, P3: 30 * 60 } },
    direction: 'lower_is_better',
  },
  first_response_compliance: {
    id: 'first_response_compliance',
    name: 'first-response compliance',
    nameZh: null,
    definition: 'assignee windows answered in time ÷ assignee windows (each assignment opens one)',
    periodBy: "the window's due time",
    target: minRatio(1),
    direction: 'higher_is_better',
  },
  one_time_resolution_rate: {
    id: 'one_time_resolution_rate',
    name: 'one-time resolution rate',
    nameZh: '一次性解决率',
    definition: 'closed `completed` with no rejected delivery and no reopening ÷ closed `completed`',
    periodBy: 'closing time',
    target: minRatio(0.95),
    direction: 'higher_is_better',
  },
  solution_first_pass_rate: {
    id: 'solution_first_pass_rate',
    name: 'solution first-pass rate',
    nameZh: '方案一次性通过率',
    definition: 'solutions agreed with no revision or review rejection ÷ solutions agreed',
    periodBy: "the customer's agreement",
    target: minRatio(0.85),
    direction: 'higher_is_better',
  },
  deadline_compliance: {
    id: 'deadline_compliance',
    name: 'deadline compliance',
    nameZh: null,
    definition: 'per staff-side deadline type: met ÷ due',
    periodBy: "the window's due time",
    target: null,
    direction: 'higher_is_better',
  },
  closure_timeliness: {
    id: 'closure_timeliness',
    name: 'closure timeliness',
    nameZh: '服务闭环及时率',
    definition: 'closed `completed` with every staff-side deadline met ÷ closed `completed`',
    periodBy: 'closing time',
    target: minRatio(0.98),
    direction: 'higher_is_better',
  },
  progress_feedback_rate: {
    id: 'progress_feedback_rate',
    name: 'progress-feedback rate',
    nameZh: '进度主动反馈率',
    definition: 'working days in progress with a progress update ÷ working days in progress',
    periodBy: "the day's due time (end of business)",
    target: minRatio(0.9),
    direction: 'higher_is_better',
  },
  co_handler_response_rate: {
    id: 'co_handler_response_rate',
    name: 'co-handler response rate',
    nameZh: '协同响应及时率',
    definition: 'tasks accepted within 4 h ÷ tasks given to co-handlers',
    periodBy: "the acceptance window's due time",
    target: minRatio(0.95),
    direction: 'higher_is_better',
  },
  temporary_measure_coverage: {
    id: 'temporary_measure_coverage',
    name: 'temporary-measure coverage',
    nameZh: '临时措施覆盖率',
    definition: 'emergencies with a measure in 30 min ÷ emergencies',
    periodBy: "the measure window's due time",
    target: minRatio(1),
    direction: 'higher_is_better',
  },
  satisfaction: {
    id: 'satisfaction',
    name: 'satisfaction',
    nameZh: null,
    definition: 'mean of each dimension; (`satisfied` + `basically_satisfied`) ÷ verdicts',
    periodBy: 'feedback time',
    target: minRatio(0.9),
    direction: 'higher_is_better',
  },
  nps: {
    id: 'nps',
    name: 'NPS',
    nameZh: null,
    definition: '% of scores 9–10 minus % of scores 0–6, where collected',
    periodBy: 'feedback time',
    target: null,
    direction: 'higher_is_better',
  },
  repeat_complaint_rate: {
    id: 'repeat_complaint_rate',
    name: 'repeat complaint rate',
    nameZh: '重复投诉率',
    definition: 'complaints by a customer with another complaint in the previous 30 days ÷ complaints',
    periodBy: 'intake time',
    target: null,
    direction: 'lower_is_better',
  },
  callback_timeliness: {
    id: 'callback_timeliness',
    name: 'callback timeliness',
    nameZh: null,
    definition: 'follow-ups completed in the first window ÷ follow-ups due',
    periodBy: "the first callback window's due time",
    target: minRatio(1),
    direction: 'higher_is_better',
  },
  complaint_review_rate: {
    id: 'complaint_review_rate',
    name: 'complaint review rate',
    nameZh: null,
    definition: 'complaints reviewed within 48 h ÷ complaints closed',
    periodBy: "the complaint's closing time",
    target: minRatio(1),
    direction: 'higher_is_better',
  },
};

/** A ratio of counts; `value` is null when there is nothing to count. */
export interface Ratio {
  value: number | null;
  numerator: number;
  denominator: number;
}

/** A ratio with its target beside it; `onTarget` is null without a value or a target. */
export interface RatioFigure extends Ratio {
  target: number | null;
  direction: KpiDefinition['direction'];
  onTarget: boolean | null;
}

/** Waits in seconds; null medians when nothing was measured. */
export interface WaitFigure {
  count: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
  /** The standards' maximum for the priority; null across priorities. */
  targetSeconds: number | null;
}

export interface FirstResponseTimeFigure extends WaitFigure {
  byPriority: Record<Priority, WaitFigure>;
}

export interface MeanFigure {
  mean: number | null;
  count: number;
}

export interface SatisfactionFigure {
  responseSpeed: MeanFigure;
  resolution: MeanFigure;
  attitude: MeanFigure;
  professionalism: MeanFigure;
  /** (`satisfied` + `basically_satisfied`) ÷ verdicts, with the target. */
  satisfied: RatioFigure;
}

export interface NpsFigure {
  /** % promoters − % detractors, −100…100; null without scores. */
  value: number | null;
  promoters: number;
  passives: number;
  detractors: number;
  responses: number;
  target: null;
}

/** Reviews still pending (inside their 48 h) are neither met nor missed yet and left out of the ratio. */
export interface ComplaintReviewFigure extends RatioFigure {
  pending: number;
}

export interface KpiFigures {
  first_response_time: FirstResponseTimeFigure;
  first_response_compliance: RatioFigure;
  one_time_resolution_rate: RatioFigure;
  solution_first_pass_rate: RatioFigure;
  deadline_compliance: Record<StaffDeadlineId, RatioFigure>;
  closure_timeliness: RatioFigure;
  progress_feedback_rate: RatioFigure;
  co_handler_response_rate: RatioFigure;
  temporary_measure_coverage: RatioFigure;
  satisfaction: SatisfactionFigure;
  nps: NpsFigure;
  repeat_complaint_rate: RatioFigure;
  callback_timeliness: RatioFigure;
  complaint_review_rate: ComplaintReviewFigure;
}

export interface KpiGroupRow {
  /** The priority, group id, type or agent id; null for what has none (an unassigned request, a window owed by no agent). */
  key: string | null;
  figures: KpiFigures;
}

export interface KpiReport {
  /** ISO-8601 instants of the period [from, to). */
  from: string;
  to: string;
  groupBy: KpiGroupBy | null;
  totals: KpiFigures;
  /** With `groupBy`: one row per key that has anything in the period, ordered by key (null last). */
  groups: KpiGroupRow[];
}
