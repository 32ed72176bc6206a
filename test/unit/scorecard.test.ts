/**
 * The agent scorecard (绩效考核表) of process.md "KPIs", scored from measured
 * inputs (rules/scorecard.ts): response timeliness 15% (10 per window in
 * time, 0 per miss, the mean), handling efficiency 25% (the one-time
 * resolution bands 95/90/85%), process compliance 20% (10 − 2 per missed
 * staff-side window, at least 0), customer satisfaction 40% (mean of the
 * four ratings × 2); a dimension with nothing to measure is left out and the
 * others' weights scaled up. Every expected figure is worked out by hand in
 * the comments.
 */
import type { FeedbackRatings } from '../../contracts/request';
import {
  customerSatisfactionScore,
  handlingEfficiencyScore,
  processComplianceScore,
  responseTimelinessScore,
  scoreAgent,
  SCORECARD_WEIGHTS,
  type ScorecardDimension,
  type ScorecardInputs,
} from '../../rules/scorecard';

const ratings = (responseSpeed: number, resolution: number, attitude: number, professionalism: number): FeedbackRatings => ({
  responseSpeed,
  resolution,
  attitude,
  professionalism,
});

/** Nothing measured at all. */
const NOTHING: ScorecardInputs = {
  firstResponseWindows: { met: 0, missed: 0 },
  closedCompleted: { total: 0, oneTime: 0 },
  staffSideWindows: { met: 0, missed: 0 },
  feedback: [],
};

const inputs = (change: Partial<ScorecardInputs>): ScorecardInputs => ({ ...NOTHING, ...change });

/** Twelve digits: the figures are exact fractions, compared at full precision (the rule rounds nothing). */
const DIGITS = 12;

describe('the weights', () => {
  it('are the standard’s 15/25/20/40, making 100%', () => {
    expect(SCORECARD_WEIGHTS).toEqual({ responseTimeliness: 15, handlingEfficiency: 25, processCompliance: 20, customerSatisfaction: 40 });
    expect(Object.values(SCORECARD_WEIGHTS).reduce((a, b) => a + b, 0)).toBe(100);
  });
});

describe('response timeliness: 10 per assignee window answered in time, 0 per miss, the mean', () => {
  it.each([
    // [met, missed, score]
    [1, 0, 10], // 10 / 1
    [5, 0, 10], // 50 / 5
    [0, 1, 0], // 0 / 1
    [0, 3, 0], // 0 / 3
    [1, 1, 5], // (10 + 0) / 2
    [3, 1, 7.5], // (10 + 10 + 10 + 0) / 4 = 30 / 4
    [1, 3, 2.5], // 10 / 4
    [9, 1, 9], // 90 / 10
  ])('%i met, %i missed → %d', (met, missed, score) => {
    expect(responseTimelinessScore({ met, missed })).toBe(score);
  });

  it('keeps full precision: 2 met, 1 missed is 20/3 = 6.666…, not 6.67', () => {
    expect(responseTimelinessScore({ met: 2, missed: 1 })).toBe(20 / 3);
    expect(responseTimelinessScore({ met: 2, missed: 1 })).not.toBe(6.67);
  });

  it('has nothing to measure without a window', () => {
    expect(responseTimelinessScore({ met: 0, missed: 0 })).toBeNull();
  });
});

describe('handling efficiency: the one-time resolution rate’s band', () => {
  describe('r ≥ 95% → 10', () => {
    it.each([
      [1, 1], // 100%
      [20, 20], // 100%
      [19, 20], // exactly 95%
      [57, 60], // exactly 95%
      [95, 100], // exactly 95%
      [171, 180], // exactly 95%
      [1900, 2000], // exactly 95%
      [96, 100], // 96%
    ])('%i one-time of %i', (oneTime, total) => {
      expect(handlingEfficiencyScore({ total, oneTime })).toBe(10);
    });
  });

  describe('90% ≤ r < 95% → 8', () => {
    it.each([
      [189, 200], // 94.5%: just under 95%
      [949, 1000], // 94.9%
      [9499, 10000], // 94.99%
      [18, 19], // 94.7%
      [93, 99], // 93.9%
      [18, 20], // exactly 90%
      [9, 10], // exactly 90%
      [27, 30], // exactly 90%
    ])('%i one-time of %i', (oneTime, total) => {
      expect(handlingEfficiencyScore({ total, oneTime })).toBe(8);
    });
  });

  describe('85% ≤ r < 90% → 6', () => {
    it.each([
      [899, 1000], // 89.9%: just under 90%
      [8999, 10000], // 89.99%
      [8, 9], // 88.9%
      [17, 20], // exactly 85%
      [51, 60], // exactly 85%
      [85, 100], // exactly 85%
    ])('%i one-time of %i', (oneTime, total) => {
      expect(handlingEfficiencyScore({ total, oneTime })).toBe(6);
    });
  });

  describe('r < 85% → 0', () => {
    it.each([
      [849, 1000], // 84.9%: just under 85%
      [8499, 10000], // 84.99%
      [5, 6], // 83.3%
      [16, 20], // 80%
      [1, 2], // 50%
      [0, 1], // 0%
      [0, 20], // 0%
    ])('%i one-time of %i', (oneTime, total) => {
      expect(handlingEfficiencyScore({ total, oneTime })).toBe(0);
    });
  });

  it('has nothing to measure without a closing', () => {
    expect(handlingEfficiencyScore({ total: 0, oneTime: 0 })).toBeNull();
  });

  it('gives the rate the band was read from, null without a closing', () => {
    expect(scoreAgent(inputs({ closedCompleted: { total: 20, oneTime: 19 } })).oneTimeResolutionRate).toBe(0.95);
    expect(scoreAgent(inputs({ closedCompleted: { total: 3, oneTime: 2 } })).oneTimeResolutionRate).toBe(2 / 3);
    expect(scoreAgent(NOTHING).oneTimeResolutionRate).toBeNull();
  });
});

describe('process compliance: 10 − 2 per missed staff-side window, at least 0', () => {
  it.each([
    // [met, missed, score]
    [1, 0, 10], // nothing missed
    [40, 0, 10],
    [3, 1, 8], // 10 − 2
    [0, 1, 8], // only a miss: still measured, 10 − 2
    [0, 2, 6], // 10 − 4
    [7, 3, 4], // 10 − 6
    [2, 4, 2], // 10 − 8
    [1, 5, 0], // 10 − 10: exactly 0
    [0, 6, 0], // 10 − 12 = −2 → 0
    [9, 7, 0], // 10 − 14 = −4 → 0
    [0, 100, 0], // 10 − 200 → 0
  ])('%i met, %i missed → %d', (met, missed, score) => {
    expect(processComplianceScore({ met, missed })).toBe(score);
  });

  it('met windows add nothing: only misses are counted', () => {
    expect(processComplianceScore({ met: 1, missed: 2 })).toBe(processComplianceScore({ met: 50, missed: 2 }));
  });

  it('has nothing to measure when the agent owed no staff-side window due in the period (left out, not a free 10)', () => {
    expect(processComplianceScore({ met: 0, missed: 0 })).toBeNull();
    expect(scoreAgent(inputs({ closedCompleted: { total: 1, oneTime: 0 } })).dimensions.processCompliance).toEqual({
      score: null,
      weight: 20,
      appliedWeight: 0,
    });
    // Handling efficiency alone: 0, not (25 × 0 + 20 × 10) / 45 = 4.44.
    expect(scoreAgent(inputs({ closedCompleted: { total: 1, oneTime: 0 } })).total).toBe(0);
  });
});

describe('customer satisfaction: the mean of all four ratings of every answer, × 2', () => {
  it.each([
    // [answers, score, working]
    [[ratings(5, 5, 5, 5)], 10, '20 / 4 = 5 → 10'],
    [[ratings(1, 1, 1, 1)], 2, '4 / 4 = 1 → 2'],
    [[ratings(4, 3, 5, 4)], 8, '16 / 4 = 4 → 8'],
    [[ratings(5, 4, 4, 4)], 8.5, '17 / 4 = 4.25 → 8.5'],
    [[ratings(5, 5, 4, 4), ratings(4, 4, 3, 5)], 8.5, '(18 + 16) / 8 = 4.25 → 8.5'],
    [[ratings(5, 5, 4, 4), ratings(4, 4, 3, 5), ratings(2, 3, 2, 3), ratings(4, 4, 4, 4)], 7.5, '(18 + 16 + 10 + 16) / 16 = 3.75 → 7.5'],
    [[ratings(1, 2, 1, 2), ratings(5, 5, 5, 5)], 6.5, '(6 + 20) / 8 = 3.25 → 6.5'],
  ])('%j → %d (%s)', (answers, score) => {
    expect(customerSatisfactionScore(answers)).toBe(score);
  });

  it('keeps full precision: (20 + 20 + 19) / 12 × 2 = 118 / 12 = 9.8333…', () => {
    expect(customerSatisfactionScore([ratings(5, 5, 5, 5), ratings(5, 5, 5, 5), ratings(4, 5, 5, 5)])).toBe(118 / 12);
  });

  it('weighs every rating alike, not every answer’s mean alike twice over: the mean of the twelve ratings of three answers', () => {
    // (4 + 20 + 20) / 12 = 3.666… → 7.333…
    expect(customerSatisfactionScore([ratings(1, 1, 1, 1), ratings(5, 5, 5, 5), ratings(5, 5, 5, 5)])).toBeCloseTo(44 / 6, DIGITS);
  });

  it('has nothing to measure without an answer', () => {
    expect(customerSatisfactionScore([])).toBeNull();
  });
});

/**
 * Each dimension's score when it is measured, chosen so they differ:
 * - response timeliness: 3 met, 1 missed → 30 / 4 = 7.5;
 * - handling efficiency: 18 of 20 one-time = 90% → 8;
 * - process compliance: 2 missed → 10 − 4 = 6 (the first-response windows
 *   are staff-side windows too, so they are among these when measured);
 * - customer satisfaction: one answer 5, 4, 4, 4 → 17 / 4 × 2 = 8.5.
 */
const RT = 7.5;
const HE = 8;
const PC = 6;
const CS = 8.5;

function measured(dimensions: ScorecardDimension[]): ScorecardInputs {
  const has = (d: ScorecardDimension) => dimensions.includes(d);
  return {
    firstResponseWindows: has('responseTimeliness') ? { met: 3, missed: 1 } : { met: 0, missed: 0 },
    closedCompleted: has('handlingEfficiency') ? { total: 20, oneTime: 18 } : { total: 0, oneTime: 0 },
    // With the first responses: 3 + 2 met, 1 + 1 missed; without: 2 met, 2 missed. Either way 2 missed.
    staffSideWindows: !has('processCompliance') ? { met: 0, missed: 0 } : has('responseTimeliness') ? { met: 5, missed: 2 } : { met: 2, missed: 2 },
    feedback: has('customerSatisfaction') ? [ratings(5, 4, 4, 4)] : [],
  };
}

describe('the weighted total, with the weights of the dimensions left out shared among the others', () => {
  // Every combination that can occur: a first-response window is a staff-side
  // window, so response timeliness measured means process compliance measured.
  // [measured, Σ weight, Σ weight × score, total]
  const cases: [ScorecardDimension[], number, number, number][] = [
    // 15 × 7.5 + 25 × 8 + 20 × 6 + 40 × 8.5 = 112.5 + 200 + 120 + 340 = 772.5; / 100 = 7.725
    [['responseTimeliness', 'handlingEfficiency', 'processCompliance', 'customerSatisfaction'], 100, 772.5, 7.725],
    // 200 + 120 + 340 = 660; / 85 = 7.7647058823…
    [['handlingEfficiency', 'processCompliance', 'customerSatisfaction'], 85, 660, 660 / 85],
    // 112.5 + 120 + 340 = 572.5; / 75 = 7.6333…
    [['responseTimeliness', 'processCompliance', 'customerSatisfaction'], 75, 572.5, 572.5 / 75],
    // 112.5 + 200 + 120 = 432.5; / 60 = 7.2083…
    [['responseTimeliness', 'handlingEfficiency', 'processCompliance'], 60, 432.5, 432.5 / 60],
    // 200 + 340 = 540; / 65 = 8.3076923…
    [['handlingEfficiency', 'customerSatisfaction'], 65, 540, 540 / 65],
    // 112.5 + 120 = 232.5; / 35 = 6.6428571…
    [['responseTimeliness', 'processCompliance'], 35, 232.5, 232.5 / 35],
    // 200 + 120 = 320; / 45 = 7.111…
    [['handlingEfficiency', 'processCompliance'], 45, 320, 320 / 45],
    // 120 + 340 = 460; / 60 = 7.666…
    [['processCompliance', 'customerSatisfaction'], 60, 460, 460 / 60],
    // alone, each carries the whole weight: the total is its score
    [['handlingEfficiency'], 25, 200, 8],
    [['processCompliance'], 20, 120, 6],
    [['customerSatisfaction'], 40, 340, 8.5],
  ];

  it.each(cases)('measured %j: Σ weight %i, Σ weight × score %d', (dimensions, weightSum, weightedSum, total) => {
    const card = scoreAgent(measured(dimensions));
    expect(card.total).toBeCloseTo(total, DIGITS);
    expect(card.total).toBeCloseTo(weightedSum / weightSum, DIGITS);

    const expected = { responseTimeliness: RT, handlingEfficiency: HE, processCompliance: PC, customerSatisfaction: CS };
    for (const d of ['responseTimeliness', 'handlingEfficiency', 'processCompliance', 'customerSatisfaction'] as const) {
      const dimension = card.dimensions[d];
      expect(dimension.weight).toBe(SCORECARD_WEIGHTS[d]);
      if (dimensions.includes(d)) {
        expect(dimension.score).toBe(expected[d]);
        // e.g. handling efficiency without response timeliness: 25 / 85 = 0.294…
        expect(dimension.appliedWeight).toBeCloseTo(SCORECARD_WEIGHTS[d] / weightSum, DIGITS);
      } else {
        expect(dimension).toEqual({ score: null, weight: SCORECARD_WEIGHTS[d], appliedWeight: 0 });
      }
    }
    // The applied weights of what was measured make 100%, and weight the scores into the total.
    const applied = Object.values(card.dimensions);
    expect(applied.reduce((sum, d) => sum + d.appliedWeight, 0)).toBeCloseTo(1, DIGITS);
    expect(applied.reduce((sum, d) => sum + d.appliedWeight * (d.score ?? 0), 0)).toBeCloseTo(total, DIGITS);
  });

  it('spells the re-scaled weights out: without response timeliness, 25/85, 20/85, 40/85', () => {
    const card = scoreAgent(measured(['handlingEfficiency', 'processCompliance', 'customerSatisfaction']));
    expect(card.dimensions.handlingEfficiency.appliedWeight).toBeCloseTo(0.2941176470588235, DIGITS);
    expect(card.dimensions.processCompliance.appliedWeight).toBeCloseTo(0.2352941176470588, DIGITS);
    expect(card.dimensions.customerSatisfaction.appliedWeight).toBeCloseTo(0.4705882352941176, DIGITS);
    // 0.2941… × 8 + 0.2352… × 6 + 0.4705… × 8.5 = 2.3529… + 1.4117… + 4.0 = 7.7647…
    expect(card.total).toBeCloseTo(7.764705882352941, DIGITS);
  });

  it('with nothing at all to measure, every dimension is left out and the total is null', () => {
    const card = scoreAgent(NOTHING);
    expect(card.total).toBeNull();
    for (const d of Object.values(card.dimensions)) expect(d).toMatchObject({ score: null, appliedWeight: 0 });
  });

  it('a measured 0 is a score, not nothing: it stays in the total and pulls it down', () => {
    // Response timeliness 0 (1 missed), process compliance 10 − 2 × 6 → 0, handling efficiency 0 (0 of 3), satisfaction 1s → 2:
    // (15 × 0 + 25 × 0 + 20 × 0 + 40 × 2) / 100 = 0.8
    const card = scoreAgent({
      firstResponseWindows: { met: 0, missed: 1 },
      closedCompleted: { total: 3, oneTime: 0 },
      staffSideWindows: { met: 0, missed: 6 },
      feedback: [ratings(1, 1, 1, 1)],
    });
    expect(card.dimensions.responseTimeliness.score).toBe(0);
    expect(card.dimensions.handlingEfficiency.score).toBe(0);
    expect(card.dimensions.processCompliance.score).toBe(0);
    expect(card.total).toBeCloseTo(0.8, DIGITS);
  });

  it('every dimension at 10 totals 10, whatever is left out', () => {
    const perfect = scoreAgent({
      firstResponseWindows: { met: 4, missed: 0 },
      closedCompleted: { total: 20, oneTime: 19 },
      staffSideWindows: { met: 9, missed: 0 },
      feedback: [ratings(5, 5, 5, 5)],
    });
    expect(perfect.total).toBe(10);
    expect(scoreAgent(inputs({ closedCompleted: { total: 1, oneTime: 1 }, feedback: [ratings(5, 5, 5, 5)] })).total).toBe(10);
  });

  it('rounds nothing: the total of 4.571428… (15 × 0 + 20 × 8) / 35 keeps every digit', () => {
    // An agent who missed their one first response and nothing else: 0 and 10 − 2 = 8; 160 / 35.
    const card = scoreAgent(inputs({ firstResponseWindows: { met: 0, missed: 1 }, staffSideWindows: { met: 0, missed: 1 } }));
    expect(card.total).toBe(160 / 35);
    expect(card.total).not.toBe(4.57);
  });
});

describe('inputs that cannot come from a period’s data are refused', () => {
  it.each([
    ['a negative count', inputs({ closedCompleted: { total: -1, oneTime: 0 } })],
    ['a fractional count', inputs({ firstResponseWindows: { met: 1.5, missed: 0 }, staffSideWindows: { met: 2, missed: 0 } })],
    ['more one-time closings than closings', inputs({ closedCompleted: { total: 2, oneTime: 3 } })],
    ['a first-response window not among the staff-side windows', inputs({ firstResponseWindows: { met: 1, missed: 0 } })],
    ['a missed first response not among the missed staff-side windows', inputs({ firstResponseWindows: { met: 0, missed: 2 }, staffSideWindows: { met: 0, missed: 1 } })],
    ['a rating of 0', inputs({ feedback: [ratings(0, 5, 5, 5)] })],
    ['a rating of 6', inputs({ feedback: [ratings(5, 5, 6, 5)] })],
    ['a rating of 3.5', inputs({ feedback: [ratings(5, 5, 5, 3.5)] })],
  ])('%s', (_, bad) => {
    expect(() => scoreAgent(bad)).toThrow(RangeError);
  });
});
