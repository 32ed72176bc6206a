/**
 * The agent scorecard (绩效考核表) of process.md: four dimensions, each out
 * of 10, weighted into a total out of 10. Pure: the caller measures the
 * period (reports/scorecard.ts reads it with SQL) and this scores it.
 *
 * - response timeliness, 15%: each assignee window (`firstResponse` owed by
 *   the agent) answered in time scores 10, each missed one 0; the mean.
 * - handling efficiency, 25%: the one-time resolution rate r of the requests
 *   the agent held when they closed `completed`: r ≥ 95% → 10,
 *   90% ≤ r < 95% → 8, 85% ≤ r < 90% → 6, below → 0. The bands are compared
 *   in integers (100·oneTime against 95·total), so 19 of 20 is exactly 95%.
 * - process compliance, 20%: 10 minus 2 per staff-side deadline window the
 *   agent missed (每漏1个步骤扣2分), at least 0. A missed first response is a
 *   missed staff-side window too, so it also costs 2 points here: the
 *   standard names both and this counts both.
 * - customer satisfaction, 40%: the mean of all four ratings (1–5) of every
 *   callback or questionnaire answer on the requests the agent held at
 *   closing, × 2 (so 2 to 10).
 *
 * Nothing to measure: a dimension without a single thing to score in the
 * period is left out, and the weights of the others are scaled up to make
 * 100% (total = Σ weight·score ÷ Σ weight over the dimensions scored). Process
 * compliance has nothing to measure when the agent owed no staff-side window
 * that fell due in the period (none met, none missed): an agent who owed
 * nothing did not comply, they were not tested — scoring them 10 would lift
 * the total of an agent with no work. Every dimension left out: the total is
 * null.
 *
 * Rounding: none here. Scores, weights and the total keep full precision
 * (4.571428571428571…), so a caller that sums or compares them is exact; the
 * API and the mails round only for display, to two decimals, each figure from
 * its full-precision value (never a total recomputed from rounded scores).
 */
import type { FeedbackRatings } from '../contracts/request';

export const SCORECARD_DIMENSIONS = ['responseTimeliness', 'handlingEfficiency', 'processCompliance', 'customerSatisfaction'] as const;
export type ScorecardDimension = (typeof SCORECARD_DIMENSIONS)[number];

/** The standard's weights, in percent (integers, so the re-scaling is exact). */
export const SCORECARD_WEIGHTS: Readonly<Record<ScorecardDimension, number>> = {
  responseTimeliness: 15,
  handlingEfficiency: 25,
  processCompliance: 20,
  customerSatisfaction: 40,
};

/** What was measured of one agent in one period. */
export interface ScorecardInputs {
  /** The agent's assignee windows (`firstResponse` owed by them) that fell due in the period, by outcome. */
  firstResponseWindows: { met: number; missed: number };
  /** Requests the agent held when they closed `completed` in the period; `oneTime`: with no rejected delivery and no reopening. */
  closedCompleted: { total: number; oneTime: number };
  /** Staff-side deadline windows (every one, `firstResponse` among them) owed by the agent that fell due in the period, by outcome. */
  staffSideWindows: { met: number; missed: number };
  /** The four ratings of each callback or questionnaire answer on requests the agent held at closing, given in the period. */
  feedback: FeedbackRatings[];
}

export interface DimensionScore {
  /** Out of 10, at full precision; null when there was nothing to measure (left out of the total). */
  score: number | null;
  /** The standard's weight, percent. */
  weight: number;
  /** The share of the total this dimension carries after the left-out ones' weights are shared out (0 to 1; 0 when left out). */
  appliedWeight: number;
}

export interface ScorecardScores {
  dimensions: Record<ScorecardDimension, DimensionScore>;
  /** The one-time resolution rate the handling-efficiency band was read from (0 to 1), null with no closing. */
  oneTimeResolutionRate: number | null;
  /** Out of 10, at full precision; null when no dimension had anything to measure. */
  total: number | null;
}

export const RATING_MIN = 1;
export const RATING_MAX = 5;
/** Points off process compliance per missed staff-side window. */
export const POINTS_PER_MISSED_STEP = 2;

/** The handling-efficiency band of a one-time resolution count, or null with no closing. */
export function handlingEfficiencyScore({ total, oneTime }: ScorecardInputs['closedCompleted']): number | null {
  if (total === 0) return null;
  // r ≥ p% ⇔ 100·oneTime ≥ p·total: exact, no floating-point edge.
  if (100 * oneTime >= 95 * total) return 10;
  if (100 * oneTime >= 90 * total) return 8;
  if (100 * oneTime >= 85 * total) return 6;
  return 0;
}

export function responseTimelinessScore({ met, missed }: ScorecardInputs['firstResponseWindows']): number | null {
  const windows = met + missed;
  return windows === 0 ? null : (10 * met) / windows;
}

export function processComplianceScore({ met, missed }: ScorecardInputs['staffSideWindows']): number | null {
  if (met + missed === 0) return null;
  return Math.max(0, 10 - POINTS_PER_MISSED_STEP * missed);
}

export function customerSatisfactionScore(feedback: FeedbackRatings[]): number | null {
  if (feedback.length === 0) return null;
  let sum = 0;
  for (const r of feedback) sum += r.responseSpeed + r.resolution + r.attitude + r.professionalism;
  // The mean of 4n ratings, × 2: one division, so 3.75 × 2 is exactly 7.5.
  return (2 * sum) / (4 * feedback.length);
}

export function scoreAgent(inputs: ScorecardInputs): ScorecardScores {
  checkInputs(inputs);
  const scores: Record<ScorecardDimension, number | null> = {
    responseTimeliness: responseTimelinessScore(inputs.firstResponseWindows),
    handlingEfficiency: handlingEfficiencyScore(inputs.closedCompleted),
    processCompliance: processComplianceScore(inputs.staffSideWindows),
    customerSatisfaction: customerSatisfactionScore(inputs.feedback),
  };
  const scored = SCORECARD_DIMENSIONS.filter((d) => scores[d] !== null);
  const weightScored = scored.reduce((sum, d) => sum + SCORECARD_WEIGHTS[d], 0);
  const weighted = scored.reduce((sum, d) => sum + SCORECARD_WEIGHTS[d] * scores[d]!, 0);
  const dimensions = Object.fromEntries(
    SCORECARD_DIMENSIONS.map((d) => [
      d,
      { score: scores[d], weight: SCORECARD_WEIGHTS[d], appliedWeight: scores[d] === null ? 0 : SCORECARD_WEIGHTS[d] / weightScored },
    ]),
  ) as Record<ScorecardDimension, DimensionScore>;
  const { total, oneTime } = inputs.closedCompleted;
  return {
    dimensions,
    oneTimeResolutionRate: total === 0 ? null : oneTime / total,
    total: weightScored === 0 ? null : weighted / weightScored,
  };
}

/** Counts are whole and not negative, one-time closings no more than closings, ratings whole from 1 to 5: anything else is a bug upstream. */
function checkInputs({ firstResponseWindows, closedCompleted, staffSideWindows, feedback }: ScorecardInputs): void {
  const counts = {
    'firstResponseWindows.met': firstResponseWindows.met,
    'firstResponseWindows.missed': firstResponseWindows.missed,
    'closedCompleted.total': closedCompleted.total,
    'closedCompleted.oneTime': closedCompleted.oneTime,
    'staffSideWindows.met': staffSideWindows.met,
    'staffSideWindows.missed': staffSideWindows.missed,
  };
  for (const [name, value] of Object.entries(counts)) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number, not negative: ${value}`);
  }
  if (closedCompleted.oneTime > closedCompleted.total) {
    throw new RangeError(`closedCompleted.oneTime (${closedCompleted.oneTime}) exceeds closedCompleted.total (${closedCompleted.total})`);
  }
  // Every assignee window is a staff-side window: there cannot be fewer of these.
  if (staffSideWindows.met < firstResponseWindows.met || staffSideWindows.missed < firstResponseWindows.missed) {
    throw new RangeError('staffSideWindows must include the firstResponseWindows');
  }
  feedback.forEach((ratings, i) => {
    for (const [name, value] of Object.entries(ratings)) {
      if (!Number.isInteger(value) || value < RATING_MIN || value > RATING_MAX) {
        throw new RangeError(`feedback[${i}].${name} must be a whole rating from ${RATING_MIN} to ${RATING_MAX}: ${value}`);
      }
    }
  });
}
