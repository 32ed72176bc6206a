/**
 * The complex path from analysis to the customer's agreement, in the
 * time-skipping test server with activities mocked: the requirement sheet and
 * its confirmation window (void sheets, change requests, closing
 * `unconfirmed`), solution design with review rounds, presentation, revision
 * and agreement — each deadline expiring and met just before it expires.
 */
import type { RequestDocument } from '../../contracts/request';
import { SearchAttribute } from '../../contracts/temporal';
import { stateQuery } from '../../workflows/definitions';
import { legalReviewer, reviewedSolution, sheetBody, solutionBody, toAnalysis, toDrafting } from '../support/complex-path';
import { policySnapshot, requestInput } from '../support/fixtures';
import { acceptedUpdates, act, actors, failureOf, fakeActivities, pendingOf, stateWhen, statesOf, withRequest, sleepUntil, timeSkippingServerPerTest } from '../support/workflow-harness';

const server = timeSkippingServerPerTest();

const HOUR = 3_600_000;
const complexFault = requestInput();
const reviewed = reviewedSolution;
const legal = legalReviewer;

describe('analysis and confirmation', () => {
  it('issues the sheet, owes the confirmation within 1 working day, and on confirmation owes the solution within 2 hours', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      const analysis = await toAnalysis(handle);
      const sheetDue = pendingOf(analysis, 'requirementSheet');
      const issued = await act(handle, 'requirement-sheet', actors.assignee, { ...sheetBody, expectedDeliveryAt: '2026-12-20T10:00:00.000Z' });
      expect(issued.stage).toBe('awaiting_confirmation');
      expect(issued.sheet).toMatchObject({ ...sheetBody, revision: 1, state: 'awaiting_confirmation', expectedDeliveryAt: '2026-12-20T10:00:00.000Z', byAgentId: 'A-ASSIGNEE' });
      expect(issued.documentRevisions.sheet).toBe(1);
      expect(statesOf(issued, 'requirementSheet')).toEqual(['met']);
      expect(Date.parse(sheetDue.dueAt)).toBeGreaterThan(await server.env.currentTimeMs());
      const confirmation = pendingOf(issued, 'confirmation');
      // 1 working day: the next working day's 18:00 in Shanghai (10:00 UTC).
      expect(new Date(confirmation.dueAt).getUTCHours()).toBe(10);
      expect(Date.parse(confirmation.dueAt) - (await server.env.currentTimeMs())).toBeLessThan(4 * 24 * HOUR);

      await stateWhen(handle, () => fake.templates().includes('requirement-sheet'));
      const sheetMail = fake.mailsOf('requirement-sheet')[0]!;
      expect(sheetMail.recipients).toEqual([{ kind: 'customer', customerId: 'C-TEST-0001' }]);
      expect(sheetMail.facts).toEqual({ link: 'sheet', revision: 1, dueAt: confirmation.dueAt });
      // The read model was written before the mail that shows it.
      const written = fake.recordedStates.findIndex((d) => d.sheet?.revision === 1);
      expect(written).toBeGreaterThanOrEqual(0);

      const byStaffUnrecorded = await failureOf(act(handle, 'confirm', actors.assignee));
      expect(byStaffUnrecorded.type).toBe('Forbidden');
      const confirmed = await act(handle, 'confirm', actors.customer, { comment: '确认' }, { document: { name: 'sheet', revision: 1 } });
      expect([confirmed.stage, confirmed.subStage]).toEqual(['solution_design', 'drafting']);
      expect(confirmed.sheet).toMatchObject({ state: 'confirmed', customerComment: '确认' });
      expect(statesOf(confirmed, 'confirmation')).toEqual(['met']);
      const solution = pendingOf(confirmed, 'solution');
      expect(Date.parse(solution.dueAt) - Date.parse(solution.armedAt)).toBe(2 * HOUR);
      const attributes = (await handle.describe()).typedSearchAttributes;
      expect(attributes.get(SearchAttribute.RequestSubStage)).toBe('drafting');
      expect(attributes.get(SearchAttribute.NextDeadline)?.toISOString()).toBe(solution.dueAt);
    });
  });

  it('reminds the assignee at 80% of the sheet window, escalates to assignee and group lead, and takes the late sheet', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      const analysis = await toAnalysis(handle);
      const due = pendingOf(analysis, 'requirementSheet');
      await sleepUntil(server.env, due.dueAt, 60_000);
      await stateWhen(handle, () => fake.templates().includes('deadline-escalation'));
      expect(fake.mailsOf('deadline-reminder').map((m) => [m.facts.deadline, m.recipients])).toEqual([['requirementSheet', [{ kind: 'agent', agentId: 'A-ASSIGNEE' }]]]);
      expect(fake.mailsOf('deadline-escalation')[0]!.recipients).toEqual([
        { kind: 'agent', agentId: 'A-ASSIGNEE' },
        { kind: 'groupLead', groupId: 'technical_support' },
      ]);
      expect((await handle.describe()).typedSearchAttributes.get(SearchAttribute.Overdue)).toBe(true);
      const late = await act(handle, 'requirement-sheet', actors.lead, sheetBody);
      expect(late.deadlines.find((d) => d.name === 'requirementSheet')).toMatchObject({ state: 'missed', fulfilledAt: expect.any(String) });
      expect(late.sheet?.byAgentId).toBe('A-LEAD');
      await stateWhen(handle, () => fake.templates().includes('requirement-sheet'));
      expect((await handle.describe()).typedSearchAttributes.get(SearchAttribute.Overdue)).toBe(false);
    });
  });

  it('takes a confirmation a second before its window ends', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      await toAnalysis(handle);
      const issued = await act(handle, 'requirement-sheet', actors.assignee, sheetBody);
      await sleepUntil(server.env, pendingOf(issued, 'confirmation').dueAt, -1_000);
      const confirmed = await act(handle, 'confirm', { ...actors.intake, recordedFrom: 'phone' }, {});
      expect(statesOf(confirmed, 'confirmation')).toEqual(['met']);
      expect(confirmed.voidSheets).toBe(0);
      // Customer-side deadlines have no 80% reminder.
      expect(fake.templates()).not.toContain('deadline-reminder');
    });
  });

  it('voids an unanswered sheet, owes a new one, and closes unconfirmed at the third void sheet', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      await toAnalysis(handle);
      for (const round of [1, 2]) {
        const issued = await act(handle, 'requirement-sheet', actors.assignee, sheetBody);
        expect(issued.sheet?.revision).toBe(round);
        await sleepUntil(server.env, pendingOf(issued, 'confirmation').dueAt, 1_000);
        const voided = await stateWhen(handle, (d) => d.voidSheets === round && fake.mailsOf('void-sheet').length === round);
        expect(voided.stage).toBe('analysis');
        expect(voided.sheet?.state).toBe('void');
        const owed = pendingOf(voided, 'requirementSheet');
        const mail = fake.mailsOf('void-sheet')[round - 1]!;
        expect(mail.recipients).toEqual([{ kind: 'customer', customerId: 'C-TEST-0001' }, { kind: 'agent', agentId: 'A-ASSIGNEE' }]);
        expect(mail.facts).toEqual({ voidSheets: round, dueAt: owed.dueAt });
        // The void sheet can no longer be confirmed.
        const stale = await failureOf(act(handle, 'confirm', actors.customer, {}, { document: { name: 'sheet', revision: round } }));
        expect(stale.type).toBe('InvalidTransition');
      }
      const third = await act(handle, 'requirement-sheet', actors.assignee, sheetBody);
      await sleepUntil(server.env, pendingOf(third, 'confirmation').dueAt, 1_000);
      const closed = await stateWhen(handle, (d) => d.status === 'unconfirmed' && fake.templates().includes('closure'));
      expect([closed.stage, closed.voidSheets, closed.closedAt]).toEqual(['closed', 3, pendingOf(third, 'confirmation').dueAt]);
      expect(statesOf(closed, 'confirmation')).toEqual(['missed', 'missed', 'missed']);
      expect(fake.mailsOf('void-sheet')).toHaveLength(2);
      expect(fake.mailsOf('closure')[0]).toMatchObject({
        recipients: [{ kind: 'customer', customerId: 'C-TEST-0001' }, { kind: 'agent', agentId: 'A-ASSIGNEE' }],
        facts: { status: 'unconfirmed', resolution: null, followUp: null },
      });
      await stateWhen(handle, () => fake.releases.length === 1);
      const { status, searchAttributes } = await handle.describe();
      expect(status.name).toBe('COMPLETED');
      expect(searchAttributes[SearchAttribute.RequestStatus.name]).toEqual(['unconfirmed']);
    });
  });

  it('goes back to analysis on a change request, owes a new sheet, and refuses the old sheet’s link', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      await toAnalysis(handle);
      await act(handle, 'requirement-sheet', actors.assignee, sheetBody);
      const changes = await act(handle, 'request-changes', actors.customer, { comment: '还需要检查网络模块' }, { document: { name: 'sheet', revision: 1 } });
      expect(changes.stage).toBe('analysis');
      expect(changes.sheet).toMatchObject({ state: 'changes_requested', customerComment: '还需要检查网络模块' });
      expect(statesOf(changes, 'requirementSheet')).toEqual(['met', 'pending']);
      expect(statesOf(changes, 'confirmation')).toEqual(['met']);
      const second = await act(handle, 'requirement-sheet', actors.assignee, { ...sheetBody, goal: '恢复使用并检查网络模块' });
      expect(second.sheet?.revision).toBe(2);
      const stale = await failureOf(act(handle, 'confirm', actors.customer, {}, { document: { name: 'sheet', revision: 1 } }));
      expect(stale.type).toBe('StaleDocument');
      const confirmed = await act(handle, 'confirm', actors.customer, {}, { document: { name: 'sheet', revision: 2 } });
      expect(confirmed.stage).toBe('solution_design');
      expect(confirmed.voidSheets).toBe(0);
    });
  });
});

describe('solution design', () => {
  it('presents a simple solution to the customer, owes the agreement in 3 working days, and starts execution on agreement', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      await toDrafting(handle);
      const presented = await act(handle, 'solution', actors.assignee, solutionBody);
      expect([presented.stage, presented.subStage]).toEqual(['solution_design', 'presented']);
      expect(statesOf(presented, 'solution')).toEqual(['met']);
      expect(presented.solution).toMatchObject({ revision: 1, state: 'presented', complex: false, steps: solutionBody.steps });
      expect(presented.solution?.tasks).toEqual([
        { id: 'T1', title: '更换电源模块', ownerId: 'A-OTHER', dueAt: '2026-12-10T10:00:00.000Z', acceptedAt: null, completedAt: null, note: null },
      ]);
      const agreement = pendingOf(presented, 'solutionAgreement');
      expect(new Date(agreement.dueAt).getUTCHours()).toBe(10);
      await stateWhen(handle, () => fake.templates().includes('solution'));
      expect(fake.mailsOf('solution')[0]!.facts).toEqual({ link: 'solution', revision: 1, dueAt: agreement.dueAt });

      const agreed = await act(handle, 'agree-solution', actors.customer, { comment: '同意' }, { document: { name: 'solution', revision: 1 } });
      expect([agreed.stage, agreed.subStage]).toEqual(['in_progress', 'working']);
      expect(agreed.solution).toMatchObject({ state: 'agreed', customerComment: '同意' });
      expect(statesOf(agreed, 'solutionAgreement')).toEqual(['met']);
    });
  });

  it('escalates a late solution to the group lead and takes it late', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      const drafting = await toDrafting(handle);
      await sleepUntil(server.env, pendingOf(drafting, 'solution').dueAt, 1_000);
      await stateWhen(handle, () => fake.templates().includes('deadline-escalation'));
      const escalation = fake.mailsOf('deadline-escalation')[0]!;
      expect(escalation).toMatchObject({ recipients: [{ kind: 'groupLead', groupId: 'technical_support' }], facts: { deadline: 'solution' } });
      expect(fake.mailsOf('deadline-reminder').map((m) => m.facts.deadline)).toEqual(['solution']);
      const late = await act(handle, 'solution', actors.assignee, solutionBody);
      expect(late.deadlines.find((d) => d.name === 'solution')).toMatchObject({ state: 'missed', fulfilledAt: expect.any(String) });
    });
  });

  it('sends a complex solution to its reviewers; a rejection returns it to drafting, the next round needs every approval', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      await toDrafting(handle);
      const inReview = await act(handle, 'solution', actors.assignee, reviewed);
      expect([inReview.stage, inReview.subStage]).toEqual(['solution_design', 'in_review']);
      expect(inReview.solution).toMatchObject({ state: 'in_review', reviewRounds: 1, revision: 0 });
      const review = pendingOf(inReview, 'review');
      await stateWhen(handle, () => fake.mailsOf('review-request').length === 2);
      expect(fake.mailsOf('review-request').map((m) => [m.recipients, m.facts])).toEqual([
        [[{ kind: 'agent', agentId: 'A-OTHER' }], { area: 'technical', dueAt: review.dueAt, round: 1 }],
        [[{ kind: 'agent', agentId: 'A-LEGAL' }], { area: 'legal', dueAt: review.dueAt, round: 1 }],
      ]);
      // The customer sees nothing until the reviews pass.
      expect(fake.templates()).not.toContain('solution');
      const wrongArea = await failureOf(act(handle, 'review', actors.colleague, { area: 'legal', approved: true }));
      expect(wrongArea.type).toBe('Forbidden');
      const customerAgrees = await failureOf(act(handle, 'agree-solution', actors.customer));
      expect(customerAgrees.type).toBe('InvalidTransition');

      const rejected = await act(handle, 'review', legal, { area: 'legal', approved: false, comment: '合同条款需修改' });
      expect([rejected.subStage, rejected.solution?.state]).toEqual(['drafting', 'rejected_in_review']);
      expect(rejected.solution?.reviews.find((r) => r.area === 'legal')).toMatchObject({ approved: false, comment: '合同条款需修改' });
      expect(statesOf(rejected, 'review')).toEqual(['met']);
      expect(statesOf(rejected, 'solution')).toEqual(['met', 'pending']);

      const second = await act(handle, 'solution', actors.assignee, reviewed);
      expect(second.solution).toMatchObject({ reviewRounds: 2, state: 'in_review' });
      const technical = await act(handle, 'review', actors.colleague, { area: 'technical', approved: true });
      expect(technical.subStage).toBe('in_review');
      const byTheSupervisor = await act(handle, 'review', actors.supervisor, { area: 'legal', approved: true, comment: '主管代为审核' });
      expect([byTheSupervisor.subStage, byTheSupervisor.solution?.revision]).toEqual(['presented', 1]);
      expect(statesOf(byTheSupervisor, 'review')).toEqual(['met', 'met']);
      await stateWhen(handle, () => fake.templates().includes('solution'));
      expect(fake.mailsOf('review-request').map((m) => m.facts.round)).toEqual([1, 1, 2, 2]);
    });
  });

  it('escalates an unanswered review round to the group lead, naming the reviewers who have not answered', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      await toDrafting(handle);
      const inReview = await act(handle, 'solution', actors.assignee, reviewed);
      await act(handle, 'review', actors.colleague, { area: 'technical', approved: true });
      await sleepUntil(server.env, pendingOf(inReview, 'review').dueAt, 1_000);
      await stateWhen(handle, () => fake.templates().includes('deadline-escalation'));
      // The reminder at 80% went to the reviewer still owing an answer.
      expect(fake.mailsOf('deadline-reminder').find((m) => m.facts.deadline === 'review')?.recipients).toEqual([{ kind: 'agent', agentId: 'A-LEGAL' }]);
      expect(fake.mailsOf('deadline-escalation').find((m) => m.facts.deadline === 'review')).toMatchObject({
        recipients: [{ kind: 'groupLead', groupId: 'technical_support' }],
        facts: { deadline: 'review', pendingReviewers: 'A-LEGAL' },
      });
    });
  });

  it('returns to drafting on a revision request; the re-presented solution is a new revision and the old link is stale', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      await toDrafting(handle);
      await act(handle, 'solution', actors.assignee, solutionBody);
      const revise = await act(handle, 'revise-solution', actors.customer, { comment: '希望本周内完成' }, { document: { name: 'solution', revision: 1 } });
      expect([revise.subStage, revise.solution?.state, revise.solution?.customerComment]).toEqual(['drafting', 'revision_requested', '希望本周内完成']);
      expect(statesOf(revise, 'solution')).toEqual(['met', 'pending']);
      const again = await act(handle, 'solution', actors.assignee, { ...solutionBody, steps: ['加急上门', '更换电源模块'] });
      expect(again.solution?.revision).toBe(2);
      expect((await failureOf(act(handle, 'agree-solution', actors.customer, {}, { document: { name: 'solution', revision: 1 } }))).type).toBe('StaleDocument');
      const agreed = await act(handle, 'agree-solution', actors.customer, {}, { document: { name: 'solution', revision: 2 } });
      expect(agreed.stage).toBe('in_progress');
      expect(await acceptedUpdates(handle)).toBe(7);
    });
  });

  it('reminds the customer when the agreement window passes, tells the assignee to call, and keeps waiting', async () => {
    const fake = fakeActivities();
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      await toDrafting(handle);
      const presented = await act(handle, 'solution', actors.assignee, solutionBody);
      const agreement = pendingOf(presented, 'solutionAgreement');
      await sleepUntil(server.env, agreement.dueAt, 1_000);
      await stateWhen(handle, () => fake.templates().includes('customer-reminder') && fake.templates().includes('deadline-escalation'));
      expect(fake.mailsOf('customer-reminder')[0]).toMatchObject({
        recipients: [{ kind: 'customer', customerId: 'C-TEST-0001' }],
        facts: { deadline: 'solutionAgreement', dueAt: agreement.dueAt, link: 'solution', revision: 1 },
      });
      expect(fake.mailsOf('deadline-escalation')[0]).toMatchObject({ recipients: [{ kind: 'agent', agentId: 'A-ASSIGNEE' }], facts: { deadline: 'solutionAgreement' } });
      const waiting = (await handle.query(stateQuery)) as RequestDocument;
      expect(waiting.subStage).toBe('presented');
      // A customer-side deadline never makes the request overdue for staff.
      expect((await handle.describe()).typedSearchAttributes.get(SearchAttribute.Overdue)).toBe(false);
      const agreed = await act(handle, 'agree-solution', actors.customer, {}, { document: { name: 'solution', revision: 1 } });
      expect(agreed.stage).toBe('in_progress');
      expect(statesOf(agreed, 'solutionAgreement')).toEqual(['missed']);
    });
  });

  it('counts three void sheets by the policy: a policy of one closes at the first', async () => {
    const fake = fakeActivities({ policy: policySnapshot((p) => void (p.voidSheetsBeforeUnconfirmed = 1)) });
    await withRequest(server.env, server.bundle, fake.activities, complexFault, async (handle) => {
      await toAnalysis(handle);
      const issued = await act(handle, 'requirement-sheet', actors.assignee, sheetBody);
      await sleepUntil(server.env, pendingOf(issued, 'confirmation').dueAt, 1_000);
      const closed = await stateWhen(handle, (d) => d.status === 'unconfirmed');
      expect(closed.voidSheets).toBe(1);
      await stateWhen(handle, () => fake.templates().includes('closure'));
      expect(fake.templates()).not.toContain('void-sheet');
    });
  });
});
