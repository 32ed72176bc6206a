/** Synthetic data for tests and recorded histories: no real person anywhere. */
import { createHash } from 'node:crypto';
import type { CalendarSnapshot } from '../../contracts/calendar';
import { DEFAULT_CALENDAR } from '../../contracts/calendar';
import { DEFAULT_POLICY, workflowPolicy, type PolicySnapshot, type WorkflowPolicy } from '../../contracts/policy';
import type { CustomerRequestInput, IntakeDetails } from '../../contracts/request';

export function requestInput(overrides: Partial<Omit<CustomerRequestInput, 'intake'>> & { intake?: Partial<IntakeDetails> } = {}): CustomerRequestInput {
  const { intake, ...rest } = overrides;
  return {
    requestId: 'R-2026-000001',
    customerId: 'C-TEST-0001',
    customerTier: 'standard',
    recordedBy: { tokenId: '00000000-0000-4000-8000-000000000001', role: 'intake', agentId: null },
    recordedAt: '2026-11-27T07:00:00.000Z',
    policyVersion: 1,
    ...rest,
    intake: {
      channel: 'phone',
      type: 'fault',
      description: '测试设备无法开机（合成数据）',
      expectedOutcome: '恢复正常使用',
      urgency: 'normal',
      emotion: 'calm',
      complexity: 'complex',
      priorityOverride: null,
      externalId: null,
      ...intake,
    },
  };
}

/** The default policy with some deadlines changed, as a policy version a workflow loads. */
export function policySnapshot(change: (policy: WorkflowPolicy) => void = () => undefined, version = 1): PolicySnapshot {
  const policy = structuredClone(workflowPolicy(DEFAULT_POLICY));
  change(policy);
  return { version, policy };
}

export function calendarSnapshot(): CalendarSnapshot {
  return { ...DEFAULT_CALENDAR, version: 1, from: '2026-11-27', to: '2027-12-31' };
}

/** The mail settings every activity test builds its activities with (`ActivityDependencies` mail and customer links). */
export const TEST_TOKEN_SECRET = 'a-test-secret-of-at-least-32-characters';
export const testMailSettings = {
  mail: { from: 'Service <service@notify.example>', messageIdDomain: 'notify.example' },
  customerLinks: { publicBaseUrl: 'https://service.example', tokenSecret: TEST_TOKEN_SECRET },
};

/** The Message-ID process.md gives a notification key under `testMailSettings`, worked out independently of notify.ts. */
export const messageIdOf = (key: string): string => `<${createHash('sha256').update(key).digest('hex')}@notify.example>`;
