/**
 * Each deadline of the complex path met a second before it expires: the
 * action is on time if and only if the workflow accepts it before `dueAt`,
 * and nothing is escalated. (Expiry is covered path by path in the other
 * files; this one walks the table's "met" side.)
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { DeadlineId, RequestDocument } from '../../contracts/request';
import { deliveryBody, reviewedSolution, sheetBody, solutionBody, toAcceptance, toAnalysis, toDrafting, toInProgress } from '../support/complex-path';
import { requestInput } from '../support/fixtures';
import { act, actors, fakeActivities, pendingOf, sleepUntil, statesOf, withRequest, timeSkippingServerPerTest } from '../support/workflow-harness';

const server = timeSkippingServerPerTest();

interface Case {
  deadline: DeadlineId;
  /** Brings the request to where the deadline is pending. */
  reach(handle: WorkflowHandle): Promise<RequestDocument>;
  /** The action that meets it. */
  meet(handle: WorkflowHandle): Promise<RequestDocument>;
}

const CASES: Case[] = [
  {
    deadline: 'requirementSheet',
    reach: toAnalysis,
    meet: (h) => act(h, 'requirement-sheet', actors.assignee, sheetBody),
  },
  {
    deadline: 'solution',
    reach: (h) => toDrafting(h),
    meet: (h) => act(h, 'solution', actors.assignee, solutionBody),
  },
  {
    deadline: 'review',
    reach: async (h) => {
      await toDrafting(h);
      return act(h, 'solution', actors.assignee, { ...reviewedSolution, reviewers: [reviewedSolution.reviewers[0]] });
    },
    meet: (h) => act(h, 'review', actors.colleague, { area: 'technical', approved: true }),
  },
  {
    deadline: 'solutionAgreement',
    reach: async (h) => {
      await toDrafting(h);
      return act(h, 'solution', actors.assignee, solutionBody);
    },
    meet: (h) => act(h, 'agree-solution', actors.customer, {}, { document: { name: 'solution', revision: 1 } }),
  },
  {
    deadline: 'taskAcceptance',
    reach: (h) => toInProgress(h),
    meet: (h) => act(h, 'accept-task', actors.colleague, { taskId: 'T1' }),
  },
  {
    deadline: 'execution',
    reach: async (h) => {
      await toInProgress(h);
      return act(h, 'complete-task', actors.colleague, { taskId: 'T1' });
    },
    meet: (h) => act(h, 'delivery', actors.assignee, deliveryBody),
  },
  {
    deadline: 'acceptance',
    reach: toAcceptance,
    meet: (h) => act(h, 'accept', actors.customer, {}, { document: { name: 'delivery', revision: 1 } }),
  },
];

describe.each(CASES)('$deadline', ({ deadline, reach, meet }) => {
  it('is met by its action a second before it expires, with no escalation', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, requestInput(), async (handle) => {
      const before = await reach(handle);
      const due = pendingOf(before, deadline);
      await sleepUntil(server.env, due.dueAt, -1_000);
      const after = await meet(handle);
      expect(statesOf(after, deadline)).toEqual(['met']);
      expect(after.deadlines.find((d) => d.name === deadline)).toMatchObject({ dueAt: due.dueAt, escalatedAt: null, fulfilledAt: expect.any(String) });
      await server.env.sleep('1 minute');
      expect(fake.mailsOf('deadline-escalation').map((m) => m.facts.deadline)).not.toContain(deadline);
    });
  });
});
