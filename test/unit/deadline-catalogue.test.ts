/**
 * The deadline catalogue (rules/deadline-catalogue.ts) against process.md's
 * table and the policy defaults: one entry per deadline id, the customer
 * side marked, the clocks agreeing with the defaults.
 */
import { DEFAULT_POLICY } from '../../contracts/policy';
import { DeadlineId } from '../../contracts/request';
import { DEADLINES, isStaffSide } from '../../rules/deadline-catalogue';

describe('the deadline catalogue', () => {
  it('has one entry per deadline id, under its own id', () => {
    expect(Object.keys(DEADLINES).sort()).toEqual([...DeadlineId.options].sort());
    for (const [id, definition] of Object.entries(DEADLINES)) expect(definition.id).toBe(id);
  });

  it('marks exactly the customer-side deadlines of process.md (C), which never count against staff', () => {
    const customerSide = DeadlineId.options.filter((id) => !isStaffSide(id));
    expect(customerSide).toEqual(['confirmation', 'solutionAgreement', 'acceptance']);
    for (const id of customerSide) expect(DEADLINES[id].owedBy).toBe('customer');
  });

  it('agrees with the policy defaults on each clock; the task due time is the task’s own', () => {
    for (const id of DeadlineId.options) {
      if (id === 'taskDue') {
        expect(DEADLINES.taskDue.clock).toBe('taskDueTime');
        expect(DEFAULT_POLICY.deadlines).not.toHaveProperty('taskDue');
        continue;
      }
      expect({ id, clock: DEFAULT_POLICY.deadlines[id].default.clock }).toEqual({ id, clock: DEADLINES[id].clock });
    }
  });

  it.each([
    ['firstResponse', ['groupLead'], 'reassign'],
    ['temporaryMeasure', ['supervisors'], 'keepWaiting'],
    ['confirmation', ['assignee'], 'voidSheet'],
    ['execution', ['supervisors'], 'keepWaiting'],
    ['acceptance', ['customer'], 'deemAccepted'],
    ['rework', ['supervisors'], 'keepWaiting'],
    ['callback', ['supervisors'], 'secondWindowThenMissed'],
    ['intervention', ['headOfService'], 'keepWaiting'],
    ['complaintReview', ['headOfService'], 'keepWaiting'],
  ] as const)('%s: on expiry tells %j and then does %s', (id, escalateTo, effect) => {
    expect(DEADLINES[id].escalateTo).toEqual(escalateTo);
    expect(DEADLINES[id].effect).toBe(effect);
  });
});
