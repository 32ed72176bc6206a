/**
 * The complaint review (投诉根因复盘) in the time-skipping test server,
 * activities mocked: a closing complaint starts child workflow
 * `complaintReview`, which outlives the request; the supervisors owe the
 * root cause within 48 hours, are reminded at 80%, and a miss goes to the
 * head of service while the review stays owed.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { ComplaintReviewDocument } from '../../contracts/complaint-review';
import { complaintReviewWorkflowId, SearchAttribute } from '../../contracts/temporal';
import { complaintReviewStateQuery, rootCauseUpdate } from '../../workflows/definitions';
import { requestInput } from '../support/fixtures';
import { act, actors, closedResult, failureOf, fakeActivities, sleepUntil, stateWhen, withRequest, timeSkippingServerPerTest } from '../support/workflow-harness';

const server = timeSkippingServerPerTest();

const HOUR = 3_600_000;
const complaint = requestInput({ intake: { type: 'complaint', complexity: 'simple', emotion: 'dissatisfied' } });
const rootCause = { cause: 'process_gap', analysis: '售后电话转接流程缺失（合成数据）', correctiveAction: '增加转接兜底规则' };

/** A simple complaint resolved at first contact and closed by a good callback; returns the review's handle. */
async function closeComplaint(handle: WorkflowHandle): Promise<WorkflowHandle> {
  await stateWhen(handle, (d) => d.stage === 'assigned');
  await act(handle, 'resolve', actors.assignee, { answer: '已致歉并补发配件' });
  await act(handle, 'callback', actors.intake, { resolved: true, ratings: { responseSpeed: 4, resolution: 4, attitude: 5, professionalism: 4 }, verdict: 'satisfied' });
  const closed = await closedResult(handle);
  expect(closed.status).toBe('completed');
  return server.env.client.workflow.getHandle(complaintReviewWorkflowId(closed.id));
}

async function reviewWhen(review: WorkflowHandle, ready: (doc: ComplaintReviewDocument) => boolean): Promise<ComplaintReviewDocument> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const doc = await review.query(complaintReviewStateQuery).catch(() => null);
    if (doc && ready(doc)) return doc;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the complaint review never reached the expected state');
}

describe('the complaint review', () => {
  it('starts when a complaint closes, outlives the request, and takes the supervisor’s root cause in time', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, complaint, async (handle) => {
      const review = await closeComplaint(handle);
      const owed = await reviewWhen(review, (d) => d.deadline.state === 'pending');
      // 48 calendar hours from the closing.
      expect(Date.parse(owed.deadline.dueAt) - Date.parse(owed.closedAt)).toBe(48 * HOUR);
      expect((await handle.describe()).status.name).toBe('COMPLETED');
      expect((await review.describe()).status.name).toBe('RUNNING');
      await stateWhen(handle, () => fake.templates().includes('complaint-review-request'));
      expect(fake.mailsOf('complaint-review-request')[0]).toMatchObject({
        requestId: owed.requestId,
        recipients: [{ kind: 'policyAddress', name: 'supervisors' }],
        facts: { dueAt: owed.deadline.dueAt },
      });
      // The review numbers its e-mails after the request's, so no notification key repeats.
      expect(fake.mailsOf('complaint-review-request')[0]!.eventSeq).toBe(fake.mailsOf('closure')[0]!.eventSeq + 1);
      expect((await review.describe()).typedSearchAttributes.get(SearchAttribute.NextDeadline)?.toISOString()).toBe(owed.deadline.dueAt);

      const byAgent = await failureOf(review.executeUpdate(rootCauseUpdate, { args: [{ actor: actors.lead, input: rootCause }] }));
      expect(byAgent.type).toBe('Forbidden');
      const recorded = await review.executeUpdate(rootCauseUpdate, { args: [{ actor: actors.supervisor, input: rootCause }] });
      expect(recorded.review).toMatchObject({ ...rootCause, byRole: 'supervisor' });
      expect(recorded.deadline).toMatchObject({ state: 'met', fulfilledAt: expect.any(String) });
      await reviewWhen(review, (d) => d.review !== null);
      await stateWhen(handle, () => fake.complaintReviews.at(-1)?.review?.cause === 'process_gap');
      expect(fake.templates()).not.toContain('deadline-escalation');
    });
  });

  it('reminds the supervisors at 80%, tells the head of service when 48 hours pass, and still takes the late root cause', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, complaint, async (handle) => {
      const review = await closeComplaint(handle);
      const owed = await reviewWhen(review, (d) => d.deadline.state === 'pending');
      await sleepUntil(server.env, owed.deadline.dueAt, 60_000);
      const missed = await reviewWhen(review, (d) => d.deadline.state === 'missed');
      expect(missed.deadline.escalatedAt).not.toBeNull();
      await stateWhen(handle, () => fake.templates().includes('deadline-escalation'));
      expect(fake.mailsOf('deadline-reminder').find((m) => m.facts.deadline === 'complaintReview')?.recipients).toEqual([{ kind: 'policyAddress', name: 'supervisors' }]);
      expect(fake.mailsOf('deadline-escalation').find((m) => m.facts.deadline === 'complaintReview')?.recipients).toEqual([{ kind: 'policyAddress', name: 'headOfService' }]);
      expect((await review.describe()).typedSearchAttributes.get(SearchAttribute.Overdue)).toBe(true);

      const late = await review.executeUpdate(rootCauseUpdate, { args: [{ actor: actors.admin, input: rootCause }] });
      expect(late.deadline).toMatchObject({ state: 'missed', fulfilledAt: expect.any(String) });
      expect(late.review?.correctiveAction).toBe('增加转接兜底规则');
      await stateWhen(handle, () => fake.complaintReviews.at(-1)?.review !== null);
    });
  });

  it('is not started for a request that is not a complaint', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, requestInput(), async (handle) => {
      await stateWhen(handle, (d) => d.stage === 'assigned');
      await act(handle, 'cancel', actors.supervisor, { reason: '重复提交' });
      const closed = await closedResult(handle);
      await expect(server.env.client.workflow.getHandle(complaintReviewWorkflowId(closed.id)).describe()).rejects.toThrow();
      expect(fake.templates()).not.toContain('complaint-review-request');
    });
  });
});
