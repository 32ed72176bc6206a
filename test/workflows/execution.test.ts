/**
 * Execution (服务执行与进度监控) in the time-skipping test server, activities
 * mocked: the execution deadline from the sheet or the priority window,
 * co-handlers' tasks, the daily progress duty, the weekly report, delays (in
 * time and late), waiting on the customer, overdue escalation and delivery.
 */
import type { Actor } from '../../contracts/actor';
import { SearchAttribute } from '../../contracts/temporal';
import { solutionBody, toInProgress } from '../support/complex-path';
import { requestInput } from '../support/fixtures';
import { act, actors, failureOf, fakeActivities, pendingOf, stateWhen, statesOf, withRequest, sleepUntil, timeSkippingServerPerTest } from '../support/workflow-harness';

const server = timeSkippingServerPerTest();

const HOUR = 3_600_000;
const complexFault = requestInput();
const coHandler: Actor = actors.colleague;
const ownTask = { title: '回访确认', ownerId: 'A-ASSIGNEE', dueAt: '2026-12-11T10:00:00.000Z' };

describe('starting execution', () => {
  it('owes delivery within the priority window, hands tasks to their owners and starts the daily progress duty', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      const working = await toInProgress(handle, { solution: { ...solutionBody, tasks: [...solutionBody.tasks, ownTask] } });
      // P2: 24 hours from the agreement.
      const execution = pendingOf(working, 'execution');
      expect(Date.parse(execution.dueAt) - Date.parse(execution.armedAt)).toBe(24 * HOUR);
      // The co-handler must accept within 4 hours; the assignee's own task needs no acceptance.
      const acceptance = pendingOf(working, 'taskAcceptance');
      expect(acceptance).toMatchObject({ taskId: 'T1', owedBy: 'A-OTHER' });
      expect(Date.parse(acceptance.dueAt) - Date.parse(acceptance.armedAt)).toBe(4 * HOUR);
      expect(working.solution?.tasks.map((t) => [t.id, t.acceptedAt !== null])).toEqual([
        ['T1', false],
        ['T2', true],
      ]);
      expect(working.deadlines.filter((d) => d.name === 'taskDue').map((d) => [d.taskId, d.dueAt, d.owedBy])).toEqual([
        ['T1', '2026-12-10T10:00:00.000Z', 'A-OTHER'],
        ['T2', '2026-12-11T10:00:00.000Z', 'A-ASSIGNEE'],
      ]);
      const duty = pendingOf(working, 'dailyProgress');
      expect(new Date(duty.dueAt).getUTCHours()).toBe(10);
      expect(Date.parse(duty.dueAt) - (await server.env.currentTimeMs())).toBeLessThan(4 * 24 * HOUR);
      await stateWhen(handle, () => fake.templates().includes('task-assigned'));
      expect(fake.mailsOf('task-assigned')).toEqual([
        expect.objectContaining({ recipients: [{ kind: 'agent', agentId: 'A-OTHER' }], facts: { taskId: 'T1', dueAt: '2026-12-10T10:00:00.000Z', acceptBy: acceptance.dueAt } }),
      ]);
    });
  });

  it('takes the confirmed sheet’s expected delivery time as the execution deadline', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      const working = await toInProgress(handle, { sheet: { expectedDeliveryAt: '2026-12-24T10:00:00.000Z' } });
      expect(pendingOf(working, 'execution').dueAt).toBe('2026-12-24T10:00:00.000Z');
    });
  });
});

describe('tasks', () => {
  it('takes a co-handler’s acceptance in time, and tells the assignee and the owner when the task’s due time passes', async () => {
    const fake = fakeActivities();
    const soon = new Date(Date.now() + 30 * HOUR).toISOString();
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      await toInProgress(handle, { solution: { ...solutionBody, tasks: [{ title: '更换电源模块', ownerId: 'A-OTHER', dueAt: soon }] } });
      const notTheOwner = await failureOf(act(handle, 'accept-task', actors.assignee, { taskId: 'T1' }));
      expect(notTheOwner.type).toBe('Forbidden');
      const unknown = await failureOf(act(handle, 'accept-task', coHandler, { taskId: 'T9' }));
      expect(unknown.type).toBe('Forbidden');
      const accepted = await act(handle, 'accept-task', coHandler, { taskId: 'T1' });
      expect(statesOf(accepted, 'taskAcceptance')).toEqual(['met']);
      expect((await failureOf(act(handle, 'accept-task', coHandler, { taskId: 'T1' }))).type).toBe('InvalidTransition');
      const undone = await failureOf(act(handle, 'delivery', actors.assignee, { summary: 'x', verification: 'y' }));
      expect(undone.type).toBe('InvalidTransition');

      await sleepUntil(server.env, soon, 60_000);
      await stateWhen(handle, () => fake.mailsOf('deadline-escalation').some((m) => m.facts.deadline === 'taskDue'));
      const escalation = fake.mailsOf('deadline-escalation').find((m) => m.facts.deadline === 'taskDue')!;
      expect(escalation.recipients).toEqual([{ kind: 'agent', agentId: 'A-ASSIGNEE' }, { kind: 'agent', agentId: 'A-OTHER' }]);
      expect(escalation.facts.taskId).toBe('T1');
      expect(fake.mailsOf('deadline-reminder').find((m) => m.facts.deadline === 'taskDue')?.recipients).toEqual([{ kind: 'agent', agentId: 'A-OTHER' }]);
      const done = await act(handle, 'complete-task', coHandler, { taskId: 'T1', note: '已更换' });
      expect(done.solution?.tasks[0]).toMatchObject({ completedAt: expect.any(String), note: '已更换' });
      expect(done.deadlines.find((d) => d.name === 'taskDue')).toMatchObject({ state: 'missed', fulfilledAt: expect.any(String) });
    });
  });

  it('tells the assignee and the group lead when a co-handler has not accepted in 4 hours; completing the task accepts it', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      const working = await toInProgress(handle);
      await sleepUntil(server.env, pendingOf(working, 'taskAcceptance').dueAt, 1_000);
      await stateWhen(handle, () => fake.mailsOf('deadline-escalation').some((m) => m.facts.deadline === 'taskAcceptance'));
      expect(fake.mailsOf('deadline-escalation').find((m) => m.facts.deadline === 'taskAcceptance')?.recipients).toEqual([
        { kind: 'agent', agentId: 'A-ASSIGNEE' },
        { kind: 'groupLead', groupId: 'technical_support' },
      ]);
      expect((await handle.describe()).typedSearchAttributes.get(SearchAttribute.Overdue)).toBe(true);
      const done = await act(handle, 'complete-task', coHandler, { taskId: 'T1' });
      expect(done.deadlines.find((d) => d.name === 'taskAcceptance')).toMatchObject({ state: 'missed', fulfilledAt: expect.any(String) });
      expect(statesOf(done, 'taskDue')).toEqual(['met']);
    });
  });
});

describe('the daily progress duty', () => {
  it('is met by a progress update on its day, and a day without one ends with a reminder; the next day’s duty follows either way', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      // Nothing else falls due meanwhile: a late delivery date and only the assignee's own task.
      const working = await toInProgress(handle, {
        sheet: { expectedDeliveryAt: '2027-01-31T10:00:00.000Z' },
        solution: { ...solutionBody, tasks: [{ ...ownTask, dueAt: '2027-01-30T10:00:00.000Z' }] },
      });
      const first = pendingOf(working, 'dailyProgress');
      // Move to the duty's own working day, then report.
      await sleepUntil(server.env, first.dueAt, -2 * HOUR);
      const reported = await act(handle, 'progress', actors.assignee, { note: '已上门检测', percent: 40 });
      expect(reported.progress).toEqual([expect.objectContaining({ note: '已上门检测', percent: 40, byAgentId: 'A-ASSIGNEE' })]);
      expect(statesOf(reported, 'dailyProgress')).toEqual(['met', 'pending']);
      const second = pendingOf(reported, 'dailyProgress');
      expect(Date.parse(second.dueAt)).toBeGreaterThan(Date.parse(first.dueAt));
      // A second update the same day does not meet tomorrow's duty.
      const again = await act(handle, 'progress', actors.assignee, { note: '等待配件' });
      expect(statesOf(again, 'dailyProgress')).toEqual(['met', 'pending']);

      await sleepUntil(server.env, second.dueAt, 1_000);
      const lapsed = await stateWhen(handle, (d) => statesOf(d, 'dailyProgress').length === 3);
      expect(statesOf(lapsed, 'dailyProgress')).toEqual(['met', 'missed', 'pending']);
      expect(fake.mailsOf('deadline-escalation').find((m) => m.facts.deadline === 'dailyProgress')?.recipients).toEqual([{ kind: 'agent', agentId: 'A-ASSIGNEE' }]);
      // A lapsed day is counted, not owed: the request is not overdue for it.
      expect((await handle.describe()).typedSearchAttributes.get(SearchAttribute.Overdue)).toBe(false);
    });
  });

  it('sends the customer a progress report every 7 days in progress', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, requestInput({ intake: { urgency: 'normal', emotion: 'calm', type: 'consultation' } }), async (handle) => {
      await toInProgress(handle);
      await server.env.sleep('7 days');
      await stateWhen(handle, () => fake.templates().includes('progress-report'));
      await server.env.sleep('7 days');
      await stateWhen(handle, () => fake.mailsOf('progress-report').length === 2);
      expect(fake.mailsOf('progress-report').map((m) => [m.recipients, m.facts])).toEqual([
        [[{ kind: 'customer', customerId: 'C-TEST-0001' }], { week: 1 }],
        [[{ kind: 'customer', customerId: 'C-TEST-0001' }], { week: 2 }],
      ]);
    });
  });
});

describe('delays', () => {
  it('moves the execution deadline when announced in time, re-arms its reminder and tells the customer', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      const working = await toInProgress(handle);
      const execution = pendingOf(working, 'execution');
      await sleepUntil(server.env, execution.dueAt, -4 * HOUR);
      await stateWhen(handle, () => fake.mailsOf('deadline-reminder').some((m) => m.facts.deadline === 'execution'));
      const earlier = await failureOf(act(handle, 'delay', actors.assignee, { newDueAt: new Date(Date.parse(execution.dueAt) - HOUR).toISOString(), reason: 'x' }));
      expect(earlier.type).toBe('InvalidTransition');
      const later = new Date(Date.parse(execution.dueAt) + 48 * HOUR).toISOString();
      const delayed = await act(handle, 'delay', actors.assignee, { newDueAt: later, reason: '配件延迟到货' });
      const moved = pendingOf(delayed, 'execution');
      expect(moved).toMatchObject({ dueAt: later, remindedAt: null });
      // P2's 24-hour window is under 48 hours: any notice before the due time is in time.
      expect(delayed.delays).toEqual([expect.objectContaining({ from: execution.dueAt, to: later, reason: '配件延迟到货', lateNotice: false })]);
      await stateWhen(handle, () => fake.templates().includes('delay-notice'));
      expect(fake.mailsOf('delay-notice')[0]!.facts).toEqual({ from: execution.dueAt, to: later, lateNotice: false });
      await sleepUntil(server.env, execution.dueAt, HOUR);
      expect(fake.mailsOf('deadline-escalation').filter((m) => m.facts.deadline === 'execution')).toHaveLength(0);
      expect((await handle.describe()).typedSearchAttributes.get(SearchAttribute.NextDeadline)?.toISOString()).not.toBe(execution.dueAt);
    });
  });

  it('records a late notice on a 72-hour window announced less than 24 hours ahead, and refuses a delay after the due time', async () => {
    const fake = fakeActivities();
    // A calm customer's consultation: P3, a 72-hour execution window.
    const p3 = requestInput({ intake: { type: 'consultation' } });
    await withRequest(server.env, server.bundle, fake.activities, p3, async (handle) => {
      const working = await toInProgress(handle);
      expect(working.priority).toBe('P3');
      const execution = pendingOf(working, 'execution');
      expect(Date.parse(execution.dueAt) - Date.parse(execution.armedAt)).toBe(72 * HOUR);
      await sleepUntil(server.env, execution.dueAt, -10 * HOUR);
      const later = new Date(Date.parse(execution.dueAt) + 24 * HOUR).toISOString();
      const delayed = await act(handle, 'delay', actors.assignee, { newDueAt: later, reason: '客户现场不具备条件' });
      expect(delayed.delays[0]).toMatchObject({ lateNotice: true });
      await sleepUntil(server.env, later, 1_000);
      await stateWhen(handle, () => fake.mailsOf('deadline-escalation').some((m) => m.facts.deadline === 'execution'));
      const tooLate = await failureOf(act(handle, 'delay', actors.assignee, { newDueAt: new Date(Date.parse(later) + 48 * HOUR).toISOString(), reason: 'x' }));
      expect(tooLate.type).toBe('InvalidTransition');
    });
  });
});

describe('waiting on the customer', () => {
  it('pauses the execution clock across its deadline and moves the deadline by the paused time on resumption', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      const working = await toInProgress(handle);
      const execution = pendingOf(working, 'execution');
      await server.env.sleep('2 hours');
      const waiting = await act(handle, 'wait-for-customer', actors.assignee, { reason: '请提供设备序列号' });
      expect([waiting.stage, waiting.subStage]).toEqual(['in_progress', 'waiting_on_customer']);
      const paused = waiting.deadlines.find((d) => d.name === 'execution')!;
      expect(paused.state).toBe('paused');
      const remaining = paused.remainingMs!;
      expect(Math.abs(remaining - 22 * HOUR)).toBeLessThan(60_000);
      await stateWhen(handle, () => fake.templates().includes('waiting-notice'));
      expect(fake.mailsOf('waiting-notice')[0]!.facts).toEqual({ link: 'waiting-notice', revision: 1 });
      // NextDeadline skips a paused deadline.
      const next = (await handle.describe()).typedSearchAttributes.get(SearchAttribute.NextDeadline)?.toISOString();
      expect(next).not.toBe(execution.dueAt);

      await sleepUntil(server.env, execution.dueAt, 6 * HOUR);
      expect(fake.mailsOf('deadline-escalation').filter((m) => m.facts.deadline === 'execution')).toHaveLength(0);
      const resumed = await act(handle, 'resume', actors.customer, {}, { document: { name: 'waiting-notice', revision: 1 } });
      expect(resumed.subStage).toBe('working');
      const moved = pendingOf(resumed, 'execution');
      expect(Math.abs(Date.parse(moved.dueAt) - ((await server.env.currentTimeMs()) + remaining))).toBeLessThan(60_000);
      expect(resumed.pauses).toEqual([expect.objectContaining({ reason: '请提供设备序列号', byAgentId: 'A-ASSIGNEE', resumedAt: expect.any(String), resumedBy: expect.objectContaining({ byKind: 'customer' }) })]);
    });
  });
});

describe('overdue execution and delivery', () => {
  it('escalates an overdue execution to the supervisors and stays in progress; delivery then opens the acceptance window', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      const working = await toInProgress(handle);
      await sleepUntil(server.env, pendingOf(working, 'execution').dueAt, 1_000);
      const overdue = await stateWhen(handle, (d) => statesOf(d, 'execution')[0] === 'missed' && fake.mailsOf('deadline-escalation').some((m) => m.facts.deadline === 'execution'));
      expect(overdue.stage).toBe('in_progress');
      expect(fake.mailsOf('deadline-escalation').find((m) => m.facts.deadline === 'execution')?.recipients).toEqual([{ kind: 'policyAddress', name: 'supervisors' }]);
      expect((await handle.describe()).typedSearchAttributes.get(SearchAttribute.Overdue)).toBe(true);

      await act(handle, 'complete-task', coHandler, { taskId: 'T1' });
      const delivered = await act(handle, 'delivery', actors.assignee, { summary: '已更换电源模块', verification: '开机自检通过' });
      expect(delivered.stage).toBe('awaiting_acceptance');
      expect(delivered.delivery).toMatchObject({ revision: 1, summary: '已更换电源模块', state: 'awaiting_acceptance' });
      expect(delivered.deadlines.find((d) => d.name === 'execution')).toMatchObject({ state: 'missed', fulfilledAt: expect.any(String) });
      expect(delivered.deadlines.filter((d) => d.name === 'dailyProgress' && d.state === 'pending')).toEqual([]);
      const acceptance = pendingOf(delivered, 'acceptance');
      expect(new Date(acceptance.dueAt).getUTCHours()).toBe(10);
      await stateWhen(handle, () => fake.templates().includes('delivery'));
      expect(fake.mailsOf('delivery')[0]!.facts).toEqual({ link: 'delivery', revision: 1, dueAt: acceptance.dueAt });
      expect((await handle.describe()).typedSearchAttributes.get(SearchAttribute.Overdue)).toBe(false);
    });
  });
});
