/**
 * The complex path over HTTP on real parts (dev server, worker, API,
 * PostgreSQL, SMTP sink): sheet, confirmation, solution with named people
 * checked against the agents table, agreement, tasks, delivery, acceptance,
 * callback and closing — the e-mails each step sends, the read model, the
 * archive row and the agents' load.
 */
import { requestWorkflowId, SearchAttribute } from '../../contracts/temporal';
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
    await stack.temporal.client.workflow.getHandle(requestWorkflowId(id)).result();

    const archived = await stack.db.selectFrom('archived_requests').selectAll().where('request_id', '=', id).executeTakeFirstOrThrow();
    expect(archived).toMatchObject({ status: 'completed', resolution: 'delivered', follow_up: 'done', assignee_id: ASSIGNEE.id });
    const record = archived.document as { deadlines: { name: string; state: string }[]; solution: { tasks: { completedAt: string | null }[] } };
    expect(record.deadlines.map((d) => d.name)).toEqual(expect.arrayContaining(['firstResponse', 'requirementSheet', 'confirmation', 'solution', 'review', 'solutionAgreement', 'execution', 'acceptance', 'callback']));
    expect(record.solution.tasks[0]!.completedAt).not.toBeNull();
    const load = await stack.db.selectFrom('agents').select('open_requests').where('id', '=', ASSIGNEE.id).executeTakeFirstOrThrow();
    expect(load.open_requests).toBe(0);
    const { searchAttributes } = await stack.temporal.client.workflow.getHandle(requestWorkflowId(id)).describe();
    expect(searchAttributes[SearchAttribute.RequestStatus.name]).toEqual(['completed']);
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
    await stack.temporal.client.workflow.getHandle(requestWorkflowId(id)).result();
    await stack.mail.waitFor((m) => m.envelopeTo.includes('supervisors@service.example') && m.subject.includes(id) && m.headers['x-notification-template'] === 'complaint-review-request');

    const byAgent = await act(complaintsAgent, id, 'root-cause', rootCause);
    expect(byAgent.status).toBe(403);
    const recorded = await expectOk(tokens.supervisor, id, 'root-cause', rootCause);
    expect(recorded).toMatchObject({ id, status: 'completed', stage: 'closed', complaintReview: { review: { cause: 'process_gap' }, deadline: { state: 'met' } } });
    const row = await stack.db.selectFrom('complaint_reviews').selectAll().where('request_id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'met', cause: 'process_gap', reviewed_by_role: 'supervisor' });
    const again = await act(tokens.supervisor, id, 'root-cause', rootCause);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'invalid_transition', stage: 'closed', allowed: [] });
  });
});
