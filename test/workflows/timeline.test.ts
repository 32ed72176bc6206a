/**
 * The timeline the workflow hands to `recordState` (api.md "timeline"): every
 * stage change, action and who recorded it, deadline armed, met or missed,
 * reminder and escalation — numbered without gaps, all written by closing,
 * and continued across runs; a notification that could not be made is noted
 * and the request goes on.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { RequestActivities } from '../../contracts/activities';
import type { RequestDocument } from '../../contracts/request';
import type { TimelineEvent } from '../../contracts/timeline';
import { sheetBody, solutionBody, toAcceptance, toAnalysis, toInProgress } from '../support/complex-path';
import { policySnapshot, requestInput } from '../support/fixtures';
import { act, actors, closedResult, fakeActivities, pendingOf, sleepUntil, stateWhen, withRequest, timeSkippingServerPerTest } from '../support/workflow-harness';

const server = timeSkippingServerPerTest();

const ofType = (timeline: TimelineEvent[], type: TimelineEvent['type']) => timeline.filter((event) => event.type === type);
const settled = (doc: RequestDocument) => doc.deadlines.filter((d) => d.state !== 'pending' && d.state !== 'paused');

/** As the API lists them; a write may land after a later-numbered one when two are under way. */
const bySeq = (timeline: TimelineEvent[]) => [...timeline].sort((a, b) => a.seq - b.seq);

/** Events numbered 1…n once each, in order of time. */
function expectNumberedInOrder(timeline: TimelineEvent[]): void {
  expect(timeline.map((event) => event.seq)).toEqual(timeline.map((_, i) => i + 1));
  const times = timeline.map((event) => Date.parse(event.at));
  expect(times).toEqual([...times].sort((a, b) => a - b));
}

/** Each stage change starts where the previous one ended. */
function expectChainedStages(timeline: TimelineEvent[]): void {
  const changes = ofType(timeline, 'stage_changed');
  expect(changes[0]!.data).toMatchObject({ from: null, to: 'received' });
  for (let i = 1; i < changes.length; i++) {
    expect([changes[i]!.data.from, changes[i]!.data.fromSubStage]).toEqual([changes[i - 1]!.data.to, changes[i - 1]!.data.subStage]);
  }
}

describe('timeline', () => {
  it('tells a complex request from intake to closing: stages, actions with who recorded them, every deadline armed and settled', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, requestInput(), async (handle) => {
      await toAcceptance(handle);
      await act(handle, 'accept', { ...actors.assignee, kind: 'staff', recordedFrom: 'phone' }, { comment: '电话确认验收' });
      await act(handle, 'callback', actors.intake, {
        resolved: true,
        ratings: { responseSpeed: 5, resolution: 5, attitude: 5, professionalism: 5 },
        verdict: 'satisfied',
      });
      const closed = await closedResult(handle);
      // Closing writes what was left: nothing stays unrecorded.
      await stateWhen(handle, () => fake.timeline.length > 0 && fake.archived.length === 1);
      const { timeline } = fake;
      expectNumberedInOrder(timeline);
      expectChainedStages(timeline);

      const stages = ofType(timeline, 'stage_changed').map((event) => event.data.to);
      expect(stages.filter((stage, i) => stage !== stages[i - 1])).toEqual([
        'received',
        'assigned',
        'analysis',
        'awaiting_confirmation',
        'solution_design',
        'in_progress',
        'awaiting_acceptance',
        'follow_up',
        'closed',
      ]);
      expect(ofType(timeline, 'action').map((event) => [event.data.action, event.actor?.byRole, event.actor?.byAgentId, event.actor?.recordedFrom])).toEqual([
        ['acknowledge', 'agent', 'A-ASSIGNEE', null],
        ['requirement-sheet', 'agent', 'A-ASSIGNEE', null],
        ['confirm', 'customer', null, null],
        ['solution', 'agent', 'A-ASSIGNEE', null],
        ['agree-solution', 'customer', null, null],
        ['complete-task', 'agent', 'A-OTHER', null],
        ['delivery', 'agent', 'A-ASSIGNEE', null],
        ['accept', 'agent', 'A-ASSIGNEE', 'phone'],
        ['callback', 'intake', null, null],
      ]);
      // Every deadline the document holds was armed once, and each settled one says how.
      const armed = ofType(timeline, 'deadline_armed').map((event) => [event.data.deadline, event.data.dueAt]);
      expect(armed).toEqual(closed.deadlines.map((d) => [d.name, d.dueAt]));
      const outcomes = timeline.filter((event) => event.type.startsWith('deadline_') && event.type !== 'deadline_armed');
      expect(outcomes.map((event) => [event.type, event.data.deadline, event.data.dueAt]).sort()).toEqual(
        settled(closed).map((d) => [`deadline_${d.state}`, d.name, d.dueAt]).sort(),
      );
      expect(ofType(timeline, 'reminder')).toEqual([]);
      expect(ofType(timeline, 'escalation')).toEqual([]);
    });
  });

  it('records a reminder when it is sent, then the miss and its escalation, and the late sheet by the lead', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, requestInput(), async (handle) => {
      const analysis = await toAnalysis(handle);
      const sheetDue = pendingOf(analysis, 'requirementSheet');
      await sleepUntil(server.env, sheetDue.dueAt, 60_000);
      await stateWhen(handle, () => fake.templates().includes('deadline-escalation'));
      await act(handle, 'requirement-sheet', actors.lead, sheetBody);
      await stateWhen(handle, () => fake.templates().includes('requirement-sheet'));
      const timeline = bySeq(fake.timeline);
      expectNumberedInOrder(timeline);

      const aboutTheSheet = timeline.filter((event) => event.data.deadline === 'requirementSheet').map((event) => event.type);
      expect(aboutTheSheet).toEqual(['deadline_armed', 'reminder', 'deadline_missed', 'escalation']);
      expect(ofType(timeline, 'reminder')[0]!.data).toMatchObject({ deadline: 'requirementSheet', dueAt: sheetDue.dueAt, owedBy: 'A-ASSIGNEE' });
      expect(ofType(timeline, 'escalation')[0]!.data).toMatchObject({ deadline: 'requirementSheet', escalateTo: 'assignee,groupLead' });
      // The read model showed the reminder before the deadline passed.
      const reminded = fake.recordedStates.find((doc) => doc.deadlines.some((d) => d.name === 'requirementSheet' && d.remindedAt !== null));
      expect(reminded?.deadlines.find((d) => d.name === 'requirementSheet')?.state).toBe('pending');
      expect(ofType(timeline, 'action').at(-1)).toMatchObject({ data: { action: 'requirement-sheet' }, actor: { byRole: 'agent', byAgentId: 'A-LEAD' } });
    });
  });

  it('goes on numbering in the next run after a continue-as-new, losing and repeating nothing', async () => {
    const fake = fakeActivities({ policy: policySnapshot((p) => void (p.historyLengthLimit = 120)) });
    await withRequest(server.env, server.bundle, fake.activities, requestInput(), async (handle) => {
      const longWork = {
        sheet: { expectedDeliveryAt: '2027-03-31T10:00:00.000Z' },
        solution: { ...solutionBody, tasks: [{ title: '长期维护', ownerId: 'A-ASSIGNEE', dueAt: '2027-03-30T10:00:00.000Z' }] },
      };
      await toInProgress(handle, longWork);
      const firstRun = (await handle.describe()).runId;
      for (let note = 1; note <= 40 && (await handle.describe()).runId === firstRun; note++) {
        const after = await act(handle, 'progress', actors.assignee, { note: `进度${note}` });
        // A quiet moment after each: the request hands over only when nothing is under way.
        await stateWhen(handle, () => fake.recordedStates.some((recorded) => recorded.version >= after.version));
      }
      expect((await handle.describe()).runId).not.toBe(firstRun);
      const doc = await act(handle, 'progress', actors.assignee, { note: '新一轮的进度' });
      // Written once the last action's follow-up has recorded the state.
      await stateWhen(handle, () => fake.recordedStates.some((recorded) => recorded.version >= doc.version));
      const timeline = bySeq(fake.timeline);
      expectNumberedInOrder(timeline);
      const progress = ofType(timeline, 'action').filter((event) => event.data.action === 'progress');
      expect(progress).toHaveLength(doc.progress.length);
    });
  });

  it('notes a notification that could not be made and goes on with the request', async () => {
    const fake = fakeActivities();
    const activities: RequestActivities = {
      ...fake.activities,
      notify: async (input) => {
        if (input.template === 'first-response') throw ApplicationFailure.nonRetryable('the rating link cannot be signed', 'InvalidNotificationFacts');
        return fake.activities.notify(input);
      },
    };
    await withRequest(server.env, server.bundle, activities, requestInput(), async (handle) => {
      const analysis = await toAnalysis(handle);
      expect(analysis.stage).toBe('analysis');
      const sheet = await act(handle, 'requirement-sheet', actors.assignee, sheetBody);
      expect(sheet.stage).toBe('awaiting_confirmation');
      await stateWhen(handle, () => fake.templates().includes('requirement-sheet') && ofType(fake.timeline, 'notification_failed').length > 0);
      expect(ofType(fake.timeline, 'notification_failed').map((event) => event.data)).toEqual([
        { template: 'first-response', eventSeq: expect.any(Number), failure: 'InvalidNotificationFacts' },
      ]);
    });
  });
});
