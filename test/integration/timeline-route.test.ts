/**
 * `GET /api/requests/{id}/timeline` over HTTP on the whole stack (dev server,
 * worker, API, PostgreSQL, SMTP sink): a request's events oldest first, paged
 * by an opaque cursor without gaps or repeats, in the business time zone,
 * with who acted; scope before anything else; bad paging refused.
 */
import { intakeBody, startStack, type Stack } from '../support/stack';
import { quietTemporalLogs } from '../support/temporal';

let stack: Stack;
let agentToken: string;
let outsiderToken: string;
let requestId: string;

const AGENT = { id: 'A-TL-1', name: '测试专员', email: 'agent.tl1@service.example', group: 'technical_support' };
const OUTSIDER = { id: 'A-TL-9', name: '测试专员九', email: 'agent.tl9@service.example', group: 'complaints' };

async function issue(grant: Record<string, unknown>): Promise<string> {
  const response = await stack.call('POST', '/api/tokens', { token: stack.adminToken, body: grant });
  expect(response.status).toBe(201);
  return response.body.token as string;
}

const timeline = (query: string, token = agentToken) => stack.call('GET', `/api/requests/${requestId}/timeline${query}`, { token });

beforeAll(async () => {
  quietTemporalLogs();
  stack = await startStack();
  for (const agent of [AGENT, OUTSIDER]) expect((await stack.call('POST', '/api/agents', { token: stack.adminToken, body: agent })).status).toBe(201);
  agentToken = await issue({ role: 'agent', agentId: AGENT.id });
  outsiderToken = await issue({ role: 'agent', agentId: OUTSIDER.id });
  const intakeToken = await issue({ role: 'intake' });
  const posted = await stack.call('POST', '/api/requests', {
    token: intakeToken,
    body: intakeBody({ customer: { id: 'C-TL-0001', name: '测试客户', email: 'customer.tl@example.com', phone: '+86 100 0000 0201', tier: 'standard' } }),
  });
  expect(posted.status).toBe(201);
  requestId = posted.body.id;
  expect(posted.body.assignee.id).toBe(AGENT.id);
  const acknowledged = await stack.call('POST', `/api/requests/${requestId}/actions/acknowledge`, { token: agentToken, body: {} });
  expect(acknowledged.status).toBe(200);
  // The acknowledgement's follow-up writes its events with the read model, and the first-response mail is marked sent.
  for (let i = 0; i < 150; i++) {
    const row = await stack.db.selectFrom('requests').select('version').where('id', '=', requestId).executeTakeFirstOrThrow();
    const mails = await stack.db.selectFrom('timeline_events').select('id').where('request_id', '=', requestId).where('type', '=', 'notification_sent').execute();
    if (row.version >= acknowledged.body.version && mails.length >= 3) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

afterAll(async () => {
  await stack?.close();
});

it('lists the events oldest first, with who acted, in the business time zone', async () => {
  const all = await timeline('?limit=500');
  expect(all.status).toBe(200);
  expect(all.body.nextCursor).toBeNull();
  const items: { at: string; type: string; actor: { byRole: string; byAgentId: string | null } | null; data: Record<string, unknown> }[] = all.body.items;
  const stages = items.filter((e) => e.type === 'stage_changed').map((e) => e.data.to);
  expect(stages).toEqual(['received', 'assigned', 'analysis']);
  expect(items.filter((e) => e.type === 'action')).toEqual([
    { at: expect.stringMatching(/\+08:00$/), type: 'action', actor: { byKind: 'staff', byRole: 'agent', byAgentId: AGENT.id, recordedFrom: null }, data: { action: 'acknowledge', updateId: expect.any(String) } },
  ]);
  expect(items.filter((e) => e.type === 'deadline_armed').map((e) => e.data.deadline)).toEqual(['firstResponse', 'requirementSheet']);
  expect(items.filter((e) => e.type === 'deadline_met').map((e) => e.data.deadline)).toEqual(['firstResponse']);
  // Only mails the server accepted, by ids: receipt to the customer, assignment to the agent, first response to the customer.
  expect(items.filter((e) => e.type === 'notification_sent').map((e) => e.data.template).sort()).toEqual(['assignment', 'first-response', 'receipt-notice']);
  const times = items.map((e) => Date.parse(e.at));
  expect(times).toEqual([...times].sort((a, b) => a - b));
  for (const item of items) expect(item.at).toMatch(/\+08:00$/);
  expect(JSON.stringify(items)).not.toContain('customer.tl@example.com');
});

it('pages through the same events with a cursor, none skipped or repeated', async () => {
  const whole = (await timeline('?limit=500')).body.items;
  expect(whole.length).toBeGreaterThan(4);
  const paged: unknown[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await timeline(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeLessThanOrEqual(2);
    paged.push(...page.body.items);
    cursor = page.body.nextCursor;
    pages += 1;
  } while (cursor !== null && pages < 100);
  expect(paged).toEqual(whole);
  expect(pages).toBe(Math.ceil(whole.length / 2));
});

it('answers 403 out of scope, 404 for an unknown request, and 400 for a bad limit or cursor', async () => {
  expect((await timeline('', outsiderToken)).status).toBe(403);
  const unknown = await stack.call('GET', '/api/requests/R-2026-999999/timeline', { token: agentToken });
  expect(unknown.status).toBe(404);
  for (const query of ['?limit=0', '?limit=501', '?limit=ten', '?cursor=not-a-cursor', '?order=desc']) {
    const refused = await timeline(query);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('validation_failed');
  }
  const defaultPage = await timeline('');
  expect(defaultPage.status).toBe(200);
  expect(defaultPage.body.items.length).toBeLessThanOrEqual(100);
});
