/**
 * The walking skeleton over HTTP, on real parts: the Temporal dev server, the
 * worker, the API, a PostgreSQL cluster and the SMTP sink. Assertions read
 * the database rows, the e-mails received and Temporal itself.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { Client, Connection } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import pino from 'pino';
import { startApi } from '../../api/server';
import { DEFAULT_POLICY } from '../../contracts/policy';
import { freePort } from '../../local/ports';
import { requestWorkflowId, SearchAttribute } from '../../contracts/temporal';
import { stateQuery } from '../../workflows/definitions';
import { intakeBody, startStack, type Stack } from '../support/stack';
import { closeAfterRetriesRunOut, quietTemporalLogs } from '../support/temporal';

let stack: Stack;
let intakeToken: string;
let agentToken: string;
let otherGroupAgentToken: string;

const LEAD = { id: 'A-LEAD', name: '测试组长', email: 'lead.tech@service.example', group: 'technical_support', lead: true };
const AGENT = { id: 'A-001', name: '测试专员一', email: 'agent.one@service.example', group: 'technical_support' };
const OTHER = { id: 'A-900', name: '测试专员九', email: 'agent.nine@service.example', group: 'complaints' };

async function issueToken(grant: Record<string, unknown>): Promise<string> {
  const response = await stack.call('POST', '/api/tokens', { token: stack.adminToken, body: grant });
  expect(response.status).toBe(201);
  return response.body.token as string;
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Every payload of a history, decoded: what Temporal stores, in plain text. */
function payloadText(history: unknown): string {
  const encoded = JSON.stringify(history).matchAll(/"data":"([A-Za-z0-9+/=]+)"/g);
  return [...encoded].map(([, base64]) => Buffer.from(base64!, 'base64').toString('utf8')).join('\n');
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

beforeAll(async () => {
  quietTemporalLogs();
  stack = await startStack();
});

afterAll(async () => {
  await stack?.close();
});

describe('an admin sets up agents and tokens over HTTP', () => {
  it('creates agents, lists them, and refuses a duplicate or an unknown group', async () => {
    for (const agent of [LEAD, AGENT, OTHER]) {
      const created = await stack.call('POST', '/api/agents', { token: stack.adminToken, body: agent });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: agent.id, group: agent.group, active: true, capacity: 20, openRequests: 0 });
    }
    const duplicate = await stack.call('POST', '/api/agents', { token: stack.adminToken, body: AGENT });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('conflict');
    const unknownGroup = await stack.call('POST', '/api/agents', { token: stack.adminToken, body: { ...AGENT, id: 'A-X', group: 'nowhere' } });
    expect(unknownGroup.status).toBe(400);
    expect(unknownGroup.body.error.issues).toEqual([{ path: 'group', message: 'no service group nowhere' }]);

    const listed = await stack.call('GET', '/api/agents', { token: stack.adminToken });
    expect(listed.body.items.map((a: { id: string }) => a.id)).toEqual(['A-001', 'A-900', 'A-LEAD']);
    const rows = await stack.db.selectFrom('agents').select(['id', 'lead']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'A-001', lead: false },
      { id: 'A-900', lead: false },
      { id: 'A-LEAD', lead: true },
    ]);
  });

  it('issues staff tokens that work, stores only their hash, and revokes them', async () => {
    intakeToken = await issueToken({ role: 'intake' });
    agentToken = await issueToken({ role: 'agent', agentId: AGENT.id });
    otherGroupAgentToken = await issueToken({ role: 'agent', agentId: OTHER.id });
    const stored = await stack.db.selectFrom('api_tokens').select('token_hash').execute();
    expect(stored.map((t) => t.token_hash)).toContain(sha256(intakeToken));
    expect(JSON.stringify(stored)).not.toContain(intakeToken);

    const missingAgent = await stack.call('POST', '/api/tokens', { token: stack.adminToken, body: { role: 'agent' } });
    expect(missingAgent.status).toBe(400);
    expect(missingAgent.body.error.issues[0].path).toBe('agentId');
    const byIntake = await stack.call('POST', '/api/tokens', { token: intakeToken, body: { role: 'admin' } });
    expect(byIntake.status).toBe(403);

    const doomed = await stack.call('POST', '/api/tokens', { token: stack.adminToken, body: { role: 'supervisor' } });
    expect((await stack.call('GET', '/api/agents', { token: doomed.body.token })).status).toBe(200);
    expect((await stack.call('DELETE', `/api/tokens/${doomed.body.id}`, { token: stack.adminToken })).status).toBe(204);
    const revoked = await stack.call('GET', '/api/agents', { token: doomed.body.token });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe('unauthenticated');
  });
});

describe('a request taken in over HTTP', () => {
  let requestId: string;

  it('is recorded, assigned and acknowledged to the customer by e-mail, and shows in Temporal', async () => {
    const posted = await stack.call('POST', '/api/requests', { token: intakeToken, body: intakeBody() });
    expect(posted.status).toBe(201);
    requestId = posted.body.id;
    expect(requestId).toMatch(/^R-\d{4}-000001$/);
    expect(posted.headers.get('location')).toBe(`/api/requests/${requestId}`);
    expect(posted.body).toMatchObject({
      stage: 'assigned',
      status: 'open',
      priority: 'P2',
      customer: { id: 'C-TEST-0001', tier: 'standard', name: '测试客户甲', email: 'customer.a@example.com' },
      assignee: { id: AGENT.id, group: 'technical_support', name: AGENT.name },
      policyVersion: 1,
    });
    expect(posted.body.deadlines).toEqual([expect.objectContaining({ name: 'firstResponse', state: 'pending' })]);
    // Times carry the business time zone's offset.
    expect(posted.body.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+08:00$/);
    expect(posted.body.deadlines[0].dueAt).toMatch(/\+08:00$/);

    const row = await stack.db.selectFrom('requests').selectAll().where('id', '=', requestId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ customer_id: 'C-TEST-0001', type: 'fault', priority: 'P2', assignee_id: AGENT.id, group_id: 'technical_support' });
    const customer = await stack.db.selectFrom('customers').selectAll().where('id', '=', 'C-TEST-0001').executeTakeFirstOrThrow();
    expect(customer).toMatchObject({ name: '测试客户甲', email: 'customer.a@example.com', tier: 'standard', language: 'zh-CN' });
    const load = await stack.db.selectFrom('agents').select('open_requests').where('id', '=', AGENT.id).executeTakeFirstOrThrow();
    expect(load.open_requests).toBe(1);

    const receipt = await stack.mail.waitFor((m) => m.subject.includes(requestId) && m.envelopeTo.includes('customer.a@example.com'));
    expect(receipt.subject).toBe(`【受理通知】您的需求 ${requestId} 已受理`);
    expect(receipt.text).toContain('专人将尽快联系');
    expect(receipt.messageId).toBe(`<${sha256(`${requestId}:1:receipt-notice:C-TEST-0001`)}@service.example>`);
    const assignment = await stack.mail.waitFor((m) => m.envelopeTo.includes(AGENT.email) && m.subject.includes(requestId));
    expect(assignment.subject).toContain('已分配给您');
    // Marked sent after the server's 250, a moment after the sink has the message.
    const sent = await eventually(
      () => stack.db.selectFrom('notifications').select(['template', 'recipient_id', 'status']).where('request_id', '=', requestId).orderBy('created_at').execute(),
      (rows) => rows.every((r) => r.status === 'sent'),
    );
    expect(sent).toEqual([
      { template: 'receipt-notice', recipient_id: 'C-TEST-0001', status: 'sent' },
      { template: 'assignment', recipient_id: AGENT.id, status: 'sent' },
    ]);

    const handle = stack.temporal.client.workflow.getHandle(requestWorkflowId(requestId));
    const description = await handle.describe();
    expect(description.type).toBe('customerRequest');
    expect(description.taskQueue).toBe('customer-requests');
    expect(await description.staticSummary()).toBe(`[P2] fault · technical_support · ${requestId}`);
    expect(description.searchAttributes[SearchAttribute.AssignedAgent.name]).toEqual([AGENT.id]);
    const listed = await eventually(
      async () => {
        const found: string[] = [];
        for await (const wf of stack.temporal.client.workflow.list({ query: `RequestStage = "assigned" AND AssignedGroup = "technical_support"` })) {
          found.push(wf.workflowId);
        }
        return found;
      },
      (found) => found.includes(requestWorkflowId(requestId)),
    );
    expect(listed).toContain(requestWorkflowId(requestId));

    // Temporal holds ids, never contact data.
    const history = payloadText(await handle.fetchHistory());
    for (const personal of ['测试客户甲', 'customer.a@example.com', '+86 100 0000 0001', AGENT.email, AGENT.name]) {
      expect(history).not.toContain(personal);
    }
    // The positive control: the decoding works, and ids are there.
    expect(history).toContain('"customerId":"C-TEST-0001"');
  });

  it('answers GET through the state query, with contact data for staff in scope only', async () => {
    const byAdmin = await stack.call('GET', `/api/requests/${requestId}`, { token: stack.adminToken });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.customer).toMatchObject({ id: 'C-TEST-0001', phone: '+86 100 0000 0001' });
    expect(byAdmin.headers.get('etag')).toBe(`"${byAdmin.body.version}"`);
    expect((await stack.call('GET', `/api/requests/${requestId}`, { token: agentToken })).status).toBe(200);
    const outOfScope = await stack.call('GET', `/api/requests/${requestId}`, { token: otherGroupAgentToken });
    expect(outOfScope.status).toBe(403);
    expect(outOfScope.body.error.code).toBe('forbidden');
    expect(JSON.stringify(outOfScope.body)).not.toContain('测试客户甲');
    const unknown = await stack.call('GET', '/api/requests/R-2026-999999', { token: stack.adminToken });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    const malformed = await stack.call('GET', '/api/requests/not-an-id', { token: stack.adminToken });
    expect(malformed.status).toBe(400);
    expect((await stack.call('GET', `/api/requests/${requestId}`)).status).toBe(401);
  });

  it('takes the assignee’s acknowledgement as an Update, and refuses it from others, twice, or against a stale version', async () => {
    const stale = await stack.call('GET', `/api/requests/${requestId}`, { token: agentToken });
    const outsider = await stack.call('POST', `/api/requests/${requestId}/actions/acknowledge`, { token: otherGroupAgentToken, body: {} });
    expect(outsider.status).toBe(403);
    const byIntake = await stack.call('POST', `/api/requests/${requestId}/actions/acknowledge`, { token: intakeToken, body: {} });
    expect(byIntake.status).toBe(403);
    const badBody = await stack.call('POST', `/api/requests/${requestId}/actions/acknowledge`, { token: agentToken, body: { note: 42 } });
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.issues[0].path).toBe('note');
    const unknownAction = await stack.call('POST', `/api/requests/${requestId}/actions/teleport`, { token: agentToken, body: {} });
    expect(unknownAction.status).toBe(404);
    // Every action of api.md is routed and its body validated; those of later stages answer 409.
    const badRating = await stack.call('POST', `/api/requests/${requestId}/actions/rate-first-contact`, { token: intakeToken, body: { rating: 6, recordedFrom: 'phone' } });
    expect(badRating.status).toBe(400);
    expect(badRating.body.error.issues[0].path).toBe('rating');
    const complexWithoutReviewers = await stack.call('POST', `/api/requests/${requestId}/actions/solution`, { token: agentToken, body: { steps: ['a'], complex: true } });
    expect(complexWithoutReviewers.status).toBe(400);
    const interventionByAgent = await stack.call('POST', `/api/requests/${requestId}/actions/intervention`, { token: agentToken, body: { plan: 'x', reopen: false } });
    expect(interventionByAgent.status).toBe(403);
    // A customer's confirmation, recorded from the phone, has no sheet to confirm yet.
    const confirmRecorded = await stack.call('POST', `/api/requests/${requestId}/actions/confirm`, { token: intakeToken, body: { recordedFrom: 'phone' } });
    expect(confirmRecorded.status).toBe(409);
    expect(confirmRecorded.body.error).toMatchObject({ code: 'invalid_transition', stage: 'assigned', allowed: ['cancel'] });

    const acknowledged = await stack.call('POST', `/api/requests/${requestId}/actions/acknowledge`, {
      token: agentToken,
      body: { note: '已电话联系客户' },
      headers: { 'if-match': `"${stale.body.version}"`, 'idempotency-key': `ack-${requestId}` },
    });
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body.stage).toBe('analysis');
    expect(acknowledged.body.deadlines[0].state).toBe('met');
    const retried = await stack.call('POST', `/api/requests/${requestId}/actions/acknowledge`, {
      token: agentToken,
      body: { note: '已电话联系客户' },
      headers: { 'idempotency-key': `ack-${requestId}` },
    });
    expect(retried.status).toBe(200);
    expect(retried.body.version).toBe(acknowledged.body.version);

    const again = await stack.call('POST', `/api/requests/${requestId}/actions/acknowledge`, { token: agentToken, body: {} });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'invalid_transition', stage: 'analysis', subStage: null, allowed: ['requirement-sheet'] });
    const staleVersion = await stack.call('POST', `/api/requests/${requestId}/actions/acknowledge`, {
      token: agentToken,
      body: {},
      headers: { 'if-match': `"${stale.body.version}"` },
    });
    expect(staleVersion.status).toBe(412);
    expect(staleVersion.body.error.code).toBe('precondition_failed');

    const firstResponse = await stack.mail.waitFor((m) => m.envelopeTo.includes('customer.a@example.com') && m.subject.includes('已由专人处理'));
    expect(firstResponse.text).toContain(AGENT.name);
    expect(firstResponse.text).toMatch(/http:\/\/localhost:3000\/c\/[\w-]+\.[\w-]+/);
    await eventually(
      () => stack.db.selectFrom('requests').select(['stage', 'version']).where('id', '=', requestId).executeTakeFirstOrThrow(),
      (r) => r.stage === 'analysis',
    );
    // The read model catches up with the workflow's document (the first-response e-mail moved it on once more).
    const current = await stack.call('GET', `/api/requests/${requestId}`, { token: stack.adminToken });
    expect(current.body.version).toBeGreaterThan(acknowledged.body.version);
    await eventually(
      () => stack.db.selectFrom('requests').select('version').where('id', '=', requestId).executeTakeFirstOrThrow(),
      (r) => r.version === current.body.version,
    );
    const { typedSearchAttributes } = await stack.temporal.client.workflow.getHandle(requestWorkflowId(requestId)).describe();
    expect(typedSearchAttributes.get(SearchAttribute.RequestStage)).toBe('analysis');
    // A complex request owes its requirement sheet now: that is the next deadline.
    const sheet = current.body.deadlines.find((d: { name: string }) => d.name === 'requirementSheet');
    expect(sheet.state).toBe('pending');
    expect(typedSearchAttributes.get(SearchAttribute.NextDeadline)?.getTime()).toBe(Date.parse(sheet.dueAt));
  });
});

describe('the first-response deadline on the dev server', () => {
  it('fires as a durable timer: reminds at 80%, escalates to the group lead, reassigns, and at the second miss tells the supervisors', async () => {
    const quick = structuredClone(DEFAULT_POLICY);
    quick.deadlines.firstResponse = { default: { clock: 'calendar', seconds: 2 } };
    await stack.db.insertInto('policies').values({ version: 2, document: JSON.stringify(quick), created_by: 'test' }).execute();

    const posted = await stack.call('POST', '/api/requests', {
      token: intakeToken,
      body: intakeBody({ customer: { id: 'C-TEST-0002', name: '测试客户乙', email: 'customer.b@example.com', phone: '+86 100 0000 0002', tier: 'vip', language: 'en' } }),
    });
    expect(posted.status).toBe(201);
    expect(posted.body.policyVersion).toBe(2);
    const id: string = posted.body.id;
    const receipt = await stack.mail.waitFor((m) => m.envelopeTo.includes('customer.b@example.com') && m.subject.includes(id));
    expect(receipt.subject).toBe(`We have received your request ${id}`);

    const reminder = await stack.mail.waitFor((m) => m.subject.startsWith(`【提醒】需求 ${id}`));
    expect(reminder.envelopeTo).toEqual([LEAD.email]); // the lead was free-est, so the lead holds it
    const escalation = await stack.mail.waitFor((m) => m.envelopeTo.includes(LEAD.email) && m.subject.startsWith(`【升级】需求 ${id}`));
    expect(escalation.subject).toContain('首次响应');
    expect(escalation.text).toContain('所需动作仍未完成');

    // Reassigned to the next eligible agent, who misses too: now the supervisors hear of it.
    const reassigned = await stack.mail.waitFor((m) => m.envelopeTo.includes(AGENT.email) && m.subject.includes(id) && m.subject.includes('已分配给您'));
    expect(reassigned).toBeDefined();
    const toSupervisors = await stack.mail.waitFor((m) => m.envelopeTo.includes('supervisors@service.example') && m.subject.startsWith(`【升级】需求 ${id}`));
    expect(toSupervisors.subject).toContain('首次响应');
    const missed = await eventually(
      () => stack.call('GET', `/api/requests/${id}`, { token: stack.adminToken }),
      (r) => r.body.deadlines.length === 2 && r.body.deadlines.every((d: { state: string }) => d.state === 'missed'),
    );
    expect(missed.body).toMatchObject({ reassignments: 1, assignee: { id: AGENT.id } });
    const loads = await stack.db.selectFrom('agents').select(['id', 'open_requests']).where('id', 'in', [LEAD.id, AGENT.id]).orderBy('id').execute();
    // The reassignment moved the load from the lead to the agent.
    expect(loads).toEqual([
      { id: AGENT.id, open_requests: 2 },
      { id: LEAD.id, open_requests: 0 },
    ]);
    const { searchAttributes } = await stack.temporal.client.workflow.getHandle(requestWorkflowId(id)).describe();
    expect(searchAttributes[SearchAttribute.Overdue.name]).toEqual([true]);
    expect(searchAttributes[SearchAttribute.AssignedAgent.name]).toEqual([AGENT.id]);
    expect(searchAttributes[SearchAttribute.LastEscalatedAt.name]).toHaveLength(1);
    // Versions are never deleted (open requests keep theirs): a newer one brings the defaults back.
    await stack.db.insertInto('policies').values({ version: 3, document: JSON.stringify(DEFAULT_POLICY), created_by: 'test' }).execute();
  });
});

describe('reassign and cancel over HTTP', () => {
  it('moves a request and its load to the agent a lead names, then a supervisor cancels it: closed, load released, both sides told', async () => {
    const loadOf = async (id: string) =>
      (await stack.db.selectFrom('agents').select('open_requests').where('id', '=', id).executeTakeFirstOrThrow()).open_requests;
    const before = { lead: await loadOf(LEAD.id), agent: await loadOf(AGENT.id) };
    const posted = await stack.call('POST', '/api/requests', {
      token: intakeToken,
      body: intakeBody({ customer: { id: 'C-TEST-0006', name: '测试客户己', email: 'customer.f@example.com', phone: '+86 100 0000 0006', tier: 'standard' } }),
    });
    expect(posted.status).toBe(201);
    const id: string = posted.body.id;
    // The lead holds the fewest open requests, so the lead has it.
    expect(posted.body.assignee.id).toBe(LEAD.id);
    expect(await loadOf(LEAD.id)).toBe(before.lead + 1);

    const leadToken = await issueToken({ role: 'agent', agentId: LEAD.id });
    const unknown = await stack.call('POST', `/api/requests/${id}/actions/reassign`, { token: leadToken, body: { agentId: 'A-NOBODY' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.issues).toEqual([{ path: 'agentId', message: 'no active agent A-NOBODY' }]);
    const otherLead = await stack.call('POST', `/api/requests/${id}/actions/reassign`, { token: otherGroupAgentToken, body: { agentId: AGENT.id } });
    expect(otherLead.status).toBe(403);

    const moved = await stack.call('POST', `/api/requests/${id}/actions/reassign`, { token: leadToken, body: { agentId: AGENT.id, reason: '组长调整' } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ assignee: { id: AGENT.id, group: 'technical_support', name: AGENT.name }, reassignments: 1, stage: 'assigned' });
    expect(moved.body.deadlines.map((d: { state: string }) => d.state)).toEqual(['cancelled', 'pending']);
    await stack.mail.waitFor((m) => m.envelopeTo.includes(LEAD.email) && m.subject.includes(id) && m.headers['x-notification-template'] === 'reassignment');
    await eventually(
      async () => [await loadOf(LEAD.id), await loadOf(AGENT.id)],
      ([lead, agent]) => lead === before.lead && agent === before.agent + 1,
    );
    const row = await stack.db.selectFrom('requests').select(['assignee_id', 'group_id']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ assignee_id: AGENT.id, group_id: 'technical_support' });

    const supervisorToken = await issueToken({ role: 'supervisor' });
    const cancelWithKey = { token: supervisorToken, body: { reason: '客户已自行解决' }, headers: { 'idempotency-key': `cancel-${id}` } };
    const cancelled = await stack.call('POST', `/api/requests/${id}/actions/cancel`, cancelWithKey);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', stage: 'closed', cancellation: { reason: '客户已自行解决', byRole: 'supervisor' } });
    expect(cancelled.body.closedAt).toMatch(/\+08:00$/);
    const toCustomer = await stack.mail.waitFor((m) => m.envelopeTo.includes('customer.f@example.com') && m.headers['x-notification-template'] === 'cancellation');
    expect(toCustomer.subject).toContain(id);
    await stack.mail.waitFor((m) => m.envelopeTo.includes(AGENT.email) && m.subject.includes(id) && m.headers['x-notification-template'] === 'cancellation');
    await stack.temporal.client.workflow.getHandle(requestWorkflowId(id)).result();
    const closed = await stack.db.selectFrom('requests').select(['status', 'stage', 'load_released_at']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(closed).toMatchObject({ status: 'cancelled', stage: 'closed' });
    expect(closed.load_released_at).toBeInstanceOf(Date);
    expect(await loadOf(AGENT.id)).toBe(before.agent);
    // Nothing is pending on a closed request: NextDeadline is unset, and visibility knows it.
    const { typedSearchAttributes } = await stack.temporal.client.workflow.getHandle(requestWorkflowId(id)).describe();
    expect(typedSearchAttributes.get(SearchAttribute.NextDeadline)).toBeUndefined();
    expect(typedSearchAttributes.get(SearchAttribute.RequestStatus)).toBe('cancelled');
    const nothingDue = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const wf of stack.temporal.client.workflow.list({ query: 'NextDeadline IS NULL AND RequestStatus = "cancelled"' })) ids.push(wf.workflowId);
        return ids;
      },
      (ids) => ids.includes(requestWorkflowId(id)),
    );
    expect(nothingDue).toEqual([requestWorkflowId(id)]);
    // The cancellation retried with its key, after the request closed, gets the first answer.
    const retried = await stack.call('POST', `/api/requests/${id}/actions/cancel`, cancelWithKey);
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual(cancelled.body);
    // A closed request takes no more actions.
    const again = await stack.call('POST', `/api/requests/${id}/actions/cancel`, { token: supervisorToken, body: { reason: '再次' } });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'invalid_transition', stage: 'closed', subStage: null, allowed: [] });
  });

  it('still knows a closed request once Temporal has deleted its workflow: GET reads the archive, an action answers 409 (403 out of scope)', async () => {
    const posted = await stack.call('POST', '/api/requests', {
      token: intakeToken,
      body: intakeBody({ customer: { id: 'C-TEST-0007', name: '测试客户庚', email: 'customer.g@example.com', phone: '+86 100 0000 0007', tier: 'standard' } }),
    });
    expect(posted.status).toBe(201);
    const id: string = posted.body.id;
    const supervisorToken = await issueToken({ role: 'supervisor' });
    const cancelled = await stack.call('POST', `/api/requests/${id}/actions/cancel`, { token: supervisorToken, body: { reason: '客户不再需要' } });
    expect(cancelled.status).toBe(200);
    const handle = stack.temporal.client.workflow.getHandle(requestWorkflowId(id));
    await handle.result();
    // The archive holds the workflow's last document (api.md: "closed: from the archive — the same document").
    const final = await handle.query(stateQuery);
    const archived = await stack.db.selectFrom('archived_requests').select(['status', 'version', 'document']).where('request_id', '=', id).executeTakeFirstOrThrow();
    expect(archived).toEqual({ status: 'cancelled', version: final.version, document: final });
    const beforeDeletion = await stack.call('GET', `/api/requests/${id}`, { token: stack.adminToken });
    expect(beforeDeletion.status).toBe(200);

    // Temporal drops the finished workflow (as at the end of its retention).
    await stack.temporal.client.workflowService.deleteWorkflowExecution({
      namespace: stack.temporal.namespace ?? stack.config.temporal.namespace,
      workflowExecution: { workflowId: requestWorkflowId(id) },
    });
    await eventually(
      () => handle.describe().then(
        () => 'still there',
        (err: unknown) => {
          if (err instanceof WorkflowNotFoundError) return 'not found';
          throw err;
        },
      ),
      (found) => found === 'not found',
      // The dev server deletes once its transfer queue's ack level moves past the task (every second, test/support/temporal.ts).
      30_000,
    );

    const read = await stack.call('GET', `/api/requests/${id}`, { token: stack.adminToken });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe(`"${final.version}"`);
    expect(read.body).toEqual(beforeDeletion.body);
    expect(read.body).toMatchObject({
      id,
      stage: 'closed',
      status: 'cancelled',
      version: final.version,
      cancellation: { reason: '客户不再需要', byRole: 'supervisor' },
      customer: { id: 'C-TEST-0007', email: 'customer.g@example.com' },
    });
    expect(read.body.closedAt).toMatch(/\+08:00$/);
    expect(Date.parse(read.body.closedAt)).toBe(Date.parse(final.closedAt!));
    const outOfScopeRead = await stack.call('GET', `/api/requests/${id}`, { token: otherGroupAgentToken });
    expect(outOfScopeRead.status).toBe(403);

    const again = await stack.call('POST', `/api/requests/${id}/actions/cancel`, { token: supervisorToken, body: { reason: '再次' } });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'invalid_transition', stage: 'closed', subStage: null, allowed: [] });
    const outOfScope = await stack.call('POST', `/api/requests/${id}/actions/acknowledge`, { token: otherGroupAgentToken, body: {} });
    expect(outOfScope.status).toBe(403);
    expect(outOfScope.body.error.code).toBe('forbidden');
    // A request nobody ever recorded is still not found.
    const unknown = await stack.call('POST', '/api/requests/R-2026-999999/actions/cancel', { token: supervisorToken, body: { reason: '再次' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
  });
});

describe('idempotent intake', () => {
  it('returns the same request for a retried key, refuses the key with another body, and starts one workflow for racing posts', async () => {
    const body = intakeBody({ customer: { id: 'C-TEST-0003', name: '测试客户丙', email: 'customer.c@example.com', phone: '+86 100 0000 0003', tier: 'standard' } });
    const first = await stack.call('POST', '/api/requests', { token: intakeToken, body, headers: { 'idempotency-key': 'intake-key-1' } });
    const retry = await stack.call('POST', '/api/requests', { token: intakeToken, body, headers: { 'idempotency-key': 'intake-key-1' } });
    expect([first.status, retry.status]).toEqual([201, 200]);
    expect(retry.body.id).toBe(first.body.id);
    const otherBody = await stack.call('POST', '/api/requests', {
      token: intakeToken,
      body: { ...body, description: '另一个问题' },
      headers: { 'idempotency-key': 'intake-key-1' },
    });
    expect(otherBody.status).toBe(409);
    expect(otherBody.body.error.code).toBe('conflict');

    const byExternalId = { ...body, externalId: 'CRM-0001' };
    const racing = await Promise.all(
      [1, 2, 3].map(() => stack.call('POST', '/api/requests', { token: intakeToken, body: byExternalId })),
    );
    expect(racing.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    expect(new Set(racing.map((r) => r.body.id)).size).toBe(1);
    const rows = await stack.db.selectFrom('requests').select('id').where('external_id', '=', 'CRM-0001').execute();
    expect(rows).toHaveLength(1);
    // One workflow per request: the keyed one and the racing one, nothing more.
    const expected = [requestWorkflowId(first.body.id), requestWorkflowId(racing[0]!.body.id)].sort();
    const workflows = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const wf of stack.temporal.client.workflow.list({ query: `CustomerId = "C-TEST-0003"` })) ids.push(wf.workflowId);
        return ids.sort();
      },
      (ids) => ids.length >= 2,
    );
    expect(workflows).toEqual(expected);
    const counter = await sql<{ last_sequence: number }>`select last_sequence from request_counters`.execute(stack.db);
    const allRequests = await stack.db.selectFrom('requests').select('id').execute();
    // No sequence number was spent on a retry: ids are dense.
    expect(counter.rows[0]!.last_sequence).toBe(allRequests.length);
  });
});

describe('intake while Temporal cannot be reached', () => {
  it('answers 503 not_applied having kept the key, and a retry with the key starts the request once', async () => {
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    const cutOff = await startApi(
      { db: stack.db, temporal: new Client({ connection }), config: stack.config, logger: pino({ level: 'silent' }) },
      0,
    );
    const body = intakeBody({ customer: { id: 'C-TEST-0005', name: '测试客户戊', email: 'customer.e@example.com', phone: '+86 100 0000 0005', tier: 'standard' } });
    try {
      const asked = Date.now();
      const refused = await fetch(`${cutOff.url}/api/requests`, {
        method: 'POST',
        headers: { authorization: `Bearer ${intakeToken}`, 'content-type': 'application/json', 'idempotency-key': 'while-temporal-is-away' },
        body: JSON.stringify(body),
      });
      expect(refused.status).toBe(503);
      // Bounded: intake does not hang on an absent Temporal (5 s, Timeouts.workflowStartMs).
      expect(Date.now() - asked).toBeLessThan(15_000);
      const error = ((await refused.json()) as { error: { code: string; outcome: string; message: string } }).error;
      expect(error).toMatchObject({ code: 'unavailable', outcome: 'not_applied' });
      const requestId = /request (R-\d{4}-\d{6})/.exec(error.message)?.[1];
      expect(requestId).toBeDefined();
      const kept = await stack.db.selectFrom('intake_keys').select('request_id').where('key', '=', 'while-temporal-is-away').executeTakeFirstOrThrow();
      expect(kept.request_id).toBe(requestId);

      const retried = await stack.call('POST', '/api/requests', { token: intakeToken, body, headers: { 'idempotency-key': 'while-temporal-is-away' } });
      expect(retried.status).toBe(200);
      expect(retried.body).toMatchObject({ id: requestId, stage: 'assigned' });
    } finally {
      await cutOff.close();
      await closeAfterRetriesRunOut(connection);
    }
  });
});

describe('bad input', () => {
  it('gets a clear error and changes nothing', async () => {
    const before = await stack.db.selectFrom('requests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const cases: [string, Promise<{ status: number; body: { error: { code: string; issues?: { path: string }[] } } }>, number, string][] = [
      ['malformed JSON', stack.call('POST', '/api/requests', { token: intakeToken, body: '{"customer":' }), 400, 'validation_failed'],
      ['an unknown field', stack.call('POST', '/api/requests', { token: intakeToken, body: { ...intakeBody(), colour: 'red' } }), 400, 'validation_failed'],
      ['an unknown enum value', stack.call('POST', '/api/requests', { token: intakeToken, body: intakeBody({ type: 'praise' }) }), 400, 'validation_failed'],
      ['a missing field', stack.call('POST', '/api/requests', { token: intakeToken, body: { ...intakeBody(), channel: undefined } }), 400, 'validation_failed'],
      ['a phone number as customer id', stack.call('POST', '/api/requests', { token: intakeToken, body: intakeBody({ customer: { ...(intakeBody().customer as object), id: '13800000000' } }) }), 400, 'validation_failed'],
      ['not JSON', stack.call('POST', '/api/requests', { token: intakeToken, body: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type'],
      ['a body over 64 KiB', stack.call('POST', '/api/requests', { token: intakeToken, body: intakeBody({ description: 'x'.repeat(70_000) }) }), 413, 'payload_too_large'],
      ['no credentials', stack.call('POST', '/api/requests', { body: intakeBody() }), 401, 'unauthenticated'],
      ['an unknown token', stack.call('POST', '/api/requests', { token: 'cst_unknown', body: intakeBody() }), 401, 'unauthenticated'],
      ['the wrong role', stack.call('POST', '/api/requests', { token: agentToken, body: intakeBody() }), 403, 'forbidden'],
      ['an unknown route', stack.call('GET', '/api/nothing-here', { token: intakeToken }), 404, 'not_found'],
    ];
    for (const [name, response, status, code] of cases) {
      const { status: actual, body } = await response;
      expect({ name, status: actual, code: body.error.code }).toEqual({ name, status, code });
    }
    const unknownField = await stack.call('POST', '/api/requests', { token: intakeToken, body: { ...intakeBody(), colour: 'red' } });
    expect(unknownField.body.error.issues).toEqual([expect.objectContaining({ path: '' })]);
    const wrongEnum = await stack.call('POST', '/api/requests', { token: intakeToken, body: intakeBody({ type: 'praise' }) });
    expect(wrongEnum.body.error.issues).toEqual([expect.objectContaining({ path: 'type' })]);
    const after = await stack.db.selectFrom('requests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});

describe('readiness and a missing worker', () => {
  it('is ready with a worker polling, and without one answers 503 — an action with outcome unknown', async () => {
    const ready = await stack.call('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { database: 'ok', temporal: 'ok', worker: 'ok' } });
    expect((await stack.call('GET', '/healthz')).status).toBe(200);

    const posted = await stack.call('POST', '/api/requests', {
      token: intakeToken,
      body: intakeBody({ customer: { id: 'C-TEST-0004', name: '测试客户丁', email: 'customer.d@example.com', phone: '+86 100 0000 0004', tier: 'standard' } }),
    });
    expect(posted.body.stage).toBe('assigned');
    await stack.stopWorker();

    const action = await stack.call('POST', `/api/requests/${posted.body.id}/actions/acknowledge`, {
      token: await issueToken({ role: 'agent', agentId: posted.body.assignee.id }),
      body: {},
      headers: { 'idempotency-key': 'ack-without-worker' },
    });
    expect(action.status).toBe(503);
    expect(action.body.error).toMatchObject({ code: 'unavailable', outcome: 'unknown' });
    expect(action.headers.get('retry-after')).toBe('5');
  });
});
