/**
 * The complex path over HTTP on real parts (dev server, worker, API,
 * PostgreSQL, SMTP sink): sheet, confirmation, solution with named people
 * checked against the agents table, agreement, tasks, delivery, acceptance,
 * callback and closing — the e-mails each step sends, the read model, the
 * archive row and the agents' load; and what the run leaves in PostgreSQL
 * once the request is closed and archived: its timeline (stage changes,
 * actions and who took them, deadlines armed and settled, one event per mail
 * the sink received), the request row, tasks, feedback, and the archive row
 * with the timeline and, for a complaint, the root-cause review.
 */
import type { ComplaintReviewDocument } from '../../contracts/complaint-review';
import type { RequestDocument, Stage, SubStage } from '../../contracts/request';
import { complaintReviewWorkflowId, requestWorkflowId, SearchAttribute } from '../../contracts/temporal';
import type { TimelineActor, TimelineData } from '../../contracts/timeline';
import { intakeBody, startStack, type Stack } from '../support/stack';
import { quietTemporalLogs } from '../support/temporal';

let stack: Stack;
let tokens: { intake: string; supervisor: string; assignee: string; coHandler: string };

const ASSIGNEE = { id: 'A-100', name: '测试专员甲', email: 'assignee@service.example', group: 'technical_support' };
const CO_HANDLER = { id: 'A-200', name: '测试协办人', email: 'cohandler@service.example', group: 'after_sales', reviewerAreas: ['technical'] };
const COMPLAINTS_AGENT = { id: 'A-300', name: '测试投诉专员', email: 'complaints@service.example', group: 'complaints' };
const CUSTOMER = { id: 'C-PATH-0001', name: '测试客户', email: 'path.customer@example.com', phone: '+86 100 0000 0101', tier: 'standard' };

async function issue(grant: Record<string, unknown>): Promise<string> {
  const response = await stack.call('POST', '/api/tokens', { token: stack.adminToken, body: grant });
  expect(response.status).toBe(201);
  return response.body.token as string;
}

async function act(token: string, id: string, action: string, body: Record<string, unknown>) {
  return stack.call('POST', `/api/requests/${id}/actions/${action}`, { token, body });
}

async function expectOk(token: string, id: string, action: string, body: Record<string, unknown>) {
  const response = await act(token, id, action, body);
  expect({ action, status: response.status, error: response.body.error }).toEqual({ action, status: 200, error: undefined });
  return response.body;
}

const mailTo = (address: string, id: string, template: string) =>
  stack.mail.waitFor((m) => m.envelopeTo.includes(address) && m.subject.includes(id) && m.headers['x-notification-template'] === template);

/** Where each recipient id of a mail event receives its mail. */
const ADDRESSES: Record<string, string[]> = {
  [CUSTOMER.id]: [CUSTOMER.email],
  'C-PATH-0002': [CUSTOMER.email],
  [ASSIGNEE.id]: [ASSIGNEE.email],
  [CO_HANDLER.id]: [CO_HANDLER.email],
  [COMPLAINTS_AGENT.id]: [COMPLAINTS_AGENT.email],
  supervisors: ['supervisors@service.example'],
};

/** Who took an action, as the timeline records it: staff always, with the channel when they recorded the customer's word. */
const staffActor = (byRole: string, byAgentId: string | null, recordedFrom: 'phone' | null = null): TimelineActor => ({
  byKind: 'staff',
  byRole,
  byAgentId,
  recordedFrom,
});
const BY_ASSIGNEE = staffActor('agent', ASSIGNEE.id);
const BY_CO_HANDLER = staffActor('agent', CO_HANDLER.id);
const BY_COMPLAINTS_AGENT = staffActor('agent', COMPLAINTS_AGENT.id);
/** A service representative (intake) on the callback. */
const BY_DESK = staffActor('intake', null);
/** A service representative recording what the customer said on the phone. */
const BY_PHONE = staffActor('intake', null, 'phone');

interface TimelineRow {
  key: string;
  at: string;
  type: string;
  actor: TimelineActor | null;
  data: TimelineData;
}

/** What a closed request left in PostgreSQL: its timeline in the archive's order (at, id), its row, tasks, feedback and archive row. */
async function recordsOf(id: string) {
  const events = await stack.db
    .selectFrom('timeline_events')
    .select(['key', 'at', 'type', 'actor', 'data'])
    .where('request_id', '=', id)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return {
    timeline: events.map((e): TimelineRow => ({ key: e.key, at: e.at.toISOString(), type: e.type, actor: e.actor as TimelineActor | null, data: e.data as TimelineData })),
    request: await stack.db
      .selectFrom('requests')
      .select(['status', 'stage', 'sub_stage', 'closed_at', 'version', 'overdue', 'assignee_id', 'group_id'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow(),
    tasks: await stack.db.selectFrom('tasks').selectAll().where('request_id', '=', id).orderBy('task_id').execute(),
    feedback: await stack.db.selectFrom('feedback').selectAll().where('request_id', '=', id).orderBy('kind').orderBy('recorded_at').execute(),
    archived: await stack.db.selectFrom('archived_requests').selectAll().where('request_id', '=', id).executeTakeFirstOrThrow(),
  };
}

/** The stage_changed data of a path through the stages: each step from the one before it, the first from nothing. */
function stagePath(...path: [Stage, SubStage | null][]): TimelineData[] {
  return path.map(([to, subStage], i) => ({ from: path[i - 1]?.[0] ?? null, fromSubStage: path[i - 1]?.[1] ?? null, to, subStage }));
}

/** The action events, oldest first: which action, when, and who took it. */
function actionsOf(timeline: TimelineRow[]): { action: string; at: string; actor: TimelineActor | null }[] {
  return timeline.filter((e) => e.type === 'action').map((e) => ({ action: String(e.data.action), at: e.at, actor: e.actor }));
}

/** A mail event as `template→recipientId`. */
const mailOf = (e: TimelineRow): string => `${e.data.template}→${e.data.recipientId}`;

const DEADLINE_EVENTS = new Set(['deadline_armed', 'deadline_met', 'deadline_missed', 'deadline_cancelled', 'reminder']);

/**
 * What every closed request's timeline shows, whatever its path: the
 * workflow's events numbered wf:1..n without a gap, in time order; an actor
 * on actions only, each action its own Update; one deadline event for each
 * arming, reminder and settling the final document records, at the instant
 * it records; one notification_sent per mail the sink received for the
 * request (same Message-ID, template and recipient's mailbox); and no
 * address anywhere but inside a Message-ID. Returns the mails sent, sorted.
 */
function expectTimelineOf(id: string, timeline: TimelineRow[], final: RequestDocument): string[] {
  expect(timeline.filter((e) => !/^(wf|mail):/.test(e.key))).toEqual([]);
  const workflow = timeline.filter((e) => e.key.startsWith('wf:'));
  expect(workflow.map((e) => e.key)).toEqual(workflow.map((_, i) => `wf:${i + 1}`));
  expect(workflow.filter((e) => (e.type === 'action') !== (e.actor !== null))).toEqual([]);
  expect(workflow.filter((e) => e.type === 'notification_sent')).toEqual([]);
  // Nothing escalated, and every notification made and accepted by the sink.
  expect(timeline.filter((e) => ['escalation', 'notification_failed', 'notification_rejected'].includes(e.type))).toEqual([]);
  const updateIds = workflow.filter((e) => e.type === 'action').map((e) => e.data.updateId);
  expect(updateIds.every((u) => typeof u === 'string' && u !== '')).toBe(true);
  expect(new Set(updateIds).size).toBe(updateIds.length);

  const order = (e: { type: string; at: string; data: TimelineData }) => [e.type, e.at, e.data.deadline, e.data.taskId, e.data.dueAt].join('|');
  const byOrder = (a: { type: string; at: string; data: TimelineData }, b: { type: string; at: string; data: TimelineData }) => order(a).localeCompare(order(b));
  const recorded = workflow.filter((e) => DEADLINE_EVENTS.has(e.type)).map(({ type, at, data }) => ({ type, at, data }));
  const implied = final.deadlines.flatMap((d) => {
    const data = { deadline: d.name, dueAt: d.dueAt, owedBy: d.owedBy, taskId: d.taskId ?? null };
    return [
      { type: 'deadline_armed', at: d.armedAt, data },
      ...(d.remindedAt === null ? [] : [{ type: 'reminder', at: d.remindedAt, data }]),
      ...(d.settledAt === null ? [] : [{ type: `deadline_${d.state}`, at: d.settledAt, data }]),
    ];
  });
  expect(recorded.sort(byOrder)).toEqual(implied.sort(byOrder));

  const mails = timeline.filter((e) => e.type === 'notification_sent');
  const received = stack.mail.messages().filter((m) => m.headers['x-request-id'] === id);
  expect(mails.map((e) => String(e.data.messageId)).sort()).toEqual(received.map((m) => String(m.messageId)).sort());
  for (const { actor, data } of mails) {
    const mail = received.find((m) => m.messageId === data.messageId);
    expect({ actor, template: mail?.headers['x-notification-template'], to: mail?.envelopeTo, kind: data.recipientKind }).toEqual({
      actor: null,
      template: data.template,
      to: ADDRESSES[String(data.recipientId)],
      kind: data.recipientId === final.customer.id ? 'customer' : 'staff',
    });
  }

  for (const { actor, data } of timeline) {
    const { messageId, ...rest } = data;
    if (messageId !== undefined) expect(messageId).toMatch(/^<[0-9a-f]{64}@[^@<>]+>$/);
    expect(JSON.stringify([actor, rest])).not.toContain('@');
  }
  return mails.map(mailOf).sort();
}

/**
 * The archive's timeline is the table's as it stood at archiving, in the same
 * order: every workflow event (the closing's were written before archiving),
 * and the mails marked sent by then. Returns the mails it lacks — marked
 * after its read — in the table's order.
 */
function mailsAfterArchiving(copy: unknown, timeline: TimelineRow[]): TimelineRow[] {
  const archived = copy as Omit<TimelineRow, 'key'>[];
  const archivedMails = new Set(archived.filter((e) => e.type === 'notification_sent').map((e) => e.data.messageId));
  const later = (e: TimelineRow) => e.type === 'notification_sent' && !archivedMails.has(e.data.messageId!);
  expect(archived).toEqual(timeline.filter((e) => !later(e)).map(({ at, type, actor, data }) => ({ at, type, actor, data })));
  return timeline.filter(later);
}

beforeAll(async () => {
  quietTemporalLogs();
  stack = await startStack();
  for (const agent of [ASSIGNEE, CO_HANDLER, COMPLAINTS_AGENT]) {
    expect((await stack.call('POST', '/api/agents', { token: stack.adminToken, body: agent })).status).toBe(201);
  }
  tokens = {
    intake: await issue({ role: 'intake' }),
    supervisor: await issue({ role: 'supervisor' }),
    assignee: await issue({ role: 'agent', agentId: ASSIGNEE.id }),
    coHandler: await issue({ role: 'agent', agentId: CO_HANDLER.id }),
  };
});

afterAll(async () => {
  await stack?.close();
});

describe('a complex request over HTTP', () => {
  it('runs from sheet to closing, mailing each document, and archives the closed record', async () => {
    const posted = await stack.call('POST', '/api/requests', { token: tokens.intake, body: intakeBody({ customer: CUSTOMER }) });
    expect(posted.status).toBe(201);
    const id: string = posted.body.id;
    expect(posted.body.assignee.id).toBe(ASSIGNEE.id);
    await expectOk(tokens.assignee, id, 'acknowledge', {});

    const sheet = await expectOk(tokens.assignee, id, 'requirement-sheet', { description: '设备无法开机（合成数据）', goal: '恢复使用', customerObligations: '提供购买凭证' });
    expect(sheet.stage).toBe('awaiting_confirmation');
    const sheetMail = await mailTo(CUSTOMER.email, id, 'requirement-sheet');
    expect(sheetMail.text).toContain('设备无法开机（合成数据）');
    expect(sheetMail.text).toMatch(/\/c\/[\w-]+\.[\w-]+/);
    // The customer confirms on the phone; a service representative records it.
    await expectOk(tokens.intake, id, 'confirm', { recordedFrom: 'phone' });

    const badPeople = await act(tokens.assignee, id, 'solution', {
      steps: ['上门检测'],
      tasks: [{ title: '更换电源', ownerId: 'A-NOBODY', dueAt: '2027-01-10T10:00:00+08:00' }],
      complex: true,
      reviewers: [{ area: 'legal', agentId: CO_HANDLER.id }],
    });
    expect(badPeople.status).toBe(400);
    expect(badPeople.body.error.issues).toEqual([
      { path: 'tasks.0.ownerId', message: 'no active agent A-NOBODY' },
      { path: 'reviewers.0.area', message: `${CO_HANDLER.id} does not review legal` },
    ]);

    const inReview = await expectOk(tokens.assignee, id, 'solution', {
      steps: ['上门检测', '更换电源模块'],
      risks: [{ risk: '配件缺货', mitigation: '调拨备件' }],
      tasks: [{ title: '更换电源模块', ownerId: CO_HANDLER.id, dueAt: '2027-01-10T10:00:00+08:00' }],
      complex: true,
      reviewers: [{ area: 'technical', agentId: CO_HANDLER.id }],
    });
    expect(inReview.subStage).toBe('in_review');
    await mailTo(CO_HANDLER.email, id, 'review-request');
    await expectOk(tokens.coHandler, id, 'review', { area: 'technical', approved: true });
    const solutionMail = await mailTo(CUSTOMER.email, id, 'solution');
    expect(solutionMail.text).toContain('更换电源模块');
    expect(solutionMail.text).not.toContain(CO_HANDLER.id);

    const working = await expectOk(tokens.intake, id, 'agree-solution', { recordedFrom: 'phone' });
    expect([working.stage, working.subStage]).toEqual(['in_progress', 'working']);
    await mailTo(CO_HANDLER.email, id, 'task-assigned');
    await expectOk(tokens.coHandler, id, 'accept-task', { taskId: 'T1' });
    await expectOk(tokens.assignee, id, 'progress', { note: '已上门检测', percent: 50 });
    const early = await act(tokens.assignee, id, 'delivery', { summary: '已修复', verification: '开机自检' });
    expect(early.status).toBe(409);
    await expectOk(tokens.coHandler, id, 'complete-task', { taskId: 'T1', note: '已更换' });
    const delivered = await expectOk(tokens.assignee, id, 'delivery', { summary: '已修复', verification: '开机自检' });
    expect(delivered.stage).toBe('awaiting_acceptance');
    await mailTo(CUSTOMER.email, id, 'delivery');

    const followUp = await expectOk(tokens.intake, id, 'accept', { recordedFrom: 'phone', comment: '已恢复' });
    expect([followUp.stage, followUp.resolution]).toEqual(['follow_up', 'delivered']);
    await mailTo(CUSTOMER.email, id, 'questionnaire');
    const closed = await expectOk(tokens.intake, id, 'callback', {
      resolved: true,
      ratings: { responseSpeed: 5, resolution: 5, attitude: 5, professionalism: 4 },
      verdict: 'satisfied',
      nps: 10,
    });
    expect([closed.status, closed.stage, closed.followUp]).toEqual(['completed', 'closed', 'done']);
    await mailTo(CUSTOMER.email, id, 'closure');
    const final: RequestDocument = await stack.temporal.client.workflow.getHandle(requestWorkflowId(id)).result();

    const { timeline, request, tasks, feedback, archived } = await recordsOf(id);
    expect(archived).toMatchObject({ status: 'completed', resolution: 'delivered', follow_up: 'done', assignee_id: ASSIGNEE.id });
    const record = archived.document as { deadlines: { name: string; state: string }[]; solution: { tasks: { completedAt: string | null }[] } };
    expect(record.deadlines.map((d) => d.name)).toEqual(expect.arrayContaining(['firstResponse', 'requirementSheet', 'confirmation', 'solution', 'review', 'solutionAgreement', 'execution', 'acceptance', 'callback']));
    expect(record.solution.tasks[0]!.completedAt).not.toBeNull();
    const load = await stack.db.selectFrom('agents').select('open_requests').where('id', '=', ASSIGNEE.id).executeTakeFirstOrThrow();
    expect(load.open_requests).toBe(0);
    const { searchAttributes } = await stack.temporal.client.workflow.getHandle(requestWorkflowId(id)).describe();
    expect(searchAttributes[SearchAttribute.RequestStatus.name]).toEqual(['completed']);

    // The timeline: the stages the run went through, the twelve actions the workflow accepted (not the 400 nor the 409) by whom they were taken.
    expect(timeline.filter((e) => e.type === 'stage_changed').map((e) => e.data)).toEqual(
      stagePath(
        ['received', null],
        ['assigned', null],
        ['analysis', null],
        ['awaiting_confirmation', null],
        ['solution_design', 'drafting'],
        ['solution_design', 'in_review'],
        ['solution_design', 'presented'],
        ['in_progress', 'working'],
        ['awaiting_acceptance', null],
        ['follow_up', 'awaiting_feedback'],
        ['closed', null],
      ),
    );
    const actions = actionsOf(timeline);
    expect(actions.map(({ action, actor }) => [action, actor])).toEqual([
      ['acknowledge', BY_ASSIGNEE],
      ['requirement-sheet', BY_ASSIGNEE],
      ['confirm', BY_PHONE],
      ['solution', BY_ASSIGNEE],
      ['review', BY_CO_HANDLER],
      ['agree-solution', BY_PHONE],
      ['accept-task', BY_CO_HANDLER],
      ['progress', BY_ASSIGNEE],
      ['complete-task', BY_CO_HANDLER],
      ['delivery', BY_ASSIGNEE],
      ['accept', BY_PHONE],
      ['callback', BY_DESK],
    ]);
    const at = Object.fromEntries(actions.map((a) => [a.action, a.at]));
    // Every deadline of the path met; the progress duty met if the update fell on its working day, the open one withdrawn at delivery.
    expect(final.deadlines.filter((d) => d.name !== 'dailyProgress').map((d) => [d.name, d.state, d.owedBy, d.taskId ?? null])).toEqual([
      ['firstResponse', 'met', ASSIGNEE.id, null],
      ['requirementSheet', 'met', ASSIGNEE.id, null],
      ['confirmation', 'met', ASSIGNEE.id, null],
      ['solution', 'met', ASSIGNEE.id, null],
      ['review', 'met', ASSIGNEE.id, null],
      ['solutionAgreement', 'met', ASSIGNEE.id, null],
      ['execution', 'met', ASSIGNEE.id, null],
      ['taskAcceptance', 'met', CO_HANDLER.id, 'T1'],
      ['taskDue', 'met', CO_HANDLER.id, 'T1'],
      ['acceptance', 'met', ASSIGNEE.id, null],
      ['callback', 'met', null, null],
    ]);
    expect([['cancelled'], ['met', 'cancelled']]).toContainEqual(final.deadlines.filter((d) => d.name === 'dailyProgress').map((d) => d.state));
    expect(final.deadlines.find((d) => d.name === 'taskDue')?.dueAt).toBe('2027-01-10T02:00:00.000Z');
    const mails = expectTimelineOf(id, timeline, final);
    expect(mails).toEqual(
      [
        `receipt-notice→${CUSTOMER.id}`,
        `assignment→${ASSIGNEE.id}`,
        `first-response→${CUSTOMER.id}`,
        `requirement-sheet→${CUSTOMER.id}`,
        `review-request→${CO_HANDLER.id}`,
        `solution→${CUSTOMER.id}`,
        `task-assigned→${CO_HANDLER.id}`,
        `delivery→${CUSTOMER.id}`,
        `questionnaire→${CUSTOMER.id}`,
        `closure→${CUSTOMER.id}`,
        `closure→${ASSIGNEE.id}`,
      ].sort(),
    );
    const readMails = [sheetMail, solutionMail, await mailTo(CUSTOMER.email, id, 'closure'), await mailTo(ASSIGNEE.email, id, 'closure')];
    expect(timeline.filter((e) => readMails.some((m) => m.messageId === e.data.messageId)).map(mailOf).sort()).toEqual(
      [`requirement-sheet→${CUSTOMER.id}`, `solution→${CUSTOMER.id}`, `closure→${CUSTOMER.id}`, `closure→${ASSIGNEE.id}`].sort(),
    );

    // The read model, the task and the callback as the run left them.
    expect(final).toMatchObject({ status: 'completed', stage: 'closed', subStage: null, closedAt: at.callback });
    expect(request).toEqual({
      status: final.status,
      stage: final.stage,
      sub_stage: null,
      closed_at: new Date(final.closedAt!),
      version: final.version,
      overdue: false,
      assignee_id: ASSIGNEE.id,
      group_id: ASSIGNEE.group,
    });
    expect(final.solution!.tasks).toEqual([
      { id: 'T1', title: '更换电源模块', ownerId: CO_HANDLER.id, dueAt: '2027-01-10T10:00:00+08:00', acceptedAt: at['accept-task'], completedAt: at['complete-task'], note: '已更换' },
    ]);
    expect(tasks).toEqual([
      {
        request_id: id,
        task_id: 'T1',
        solution_revision: 1,
        title: '更换电源模块',
        owner_id: CO_HANDLER.id,
        due_at: new Date('2027-01-10T10:00:00+08:00'),
        accepted_at: new Date(at['accept-task']!),
        completed_at: new Date(at['complete-task']!),
        note: '已更换',
        current: true,
        updated_at: expect.any(Date),
      },
    ]);
    expect(feedback).toEqual([
      {
        request_id: id,
        kind: 'callback',
        recorded_at: new Date(at.callback!),
        by_role: 'intake',
        by_agent_id: null,
        rating: null,
        resolved: true,
        response_speed: 5,
        resolution: 5,
        attitude: 5,
        professionalism: 4,
        verdict: 'satisfied',
        nps: 10,
        shortfalls: null,
        comment: null,
      },
    ]);

    // The archive: the final document, the timeline as it stood (the closure mails go after archiving), no complaint review.
    expect({ document: archived.document, version: archived.version, complaintReview: archived.complaint_review }).toEqual({
      document: final,
      version: final.version,
      complaintReview: null,
    });
    // Every earlier mail was awaited before the closing: the archive's copy is the table's list but for its tail, the closure mails.
    const afterArchiving = mailsAfterArchiving(archived.timeline, timeline);
    expect(afterArchiving.map(mailOf).sort()).toEqual([`closure→${ASSIGNEE.id}`, `closure→${CUSTOMER.id}`].sort());
    expect(timeline.slice(-afterArchiving.length)).toEqual(afterArchiving);
  });

  it('takes a closed complaint’s root cause through the same action route, once', async () => {
    const posted = await stack.call('POST', '/api/requests', {
      token: tokens.intake,
      body: intakeBody({ customer: { ...CUSTOMER, id: 'C-PATH-0002' }, type: 'complaint', complexity: 'simple', emotion: 'dissatisfied' }),
    });
    expect(posted.status).toBe(201);
    const id: string = posted.body.id;
    expect(posted.body.assignee.id).toBe(COMPLAINTS_AGENT.id);
    const complaintsAgent = await issue({ role: 'agent', agentId: COMPLAINTS_AGENT.id });
    const rootCause = { cause: 'process_gap', analysis: '转接流程缺失（合成数据）', correctiveAction: '增加兜底规则' };
    const tooEarly = await act(tokens.supervisor, id, 'root-cause', rootCause);
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body.error).toMatchObject({ code: 'invalid_transition', stage: 'assigned' });

    await expectOk(complaintsAgent, id, 'resolve', { answer: '已致歉并补发配件' });
    await expectOk(tokens.intake, id, 'callback', { resolved: true, ratings: { responseSpeed: 4, resolution: 4, attitude: 5, professionalism: 4 }, verdict: 'satisfied' });
    const final: RequestDocument = await stack.temporal.client.workflow.getHandle(requestWorkflowId(id)).result();
    await stack.mail.waitFor((m) => m.envelopeTo.includes('supervisors@service.example') && m.subject.includes(id) && m.headers['x-notification-template'] === 'complaint-review-request');
    const unreviewed = await stack.db.selectFrom('archived_requests').select('complaint_review').where('request_id', '=', id).executeTakeFirstOrThrow();
    expect(unreviewed.complaint_review).toBeNull();

    const byAgent = await act(complaintsAgent, id, 'root-cause', rootCause);
    expect(byAgent.status).toBe(403);
    const recorded = await expectOk(tokens.supervisor, id, 'root-cause', rootCause);
    expect(recorded).toMatchObject({ id, status: 'completed', stage: 'closed', complaintReview: { review: { cause: 'process_gap' }, deadline: { state: 'met' } } });
    // The review's workflow records the review after the Update has answered; its end says it has.
    const review: ComplaintReviewDocument = await stack.temporal.client.workflow.getHandle(complaintReviewWorkflowId(id)).result();
    const row = await stack.db.selectFrom('complaint_reviews').selectAll().where('request_id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'met', cause: 'process_gap', reviewed_by_role: 'supervisor' });
    const again = await act(tokens.supervisor, id, 'root-cause', rootCause);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'invalid_transition', stage: 'closed', allowed: [] });

    const { timeline, request, tasks, feedback, archived } = await recordsOf(id);
    // Resolved at first contact: from assigned straight to the follow-up; the root cause is the review's, not the request's timeline.
    expect(timeline.filter((e) => e.type === 'stage_changed').map((e) => e.data)).toEqual(
      stagePath(['received', null], ['assigned', null], ['follow_up', 'awaiting_feedback'], ['closed', null]),
    );
    const actions = actionsOf(timeline);
    expect(actions.map(({ action, actor }) => [action, actor])).toEqual([
      ['resolve', BY_COMPLAINTS_AGENT],
      ['callback', BY_DESK],
    ]);
    const callbackAt = actions[1]!.at;
    expect(final.deadlines.map((d) => [d.name, d.state, d.owedBy])).toEqual([
      ['firstResponse', 'met', COMPLAINTS_AGENT.id],
      ['callback', 'met', null],
    ]);
    const mails = expectTimelineOf(id, timeline, final);
    // Closed right after the answer: the first-response and questionnaire mails may be overtaken by the closing.
    const mayBeOvertaken = [`first-response→C-PATH-0002`, `questionnaire→C-PATH-0002`];
    expect(mails.filter((m) => !mayBeOvertaken.includes(m))).toEqual(
      [`receipt-notice→C-PATH-0002`, `assignment→${COMPLAINTS_AGENT.id}`, `closure→C-PATH-0002`, `closure→${COMPLAINTS_AGENT.id}`, 'complaint-review-request→supervisors'].sort(),
    );

    expect(final).toMatchObject({ status: 'completed', stage: 'closed', resolution: 'first_contact', followUp: 'done', closedAt: callbackAt });
    expect(request).toEqual({
      status: final.status,
      stage: final.stage,
      sub_stage: null,
      closed_at: new Date(final.closedAt!),
      version: final.version,
      overdue: false,
      assignee_id: COMPLAINTS_AGENT.id,
      group_id: COMPLAINTS_AGENT.group,
    });
    expect(tasks).toEqual([]);
    expect(feedback).toEqual([
      {
        request_id: id,
        kind: 'callback',
        recorded_at: new Date(callbackAt),
        by_role: 'intake',
        by_agent_id: null,
        rating: null,
        resolved: true,
        response_speed: 4,
        resolution: 4,
        attitude: 5,
        professionalism: 4,
        verdict: 'satisfied',
        nps: null,
        shortfalls: null,
        comment: null,
      },
    ]);

    // The archive: the final document, the timeline as it stood, and now the review the supervisor recorded.
    expect({ document: archived.document, version: archived.version }).toEqual({ document: final, version: final.version });
    // Mails still on their way at the closing (the assignment's, say) may be marked sent after the archive read the timeline.
    const afterArchiving = mailsAfterArchiving(archived.timeline, timeline).map(mailOf);
    expect(afterArchiving).toEqual(expect.arrayContaining([`closure→C-PATH-0002`, `closure→${COMPLAINTS_AGENT.id}`, 'complaint-review-request→supervisors']));
    expect(archived.complaint_review).toEqual(review);
    expect(review).toMatchObject({
      requestId: id,
      closedAt: final.closedAt,
      deadline: { name: 'complaintReview', state: 'met' },
      review: { ...rootCause, byKind: 'staff', byRole: 'supervisor', byAgentId: null, recordedFrom: null },
    });
  });
});
