/**
 * The policy contract (contracts/policy.ts): the defaults of process.md, the
 * zod schema a stored policy version must pass, and the workflow's view of a
 * policy without its addresses.
 */
import { DEFAULT_POLICY, Policy, PolicyDeadlineId, PolicyDuration, WorkflowPolicy, workflowPolicy } from '../../contracts/policy';
import { DeadlineId } from '../../contracts/request';

/** A deep copy of the default policy as plain JSON, to be broken on purpose. */
function policyJson(): Record<string, any> {
  return JSON.parse(JSON.stringify(DEFAULT_POLICY)) as Record<string, any>;
}

describe('PolicyDuration', () => {
  it('accepts calendar seconds and working days, including zero working days', () => {
    expect(PolicyDuration.safeParse({ clock: 'calendar', seconds: 1 }).success).toBe(true);
    expect(PolicyDuration.safeParse({ clock: 'workingDays', days: 3 }).success).toBe(true);
    expect(PolicyDuration.safeParse({ clock: 'workingDays', days: 0 }).success).toBe(true);
  });

  it('rejects negative, zero and fractional seconds', () => {
    expect(PolicyDuration.safeParse({ clock: 'calendar', seconds: -60 }).success).toBe(false);
    expect(PolicyDuration.safeParse({ clock: 'calendar', seconds: 0 }).success).toBe(false);
    expect(PolicyDuration.safeParse({ clock: 'calendar', seconds: 1.5 }).success).toBe(false);
  });

  it('rejects negative and fractional working days', () => {
    expect(PolicyDuration.safeParse({ clock: 'workingDays', days: -1 }).success).toBe(false);
    expect(PolicyDuration.safeParse({ clock: 'workingDays', days: 0.5 }).success).toBe(false);
  });

  it('rejects an unknown clock, and a clock with the other clock’s amount', () => {
    expect(PolicyDuration.safeParse({ clock: 'businessHours', hours: 4 }).success).toBe(false);
    expect(PolicyDuration.safeParse({ seconds: 60 }).success).toBe(false);
    expect(PolicyDuration.safeParse({ clock: 'calendar', days: 1 }).success).toBe(false);
    expect(PolicyDuration.safeParse({ clock: 'workingDays', seconds: 60 }).success).toBe(false);
  });
});

describe('the Policy schema', () => {
  it('accepts the default policy', () => {
    const parsed = Policy.safeParse(DEFAULT_POLICY);
    expect(parsed.error).toBeUndefined();
    expect(parsed.data).toEqual(DEFAULT_POLICY);
  });

  it('accepts the default policy after a JSON round trip (as stored in PostgreSQL)', () => {
    expect(Policy.safeParse(policyJson()).success).toBe(true);
  });

  it('rejects a negative duration', () => {
    const p = policyJson();
    p.deadlines.solution.default = { clock: 'calendar', seconds: -7200 };
    const parsed = Policy.safeParse(p);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path.slice(0, 2)).toEqual(['deadlines', 'solution']);
  });

  it('rejects a bad duration in a priority override', () => {
    const p = policyJson();
    p.deadlines.firstResponse.byPriority.P1 = { clock: 'calendar', seconds: 0 };
    expect(Policy.safeParse(p).success).toBe(false);
  });

  it('rejects an override for an unknown priority or tier', () => {
    const p = policyJson();
    p.deadlines.firstResponse.byPriority.P4 = { clock: 'calendar', seconds: 60 };
    expect(Policy.safeParse(p).success).toBe(false);
    const q = policyJson();
    q.deadlines.firstResponse.byTier = { gold: { clock: 'calendar', seconds: 60 } };
    expect(Policy.safeParse(q).success).toBe(false);
  });

  it('rejects an unknown clock', () => {
    const p = policyJson();
    p.deadlines.review.default = { clock: 'lunar', days: 1 };
    expect(Policy.safeParse(p).success).toBe(false);
  });

  it('rejects a policy missing a deadline', () => {
    const p = policyJson();
    delete p.deadlines.firstResponse;
    const parsed = Policy.safeParse(p);
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('firstResponse');
  });

  it('rejects a deadline without a default', () => {
    const p = policyJson();
    delete p.deadlines.execution.default;
    expect(Policy.safeParse(p).success).toBe(false);
  });

  it('rejects a duration for taskDue, which each task carries itself', () => {
    const p = policyJson();
    p.deadlines.taskDue = { default: { clock: 'calendar', seconds: 3600 } };
    expect(Policy.safeParse(p).success).toBe(false);
  });

  it('rejects a reminder fraction outside (0, 1)', () => {
    for (const fraction of [0, 1, 1.2, -0.1]) {
      const p = policyJson();
      p.reminderAtFraction = fraction;
      expect([fraction, Policy.safeParse(p).success]).toEqual([fraction, false]);
    }
  });

  it('rejects an acceptance rule other than deemed_accepted or escalate', () => {
    const p = policyJson();
    p.acceptanceOnExpiry = 'ignore';
    expect(Policy.safeParse(p).success).toBe(false);
    p.acceptanceOnExpiry = 'escalate';
    expect(Policy.safeParse(p).success).toBe(true);
  });

  it('rejects routing that leaves a request type without a group', () => {
    const p = policyJson();
    delete p.routing.fault;
    expect(Policy.safeParse(p).success).toBe(false);
    const q = policyJson();
    q.routing.fault = '';
    expect(Policy.safeParse(q).success).toBe(false);
  });

  it('rejects non-positive counts', () => {
    for (const field of ['voidSheetsBeforeUnconfirmed', 'rejectionsBeforeEscalation', 'callbackWindowsBeforeMissed', 'defaultCapacity', 'historyLengthLimit']) {
      const p = policyJson();
      p[field] = 0;
      expect([field, Policy.safeParse(p).success]).toEqual([field, false]);
    }
  });

  it('requires escalation addresses: at least one supervisor mailbox and a head of service, all e-mail addresses', () => {
    const noSupervisors = policyJson();
    noSupervisors.addresses.supervisors = [];
    expect(Policy.safeParse(noSupervisors).success).toBe(false);
    const badAddress = policyJson();
    badAddress.addresses.headOfService = 'head of service';
    expect(Policy.safeParse(badAddress).success).toBe(false);
    const noAddresses = policyJson();
    delete noAddresses.addresses;
    expect(Policy.safeParse(noAddresses).success).toBe(false);
  });
});

describe('the default policy (process.md "Deadlines")', () => {
  it('defines every deadline id but taskDue', () => {
    expect(Object.keys(DEFAULT_POLICY.deadlines).sort()).toEqual(DeadlineId.options.filter((id) => id !== 'taskDue').sort());
    expect(PolicyDeadlineId.options).toHaveLength(DeadlineId.options.length - 1);
  });

  it('reminds at 80% of a window, retries assignment every 5 minutes, closes unconfirmed after 3 void sheets', () => {
    expect(DEFAULT_POLICY.reminderAtFraction).toBe(0.8);
    expect(DEFAULT_POLICY.assignmentRetry).toEqual({ clock: 'calendar', seconds: 300 });
    expect(DEFAULT_POLICY.voidSheetsBeforeUnconfirmed).toBe(3);
    expect(DEFAULT_POLICY.rejectionsBeforeEscalation).toBe(3);
    expect(DEFAULT_POLICY.callbackWindowsBeforeMissed).toBe(2);
    expect(DEFAULT_POLICY.acceptanceOnExpiry).toBe('deemed_accepted');
    expect(DEFAULT_POLICY.defaultCapacity).toBe(20);
  });

  it('routes each type to its group (process.md "Assignment")', () => {
    expect(DEFAULT_POLICY.routing).toEqual({
      consultation: 'product_consulting',
      suggestion: 'product_consulting',
      fault: 'technical_support',
      after_sales: 'after_sales',
      complaint: 'complaints',
    });
  });
});

describe('workflowPolicy: the part of a policy a workflow keeps', () => {
  it('strips the addresses, so no e-mail address enters a workflow history', () => {
    const kept = workflowPolicy(DEFAULT_POLICY);
    expect(kept).not.toHaveProperty('addresses');
    expect(JSON.stringify(kept)).not.toContain('@');
  });

  it('keeps every rule unchanged', () => {
    const { addresses: _addresses, ...rules } = DEFAULT_POLICY;
    expect(workflowPolicy(DEFAULT_POLICY)).toEqual(rules);
  });

  it('is a valid WorkflowPolicy', () => {
    expect(WorkflowPolicy.safeParse(workflowPolicy(DEFAULT_POLICY)).success).toBe(true);
  });

  it('leaves the policy it was given intact', () => {
    const policy = Policy.parse(policyJson());
    workflowPolicy(policy);
    expect(policy.addresses.supervisors).toEqual(['supervisors@service.example']);
    expect(policy.addresses.headOfService).toBe('head-of-service@service.example');
  });
});
