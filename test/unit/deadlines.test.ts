/**
 * Which duration a deadline gets (process.md "Deadlines"): the policy's
 * default, a per-priority override, and a per-tier override, which wins.
 */
import { DEFAULT_POLICY, PolicyDeadlineId, workflowPolicy, type PolicyDuration, type WorkflowPolicy } from '../../contracts/policy';
import { CustomerTier, Priority } from '../../contracts/request';
import { deadlineDuration } from '../../rules/deadlines';

const minutes = (n: number): PolicyDuration => ({ clock: 'calendar', seconds: n * 60 });
const hours = (n: number): PolicyDuration => minutes(n * 60);
const workingDays = (n: number): PolicyDuration => ({ clock: 'workingDays', days: n });

const defaults = workflowPolicy(DEFAULT_POLICY);

function withDeadlines(change: (deadlines: WorkflowPolicy['deadlines']) => void): WorkflowPolicy {
  const policy = structuredClone(defaults);
  change(policy.deadlines);
  return policy;
}

describe('deadlineDuration with the default policy', () => {
  it('gives a P1 request 5 minutes for its first response', () => {
    expect(deadlineDuration(defaults, 'firstResponse', { priority: 'P1', tier: 'standard' })).toEqual(minutes(5));
  });

  it('gives P2 and P3 requests 30 minutes for their first response', () => {
    expect(deadlineDuration(defaults, 'firstResponse', { priority: 'P2', tier: 'standard' })).toEqual(minutes(30));
    expect(deadlineDuration(defaults, 'firstResponse', { priority: 'P3', tier: 'standard' })).toEqual(minutes(30));
  });

  it('gives execution 2 h for P1, 24 h for P2 and 72 h for P3', () => {
    expect(deadlineDuration(defaults, 'execution', { priority: 'P1', tier: 'standard' })).toEqual({ clock: 'calendar', seconds: 7_200 });
    expect(deadlineDuration(defaults, 'execution', { priority: 'P2', tier: 'standard' })).toEqual({ clock: 'calendar', seconds: 86_400 });
    expect(deadlineDuration(defaults, 'execution', { priority: 'P3', tier: 'standard' })).toEqual({ clock: 'calendar', seconds: 259_200 });
  });

  it('has no tier overrides: a VIP gets what their priority gets', () => {
    expect(deadlineDuration(defaults, 'firstResponse', { priority: 'P1', tier: 'vip' })).toEqual(minutes(5));
    expect(deadlineDuration(defaults, 'firstResponse', { priority: 'P2', tier: 'vip' })).toEqual(minutes(30));
    expect(deadlineDuration(defaults, 'execution', { priority: 'P2', tier: 'vip' })).toEqual(hours(24));
  });

  it('gives the same duration to every priority and tier for deadlines with only a default (process.md table)', () => {
    const table: Array<[PolicyDeadlineId, PolicyDuration]> = [
      ['temporaryMeasure', minutes(30)],
      ['simpleAnswer', workingDays(1)],
      ['suggestionOutcome', hours(72)],
      ['requirementSheet', workingDays(2)],
      ['confirmation', workingDays(1)],
      ['solution', hours(2)],
      ['review', workingDays(1)],
      ['solutionAgreement', workingDays(3)],
      ['taskAcceptance', hours(4)],
      ['dailyProgress', workingDays(0)],
      ['acceptance', workingDays(3)],
      ['rework', workingDays(2)],
      ['callback', workingDays(3)],
      ['intervention', hours(1)],
      ['complaintReview', hours(48)],
    ];
    for (const [deadline, expected] of table) {
      for (const priority of Priority.options) {
        for (const tier of CustomerTier.options) {
          expect([deadline, priority, tier, deadlineDuration(defaults, deadline, { priority, tier })]).toEqual([
            deadline,
            priority,
            tier,
            expected,
          ]);
        }
      }
    }
  });

  it('has a duration for every deadline of the policy', () => {
    for (const deadline of PolicyDeadlineId.options) {
      const duration = deadlineDuration(defaults, deadline, { priority: 'P3', tier: 'standard' });
      expect(['calendar', 'workingDays']).toContain(duration.clock);
    }
    expect(PolicyDeadlineId.options).not.toContain('taskDue');
  });
});

describe('deadlineDuration with overrides', () => {
  it('uses a priority override for that priority only', () => {
    const policy = withDeadlines((d) => {
      d.solution = { default: hours(2), byPriority: { P3: hours(8) } };
    });
    expect(deadlineDuration(policy, 'solution', { priority: 'P3', tier: 'standard' })).toEqual(hours(8));
    expect(deadlineDuration(policy, 'solution', { priority: 'P2', tier: 'standard' })).toEqual(hours(2));
    expect(deadlineDuration(policy, 'solution', { priority: 'P1', tier: 'standard' })).toEqual(hours(2));
  });

  it('lets a tier override win over a priority override', () => {
    const policy = withDeadlines((d) => {
      d.execution = { default: hours(72), byPriority: { P1: hours(2), P2: hours(24) }, byTier: { vip: hours(1) } };
    });
    expect(deadlineDuration(policy, 'execution', { priority: 'P1', tier: 'vip' })).toEqual(hours(1));
    expect(deadlineDuration(policy, 'execution', { priority: 'P2', tier: 'vip' })).toEqual(hours(1));
    expect(deadlineDuration(policy, 'execution', { priority: 'P3', tier: 'vip' })).toEqual(hours(1));
  });

  it('leaves the other tier to the priority override and the default', () => {
    const policy = withDeadlines((d) => {
      d.execution = { default: hours(72), byPriority: { P1: hours(2) }, byTier: { vip: hours(1) } };
    });
    expect(deadlineDuration(policy, 'execution', { priority: 'P1', tier: 'standard' })).toEqual(hours(2));
    expect(deadlineDuration(policy, 'execution', { priority: 'P3', tier: 'standard' })).toEqual(hours(72));
  });

  it('may change the clock: a tier override in working days for a calendar default', () => {
    const policy = withDeadlines((d) => {
      d.callback = { default: workingDays(3), byTier: { vip: workingDays(1) }, byPriority: { P1: hours(4) } };
    });
    expect(deadlineDuration(policy, 'callback', { priority: 'P1', tier: 'vip' })).toEqual(workingDays(1));
    expect(deadlineDuration(policy, 'callback', { priority: 'P1', tier: 'standard' })).toEqual(hours(4));
    expect(deadlineDuration(policy, 'callback', { priority: 'P2', tier: 'standard' })).toEqual(workingDays(3));
  });

  it('lets a demo policy set a deadline to seconds', () => {
    const policy = withDeadlines((d) => {
      d.confirmation = { default: { clock: 'calendar', seconds: 10 } };
    });
    expect(deadlineDuration(policy, 'confirmation', { priority: 'P2', tier: 'standard' })).toEqual({ clock: 'calendar', seconds: 10 });
  });
});
