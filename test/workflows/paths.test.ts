/**
 * The short paths of process.md in the time-skipping test server, activities
 * mocked: simple (resolve at first contact, the simple answer, reclassify),
 * suggestion, emergency, cancellation and reassignment at every open stage,
 * the first-contact rating, and a retried Update id.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { Actor } from '../../contracts/actor';
import type { DeadlineEntry, RequestDocument } from '../../contracts/request';
import { SearchAttribute } from '../../contracts/temporal';
import { requestInput } from '../support/fixtures';
import { acceptedUpdates, act, actors, closedResult, failureOf, fakeActivities, stateWhen, withRequest, timeSkippingServerPerTest } from '../support/workflow-harness';

const server = timeSkippingServerPerTest();

const HOUR = 3_600_000;
const simpleConsultation = requestInput({ intake: { type: 'consultation', complexity: 'simple' } });
const suggestion = requestInput({ intake: { type: 'suggestion', complexity: 'simple' } });
const emergency = requestInput({ intake: { type: 'fault', complexity: 'emergency' } });

const deadline = (doc: RequestDocument, name: string): DeadlineEntry => {
  const entries = doc.deadlines.filter((d) => d.name === name);
  expect(entries).toHaveLength(1);
  return entries[0]!;
};

async function attributes(handle: WorkflowHandle) {
  return (await handle.describe()).typedSearchAttributes;
}

describe('the simple path', () => {
  it('resolves at first contact: the first response and the answer at once, then follow-up', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, simpleConsultation, async (handle) => {
      await stateWhen(handle, (d) => d.stage === 'assigned');
      const resolved = await act(handle, 'resolve', actors.assignee, { answer: '一级能效，安装免费（合成数据）' });
      expect([resolved.stage, resolved.subStage, resolved.status, resolved.resolution]).toEqual(['follow_up', 'awaiting_feedback', 'open', 'first_contact']);
      expect(resolved.firstResponseAt).not.toBeNull();
      expect(deadline(resolved, 'firstResponse').state).toBe('met');
      // Resolved in `assigned`: no simple-answer deadline was ever owed; the callback is owed from now.
      expect(resolved.deadlines.map((d) => [d.name, d.state])).toEqual([
        ['firstResponse', 'met'],
        ['callback', 'pending'],
      ]);
      expect(resolved.answer).toMatchObject({ text: '一级能效，安装免费（合成数据）', byKind: 'staff', byAgentId: 'A-ASSIGNEE' });

      await stateWhen(handle, () => fake.templates().includes('first-response') && fake.templates().includes('questionnaire'));
      // The questionnaire and the first-response e-mail run side by side: either may go first.
      expect([...fake.templates()].sort()).toEqual(['assignment', 'first-response', 'questionnaire', 'receipt-notice']);
      expect(fake.mailsOf('first-response')[0]!.facts).toEqual({ link: 'first-contact-rating', revision: 1 });
      await stateWhen(handle, () => fake.recordedStates.at(-1)?.stage === 'follow_up');
      const attrs = await attributes(handle);
      expect(attrs.get(SearchAttribute.RequestStage)).toBe('follow_up');
      expect(attrs.get(SearchAttribute.RequestSubStage)).toBe('awaiting_feedback');
      expect(attrs.get(SearchAttribute.Overdue)).toBe(false);
    });
  });

  it('after a plain first response owes the answer within 1 working day, and takes it just before the end', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, simpleConsultation, async (handle) => {
      await stateWhen(handle, (d) => d.stage === 'assigned');
      const acknowledged = await act(handle, 'acknowledge', actors.assignee, { note: '已联系客户' });
      expect(acknowledged.stage).toBe('analysis');
      const answer = deadline(acknowledged, 'simpleAnswer');
      const due = Date.parse(answer.dueAt);
      // The end of business (18:00 Asia/Shanghai, 10:00 UTC) of the next working day: 1 to 4 days on.
      expect(new Date(due).getUTCHours()).toBe(10);
      const now = await server.env.currentTimeMs();
      expect(due - now).toBeGreaterThan(8 * HOUR);
      expect(due - now).toBeLessThan(4 * 24 * HOUR);
      expect([1, 2, 3, 4, 5]).toContain(new Date(due + 8 * HOUR).getUTCDay());
      expect((await attributes(handle)).get(SearchAttribute.NextDeadline)?.toISOString()).toBe(answer.dueAt);

      await server.env.sleep(due - (await server.env.currentTimeMs()) - 60_000);
      await stateWhen(handle, () => fake.templates().includes('deadline-reminder'));
      const reminder = fake.mailsOf('deadline-reminder')[0]!;
      expect(reminder.recipients).toEqual([{ kind: 'agent', agentId: 'A-ASSIGNEE' }]);
      expect(reminder.facts).toEqual({ deadline: 'simpleAnswer', dueAt: answer.dueAt });
      const resolved = await act(handle, 'resolve', actors.assignee, { answer: '已答复' });
      expect(deadline(resolved, 'simpleAnswer')).toMatchObject({ state: 'met', fulfilledAt: expect.any(String) });
      expect(resolved.stage).toBe('follow_up');
      expect(fake.templates()).not.toContain('deadline-escalation');
    });
  });

  it('escalates a missed simple answer to the group lead, keeps waiting and shows it overdue until answered', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, simpleConsultation, async (handle) => {
      await stateWhen(handle, (d) => d.stage === 'assigned');
      const acknowledged = await act(handle, 'acknowledge', actors.assignee);
      const due = Date.parse(deadline(acknowledged, 'simpleAnswer').dueAt);
      await server.env.sleep(due - (await server.env.currentTimeMs()) + 60_000);
      const missed = await stateWhen(handle, () => fake.templates().includes('deadline-escalation'));
      expect(deadline(missed, 'simpleAnswer')).toMatchObject({ state: 'missed', fulfilledAt: null, escalatedAt: expect.any(String) });
      expect(missed.stage).toBe('analysis');
      const escalation = fake.mailsOf('deadline-escalation')[0]!;
      expect(escalation.recipients).toEqual([{ kind: 'groupLead', groupId: 'product_consulting' }]);
      expect(escalation.facts).toEqual({ deadline: 'simpleAnswer', dueAt: new Date(due).toISOString() });
      const overdue = await attributes(handle);
      expect(overdue.get(SearchAttribute.Overdue)).toBe(true);
      expect(overdue.get(SearchAttribute.LastEscalatedAt)).toBeInstanceOf(Date);
      expect(fake.templates().filter((t) => t === 'deadline-reminder')).toHaveLength(1);

      const late = await act(handle, 'resolve', actors.assignee, { answer: '迟到的答复' });
      // Missed stays missed for the KPIs; the answer is no longer owed.
      expect(deadline(late, 'simpleAnswer')).toMatchObject({ state: 'missed', fulfilledAt: expect.any(String) });
      await stateWhen(handle, () => fake.recordedStates.at(-1)?.stage === 'follow_up');
      expect((await attributes(handle)).get(SearchAttribute.Overdue)).toBe(false);
    });
  });

  it('reclassified in analysis: complex from then on, the simple answer withdrawn and the requirement sheet owed', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, simpleConsultation, async (handle) => {
      await stateWhen(handle, (d) => d.stage === 'assigned');
      await act(handle, 'acknowledge', actors.assignee);
      const notTheLeadsGroup = await failureOf(act(handle, 'reclassify', actors.lead, { complexity: 'complex', reason: '需要方案' }));
      expect(notTheLeadsGroup.type).toBe('Forbidden');
      const lead: Actor = { ...actors.lead, group: 'product_consulting' };
      const reclassified = await act(handle, 'reclassify', lead, { complexity: 'complex', reason: '需要上门检测' });
      expect(reclassified.complexity).toBe('complex');
      expect(reclassified.stage).toBe('analysis');
      expect(reclassified.reclassification).toMatchObject({ reason: '需要上门检测', byAgentId: 'A-LEAD' });
      expect(deadline(reclassified, 'simpleAnswer').state).toBe('cancelled');
      const sheet = deadline(reclassified, 'requirementSheet');
      expect(sheet.state).toBe('pending');
      expect(new Date(sheet.dueAt).getUTCHours()).toBe(10);
      const resolve = await failureOf(act(handle, 'resolve', actors.assignee, { answer: 'x' }));
      expect(resolve.type).toBe('InvalidTransition');
      expect((await attributes(handle)).get(SearchAttribute.NextDeadline)?.toISOString()).toBe(sheet.dueAt);
    });
  });

  it('reclassified before the first response: it stays assigned, and the acknowledgement opens complex analysis', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, simpleConsultation, async (handle) => {
      await stateWhen(handle, (d) => d.stage === 'assigned');
      const reclassified = await act(handle, 'reclassify', actors.assignee, { complexity: 'complex', reason: '涉及多个系统' });
      expect([reclassified.stage, reclassified.complexity]).toEqual(['assigned', 'complex']);
      expect(deadline(reclassified, 'firstResponse').state).toBe('pending');
      const acknowledged = await act(handle, 'acknowledge', actors.assignee);
      expect(acknowledged.stage).toBe('analysis');
      expect(acknowledged.deadlines.map((d) => [d.name, d.state])).toEqual([
        ['firstResponse', 'met'],
        ['requirementSheet', 'pending'],
      ]);
    });
  });

  it('takes a complex request into analysis with the requirement sheet due in 2 working days', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, requestInput(), async (handle) => {
      await stateWhen(handle, (d) => d.stage === 'assigned');
      const acknowledged = await act(handle, 'acknowledge', actors.assignee);
      const sheet = deadline(acknowledged, 'requirementSheet');
      const days = (Date.parse(sheet.dueAt) - (await server.env.currentTimeMs())) / (24 * HOUR);
      expect(days).toBeGreaterThan(1);
      expect(days).toBeLessThan(5);
      const simple = await failureOf(act(handle, 'resolve', actors.assignee, { answer: 'x' }));
      expect(simple.type).toBe('InvalidTransition');
    });
  });
});

describe('the suggestion path', () => {
  it('owes the outcome 72 hours from intake, escalates a miss to the group lead and takes a late outcome', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, suggestion, async (handle) => {
      const assigned = await stateWhen(handle, (d) => d.stage === 'assigned');
      const outcome = deadline(assigned, 'suggestionOutcome');
      // Armed at intake; 72 calendar hours.
      expect(Date.parse(outcome.dueAt) - Date.parse(outcome.armedAt)).toBe(72 * HOUR);
      await act(handle, 'acknowledge', actors.assignee);
      const analysis = await handle.query('state') as RequestDocument;
      // A suggestion owes no simple answer of its own: its outcome deadline stands.
      expect(analysis.deadlines.map((d) => d.name)).toEqual(['suggestionOutcome', 'firstResponse']);
      const reclassify = await failureOf(act(handle, 'reclassify', actors.assignee, { complexity: 'complex', reason: 'x' }));
      expect(reclassify.type).toBe('InvalidTransition');

      await server.env.sleep(Date.parse(outcome.dueAt) - (await server.env.currentTimeMs()) + 1_000);
      const missed = await stateWhen(handle, () => fake.templates().includes('deadline-escalation'));
      expect(deadline(missed, 'suggestionOutcome').state).toBe('missed');
      expect(fake.mailsOf('deadline-escalation')[0]!.recipients).toEqual([{ kind: 'groupLead', groupId: 'product_consulting' }]);
      expect(fake.mailsOf('deadline-reminder').map((m) => m.facts.deadline)).toEqual(['suggestionOutcome']);
      const resolved = await act(handle, 'resolve', actors.assignee, { answer: '已转产品部门评估' });
      expect([resolved.stage, resolved.resolution]).toEqual(['follow_up', 'first_contact']);
      expect(deadline(resolved, 'suggestionOutcome').fulfilledAt).not.toBeNull();
    });
  });
});

describe('deadlines met just before they expire', () => {
  it('takes a suggestion’s outcome a second before its 72 hours, after the reminder, with no escalation', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, suggestion, async (handle) => {
      const assigned = await stateWhen(handle, (d) => d.stage === 'assigned');
      await act(handle, 'acknowledge', actors.assignee);
      const due = Date.parse(deadline(assigned, 'suggestionOutcome').dueAt);
      await server.env.sleep(due - (await server.env.currentTimeMs()) - 1_000);
      await stateWhen(handle, () => fake.mailsOf('deadline-reminder').length === 1);
      const resolved = await act(handle, 'resolve', actors.assignee, { answer: '已采纳' });
      expect(deadline(resolved, 'suggestionOutcome')).toMatchObject({ state: 'met', escalatedAt: null });
      await server.env.sleep('1 hour');
      expect(fake.templates()).not.toContain('deadline-escalation');
    });
  });

  it('takes an emergency’s temporary measure a second before its 30 minutes, with no escalation', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, emergency, async (handle) => {
      const assigned = await stateWhen(handle, (d) => d.stage === 'assigned');
      await act(handle, 'acknowledge', actors.assignee);
      const due = Date.parse(deadline(assigned, 'temporaryMeasure').dueAt);
      await server.env.sleep(due - (await server.env.currentTimeMs()) - 1_000);
      await stateWhen(handle, () => fake.mailsOf('deadline-reminder').some((m) => m.facts.deadline === 'temporaryMeasure'));
      const recorded = await act(handle, 'temporary-measure', actors.assignee, { measure: '远程重启' });
      expect(deadline(recorded, 'temporaryMeasure')).toMatchObject({ state: 'met', escalatedAt: null });
      expect((await attributes(handle)).get(SearchAttribute.Overdue)).toBe(false);
      expect(fake.mailsOf('deadline-escalation').map((m) => m.facts.deadline)).not.toContain('temporaryMeasure');
    });
  });
});

describe('the emergency path', () => {
  it('owes a temporary measure in 30 minutes from intake, which the group lead records while nobody is assigned', async () => {
    const fake = fakeActivities({ nobodyFirst: 1000 });
    await withRequest(server.env, server.bundle, fake.activities, emergency, async (handle) => {
      const waiting = await stateWhen(handle, () => fake.templates().includes('nobody-eligible'));
      expect(waiting.priority).toBe('P1');
      const measure = deadline(waiting, 'temporaryMeasure');
      expect(Date.parse(measure.dueAt) - Date.parse(measure.armedAt)).toBe(30 * 60_000);
      // The long-term solution is due 2 hours from intake too.
      const solution = deadline(waiting, 'solution');
      expect(Date.parse(solution.dueAt) - Date.parse(solution.armedAt)).toBe(2 * HOUR);
      expect((await attributes(handle)).get(SearchAttribute.NextDeadline)?.toISOString()).toBe(measure.dueAt);

      const otherGroup = await failureOf(act(handle, 'temporary-measure', actors.otherLead, { measure: '切换备用线路' }));
      expect(otherGroup.type).toBe('Forbidden');
      const recorded = await act(handle, 'temporary-measure', actors.lead, { measure: '切换备用线路' });
      expect(deadline(recorded, 'temporaryMeasure').state).toBe('met');
      expect(recorded.temporaryMeasure).toMatchObject({ measure: '切换备用线路', byAgentId: 'A-LEAD' });
      const twice = await failureOf(act(handle, 'temporary-measure', actors.supervisor, { measure: '再次' }));
      expect(twice.type).toBe('InvalidTransition');
      expect((await attributes(handle)).get(SearchAttribute.NextDeadline)?.toISOString()).toBe(solution.dueAt);
    });
  });

  it('escalates a missed temporary measure to the supervisors, and goes straight to solution design after the first response', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, emergency, async (handle) => {
      const assigned = await stateWhen(handle, (d) => d.stage === 'assigned');
      // P1: the first response is due in 5 minutes; let it be met, then the measure's 30 minutes pass.
      const acknowledged = await act(handle, 'acknowledge', actors.assignee);
      expect([acknowledged.stage, acknowledged.subStage]).toEqual(['solution_design', 'drafting']);
      expect(acknowledged.deadlines.map((d) => d.name)).not.toContain('requirementSheet');
      await server.env.sleep(Date.parse(deadline(assigned, 'temporaryMeasure').dueAt) - (await server.env.currentTimeMs()) + 1_000);
      const missed = await stateWhen(handle, () => fake.templates().includes('deadline-escalation'));
      expect(deadline(missed, 'temporaryMeasure').state).toBe('missed');
      expect(fake.mailsOf('deadline-escalation')[0]).toMatchObject({
        recipients: [{ kind: 'policyAddress', name: 'supervisors' }],
        facts: { deadline: 'temporaryMeasure' },
      });
      expect((await attributes(handle)).get(SearchAttribute.Overdue)).toBe(true);
      const late = await act(handle, 'temporary-measure', actors.assignee, { measure: '已派工程师现场处理' });
      expect(deadline(late, 'temporaryMeasure')).toMatchObject({ state: 'missed', fulfilledAt: expect.any(String) });
      await stateWhen(handle, () => fake.recordedStates.at(-1)?.temporaryMeasure !== null);
      expect((await attributes(handle)).get(SearchAttribute.Overdue)).toBe(false);
    });
  });
});

describe('cancel', () => {
  const stages: { name: string; input: ReturnType<typeof requestInput>; nobodyFirst?: number; reach: (handle: WorkflowHandle) => Promise<void> }[] = [
    { name: 'received', input: requestInput(), nobodyFirst: 1000, reach: async () => undefined },
    { name: 'assigned', input: requestInput(), reach: async () => undefined },
    { name: 'analysis', input: requestInput(), reach: async (h) => void (await act(h, 'acknowledge', actors.assignee)) },
    { name: 'solution_design', input: emergency, reach: async (h) => void (await act(h, 'acknowledge', actors.assignee)) },
    { name: 'follow_up', input: simpleConsultation, reach: async (h) => void (await act(h, 'resolve', actors.assignee, { answer: '已答复' })) },
  ];

  for (const stage of stages) {
    for (const [who, actor] of [
      ['the customer', actors.customer],
      ['a supervisor', actors.supervisor],
    ] as const) {
      it(`by ${who} in ${stage.name}: closed cancelled, pending deadlines withdrawn, the load released and both sides told`, async () => {
        const fake = fakeActivities({ nobodyFirst: stage.nobodyFirst });
        await withRequest(server.env, server.bundle, fake.activities, stage.input, async (handle) => {
          await stateWhen(handle, (d) => (stage.name === 'received' ? fake.templates().includes('nobody-eligible') : d.stage === 'assigned'));
          await stage.reach(handle);
          const before = await handle.query('state') as RequestDocument;
          expect(before.stage).toBe(stage.name);
          const cancelled = await act(handle, 'cancel', actor, { reason: '客户已自行解决' });
          expect([cancelled.status, cancelled.stage, cancelled.subStage]).toEqual(['cancelled', 'closed', null]);
          expect(cancelled.closedAt).not.toBeNull();
          expect(cancelled.cancellation).toMatchObject({ reason: '客户已自行解决', byKind: actor.kind });
          expect(cancelled.deadlines.filter((d) => d.state === 'pending')).toEqual([]);
          const withdrawn = before.deadlines.filter((d) => d.state === 'pending').map((d) => d.name);
          expect(cancelled.deadlines.filter((d) => d.state === 'cancelled').map((d) => d.name)).toEqual(withdrawn);

          const result = await closedResult(handle);
          expect(result.status).toBe('cancelled');
          expect(fake.releases).toEqual([cancelled.id]);
          expect(fake.recordedStates.at(-1)?.status).toBe('cancelled');
          const mail = fake.mailsOf('cancellation');
          expect(mail).toHaveLength(1);
          const holder = stage.name === 'received' ? { kind: 'groupLead', groupId: 'technical_support' } : { kind: 'agent', agentId: 'A-ASSIGNEE' };
          expect(mail[0]).toMatchObject({ recipients: [{ kind: 'customer', customerId: 'C-TEST-0001' }, holder], facts: { by: actor.kind } });
          const { searchAttributes, status } = await handle.describe();
          expect(status.name).toBe('COMPLETED');
          expect(searchAttributes[SearchAttribute.RequestStatus.name]).toEqual(['cancelled']);
          expect(searchAttributes[SearchAttribute.RequestStage.name]).toEqual(['closed']);
          expect(searchAttributes[SearchAttribute.Overdue.name]).toEqual([false]);
        });
      });
    }
  }

  it('is not for the assignee, a colleague or a lead, and takes a staff recording of the customer’s wish', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, requestInput(), async (handle) => {
      await stateWhen(handle, (d) => d.stage === 'assigned');
      for (const actor of [actors.assignee, actors.colleague, actors.lead, actors.intake]) {
        expect((await failureOf(act(handle, 'cancel', actor, { reason: 'x' }))).type).toBe('Forbidden');
      }
      expect(await acceptedUpdates(handle)).toBe(0);
      const recorded = await act(handle, 'cancel', { ...actors.intake, recordedFrom: 'phone' }, { reason: '客户来电取消' });
      expect(recorded.cancellation).toMatchObject({ byKind: 'staff', byRole: 'intake', recordedFrom: 'phone' });
      await closedResult(handle);
      expect(fake.mailsOf('cancellation')[0]!.facts).toEqual({ by: 'staff' });
    });
  });
});

describe('reassign', () => {
  const toOther = { agentId: 'A-NEW', agentGroup: 'technical_support', reason: '负载均衡' };

  it('by a supervisor during the first-response window: the window moves to the new agent, the load moves, both are told', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, requestInput(), async (handle) => {
      const assigned = await stateWhen(handle, (d) => d.stage === 'assigned' && fake.templates().includes('assignment'));
      await server.env.sleep('10 minutes');
      const moved = await act(handle, 'reassign', actors.supervisor, toOther);
      expect(moved.assignee).toEqual({ id: 'A-NEW', group: 'technical_support' });
      expect(moved.reassignments).toBe(1);
      expect(moved.stage).toBe('assigned');
      expect(moved.deadlines.map((d) => [d.name, d.state, d.owedBy])).toEqual([
        ['firstResponse', 'cancelled', 'A-ASSIGNEE'],
        ['firstResponse', 'pending', 'A-NEW'],
      ]);
      // A fresh 30-minute window from the reassignment.
      const window = moved.deadlines[1]!;
      expect(Date.parse(window.dueAt) - Date.parse(window.armedAt)).toBe(30 * 60_000);
      expect(Date.parse(window.dueAt)).toBeGreaterThan(Date.parse(deadline(assigned, 'firstResponse').dueAt));

      await stateWhen(handle, () => fake.templates().includes('reassignment'));
      expect(fake.transfers).toEqual([{ requestId: moved.id, agentId: 'A-NEW' }]);
      expect(fake.mailsOf('assignment').map((m) => m.recipients)).toEqual([[{ kind: 'agent', agentId: 'A-ASSIGNEE' }], [{ kind: 'agent', agentId: 'A-NEW' }]]);
      expect(fake.mailsOf('reassignment')[0]!.recipients).toEqual([{ kind: 'agent', agentId: 'A-ASSIGNEE' }]);
      expect((await attributes(handle)).get(SearchAttribute.AssignedAgent)).toBe('A-NEW');

      const former = await failureOf(act(handle, 'acknowledge', actors.assignee));
      expect(former.type).toBe('Forbidden');
      const answered = await act(handle, 'acknowledge', { ...actors.assignee, agentId: 'A-NEW' });
      expect(answered.deadlines.map((d) => [d.name, d.state])).toEqual([
        ['firstResponse', 'cancelled'],
        ['firstResponse', 'met'],
        ['requirementSheet', 'pending'],
      ]);
      // The old window's reminder time passed while it was withdrawn: nobody was reminded.
      expect(fake.templates()).not.toContain('deadline-reminder');
    });
  });

  it('by the group lead after the first response, and again: no new window, each move counted', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, requestInput(), async (handle) => {
      await stateWhen(handle, (d) => d.stage === 'assigned');
      await act(handle, 'acknowledge', actors.assignee);
      const otherLead = await failureOf(act(handle, 'reassign', actors.otherLead, toOther));
      expect(otherLead.type).toBe('Forbidden');
      const agent = await failureOf(act(handle, 'reassign', actors.assignee, toOther));
      expect(agent.type).toBe('Forbidden');
      const once = await act(handle, 'reassign', actors.lead, toOther);
      expect(once.stage).toBe('analysis');
      const same = await failureOf(act(handle, 'reassign', actors.lead, toOther));
      expect(same.type).toBe('InvalidTransition');
      const twice = await act(handle, 'reassign', actors.lead, { agentId: 'A-THIRD', agentGroup: 'technical_support' });
      expect(twice.reassignments).toBe(2);
      expect(twice.deadlines.filter((d) => d.name === 'firstResponse')).toHaveLength(1);
      await stateWhen(handle, () => fake.transfers.length === 2);
      expect(fake.transfers.map((t) => t.agentId)).toEqual(['A-NEW', 'A-THIRD']);
      await stateWhen(handle, () => fake.mailsOf('reassignment').length === 2);
      expect(fake.mailsOf('reassignment').map((m) => m.recipients[0])).toEqual([
        { kind: 'agent', agentId: 'A-ASSIGNEE' },
        { kind: 'agent', agentId: 'A-NEW' },
      ]);
    });
  });

  it('while nobody is eligible: the named agent takes it and the retries stop', async () => {
    const fake = fakeActivities({ nobodyFirst: 1000 });
    await withRequest(server.env, server.bundle, fake.activities, requestInput(), async (handle) => {
      await stateWhen(handle, () => fake.templates().includes('nobody-eligible'));
      const taken = await act(handle, 'reassign', actors.supervisor, toOther);
      expect(taken.stage).toBe('assigned');
      expect(taken.reassignments).toBe(0);
      expect(deadline(taken, 'firstResponse').owedBy).toBe('A-NEW');
      const calls = fake.assignCalls.length;
      await server.env.sleep('31 minutes');
      // The window was missed by the named agent (nobody else answered); assignment looked for someone else once.
      await stateWhen(handle, () => fake.templates().includes('deadline-escalation'));
      expect(fake.assignCalls.length).toBe(calls + 1);
      expect(fake.assignCalls.at(-1)?.excludeAgentIds).toEqual(['A-NEW']);
    });
  });
});

describe('rate-first-contact', () => {
  it('opens after the first response, once, and refuses a link to another revision', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, requestInput(), async (handle) => {
      await stateWhen(handle, (d) => d.stage === 'assigned');
      const early = await failureOf(act(handle, 'rate-first-contact', actors.customer, { rating: 5 }));
      expect(early.type).toBe('InvalidTransition');
      await act(handle, 'acknowledge', actors.assignee);
      await stateWhen(handle, (d) => d.documentRevisions['first-contact-rating'] === 1);
      const stale = await failureOf(act(handle, 'rate-first-contact', actors.customer, { rating: 5 }, { document: { name: 'first-contact-rating', revision: 2 } }));
      expect(stale.type).toBe('StaleDocument');
      const staff = await failureOf(act(handle, 'rate-first-contact', actors.assignee, { rating: 5 }));
      expect(staff.type).toBe('Forbidden');
      const rated = await act(handle, 'rate-first-contact', actors.customer, { rating: 4, comment: '响应很快' }, { document: { name: 'first-contact-rating', revision: 1 } });
      expect(rated.firstContactRating).toMatchObject({ rating: 4, comment: '响应很快', byKind: 'customer', recordedFrom: null });
      const again = await failureOf(act(handle, 'rate-first-contact', actors.customer, { rating: 1 }));
      expect(again.type).toBe('InvalidTransition');
      expect(await acceptedUpdates(handle)).toBe(2);
    });
  });
});

describe('a retried Update id', () => {
  it('returns the first result and changes nothing again', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, simpleConsultation, async (handle) => {
      await stateWhen(handle, (d) => d.stage === 'assigned');
      const updateId = randomUUID();
      const first = await act(handle, 'acknowledge', actors.assignee, {}, { updateId });
      await act(handle, 'resolve', actors.assignee, { answer: '已答复' });
      // Acknowledging again would be an invalid transition now; the retry gets the first answer.
      const retried = await act(handle, 'acknowledge', actors.assignee, {}, { updateId });
      expect(retried).toEqual(first);
      expect(retried.stage).toBe('analysis');
      expect(await acceptedUpdates(handle)).toBe(2);
    });
  });
});
