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
  run(stack: Stack, tokens: Tokens): Promise<string>;
}

interface Tokens {
  intake: string;
  agentFor(agentId: string): Promise<string>;
}

async function post(stack: Stack, token: string, body: Record<string, unknown>): Promise<{ id: string; assigneeId: string | null }> {
  const response = await stack.call('POST', '/api/requests', { token, body });
  if (response.status !== 201) throw new Error(`intake answered ${response.status}: ${JSON.stringify(response.body)}`);
  return { id: response.body.id, assigneeId: response.body.assignee?.id ?? null };
}

async function mailSent(stack: Stack, requestId: string, template: NotificationTemplate): Promise<void> {
  await stack.mail.waitFor((m) => m.subject.includes(requestId) && m.headers['x-notification-template'] === template, 30_000);
}

/** The assignee's first response, up to the first-response e-mail: the last step before the workflow waits. */
async function acknowledge(stack: Stack, tokens: Tokens, requestId: string, agentId: string): Promise<string> {
  const response = await stack.call('POST', `/api/requests/${requestId}/actions/acknowledge`, {
    token: await tokens.agentFor(agentId),
    body: { note: '已联系客户（合成数据）' },
  });
  if (response.status !== 200) throw new Error(`acknowledge answered ${response.status}: ${JSON.stringify(response.body)}`);
  await mailSent(stack, requestId, 'first-response');
  return requestId;
}

async function usePolicy(stack: Stack, version: number, change: (policy: Policy) => void): Promise<void> {
  const policy = structuredClone(DEFAULT_POLICY);
  change(policy);
  await stack.db.insertInto('policies').values({ version, document: JSON.stringify(policy), created_by: 'record-histories' }).execute();
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
    describe: 'a fault assigned at once and acknowledged before its first-response deadline',
    async run(stack, tokens) {
      const request = await post(stack, tokens.intake, intakeBody({ customer: customer(1) }));
      return acknowledge(stack, tokens, request.id, request.assigneeId!);
    },
  },
  {
    name: 'emergency-acknowledged',
    describe: 'an urgent emergency for a VIP, acknowledged, on to solution design',
    async run(stack, tokens) {
      const request = await post(stack, tokens.intake, intakeBody({ customer: customer(2, 'vip'), complexity: 'emergency', urgency: 'urgent' }));
      return acknowledge(stack, tokens, request.id, request.assigneeId!);
    },
  },
  {
    name: 'first-response-missed',
    describe: 'the first-response timer fires (policy: 3 seconds) after the 80% reminder, the group lead is told, the request is reassigned, and the new assignee answers',
    async run(stack, tokens) {
      await usePolicy(stack, 2, (p) => {
        p.deadlines.firstResponse = { default: { clock: 'calendar', seconds: 3 } };
      });
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
    async run(stack, tokens) {
      await usePolicy(stack, 3, (p) => {
        p.assignmentRetry = { clock: 'calendar', seconds: 2 };
      });
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
];

async function main(): Promise<void> {
  quietTemporalLogs();
  const only = process.argv.slice(2);
  const stack = await startStack();
  try {
    for (const agent of [
      { id: 'A-SYNTH-LEAD', name: '合成组长', email: 'synthetic.lead@service.example', group: 'technical_support', lead: true, senior: true },
      { id: 'A-SYNTH-001', name: '合成专员', email: 'synthetic.agent@service.example', group: 'technical_support' },
    ]) {
      await stack.call('POST', '/api/agents', { token: stack.adminToken, body: agent });
    }
    const issue = async (grant: Record<string, unknown>): Promise<string> =>
      (await stack.call('POST', '/api/tokens', { token: stack.adminToken, body: grant })).body.token;
    const tokens: Tokens = { intake: await issue({ role: 'intake' }), agentFor: (agentId) => issue({ role: 'agent', agentId }) };

    for (const scenario of SCENARIOS.filter((s) => only.length === 0 || only.includes(s.name))) {
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
