/**
 * Every action of api.md, by every kind of actor, in every stage this part
 * of the lifecycle reaches: what is not allowed is rejected by the Update's
 * validator with the right failure type (out of scope: `Forbidden`; in scope
 * but not now: `InvalidTransition` listing what the actor may do), and none
 * of it leaves an accepted Update in the history. The expected tables are
 * written out by hand from api.md, not computed by the rules under test.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Actor } from '../../contracts/actor';
import type { CustomerRequestInput } from '../../contracts/request';
import { ACTION_NAMES, CUSTOMER_ACTIONS, type ActionName } from '../../rules/actions';
import { actionUpdates } from '../../workflows/definitions';
import { requestInput } from '../support/fixtures';
import { bundleWorkflows, createTimeSkippingEnvironment, quietTemporalLogs } from '../support/temporal';
import { acceptedUpdates, actors, failureOf, fakeActivities, stateWhen, withRequest } from '../support/workflow-harness';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  quietTemporalLogs();
  bundle = await bundleWorkflows();
});

beforeEach(async () => {
  env = await createTimeSkippingEnvironment();
});

afterEach(async () => {
  await env?.teardown();
});

const sweepActors = {
  assignee: actors.assignee,
  colleague: actors.colleague,
  lead: actors.lead,
  otherLead: actors.otherLead,
  intake: actors.intake,
  supervisor: actors.supervisor,
  admin: actors.admin,
  customer: actors.customer,
  intakeRecording: { ...actors.intake, recordedFrom: 'phone' },
  assigneeRecording: { ...actors.assignee, recordedFrom: 'wechat' },
} satisfies Record<string, Actor>;
type SweepActor = keyof typeof sweepActors;

const customerActions = [...CUSTOMER_ACTIONS];
const SUPERVISOR_SCOPE: ActionName[] = ['review', 'callback', 'intervention', 'root-cause', 'reassign', 'cancel'];
const ASSIGNEE_SCOPE: ActionName[] = ['acknowledge', 'temporary-measure', 'resolve', 'reclassify', 'requirement-sheet', 'solution', 'progress', 'delay', 'wait-for-customer', 'resume', 'delivery'];

/** api.md "Scope", for a request of the technical-support group; `assigned`: whether A-ASSIGNEE holds it. */
function scopeOf(who: SweepActor, assigned: boolean): ActionName[] {
  switch (who) {
    case 'assignee':
      return assigned ? ASSIGNEE_SCOPE : [];
    case 'lead':
      return ['reclassify', 'requirement-sheet', 'reassign', ...(assigned ? [] : (['temporary-measure'] as ActionName[]))];
    case 'intake':
      return ['callback'];
    case 'supervisor':
    case 'admin':
      return [...SUPERVISOR_SCOPE, ...(assigned ? [] : (['temporary-measure'] as ActionName[]))];
    case 'customer':
    case 'intakeRecording':
      return customerActions;
    case 'assigneeRecording':
      return assigned ? customerActions.filter((a) => a !== 'survey') : [];
    case 'colleague':
    case 'otherLead':
      return [];
  }
}

interface Stage {
  name: string;
  input: CustomerRequestInput;
  nobodyFirst?: number;
  assigned: boolean;
  reach(handle: WorkflowHandle): Promise<void>;
  /** What each actor may do there (the `allowed` of a 409); everyone else: nothing. */
  allowed: Partial<Record<SweepActor, ActionName[]>>;
}

const complexFault = requestInput();
const simpleFault = requestInput({ intake: { complexity: 'simple' } });
const emergency = requestInput({ intake: { complexity: 'emergency' } });
const byCustomer: Partial<Record<SweepActor, ActionName[]>> = { customer: ['cancel'], intakeRecording: ['cancel'], assigneeRecording: ['cancel'] };
const afterFirstResponse = { customer: ['rate-first-contact', 'cancel'], intakeRecording: ['rate-first-contact', 'cancel'], assigneeRecording: ['rate-first-contact', 'cancel'] } satisfies Partial<Record<SweepActor, ActionName[]>>;
const overseers = { lead: ['reassign'], supervisor: ['reassign', 'cancel'], admin: ['reassign', 'cancel'] } satisfies Partial<Record<SweepActor, ActionName[]>>;

const STAGES: Stage[] = [
  {
    name: 'received (nobody eligible)',
    input: complexFault,
    nobodyFirst: 1000,
    assigned: false,
    reach: async () => undefined,
    allowed: { ...overseers, customer: ['cancel'], intakeRecording: ['cancel'] },
  },
  {
    name: 'assigned',
    input: complexFault,
    assigned: true,
    reach: async () => undefined,
    allowed: { ...overseers, ...byCustomer, assignee: ['acknowledge'] },
  },
  {
    name: 'analysis (simple)',
    input: simpleFault,
    assigned: true,
    reach: async (h) => void (await h.executeUpdate(actionUpdates.acknowledge, { args: [{ actor: actors.assignee, input: {} }] })),
    allowed: { ...overseers, ...afterFirstResponse, assignee: ['resolve', 'reclassify'], lead: ['reclassify', 'reassign'] },
  },
  {
    name: 'solution_design/drafting (emergency)',
    input: emergency,
    assigned: true,
    reach: async (h) => void (await h.executeUpdate(actionUpdates.acknowledge, { args: [{ actor: actors.assignee, input: {} }] })),
    allowed: { ...overseers, ...afterFirstResponse, assignee: ['temporary-measure', 'solution'] },
  },
  {
    name: 'follow_up/awaiting_feedback (resolved at first contact)',
    input: simpleFault,
    assigned: true,
    reach: async (h) => void (await h.executeUpdate(actionUpdates.resolve, { args: [{ actor: actors.assignee, input: { answer: '已答复' } }] })),
    allowed: { ...overseers, ...afterFirstResponse },
  },
];

const inputFor = (action: ActionName): Record<string, unknown> => (action === 'reassign' ? { agentId: 'A-NEW', agentGroup: 'technical_support', reason: 'x' } : {});

describe.each(STAGES)('in $name', (stage) => {
  it('rejects every action not allowed, with the failure type of api.md, and leaves no trace', async () => {
    const fake = fakeActivities({ nobodyFirst: stage.nobodyFirst });
    await withRequest(env, bundle, fake.activities, stage.input, async (handle) => {
      await stateWhen(handle, (d) => (stage.assigned ? d.stage === 'assigned' : fake.templates().includes('nobody-eligible')));
      await stage.reach(handle);
      const acceptedBefore = await acceptedUpdates(handle);
      let tried = 0;
      for (const [who, actor] of Object.entries(sweepActors) as [SweepActor, Actor][]) {
        const allowed = stage.allowed[who] ?? [];
        const scope = scopeOf(who, stage.assigned);
        const rejected = ACTION_NAMES.filter((action) => !allowed.includes(action));
        const outcomes = await Promise.all(
          rejected.map(async (action) => {
            const failure = await failureOf(handle.executeUpdate(actionUpdates[action], { args: [{ actor, input: inputFor(action) }] }));
            return { action, type: failure.type, allowed: (failure.details?.[0] as { allowed?: string[] } | undefined)?.allowed };
          }),
        );
        tried += outcomes.length;
        expect(outcomes).toEqual(
          rejected.map((action) =>
            scope.includes(action)
              ? { action, type: 'InvalidTransition', allowed: ACTION_NAMES.filter((a) => allowed.includes(a)) }
              : { action, type: 'Forbidden', allowed: undefined },
          ),
        );
      }
      expect(tried).toBeGreaterThan(200);
      expect(await acceptedUpdates(handle)).toBe(acceptedBefore);
    });
  });
});
