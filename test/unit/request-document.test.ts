/**
 * The request document at intake (rules/request-document.ts): stage
 * `received`, priority by the rule unless overridden, a suggestion on the
 * simple path, counters at zero, version 1.
 */
import type { CustomerRequestInput, IntakeDetails } from '../../contracts/request';
import { initialDocument } from '../../rules/request-document';
import { requestInput } from '../support/fixtures';

/** A calm customer's consultation (the standards' second sample record), with changes. */
function intake(change: Partial<IntakeDetails> = {}, rest: Partial<Omit<CustomerRequestInput, 'intake'>> = {}): CustomerRequestInput {
  return requestInput({
    requestId: 'R-2026-000123',
    customerId: 'C-TEST-0042',
    policyVersion: 4,
    ...rest,
    intake: { type: 'consultation', complexity: 'simple', description: '合成数据：咨询空调能效等级和安装费用', expectedOutcome: '了解费用', ...change },
  });
}

describe('the request document at intake', () => {
  it('starts received, open, unassigned, with nothing decided yet', () => {
    const doc = initialDocument(intake());
    expect(doc.stage).toBe('received');
    expect(doc.subStage).toBeNull();
    expect(doc.status).toBe('open');
    expect(doc.resolution).toBeNull();
    expect(doc.followUp).toBeNull();
    expect(doc.assignee).toBeNull();
    expect(doc.closedAt).toBeNull();
    expect(doc.deadlines).toEqual([]);
    expect(doc.sheet).toBeNull();
    expect(doc.solution).toBeNull();
    expect(doc.delivery).toBeNull();
    expect(doc.feedback).toBeNull();
  });

  it('has its counters at zero and version 1', () => {
    const doc = initialDocument(intake());
    expect(doc.voidSheets).toBe(0);
    expect(doc.rejections).toBe(0);
    expect(doc.reassignments).toBe(0);
    expect(doc.version).toBe(1);
  });

  it('carries the request id, the customer (id and tier only), the facts, the policy version and the intake time', () => {
    const doc = initialDocument(
      intake({ channel: 'wechat', type: 'fault', urgency: 'normal', emotion: 'dissatisfied', complexity: 'complex' }, { customerTier: 'vip' }),
    );
    expect(doc).toMatchObject({
      id: 'R-2026-000123',
      customer: { id: 'C-TEST-0042', tier: 'vip' },
      channel: 'wechat',
      type: 'fault',
      urgency: 'normal',
      emotion: 'dissatisfied',
      complexity: 'complex',
      createdAt: '2026-11-27T07:00:00.000Z',
      policyVersion: 4,
      calendarVersion: 0,
    });
    expect(Object.keys(doc.customer).sort()).toEqual(['id', 'tier']);
  });

  it('holds no contact data or free text from the intake', () => {
    const json = JSON.stringify(initialDocument(intake()));
    expect(json).not.toContain('合成数据');
    expect(json).not.toContain('了解费用');
    expect(json).not.toContain('tok-intake-1');
  });

  describe('priority', () => {
    it('is derived by the rule: a calm customer’s consultation is P3', () => {
      expect(initialDocument(intake()).priority).toBe('P3');
    });

    it('is derived by the rule: an anxious customer’s complaint is P1', () => {
      expect(initialDocument(intake({ type: 'complaint', emotion: 'anxious', complexity: 'complex' })).priority).toBe('P1');
    });

    it('takes the customer’s tier into account: a VIP’s routine consultation is P2', () => {
      expect(initialDocument(intake({}, { customerTier: 'vip' })).priority).toBe('P2');
    });

    it('is the override when whoever recorded the request set one', () => {
      expect(initialDocument(intake({ priorityOverride: 'P1' })).priority).toBe('P1');
      expect(initialDocument(intake({ urgency: 'urgent', priorityOverride: 'P3' })).priority).toBe('P3');
    });
  });

  describe('a suggestion', () => {
    it('always takes the simple path, whatever complexity was recorded', () => {
      expect(initialDocument(intake({ type: 'suggestion', complexity: 'complex' })).complexity).toBe('simple');
      expect(initialDocument(intake({ type: 'suggestion', complexity: 'emergency' })).complexity).toBe('simple');
      expect(initialDocument(intake({ type: 'suggestion', complexity: 'simple' })).complexity).toBe('simple');
    });

    it('is prioritised as the simple request it is treated as: no emergency, so no P1 for that alone', () => {
      expect(initialDocument(intake({ type: 'suggestion', complexity: 'emergency' })).priority).toBe('P3');
      expect(initialDocument(intake({ type: 'suggestion', complexity: 'emergency', urgency: 'urgent' })).priority).toBe('P1');
    });

    it('does not change the complexity of other types', () => {
      expect(initialDocument(intake({ type: 'fault', complexity: 'emergency' })).complexity).toBe('emergency');
      expect(initialDocument(intake({ type: 'complaint', complexity: 'complex' })).complexity).toBe('complex');
    });
  });
});
