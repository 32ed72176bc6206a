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
import { complaintReviewWorkflowId, requestWorkflowId } from '../../contracts/temporal';
import type { ReceivedMail } from '../../local/mail-sink';
import { intakeBody, startStack, type Stack } from '../support/stack';
import { quietTemporalLogs } from '../support/temporal';

const HISTORIES_DIR = __dirname;

interface Scenario {
  name: string;
  describe: string;
  /** The policy the scenario's requests start with: the defaults with this change. */
  policy?: (policy: Policy) => void;
  /** The workflow whose history is recorded, from the request id `run` returns (default: the request's). */
  workflowOf?: (requestId: string) => string;
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

/** Waits until the customer (or, for staff-only mails, anyone) has `count` e-mails of the template about the request. */
async function mailSent(stack: Stack, requestId: string, template: NotificationTemplate, count = 1): Promise<void> {
  const matches = (m: ReceivedMail) =>
    m.subject.includes(requestId) &&
    m.headers['x-notification-template'] === template &&
    (count === 1 || m.envelopeTo.some((address) => address.startsWith('synthetic.customer.')));
  const deadline = Date.now() + 30_000;
  while (new Set(stack.mail.messages().filter(matches).map((m) => m.messageId)).size < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} ${template} e-mail(s) for ${requestId} in 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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

const COMPLAINTS_AGENT = { id: 'A-SYNTH-COMPLAINTS', name: '合成投诉专员', email: 'synthetic.complaints@service.example', group: 'complaints' };

/** The co-handler and reviewer of the complex scenarios (any area). */
const CO_HANDLER = 'A-SYNTH-PRODUCT';
const SHEET = { description: '设备无法开机（合成数据）', goal: '恢复使用', customerObligations: '提供购买凭证' };
const SOLUTION = { steps: ['上门检测', '更换电源模块'], risks: [{ risk: '配件缺货', mitigation: '调拨备件' }] };
const GOOD_RATINGS = { responseSpeed: 5, resolution: 5, attitude: 5, professionalism: 4 };

/** Acknowledged, a sheet issued and confirmed on the phone: drafting the solution. */
async function toDrafting(stack: Stack, tokens: Tokens, requestId: string, assignee: string): Promise<void> {
  await act(stack, assignee, requestId, 'acknowledge', {});
  await act(stack, assignee, requestId, 'requirement-sheet', SHEET);
  await mailSent(stack, requestId, 'requirement-sheet');
  await act(stack, tokens.intake, requestId, 'confirm', { recordedFrom: 'phone' });
}

/** Drafting, a solution (with a co-handler's task, or none) presented and agreed on the phone: in progress. */
async function toInProgress(stack: Stack, tokens: Tokens, requestId: string, assignee: string, withTask: boolean): Promise<void> {
  await toDrafting(stack, tokens, requestId, assignee);
  const tasks = withTask ? [{ title: '更换电源模块', ownerId: CO_HANDLER, dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString() }] : [];
  await act(stack, assignee, requestId, 'solution', { ...SOLUTION, tasks });
  await mailSent(stack, requestId, 'solution');
  await act(stack, tokens.intake, requestId, 'agree-solution', { recordedFrom: 'phone' });
}

/** A simple complaint resolved at first contact and closed by a good callback; its review has started. */
async function closedComplaint(stack: Stack, tokens: Tokens, n: number): Promise<string> {
  // The complaints group's agent (created by an earlier scenario, or here when run alone).
  const joined = await stack.call('POST', '/api/agents', { token: stack.adminToken, body: COMPLAINTS_AGENT });
  if (joined.status !== 201 && joined.status !== 409) throw new Error(`agent not created: ${JSON.stringify(joined.body)}`);
  const request = await post(stack, tokens.intake, intakeBody({ customer: customer(n), type: 'complaint', complexity: 'simple', emotion: 'dissatisfied' }));
  await act(stack, await tokens.agentFor(request.assigneeId!), request.id, 'resolve', { answer: '已致歉并补发配件（合成数据）' });
  await act(stack, tokens.intake, request.id, 'callback', { resolved: true, ratings: GOOD_RATINGS, verdict: 'satisfied' });
  await mailSent(stack, request.id, 'complaint-review-request');
  return closed(stack, request.id);
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
    name: 'reminder-recorded-then-missed',
    describe: 'recorded after Patch.recordReminders: the 80% reminder of the first response (policy: 3 seconds) is written to the read model as it is sent, then the miss reassigns and the new assignee answers',
    policy: (p) => {
      p.deadlines.firstResponse = { default: { clock: 'calendar', seconds: 3 } };
    },
    async run(stack, tokens) {
      const request = await post(stack, tokens.intake, intakeBody({ customer: customer(24) }));
      await mailSent(stack, request.id, 'deadline-reminder');
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
        body: COMPLAINTS_AGENT,
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
  {
    name: 'complex-delivered-and-closed',
    describe: 'a complex fault: sheet confirmed, a reviewed solution agreed, the co-handler’s task accepted and done, progress, delivery accepted, a good callback: closed and archived',
    async run(stack, tokens) {
      const request = await post(stack, tokens.intake, intakeBody({ customer: customer(11) }));
      const assignee = await tokens.agentFor(request.assigneeId!);
      await toInProgress(stack, tokens, request.id, assignee, true);
      const coHandler = await tokens.agentFor(CO_HANDLER);
      await act(stack, coHandler, request.id, 'accept-task', { taskId: 'T1' });
      await act(stack, assignee, request.id, 'progress', { note: '已上门检测（合成数据）', percent: 50 });
      await act(stack, coHandler, request.id, 'complete-task', { taskId: 'T1' });
      await act(stack, assignee, request.id, 'delivery', { summary: '已更换电源模块（合成数据）', verification: '开机自检通过' });
      await mailSent(stack, request.id, 'delivery');
      await act(stack, tokens.intake, request.id, 'accept', { recordedFrom: 'phone' });
      await act(stack, tokens.intake, request.id, 'callback', { resolved: true, ratings: GOOD_RATINGS, verdict: 'satisfied', nps: 9 });
      await mailSent(stack, request.id, 'closure');
      return closed(stack, request.id);
    },
  },
  {
    name: 'sheet-voided-unconfirmed',
    describe: 'three requirement sheets left unanswered (policy: confirmation in 2 seconds): two void-sheet notices, then closed unconfirmed',
    policy: (p) => {
      p.deadlines.confirmation = { default: { clock: 'calendar', seconds: 2 } };
    },
    async run(stack, tokens) {
      const request = await post(stack, tokens.intake, intakeBody({ customer: customer(12) }));
      const assignee = await tokens.agentFor(request.assigneeId!);
      await acknowledge(stack, tokens, request.id, request.assigneeId!);
      for (let sheet = 1; sheet <= 3; sheet++) {
        await act(stack, assignee, request.id, 'requirement-sheet', SHEET);
        if (sheet < 3) await mailSent(stack, request.id, 'void-sheet', sheet);
        else await mailSent(stack, request.id, 'closure');
      }
      return closed(stack, request.id);
    },
  },
  {
    name: 'review-rejected-and-revised',
    describe: 'a complex solution rejected in review, resubmitted and approved, then a revision asked by the customer before agreement',
    async run(stack, tokens) {
      const request = await post(stack, tokens.intake, intakeBody({ customer: customer(13) }));
      const assignee = await tokens.agentFor(request.assigneeId!);
      await toDrafting(stack, tokens, request.id, assignee);
      const reviewer = await tokens.agentFor(CO_HANDLER);
      await act(stack, assignee, request.id, 'solution', { ...SOLUTION, complex: true, reviewers: [{ area: 'technical', agentId: CO_HANDLER }] });
      await act(stack, reviewer, request.id, 'review', { area: 'technical', approved: false, comment: '风险评估不足' });
      await act(stack, assignee, request.id, 'solution', { ...SOLUTION, complex: true, reviewers: [{ area: 'technical', agentId: CO_HANDLER }] });
      await act(stack, reviewer, request.id, 'review', { area: 'technical', approved: true });
      await mailSent(stack, request.id, 'solution');
      await act(stack, tokens.intake, request.id, 'revise-solution', { recordedFrom: 'phone', comment: '希望本周完成' });
      await act(stack, assignee, request.id, 'solution', SOLUTION);
      await mailSent(stack, request.id, 'solution', 2);
      await act(stack, tokens.intake, request.id, 'agree-solution', { recordedFrom: 'phone' });
      return request.id;
    },
  },
  {
    name: 'paused-delayed-reworked',
    describe: 'execution paused while waiting on the customer and resumed, a delay announced, the delivery rejected, reworked and accepted',
    async run(stack, tokens) {
      const request = await post(stack, tokens.intake, intakeBody({ customer: customer(14) }));
      const assignee = await tokens.agentFor(request.assigneeId!);
      await toInProgress(stack, tokens, request.id, assignee, false);
      await act(stack, assignee, request.id, 'wait-for-customer', { reason: '请提供设备序列号（合成数据）' });
      await mailSent(stack, request.id, 'waiting-notice');
      await act(stack, tokens.intake, request.id, 'resume', { recordedFrom: 'phone' });
      const now = await stack.call('GET', `/api/requests/${request.id}`, { token: stack.adminToken });
      const execution = now.body.deadlines.find((d: { name: string; state: string }) => d.name === 'execution' && d.state === 'pending');
      await act(stack, assignee, request.id, 'delay', { newDueAt: new Date(Date.parse(execution.dueAt) + 86_400_000).toISOString(), reason: '配件延迟到货' });
      await mailSent(stack, request.id, 'delay-notice');
      await act(stack, assignee, request.id, 'delivery', { summary: '已修复（合成数据）', verification: '开机自检' });
      await act(stack, tokens.intake, request.id, 'reject', { recordedFrom: 'phone', reasons: '仍有异响' });
      await act(stack, assignee, request.id, 'delivery', { summary: '已更换风扇（合成数据）', verification: '运行无异响' });
      await mailSent(stack, request.id, 'delivery', 2);
      await act(stack, tokens.intake, request.id, 'accept', { recordedFrom: 'phone' });
      await mailSent(stack, request.id, 'questionnaire');
      return request.id;
    },
  },
  {
    name: 'deemed-accepted-callbacks-missed',
    describe: 'the acceptance window ends (policy: 2 seconds): deemed accepted; both callback windows (policy: 2 seconds) missed: closed, follow-up missed',
    policy: (p) => {
      p.deadlines.acceptance = { default: { clock: 'calendar', seconds: 2 } };
      p.deadlines.callback = { default: { clock: 'calendar', seconds: 2 } };
    },
    async run(stack, tokens) {
      const request = await post(stack, tokens.intake, intakeBody({ customer: customer(15) }));
      const assignee = await tokens.agentFor(request.assigneeId!);
      await toInProgress(stack, tokens, request.id, assignee, false);
      await act(stack, assignee, request.id, 'delivery', { summary: '已修复（合成数据）', verification: '开机自检' });
      await mailSent(stack, request.id, 'deemed-acceptance');
      await mailSent(stack, request.id, 'closure');
      return closed(stack, request.id);
    },
  },
  {
    name: 'dissatisfied-intervention-reopens',
    describe: 'a simple fault resolved, a dissatisfied questionnaire, the supervisor’s intervention reopening it into rework, redelivered',
    async run(stack, tokens) {
      const request = await post(stack, tokens.intake, intakeBody({ customer: customer(16), complexity: 'simple' }));
      const assignee = await tokens.agentFor(request.assigneeId!);
      await act(stack, assignee, request.id, 'resolve', { answer: '已远程处理（合成数据）' });
      await act(stack, tokens.intake, request.id, 'survey', { recordedFrom: 'phone', ratings: { ...GOOD_RATINGS, resolution: 1 }, verdict: 'dissatisfied' });
      await mailSent(stack, request.id, 'intervention-needed');
      await act(stack, tokens.supervisor, request.id, 'intervention', { plan: '安排工程师上门（合成数据）', reopen: true });
      await act(stack, assignee, request.id, 'delivery', { summary: '已上门更换（合成数据）', verification: '客户确认可用' });
      await mailSent(stack, request.id, 'delivery');
      return request.id;
    },
  },
  {
    name: 'complaint-closed',
    describe: 'a simple complaint resolved at first contact and closed by a good callback: the complaint review started as a child',
    async run(stack, tokens) {
      return closedComplaint(stack, tokens, 17);
    },
  },
  {
    name: 'complaint-review-late',
    describe: 'the complaint review of a closed complaint (policy: 3 seconds): reminded, escalated to the head of service, then the root cause recorded late',
    policy: (p) => {
      p.deadlines.complaintReview = { default: { clock: 'calendar', seconds: 3 } };
    },
    workflowOf: complaintReviewWorkflowId,
    async run(stack, tokens) {
      const requestId = await closedComplaint(stack, tokens, 18);
      await mailSent(stack, requestId, 'deadline-escalation');
      await act(stack, tokens.supervisor, requestId, 'root-cause', { cause: 'process_gap', analysis: '转接流程缺失（合成数据）', correctiveAction: '增加兜底规则' });
      await stack.temporal.client.workflow.getHandle(complaintReviewWorkflowId(requestId)).result();
      return requestId;
    },
  },
  {
    name: 'continued-as-new',
    describe: 'a request in progress with a low history limit (policy: 150 events): thirty progress updates carry it into later runs; the history is of the last run, which took over the carried state',
    policy: (p) => {
      p.historyLengthLimit = 150;
    },
    async run(stack, tokens) {
      const request = await post(stack, tokens.intake, intakeBody({ customer: customer(19) }));
      const assignee = await tokens.agentFor(request.assigneeId!);
      await toInProgress(stack, tokens, request.id, assignee, false);
      for (let n = 1; n <= 30; n++) await act(stack, assignee, request.id, 'progress', { note: `第${n}次进度（合成数据）` });
      // The hand-over comes at the first quiet moment after the last update's follow-ups.
      const handle = stack.temporal.client.workflow.getHandle(requestWorkflowId(request.id));
      const deadline = Date.now() + 30_000;
      while (!(await handle.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId) {
        if (Date.now() > deadline) throw new Error('the request did not continue as new');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      return request.id;
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
      const workflowId = (scenario.workflowOf ?? requestWorkflowId)(requestId);
      const history = await stack.temporal.client.workflow.getHandle(workflowId).fetchHistory();
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
