/**
 * Workflow `customerRequest` in the time-skipping test server, activities
 * mocked: deadlines of days pass in seconds, and Update validators reject
 * without leaving a trace in history.
 */
import { SearchAttribute } from '../../contracts/temporal';
import { acknowledgeUpdate } from '../../workflows/definitions';
import { policySnapshot, requestInput } from '../support/fixtures';
import { acceptedUpdates, actors, failureOf, fakeActivities, stateWhen, withRequest, timeSkippingServerPerTest } from '../support/workflow-harness';

const server = timeSkippingServerPerTest();

describe('customerRequest', () => {
  it('records the request, sends the receipt notice, assigns an agent and takes the first response in time', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, requestInput(), async (handle) => {
      const assigned = await stateWhen(handle, (d) => d.stage === 'assigned' && fake.notifications.length >= 2);
      expect(assigned.assignee).toEqual({ id: 'A-ASSIGNEE', group: 'technical_support' });
      expect(assigned.priority).toBe('P2'); // a fault
      const firstResponse = assigned.deadlines.find((d) => d.name === 'firstResponse');
      expect(firstResponse?.state).toBe('pending');
      // P2: 30 minutes from assignment.
      const armedAt = Date.parse(firstResponse!.dueAt) - 30 * 60_000;
      expect(Math.abs(armedAt - (await server.env.currentTimeMs()))).toBeLessThan(60_000);

      const after = await handle.executeUpdate(acknowledgeUpdate, { args: [{ actor: actors.assignee, input: { note: '已联系' } }] });
      expect(after.stage).toBe('analysis');
      expect(after.deadlines).toEqual([
        expect.objectContaining({ name: 'firstResponse', dueAt: firstResponse!.dueAt, state: 'met', owedBy: 'A-ASSIGNEE' }),
        // A complex request owes its requirement sheet from the first response on.
        expect.objectContaining({ name: 'requirementSheet', state: 'pending' }),
      ]);
      expect(after.version).toBeGreaterThan(assigned.version);

      await stateWhen(handle, () => fake.notifications.length >= 3);
      expect(fake.templates()).toEqual(['receipt-notice', 'assignment', 'first-response']);
      expect(fake.notifications[0]!.recipients).toEqual([{ kind: 'customer', customerId: 'C-TEST-0001' }]);
      expect(fake.notifications[1]!.recipients).toEqual([{ kind: 'agent', agentId: 'A-ASSIGNEE' }]);
      expect(fake.notifications[1]!.facts).toMatchObject({ deadline: 'firstResponse', dueAt: firstResponse!.dueAt });
      expect(fake.notifications[2]!.facts).toEqual({ link: 'first-contact-rating', revision: 1 });
      // Each notification event has its own sequence number: the key of its e-mails.
      expect(fake.notifications.map((n) => n.eventSeq)).toEqual([1, 2, 3]);
      expect(fake.recordedStates.at(-1)?.stage).toBe('analysis');

      const { searchAttributes } = await handle.describe();
      expect(searchAttributes[SearchAttribute.RequestStage.name]).toEqual(['analysis']);
      expect(searchAttributes[SearchAttribute.AssignedAgent.name]).toEqual(['A-ASSIGNEE']);
      expect(searchAttributes[SearchAttribute.Priority.name]).toEqual(['P2']);
      expect(searchAttributes[SearchAttribute.Overdue.name]).toEqual([false]);
      // NextDeadline is unset now; the Java test server reports an unset Datetime as the epoch,
      // so that is checked on the dev server (test/integration).
    });
  });

  it('lets a first-response deadline of two working days pass in seconds, reminds at 80%, escalates, and still takes the late response when nobody else may', async () => {
    const fake = fakeActivities({
      policy: policySnapshot((p) => {
        p.deadlines.firstResponse = { default: { clock: 'workingDays', days: 2 } };
      }),
    });
    await withRequest(server.env, server.bundle, fake.activities, requestInput(), async (handle) => {
      const assigned = await stateWhen(handle, (d) => d.stage === 'assigned');
      const dueAt = new Date(assigned.deadlines[0]!.dueAt);
      // End of business (18:00 Asia/Shanghai = 10:00 UTC), at least two days on.
      expect(dueAt.getUTCHours()).toBe(10);
      expect(dueAt.getTime() - (await server.env.currentTimeMs())).toBeGreaterThan(2 * 86_400_000 - 8 * 3_600_000);
      const { typedSearchAttributes: before } = await handle.describe();
      expect(before.get(SearchAttribute.NextDeadline)?.toISOString()).toBe(dueAt.toISOString());

      await server.env.sleep('5 days');
      const missed = await stateWhen(handle, (d) => d.deadlines[0]!.state === 'missed' && fake.templates().includes('nobody-eligible'));
      expect(missed.stage).toBe('assigned');
      expect(fake.templates()).toEqual(['receipt-notice', 'assignment', 'deadline-reminder', 'deadline-escalation', 'nobody-eligible']);
      const reminder = fake.notifications.find((n) => n.template === 'deadline-reminder')!;
      expect(reminder.recipients).toEqual([{ kind: 'agent', agentId: 'A-ASSIGNEE' }]);
      const escalation = fake.notifications.find((n) => n.template === 'deadline-escalation')!;
      expect(escalation.recipients).toEqual([{ kind: 'groupLead', groupId: 'technical_support' }]);
      expect(escalation.facts).toEqual({ deadline: 'firstResponse', dueAt: dueAt.toISOString() });
      // The reassignment looked for anyone but the agent who missed it, and found nobody.
      expect(fake.assignCalls.at(-1)?.excludeAgentIds).toEqual(['A-ASSIGNEE']);
      expect(missed.assignee?.id).toBe('A-ASSIGNEE');
      expect(missed.reassignments).toBe(0);
      const { typedSearchAttributes: overdue } = await handle.describe();
      expect(overdue.get(SearchAttribute.Overdue)).toBe(true);
      expect(overdue.get(SearchAttribute.LastEscalatedAt)).toBeInstanceOf(Date);

      const late = await handle.executeUpdate(acknowledgeUpdate, { args: [{ actor: actors.assignee, input: {} }] });
      expect(late.stage).toBe('analysis');
      // A missed deadline stays missed for the KPIs; the action is no longer owed.
      expect(late.deadlines[0]!.state).toBe('missed');
      await stateWhen(handle, () => fake.templates().includes('first-response'));
      const { typedSearchAttributes: answered } = await handle.describe();
      expect(answered.get(SearchAttribute.Overdue)).toBe(false);
    });
  });

  it('reminds the assignee when 80% of the window has passed, and takes a response just before the deadline as met', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, requestInput(), async (handle) => {
      const assigned = await stateWhen(handle, (d) => d.stage === 'assigned' && fake.notifications.length >= 2);
      const due = Date.parse(assigned.deadlines[0]!.dueAt);
      await server.env.sleep('23 minutes');
      expect(fake.templates()).not.toContain('deadline-reminder');
      await server.env.sleep('2 minutes');
      await stateWhen(handle, () => fake.templates().includes('deadline-reminder'));
      await server.env.sleep(due - (await server.env.currentTimeMs()) - 1_000);
      const after = await handle.executeUpdate(acknowledgeUpdate, { args: [{ actor: actors.assignee, input: {} }] });
      expect(after.deadlines[0]).toEqual(expect.objectContaining({ name: 'firstResponse', state: 'met' }));
      await stateWhen(handle, () => fake.templates().includes('first-response'));
      expect(fake.templates()).toEqual(['receipt-notice', 'assignment', 'deadline-reminder', 'first-response']);
    });
  });

  it('reassigns on a missed first response, twice, telling the supervisors at the second miss', async () => {
    const fake = fakeActivities({ agents: ['A-1', 'A-2', 'A-3'] });
    await withRequest(server.env, server.bundle, fake.activities, requestInput(), async (handle) => {
      await stateWhen(handle, (d) => d.assignee?.id === 'A-1' && fake.notifications.length >= 2);
      await server.env.sleep('31 minutes');
      const second = await stateWhen(handle, (d) => d.assignee?.id === 'A-2' && d.deadlines.length === 2);
      expect(second.reassignments).toBe(1);
      expect(second.deadlines.map((d) => d.state)).toEqual(['missed', 'pending']);
      expect(fake.assignCalls.map((c) => c.excludeAgentIds)).toEqual([[], ['A-1']]);

      await server.env.sleep('31 minutes');
      const third = await stateWhen(handle, (d) => d.assignee?.id === 'A-3' && d.deadlines.length === 3);
      expect(third.reassignments).toBe(2);
      expect(fake.assignCalls.map((c) => c.excludeAgentIds)).toEqual([[], ['A-1'], ['A-1', 'A-2']]);
      const escalations = fake.notifications.filter((n) => n.template === 'deadline-escalation');
      expect(escalations.map((n) => n.recipients)).toEqual([
        [{ kind: 'groupLead', groupId: 'technical_support' }],
        [{ kind: 'groupLead', groupId: 'technical_support' }, { kind: 'policyAddress', name: 'supervisors' }],
      ]);
      expect(fake.notifications.filter((n) => n.template === 'reassignment').map((n) => n.recipients)).toEqual([
        [{ kind: 'agent', agentId: 'A-1' }],
        [{ kind: 'agent', agentId: 'A-2' }],
      ]);
      expect(fake.notifications.filter((n) => n.template === 'assignment').map((n) => n.recipients[0])).toEqual([
        { kind: 'agent', agentId: 'A-1' },
        { kind: 'agent', agentId: 'A-2' },
        { kind: 'agent', agentId: 'A-3' },
      ]);

      const former = await failureOf(handle.executeUpdate(acknowledgeUpdate, { args: [{ actor: { ...actors.assignee, agentId: 'A-1' }, input: {} }] }));
      expect(former.type).toBe('Forbidden');
      const answered = await handle.executeUpdate(acknowledgeUpdate, { args: [{ actor: { ...actors.assignee, agentId: 'A-3' }, input: {} }] });
      expect(answered.stage).toBe('analysis');
      expect(answered.deadlines.filter((d) => d.name === 'firstResponse').map((d) => d.state)).toEqual(['missed', 'missed', 'met']);
      const { typedSearchAttributes } = await handle.describe();
      expect(typedSearchAttributes.get(SearchAttribute.AssignedAgent)).toBe('A-3');
    });
  });

  it('rejects acknowledgements from the wrong actor, with a stale version or in the wrong stage, leaving no trace in history', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, requestInput(), async (handle) => {
      const assigned = await stateWhen(handle, (d) => d.stage === 'assigned');

      const wrongAgent = await failureOf(handle.executeUpdate(acknowledgeUpdate, { args: [{ actor: actors.colleague, input: {} }] }));
      expect(wrongAgent.type).toBe('Forbidden');
      const supervisor = await failureOf(
        handle.executeUpdate(acknowledgeUpdate, { args: [{ actor: { ...actors.assignee, role: 'supervisor', agentId: null }, input: {} }] }),
      );
      expect(supervisor.type).toBe('Forbidden');
      const stale = await failureOf(
        handle.executeUpdate(acknowledgeUpdate, { args: [{ actor: actors.assignee, ifMatch: assigned.version - 1, input: {} }] }),
      );
      expect(stale.type).toBe('PreconditionFailed');

      await handle.executeUpdate(acknowledgeUpdate, { args: [{ actor: actors.assignee, ifMatch: assigned.version, input: {} }] });
      const twice = await failureOf(handle.executeUpdate(acknowledgeUpdate, { args: [{ actor: actors.assignee, input: {} }] }));
      expect(twice.type).toBe('InvalidTransition');
      expect(twice.details?.[0]).toEqual({ stage: 'analysis', subStage: null, allowed: ['requirement-sheet'] });

      expect(await acceptedUpdates(handle)).toBe(1);
    });
  });

  it('keeps a request received while nobody is eligible, tells the group lead and supervisors once, and retries every 5 minutes', async () => {
    const fake = fakeActivities({ nobodyFirst: 2 });
    await withRequest(server.env, server.bundle, fake.activities, requestInput(), async (handle) => {
      const waiting = await stateWhen(handle, () => fake.templates().includes('nobody-eligible'));
      expect(waiting.stage).toBe('received');
      expect(waiting.assignee).toBeNull();
      const told = fake.notifications.find((n) => n.template === 'nobody-eligible')!;
      expect(told.recipients).toEqual([
        { kind: 'groupLead', groupId: 'technical_support' },
        { kind: 'policyAddress', name: 'supervisors' },
      ]);

      await server.env.sleep('4 minutes');
      expect(fake.assignCalls).toHaveLength(1);
      await server.env.sleep('7 minutes');
      const assigned = await stateWhen(handle, (d) => d.stage === 'assigned');
      expect(assigned.assignee?.id).toBe('A-ASSIGNEE');
      expect(fake.assignCalls).toHaveLength(3);
      expect(fake.templates().filter((t) => t === 'nobody-eligible')).toHaveLength(1);
    });
  });

  it('sends an emergency straight to solution design after the first response', async () => {
    const fake = fakeActivities();
    const input = requestInput({ intake: { complexity: 'emergency' } });
    await withRequest(server.env, server.bundle, fake.activities, input, async (handle) => {
      const assigned = await stateWhen(handle, (d) => d.stage === 'assigned');
      expect(assigned.priority).toBe('P1');
      // P1: five minutes.
      const firstResponse = assigned.deadlines.find((d) => d.name === 'firstResponse')!;
      expect(Date.parse(firstResponse.dueAt) - Date.parse(firstResponse.armedAt)).toBe(5 * 60_000);
      const after = await handle.executeUpdate(acknowledgeUpdate, { args: [{ actor: actors.assignee, input: {} }] });
      expect([after.stage, after.subStage]).toEqual(['solution_design', 'drafting']);
    });
  });

  it('keeps a priority set at intake and treats a suggestion as simple', async () => {
    const fake = fakeActivities();
    const input = requestInput({ intake: { type: 'suggestion', complexity: 'complex', priorityOverride: 'P1' } });
    await withRequest(server.env, server.bundle, fake.activities, input, async (handle) => {
      const assigned = await stateWhen(handle, (d) => d.stage === 'assigned');
      expect(assigned.priority).toBe('P1');
      expect(assigned.complexity).toBe('simple');
    });
  });
});
