/**
 * Long lives: a request looped through many actions with a low history limit
 * (near 200 events) continues as new several times; its deadlines fire across
 * runs, a retried action after a run boundary returns its first result, no
 * notification is asked for twice, and Updates racing the hand-over are not lost.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { RequestDocument } from '../../contracts/request';
import { SearchAttribute } from '../../contracts/temporal';
import { stateQuery } from '../../workflows/definitions';
import { solutionBody, toInProgress } from '../support/complex-path';
import { policySnapshot, requestInput } from '../support/fixtures';
import { act, actors, fakeActivities, pendingOf, sleepUntil, stateWhen, statesOf, withRequest, timeSkippingServerPerTest } from '../support/workflow-harness';

const server = timeSkippingServerPerTest();

const shortHistories = policySnapshot((p) => void (p.historyLengthLimit = 200));
/** In progress for weeks: a late delivery date and only the assignee's own task. */
const longWork = {
  sheet: { expectedDeliveryAt: '2027-03-31T10:00:00.000Z' },
  solution: { ...solutionBody, tasks: [{ title: '长期维护', ownerId: 'A-ASSIGNEE', dueAt: '2027-03-30T10:00:00.000Z' }] },
};

/** The run ids the request has gone through so far, newest first (each run names the one it continued). */
async function runsOf(handle: WorkflowHandle): Promise<string[]> {
  const runs: string[] = [];
  let runId: string | undefined = (await handle.describe()).runId;
  while (runId) {
    runs.push(runId);
    const history = await server.env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  return runs;
}

describe('continue-as-new', () => {
  it('continues a long request as new several times, keeping deadlines, retried results and the e-mail sequence', async () => {
    const fake = fakeActivities({ policy: shortHistories });
    await withRequest(server.env, server.bundle, fake.activities, requestInput(), async (handle) => {
      await toInProgress(handle, longWork);
      const retried = randomUUID();
      let first: RequestDocument | undefined;
      let runOfFirst = '';
      await act(handle, 'progress', actors.assignee, { note: '第1次进度' });
      // Weeks of work: a progress update on most days, one day skipped each week.
      for (let day = 1; day <= 20; day++) {
        const now = (await handle.query(stateQuery)) as RequestDocument;
        const duty = pendingOf(now, 'dailyProgress');
        if (day % 5 === 0) {
          await sleepUntil(server.env, duty.dueAt, 1_000);
          await stateWhen(handle, (d) => statesOf(d, 'dailyProgress').length > statesOf(now, 'dailyProgress').length);
          continue;
        }
        await sleepUntil(server.env, duty.dueAt, -HOUR);
        if (day === 16) {
          first = await act(handle, 'progress', actors.assignee, { note: `第${day + 1}次进度` }, { updateId: retried });
          runOfFirst = (await handle.describe()).runId;
        } else {
          await act(handle, 'progress', actors.assignee, { note: `第${day + 1}次进度` });
        }
      }
      // Quiet days (lapsed duties, no actions) until the run that applied the retried update hands over.
      for (let extra = 0; extra < 10 && (await handle.describe()).runId === runOfFirst; extra++) {
        const now = (await handle.query(stateQuery)) as RequestDocument;
        await sleepUntil(server.env, pendingOf(now, 'dailyProgress').dueAt, 1_000);
        await stateWhen(handle, (d) => statesOf(d, 'dailyProgress').length > statesOf(now, 'dailyProgress').length);
      }
      const runs = await runsOf(handle);
      expect(runs.length).toBeGreaterThanOrEqual(3);

      // The retry of an update applied in an earlier run gets its first answer and adds nothing.
      expect((await handle.describe()).runId).not.toBe(runOfFirst);
      const again = await act(handle, 'progress', actors.assignee, { note: '第17次进度' }, { updateId: retried });
      expect(again).toEqual(first);
      const doc = (await handle.query(stateQuery)) as RequestDocument;
      expect(doc.progress).toHaveLength(17);
      // Every lapsed day was reminded once, across runs; met days were not.
      const duties = doc.deadlines.filter((d) => d.name === 'dailyProgress');
      expect(duties.filter((d) => d.state === 'missed').length).toBeGreaterThanOrEqual(4);
      expect(duties.filter((d) => d.state === 'met')).toHaveLength(16);
      const dutyMails = fake.mailsOf('deadline-escalation').filter((m) => m.facts.deadline === 'dailyProgress');
      expect(dutyMails.map((m) => m.facts.dueAt)).toEqual(duties.filter((d) => d.state === 'missed').map((d) => d.dueAt));
      // On time across runs: each lapse escalated within a minute of its due time.
      for (const duty of duties.filter((d) => d.state === 'missed')) {
        expect(Date.parse(duty.escalatedAt!) - Date.parse(duty.dueAt)).toBeLessThan(60_000);
      }
      // A reminder already sent is never sent again by a later run: at most one per duty.
      const reminders = fake.mailsOf('deadline-reminder').filter((m) => m.facts.deadline === 'dailyProgress').map((m) => m.facts.dueAt);
      expect(new Set(reminders).size).toBe(reminders.length);
      // No notification was asked for twice: one event number each, increasing.
      const seqs = fake.notifications.map((n) => n.eventSeq);
      expect(new Set(seqs).size).toBe(seqs.length);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      // Weekly reports went on counting across runs.
      const weeks = fake.mailsOf('progress-report').map((m) => m.facts.week);
      expect(weeks.length).toBeGreaterThanOrEqual(3);
      expect(weeks).toEqual(weeks.map((_, i) => i + 1));
      const { typedSearchAttributes } = await handle.describe();
      expect(typedSearchAttributes.get(SearchAttribute.RequestStage)).toBe('in_progress');
      expect(typedSearchAttributes.get(SearchAttribute.NextDeadline)?.toISOString()).toBe(pendingOf(doc, 'dailyProgress').dueAt);
    });
  });

  it('loses no Update that races the hand-over to the next run', async () => {
    const fake = fakeActivities({ policy: shortHistories });
    await withRequest(server.env, server.bundle, fake.activities, requestInput(), async (handle) => {
      await toInProgress(handle, longWork);
      const notes = Array.from({ length: 40 }, (_, i) => `并发进度${i + 1}`);
      const results = await Promise.all(notes.map((note) => act(handle, 'progress', actors.assignee, { note })));
      expect(results).toHaveLength(40);
      const doc = (await handle.query(stateQuery)) as RequestDocument;
      expect(doc.progress.map((p) => p.note).sort()).toEqual([...notes].sort());
      for (let attempt = 0; attempt < 100 && (await runsOf(handle)).length < 2; attempt++) await new Promise((r) => setTimeout(r, 100));
      expect((await runsOf(handle)).length).toBeGreaterThanOrEqual(2);
      // After the hand-over the next run still has every update.
      expect(((await handle.query(stateQuery)) as RequestDocument).progress).toHaveLength(40);
    });
  });
});

const HOUR = 3_600_000;
