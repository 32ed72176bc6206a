/**
 * Every action of api.md, by every kind of actor, in every stage this part
 * of the lifecycle reaches: what is not allowed is rejected by the Update's
 * validator with the right failure type (out of scope: `Forbidden`; in scope
 * but not now: `InvalidTransition` listing what the actor may do), and none
 * of it leaves an accepted Update in the history. The expected tables are
 * written out by hand from api.md, not computed by the rules under test.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { Actor } from '../../contracts/actor';
import type { CustomerRequestInput } from '../../contracts/request';
import { ACTION_NAMES, CUSTOMER_ACTIONS, type ActionName } from '../../rules/actions';
import { actionUpdates } from '../../workflows/definitions';
import { requestInput } from '../support/fixtures';
import { reviewedSolution, sheetBody, solutionBody, toAcceptance, toAnalysis, toDrafting, toInProgress } from '../support/complex-path';
import { acceptedUpdates, act, actors, failureOf, fakeActivities, stateWhen, withRequest, timeSkippingServerPerTest } from '../support/workflow-harness';

const server = timeSkippingServerPerTest();

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
  reach(handle: WorkflowHandle): Promise<unknown>;
  /** What each actor may do there (the `allowed` of a 409); everyone else: nothing. */
  allowed: Partial<Record<SweepActor, ActionName[]>>;
  /** Scope beyond `scopeOf`: a named reviewer's `review`, a task owner's task actions. */
  extraScope?: Partial<Record<SweepActor, ActionName[]>>;
}

const complexFault = requestInput();
const simpleFault = requestInput({ intake: { complexity: 'simple' } });
const emergency = requestInput({ intake: { complexity: 'emergency' } });
const byCustomer: Partial<Record<SweepActor, ActionName[]>> = { customer: ['cancel'], intakeRecording: ['cancel'], assigneeRecording: ['cancel'] };
const afterFirstResponse = { customer: ['rate-first-contact', 'cancel'], intakeRecording: ['rate-first-contact', 'cancel'], assigneeRecording: ['rate-first-contact', 'cancel'] } satisfies Partial<Record<SweepActor, ActionName[]>>;
const overseers = { lead: ['reassign'], supervisor: ['reassign', 'cancel'], admin: ['reassign', 'cancel'] } satisfies Partial<Record<SweepActor, ActionName[]>>;

const taskOwner = { colleague: ['accept-task', 'complete-task'] } satisfies Partial<Record<SweepActor, ActionName[]>>;
const reviewer = { colleague: ['review'] } satisfies Partial<Record<SweepActor, ActionName[]>>;
const customersMay = (...actions: ActionName[]) => ({ customer: actions, intakeRecording: actions, assigneeRecording: actions });

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
    reach: async (h) => void (await act(h, 'acknowledge', actors.assignee)),
    allowed: { ...overseers, ...afterFirstResponse, assignee: ['resolve', 'reclassify'], lead: ['reclassify', 'reassign'] },
  },
  {
    name: 'solution_design/drafting (emergency)',
    input: emergency,
    assigned: true,
    reach: async (h) => void (await act(h, 'acknowledge', actors.assignee)),
    allowed: { ...overseers, ...afterFirstResponse, assignee: ['temporary-measure', 'solution'] },
  },
  {
    name: 'follow_up/awaiting_feedback (resolved at first contact)',
    input: simpleFault,
    assigned: true,
    reach: async (h) => void (await act(h, 'resolve', actors.assignee, { answer: '已答复' })),
    allowed: {
      ...overseers,
      ...customersMay('survey', 'rate-first-contact', 'cancel'),
      assigneeRecording: ['rate-first-contact', 'cancel'],
      intake: ['callback'],
      supervisor: ['callback', 'reassign', 'cancel'],
      admin: ['callback', 'reassign', 'cancel'],
    },
  },
  {
    name: 'analysis (complex)',
    input: complexFault,
    assigned: true,
    reach: async (h) => void (await toAnalysis(h)),
    allowed: { ...overseers, ...afterFirstResponse, assignee: ['requirement-sheet'], lead: ['requirement-sheet', 'reassign'] },
  },
  {
    name: 'awaiting_confirmation',
    input: complexFault,
    assigned: true,
    reach: async (h) => {
      await toAnalysis(h);
      await act(h, 'requirement-sheet', actors.assignee, sheetBody);
    },
    allowed: { ...overseers, ...customersMay('confirm', 'request-changes', 'rate-first-contact', 'cancel') },
  },
  {
    name: 'solution_design/in_review',
    input: complexFault,
    assigned: true,
    reach: async (h) => {
      await toDrafting(h);
      await act(h, 'solution', actors.assignee, reviewedSolution);
    },
    extraScope: reviewer,
    allowed: { ...overseers, ...afterFirstResponse, colleague: ['review'], supervisor: ['review', 'reassign', 'cancel'], admin: ['review', 'reassign', 'cancel'] },
  },
  {
    name: 'solution_design/presented',
    input: complexFault,
    assigned: true,
    reach: async (h) => {
      await toDrafting(h);
      await act(h, 'solution', actors.assignee, solutionBody);
    },
    allowed: { ...overseers, ...customersMay('agree-solution', 'revise-solution', 'rate-first-contact', 'cancel') },
  },
  {
    name: 'in_progress/working',
    input: complexFault,
    assigned: true,
    reach: async (h) => void (await toInProgress(h)),
    extraScope: taskOwner,
    allowed: { ...overseers, ...afterFirstResponse, assignee: ['progress', 'delay', 'wait-for-customer'], colleague: ['accept-task', 'complete-task'] },
  },
  {
    name: 'in_progress/waiting_on_customer',
    input: complexFault,
    assigned: true,
    reach: async (h) => {
      await toInProgress(h);
      await act(h, 'wait-for-customer', actors.assignee, { reason: '请提供序列号' });
    },
    extraScope: taskOwner,
    // No delay while the execution clock stands still: there is no due time to move.
    allowed: { ...overseers, ...customersMay('resume', 'rate-first-contact', 'cancel'), assignee: ['progress', 'resume'], colleague: ['accept-task', 'complete-task'] },
  },
  {
    name: 'awaiting_acceptance',
    input: complexFault,
    assigned: true,
    reach: toAcceptance,
    extraScope: taskOwner,
    allowed: { ...overseers, ...customersMay('accept', 'reject', 'rate-first-contact', 'cancel') },
  },
  {
    name: 'rework',
    input: complexFault,
    assigned: true,
    reach: async (h) => {
      await toAcceptance(h);
      await act(h, 'reject', actors.customer, { reasons: '仍无法开机' });
    },
    extraScope: taskOwner,
    allowed: { ...overseers, ...afterFirstResponse, assignee: ['progress', 'delivery'] },
  },
  {
    name: 'follow_up/intervention',
    input: complexFault,
    assigned: true,
    reach: async (h) => {
      await toAcceptance(h);
      await act(h, 'accept', actors.customer);
      await act(h, 'survey', actors.customer, { ratings: { responseSpeed: 1, resolution: 3, attitude: 3, professionalism: 3 }, verdict: 'dissatisfied' });
    },
    extraScope: taskOwner,
    allowed: { ...overseers, ...afterFirstResponse, supervisor: ['intervention', 'reassign', 'cancel'], admin: ['intervention', 'reassign', 'cancel'] },
  },
];

const inputFor = (action: ActionName): Record<string, unknown> => (action === 'reassign' ? { agentId: 'A-NEW', agentGroup: 'technical_support', reason: 'x' } : {});

describe.each(STAGES)('in $name', (stage) => {
  it('rejects every action not allowed, with the failure type of api.md, and leaves no trace', async () => {
    const fake = fakeActivities({ nobodyFirst: stage.nobodyFirst });
    await withRequest(server.env, server.bundle, fake.activities, stage.input, async (handle) => {
      await stateWhen(handle, (d) => (stage.assigned ? d.stage === 'assigned' : fake.templates().includes('nobody-eligible')));
      await stage.reach(handle);
      const acceptedBefore = await acceptedUpdates(handle);
      let tried = 0;
      for (const [who, actor] of Object.entries(sweepActors) as [SweepActor, Actor][]) {
        const allowed = stage.allowed[who] ?? [];
        const scope = [...scopeOf(who, stage.assigned), ...(stage.extraScope?.[who] ?? [])];
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
