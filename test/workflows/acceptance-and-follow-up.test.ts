/**
 * Delivery to closing in the time-skipping test server, activities mocked:
 * acceptance, rejection and rework (the third rejection escalating), deemed
 * acceptance under both policies, the follow-up's questionnaire and callback,
 * the supervisor's intervention, both callback windows missed, and closing.
 */
import type { RequestDocument } from '../../contracts/request';
import { SearchAttribute } from '../../contracts/temporal';
import { deliveryBody, toAcceptance } from '../support/complex-path';
import { policySnapshot, requestInput } from '../support/fixtures';
import { act, actors, closedResult, failureOf, fakeActivities, pendingOf, stateWhen, statesOf, withRequest, sleepUntil, timeSkippingServerPerTest } from '../support/workflow-harness';

const server = timeSkippingServerPerTest();

const complexFault = requestInput();
const happy = { ratings: { responseSpeed: 5, resolution: 4, attitude: 5, professionalism: 4 }, verdict: 'satisfied' };
const unhappy = { ratings: { responseSpeed: 4, resolution: 2, attitude: 4, professionalism: 4 }, verdict: 'basically_satisfied' };
const serviceDesk = { ...actors.intake };

describe('acceptance and rework', () => {
  it('accepted: follow-up with a questionnaire and a callback owed in 3 working days; a good callback closes it, archived and told', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      await toAcceptance(handle);
      const accepted = await act(handle, 'accept', actors.customer, { comment: '满意' }, { document: { name: 'delivery', revision: 1 } });
      expect([accepted.stage, accepted.subStage, accepted.resolution]).toEqual(['follow_up', 'awaiting_feedback', 'delivered']);
      expect(accepted.delivery).toMatchObject({ state: 'accepted', customerComment: '满意' });
      const callback = pendingOf(accepted, 'callback');
      expect(callback.owedBy).toBeNull();
      expect(new Date(callback.dueAt).getUTCHours()).toBe(10);
      await stateWhen(handle, () => fake.templates().includes('questionnaire'));
      expect(fake.mailsOf('questionnaire')[0]!.facts).toEqual({ link: 'questionnaire', revision: 1 });

      const byTheAssignee = await failureOf(act(handle, 'callback', actors.assignee, { resolved: true, ...happy }));
      expect(byTheAssignee.type).toBe('Forbidden');
      const surveyRecordedByAssignee = await failureOf(act(handle, 'survey', { ...actors.assignee, recordedFrom: 'phone' }, happy));
      expect(surveyRecordedByAssignee.type).toBe('Forbidden');
      const done = await act(handle, 'callback', serviceDesk, { resolved: true, ...happy, nps: 9 });
      expect([done.status, done.stage, done.followUp, done.resolution]).toEqual(['completed', 'closed', 'done', 'delivered']);
      expect(done.feedback).toMatchObject({ source: 'callback', resolved: true, verdict: 'satisfied', nps: 9, byRole: 'intake' });
      expect(statesOf(done, 'callback')).toEqual(['met']);

      const closed = await closedResult(handle);
      expect(closed.status).toBe('completed');
      expect(fake.archived.map((d) => d.status)).toEqual(['completed']);
      expect(fake.releases).toHaveLength(1);
      expect(fake.mailsOf('closure')[0]).toMatchObject({ facts: { status: 'completed', resolution: 'delivered', followUp: 'done' } });
    });
  });

  it('rejected: rework owed in 2 working days and escalated when missed; the third rejection calls the supervisors', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      await toAcceptance(handle);
      const first = await act(handle, 'reject', actors.customer, { reasons: '仍无法开机' }, { document: { name: 'delivery', revision: 1 } });
      expect([first.stage, first.rejections]).toEqual(['rework', 1]);
      expect(first.delivery).toMatchObject({ state: 'rejected', customerComment: '仍无法开机' });
      const rework = pendingOf(first, 'rework');
      await sleepUntil(server.env, rework.dueAt, 1_000);
      await stateWhen(handle, () => fake.mailsOf('deadline-escalation').some((m) => m.facts.deadline === 'rework'));
      expect(fake.mailsOf('deadline-escalation').find((m) => m.facts.deadline === 'rework')?.recipients).toEqual([{ kind: 'policyAddress', name: 'supervisors' }]);
      const progress = await act(handle, 'progress', actors.assignee, { note: '重新检测' });
      expect(progress.stage).toBe('rework');

      const resubmitted = await act(handle, 'delivery', actors.assignee, deliveryBody);
      expect(resubmitted.delivery?.revision).toBe(2);
      expect(resubmitted.deadlines.find((d) => d.name === 'rework')).toMatchObject({ state: 'missed', fulfilledAt: expect.any(String) });
      const stale = await failureOf(act(handle, 'reject', actors.customer, { reasons: 'x' }, { document: { name: 'delivery', revision: 1 } }));
      expect(stale.type).toBe('StaleDocument');
      await act(handle, 'reject', actors.customer, { reasons: '噪音大' }, { document: { name: 'delivery', revision: 2 } });
      expect(fake.templates()).not.toContain('repeated-rejection');
      const secondRework = await act(handle, 'delivery', actors.assignee, deliveryBody);
      expect(statesOf(secondRework, 'rework')).toEqual(['missed', 'met']);
      const third = await act(handle, 'reject', actors.customer, { reasons: '仍有噪音' }, { document: { name: 'delivery', revision: 3 } });
      expect(third.rejections).toBe(3);
      await stateWhen(handle, () => fake.templates().includes('repeated-rejection'));
      expect(fake.mailsOf('repeated-rejection')[0]).toMatchObject({ recipients: [{ kind: 'policyAddress', name: 'supervisors' }], facts: { rejections: 3 } });
    });
  });

  it('deems the delivery accepted when the acceptance window ends, and tells the customer', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      const awaiting = await toAcceptance(handle);
      const acceptance = pendingOf(awaiting, 'acceptance');
      // Customer-side: no reminder at 80%.
      await sleepUntil(server.env, acceptance.dueAt, 1_000);
      const deemed = await stateWhen(handle, (d) => d.resolution === 'deemed_accepted');
      expect([deemed.stage, deemed.subStage, deemed.delivery?.state]).toEqual(['follow_up', 'awaiting_feedback', 'deemed_accepted']);
      expect(statesOf(deemed, 'acceptance')).toEqual(['missed']);
      await stateWhen(handle, () => fake.templates().includes('deemed-acceptance'));
      expect(fake.mailsOf('deemed-acceptance')[0]).toMatchObject({
        recipients: [{ kind: 'customer', customerId: 'C-TEST-0001' }, { kind: 'agent', agentId: 'A-ASSIGNEE' }],
        facts: { deadline: 'acceptance', dueAt: acceptance.dueAt },
      });
      expect(fake.mailsOf('deadline-reminder').map((m) => m.facts.deadline)).not.toContain('acceptance');
      expect((await handle.describe()).typedSearchAttributes.get(SearchAttribute.Overdue)).toBe(false);
    });
  });

  it('under the escalate policy reminds the customer, tells the supervisors and keeps waiting; a late acceptance still counts', async () => {
    const fake = fakeActivities({ policy: policySnapshot((p) => void (p.acceptanceOnExpiry = 'escalate')) });
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      const awaiting = await toAcceptance(handle);
      await sleepUntil(server.env, pendingOf(awaiting, 'acceptance').dueAt, 1_000);
      await stateWhen(handle, () => fake.templates().includes('customer-reminder') && fake.templates().includes('deadline-escalation'));
      expect(fake.mailsOf('customer-reminder')[0]!.facts).toMatchObject({ deadline: 'acceptance', link: 'delivery', revision: 1 });
      expect(fake.mailsOf('deadline-escalation').find((m) => m.facts.deadline === 'acceptance')?.recipients).toEqual([{ kind: 'policyAddress', name: 'supervisors' }]);
      expect(((await handle.query('state')) as RequestDocument).stage).toBe('awaiting_acceptance');
      const accepted = await act(handle, 'accept', actors.customer, {}, { document: { name: 'delivery', revision: 1 } });
      expect([accepted.stage, accepted.resolution]).toEqual(['follow_up', 'delivered']);
    });
  });
});

describe('follow-up', () => {
  it('a questionnaire with a low rating calls the supervisors; an intervention that reopens sends the request back to rework', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      await toAcceptance(handle);
      await act(handle, 'accept', actors.customer, {}, { document: { name: 'delivery', revision: 1 } });
      const survey = await act(handle, 'survey', actors.customer, { ...unhappy, comment: '处理太慢' }, { document: { name: 'questionnaire', revision: 1 } });
      expect([survey.stage, survey.subStage, survey.status]).toEqual(['follow_up', 'intervention', 'open']);
      expect(survey.feedback).toMatchObject({ source: 'survey', resolved: null, verdict: 'basically_satisfied', comment: '处理太慢' });
      const intervention = pendingOf(survey, 'intervention');
      expect(Date.parse(intervention.dueAt) - Date.parse(intervention.armedAt)).toBe(3_600_000);
      // The first feedback completed the follow-up: the callback is no longer owed.
      expect(statesOf(survey, 'callback')).toEqual(['met']);
      await stateWhen(handle, () => fake.templates().includes('intervention-needed'));
      expect(fake.mailsOf('intervention-needed')[0]).toMatchObject({ recipients: [{ kind: 'policyAddress', name: 'supervisors' }], facts: { verdict: 'basically_satisfied' } });
      const callbackToo = await failureOf(act(handle, 'callback', serviceDesk, { resolved: true, ...happy }));
      expect(callbackToo.type).toBe('InvalidTransition');

      const reopened = await act(handle, 'intervention', actors.supervisor, { plan: '安排高级工程师复查', reopen: true });
      expect([reopened.stage, reopened.status]).toEqual(['rework', 'open']);
      expect(reopened.interventions).toEqual([expect.objectContaining({ plan: '安排高级工程师复查', reopen: true, byRole: 'supervisor' })]);
      expect(statesOf(reopened, 'intervention')).toEqual(['met']);
      pendingOf(reopened, 'rework');
      const redelivered = await act(handle, 'delivery', actors.assignee, deliveryBody);
      expect(redelivered.stage).toBe('awaiting_acceptance');

      // The follow-up after the reopening counts its own callback windows: its first miss opens a second.
      const acceptedAgain = await act(handle, 'accept', actors.customer, {}, { document: { name: 'delivery', revision: redelivered.delivery!.revision } });
      expect(statesOf(acceptedAgain, 'callback')).toEqual(['met', 'pending']);
      await sleepUntil(server.env, pendingOf(acceptedAgain, 'callback').dueAt, 1_000);
      const secondWindow = await stateWhen(handle, (d) => statesOf(d, 'callback').join() === 'met,missed,pending');
      expect([secondWindow.status, secondWindow.followUp]).toEqual(['open', null]);
    });
  });

  it('a dissatisfied callback with an intervention that closes it: followUp intervened; a late intervention escalates to the head of service', async () => {
    const fake = fakeActivities();
    const simple = requestInput({ intake: { complexity: 'simple' } });
    await withRequest(server.env, server.bundle, fake.activities, simple, async (handle) => {
      await stateWhen(handle, (d) => d.stage === 'assigned');
      const resolved = await act(handle, 'resolve', actors.assignee, { answer: '已远程处理' });
      expect([resolved.stage, resolved.subStage]).toEqual(['follow_up', 'awaiting_feedback']);
      const dissatisfied = await act(handle, 'callback', actors.supervisor, { resolved: false, ratings: happy.ratings, verdict: 'dissatisfied', shortfalls: '问题未解决' });
      await sleepUntil(server.env, pendingOf(dissatisfied, 'intervention').dueAt, 1_000);
      await stateWhen(handle, () => fake.mailsOf('deadline-escalation').some((m) => m.facts.deadline === 'intervention'));
      expect(fake.mailsOf('deadline-escalation').find((m) => m.facts.deadline === 'intervention')?.recipients).toEqual([{ kind: 'policyAddress', name: 'headOfService' }]);
      expect(fake.mailsOf('deadline-reminder').find((m) => m.facts.deadline === 'intervention')?.recipients).toEqual([{ kind: 'policyAddress', name: 'supervisors' }]);
      const closed = await act(handle, 'intervention', actors.admin, { plan: '赠送延保并致歉', reopen: false });
      expect([closed.status, closed.followUp, closed.resolution]).toEqual(['completed', 'intervened', 'first_contact']);
      expect(closed.deadlines.find((d) => d.name === 'intervention')).toMatchObject({ state: 'missed', fulfilledAt: expect.any(String) });
      await closedResult(handle);
      expect(fake.mailsOf('closure')[0]!.facts).toEqual({ status: 'completed', resolution: 'first_contact', followUp: 'intervened' });
    });
  });

  it('escalates a missed callback window to the supervisors, opens a second, and closes followUp missed after it', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, requestInput({ intake: { complexity: 'simple' } }), async (handle) => {
      await stateWhen(handle, (d) => d.stage === 'assigned');
      const resolved = await act(handle, 'resolve', actors.assignee, { answer: '已答复' });
      const first = pendingOf(resolved, 'callback');
      await sleepUntil(server.env, first.dueAt, 1_000);
      const second = await stateWhen(handle, (d) => statesOf(d, 'callback').join() === 'missed,pending');
      expect(fake.mailsOf('deadline-reminder').find((m) => m.facts.deadline === 'callback')?.recipients).toEqual([{ kind: 'policyAddress', name: 'serviceRepresentatives' }]);
      expect(fake.mailsOf('deadline-escalation').filter((m) => m.facts.deadline === 'callback').map((m) => m.recipients)).toEqual([[{ kind: 'policyAddress', name: 'supervisors' }]]);
      expect((await handle.describe()).typedSearchAttributes.get(SearchAttribute.Overdue)).toBe(true);
      await sleepUntil(server.env, pendingOf(second, 'callback').dueAt, 1_000);
      const closed = await closedResult(handle);
      expect([closed.status, closed.followUp, closed.resolution]).toEqual(['completed', 'missed', 'first_contact']);
      expect(statesOf(closed, 'callback')).toEqual(['missed', 'missed']);
      expect(closed.closedAt).toBe(pendingOf(second, 'callback').dueAt);
    });
  });
});
