/**
 * `npm run record-histories`: records the workflow histories that the replay
 * tests replay, from real runs on the whole stack (dev server, worker, API,
 * PostgreSQL, SMTP sink) with synthetic data. Re-run it, and commit the
 * changed files, when a change to the workflow is meant to be incompatible
 * (see docs/testing.md).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { NotificationTemplate } from '../../contracts/activities';
import { DEFAULT_POLICY, type Policy } from '../../contracts/policy';
import { requestWorkflowId } from '../../contracts/temporal';
import { intakeBody, startStack, type Stack } from '../support/stack';
import { quietTemporalLogs } from '../support/temporal';

const HISTORIES_DIR = __dirname;

interface Scenario {
  name: string;
  describe: string;
  /** The policy the scenario's requests start with: the defaults with this change. */
  policy?: (policy: Policy) => void;
  run(stack: Stack, tokens: Tokens): Promise<string>;
}

interface Tokens {
  intake: string;
  supervisor: string;
  agentFor(agentId: string): Promise<string>;
}

async function post(stack: Stack, token: string, body: Record<string, unknown>): Promise<{ id: string; assigneeId: string | null }> {
  const response = await stack.call('POST', '/api/requests', { token, body });
  if (response.status !== 201) throw new Error(`intake answered ${response.status}: ${JSON.stringify(response.body)}`);
  return { id: response.body.id, assigneeId: response.body.assignee?.id ?? null };
}

async function act(stack: Stack, token: string, requestId: string, action: string, body: Record<string, unknown>): Promise<void> {
  const response = await stack.call('POST', `/api/requests/${requestId}/actions/${action}`, { token, body });
  if (response.status !== 200) throw new Error(`${action} answered ${response.status}: ${JSON.stringify(response.body)}`);
}

async function mailSent(stack: Stack, requestId: string, template: NotificationTemplate): Promise<void> {
  await stack.mail.waitFor((m) => m.subject.includes(requestId) && m.headers['x-notification-template'] === template, 30_000);
}

/** The assignee's first response, up to the first-response e-mail: the last step before the workflow waits. */
async function acknowledge(stack: Stack, tokens: Tokens, requestId: string, agentId: string): Promise<string> {
  await act(stack, await tokens.agentFor(agentId), requestId, 'acknowledge', { note: '已联系客户（合成数据）' });
  await mailSent(stack, requestId, 'first-response');
  return requestId;
}

/** Waits until the request's workflow has completed (a closed request). */
async function closed(stack: Stack, requestId: string): Promise<string> {
  await stack.temporal.client.workflow.getHandle(requestWorkflowId(requestId)).result();
  return requestId;
}

const customer = (n: number, tier = 'standard') => ({
  id: `C-SYNTH-${String(n).padStart(4, '0')}`,
  name: `合成客户${n}`,
  email: `synthetic.customer.${n}@example.com`,
  phone: `+86 100 0000 ${String(n).padStart(4, '0')}`,
  tier,
});

const SCENARIOS: Scenario[] = [
  {
    name: 'acknowledged-in-time',
    describe: 'a complex fault assigned at once and acknowledged before its first-response deadline, into analysis owing the requirement sheet',
    async run(stack, tokens) {
      const request = await post(stack, tokens.intake, intakeBody({ customer: customer(1) }));
      return acknowledge(stack, tokens, request.id, request.assigneeId!);
    },
  },
  {
    name: 'emergency-temporary-measure',
    describe: 'an urgent emergency for a VIP: the temporary measure recorded, then the first response, on to solution design',
    async run(stack, tokens) {
      const request = await post(stack, tokens.intake, intakeBody({ customer: customer(2, 'vip'), complexity: 'emergency', urgency: 'urgent' }));
      await act(stack, await tokens.agentFor(request.assigneeId!), request.id, 'temporary-measure', { measure: '切换备用设备（合成数据）' });
      return acknowledge(stack, tokens, request.id, request.assigneeId!);
    },
  },
  {
    name: 'first-response-missed',
    describe: 'the first-response timer fires (policy: 3 seconds) after the 80% reminder, the group lead is told, the request is reassigned, and the new assignee answers',
    policy: (p) => {
      p.deadlines.firstResponse = { default: { clock: 'calendar', seconds: 3 } };
    },
    async run(stack, tokens) {
      const request = await post(stack, tokens.intake, intakeBody({ customer: customer(3) }));
      await mailSent(stack, request.id, 'deadline-escalation');
      await mailSent(stack, request.id, 'reassignment');
      const now = await stack.call('GET', `/api/requests/${request.id}`, { token: stack.adminToken });
      return acknowledge(stack, tokens, request.id, now.body.assignee.id);
    },
  },
  {
    name: 'nobody-eligible-then-assigned',
    describe: 'a complaint with nobody in the complaints group, retried (policy: every 2 seconds) until an agent joins',
    policy: (p) => {
      p.assignmentRetry = { clock: 'calendar', seconds: 2 };
    },
    async run(stack, tokens) {
      const request = await post(stack, tokens.intake, intakeBody({ customer: customer(4), type: 'complaint', emotion: 'dissatisfied' }));
      await mailSent(stack, request.id, 'nobody-eligible');
      const joined = await stack.call('POST', '/api/agents', {
        token: stack.adminToken,
        body: { id: 'A-SYNTH-COMPLAINTS', name: '合成投诉专员', email: 'synthetic.complaints@service.example', group: 'complaints' },
      });
      if (joined.status !== 201) throw new Error(`agent not created: ${JSON.stringify(joined.body)}`);
      await mailSent(stack, request.id, 'assignment');
      return acknowledge(stack, tokens, request.id, 'A-SYNTH-COMPLAINTS');
    },
  },
  {
    name: 'simple-resolved-at-first-contact',
    describe: 'a simple fault resolved at first contact, then rated by the customer on the phone (recorded by a service representative)',
    async run(stack, tokens) {
      const request = await post(stack, tokens.intake, intakeBody({ customer: customer(5), complexity: 'simple' }));
      await act(stack, await tokens.agentFor(request.assigneeId!), request.id, 'resolve', { answer: '重启后恢复（合成数据）' });
      await mailSent(stack, request.id, 'first-response');
      await act(stack, tokens.intake, request.id, 'rate-first-contact', { rating: 5, recordedFrom: 'phone' });
      return request.id;
    },
  },
  {
    name: 'simple-answer-missed',
    describe: 'a simple fault acknowledged, its answer deadline (policy: 3 seconds) reminded and escalated to the group lead, then answered late',
    policy: (p) => {
      p.deadlines.simpleAnswer = { default: { clock: 'calendar', seconds: 3 } };
    },
    async run(stack, tokens) {
      const request = await post(stack, tokens.intake, intakeBody({ customer: customer(6), complexity: 'simple' }));
      await acknowledge(stack, tokens, request.id, request.assigneeId!);
      await mailSent(stack, request.id, 'deadline-escalation');
      await act(stack, await tokens.agentFor(request.assigneeId!), request.id, 'resolve', { answer: '已远程处理（合成数据）' });
      return request.id;
    },
  },
  {
    name: 'simple-reclassified',
    describe: 'a simple fault acknowledged, then reclassified as complex by the group lead: into analysis owing the requirement sheet',
    async run(stack, tokens) {
      const request = await post(stack, tokens.intake, intakeBody({ customer: customer(7), complexity: 'simple' }));
      await acknowledge(stack, tokens, request.id, request.assigneeId!);
      await act(stack, await tokens.agentFor('A-SYNTH-LEAD'), request.id, 'reclassify', { complexity: 'complex', reason: '需上门检测（合成数据）' });
      return request.id;
    },
  },
  {
    name: 'suggestion-resolved',
    describe: 'a suggestion (72-hour outcome from intake) acknowledged and resolved',
    async run(stack, tokens) {
      const request = await post(stack, tokens.intake, intakeBody({ customer: customer(8), type: 'suggestion', complexity: 'simple' }));
      await acknowledge(stack, tokens, request.id, request.assigneeId!);
      await act(stack, await tokens.agentFor(request.assigneeId!), request.id, 'resolve', { answer: '已转产品团队评估（合成数据）' });
      return request.id;
    },
  },
  {
    name: 'reassigned-by-lead',
    describe: 'the group lead takes a request over during its first-response window, and answers it',
    async run(stack, tokens) {
      const request = await post(stack, tokens.intake, intakeBody({ customer: customer(9) }));
      await mailSent(stack, request.id, 'assignment');
      const lead = await tokens.agentFor('A-SYNTH-LEAD');
      const to = request.assigneeId === 'A-SYNTH-LEAD' ? 'A-SYNTH-001' : 'A-SYNTH-LEAD';
      await act(stack, lead, request.id, 'reassign', { agentId: to, reason: '组长接手（合成数据）' });
      await mailSent(stack, request.id, 'reassignment');
      return acknowledge(stack, tokens, request.id, to);
    },
  },
  {
    name: 'cancelled-in-analysis',
    describe: 'a complex fault acknowledged, then cancelled by a supervisor: closed, the load released, customer and assignee told',
    async run(stack, tokens) {
      const request = await post(stack, tokens.intake, intakeBody({ customer: customer(10) }));
      await acknowledge(stack, tokens, request.id, request.assigneeId!);
      await act(stack, tokens.supervisor, request.id, 'cancel', { reason: '客户已自行解决（合成数据）' });
      await mailSent(stack, request.id, 'cancellation');
      return closed(stack, request.id);
    },
  },
];

async function main(): Promise<void> {
  quietTemporalLogs();
  const only = process.argv.slice(2);
  const stack = await startStack();
  try {
    for (const agent of [
      { id: 'A-SYNTH-LEAD', name: '合成组长', email: 'synthetic.lead@service.example', group: 'technical_support', lead: true, senior: true },
      { id: 'A-SYNTH-001', name: '合成专员', email: 'synthetic.agent@service.example', group: 'technical_support' },
      { id: 'A-SYNTH-PRODUCT', name: '合成产品顾问', email: 'synthetic.product@service.example', group: 'product_consulting' },
    ]) {
      await stack.call('POST', '/api/agents', { token: stack.adminToken, body: agent });
    }
    const issue = async (grant: Record<string, unknown>): Promise<string> =>
      (await stack.call('POST', '/api/tokens', { token: stack.adminToken, body: grant })).body.token;
    const tokens: Tokens = {
      intake: await issue({ role: 'intake' }),
      supervisor: await issue({ role: 'supervisor' }),
      agentFor: (agentId) => issue({ role: 'agent', agentId }),
    };

    let policyVersion = 1;
    for (const scenario of SCENARIOS.filter((s) => only.length === 0 || only.includes(s.name))) {
      // Each scenario's requests start with a policy version of its own (the newest at intake).
      const policy = structuredClone(DEFAULT_POLICY);
      scenario.policy?.(policy);
      policyVersion += 1;
      await stack.db.insertInto('policies').values({ version: policyVersion, document: JSON.stringify(policy), created_by: 'record-histories' }).execute();
      const requestId = await scenario.run(stack, tokens);
      const history = await stack.temporal.client.workflow.getHandle(requestWorkflowId(requestId)).fetchHistory();
      // The JSON history format of Temporal's tools (the CLI's and the UI's exports).
      writeFileSync(path.join(HISTORIES_DIR, `${scenario.name}.json`), `${historyToJSON(history)}\n`);
      const events = history.events?.length ?? 0;
      console.log(`recorded ${scenario.name}: ${events} events — ${scenario.describe}`);
    }
  } finally {
    await stack.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
