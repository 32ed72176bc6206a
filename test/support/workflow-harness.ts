/**
 * The harness of the workflow-logic tests: fake activities that record what
 * the workflow asked of them, a worker on the time-skipping server, and
 * helpers to wait for a state and to read an Update's failure.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Actor } from '../../contracts/actor';
import type { AssignAgentInput, AssignmentResult, NotifyInput, RequestActivities, TransferAssignmentInput } from '../../contracts/activities';
import type { PolicySnapshot } from '../../contracts/policy';
import type { ComplaintReviewDocument } from '../../contracts/complaint-review';
import type { CustomerDocument } from '../../contracts/customer-document';
import type { CustomerRequestInput, DeadlineEntry, DeadlineId, RequestDocument } from '../../contracts/request';
import type { TimelineEvent } from '../../contracts/timeline';
import { WorkflowType } from '../../contracts/temporal';
import type { ActionName } from '../../rules/actions';
import { actionUpdates, stateQuery } from '../../workflows/definitions';
import { calendarSnapshot, policySnapshot } from './fixtures';
import { bundleWorkflows, createTimeSkippingEnvironment, quietTemporalLogs } from './temporal';

/** Staff and customers as the API passes them to actions. */
export const actors = {
  assignee: { kind: 'staff', role: 'agent', agentId: 'A-ASSIGNEE', lead: false, group: 'technical_support', recordedFrom: null },
  colleague: { kind: 'staff', role: 'agent', agentId: 'A-OTHER', lead: false, group: 'technical_support', recordedFrom: null },
  lead: { kind: 'staff', role: 'agent', agentId: 'A-LEAD', lead: true, group: 'technical_support', recordedFrom: null },
  otherLead: { kind: 'staff', role: 'agent', agentId: 'A-LEAD-2', lead: true, group: 'complaints', recordedFrom: null },
  intake: { kind: 'staff', role: 'intake', agentId: null, lead: false, group: null, recordedFrom: null },
  supervisor: { kind: 'staff', role: 'supervisor', agentId: null, lead: false, group: null, recordedFrom: null },
  admin: { kind: 'staff', role: 'admin', agentId: null, lead: false, group: null, recordedFrom: null },
  customer: { kind: 'customer', role: 'customer', agentId: null, lead: false, group: null, recordedFrom: null },
} satisfies Record<string, Actor>;

export interface FakeActivityOptions {
  policy?: PolicySnapshot;
  /** Agents assignment picks from, in order, skipping those excluded. */
  agents?: string[];
  /** Assignment finds nobody eligible for this many first attempts. */
  nobodyFirst?: number;
}

/** Fake activities that record what the workflow asked for. */
export function fakeActivities(options: FakeActivityOptions = {}) {
  const agents = options.agents ?? ['A-ASSIGNEE'];
  const notifications: NotifyInput[] = [];
  const recordedStates: RequestDocument[] = [];
  const assignCalls: AssignAgentInput[] = [];
  const transfers: TransferAssignmentInput[] = [];
  const releases: string[] = [];
  const archived: RequestDocument[] = [];
  const complaintReviews: ComplaintReviewDocument[] = [];
  const timeline: TimelineEvent[] = [];
  const activities: RequestActivities = {
    loadPolicy: async () => options.policy ?? policySnapshot(),
    loadCalendar: async () => calendarSnapshot(),
    recordRequest: async () => undefined,
    recordState: async ({ document, timeline: events = [] }) => {
      recordedStates.push(document);
      // Keyed by number, as the database keeps them: a retried write adds nothing.
      for (const event of events) if (!timeline.some((written) => written.seq === event.seq)) timeline.push(event);
    },
    assignAgent: async (input): Promise<AssignmentResult> => {
      assignCalls.push(input);
      const agentId = agents.find((id) => !input.excludeAgentIds.includes(id));
      if (assignCalls.length <= (options.nobodyFirst ?? 0) || !agentId) return { outcome: 'nobody_eligible', groupId: input.groupId };
      return { outcome: 'assigned', agentId, groupId: input.groupId };
    },
    transferAssignment: async (input) => {
      transfers.push(input);
    },
    releaseAssignment: async ({ requestId }) => {
      releases.push(requestId);
    },
    archiveRequest: async ({ document }) => {
      archived.push(document);
    },
    recordComplaintReview: async ({ review }) => {
      complaintReviews.push(review);
    },
    notify: async (input) => {
      notifications.push(input);
      return { sent: input.recipients.map((r) => JSON.stringify(r)), skipped: [], unresolved: [], rejected: [] };
    },
  };
  const templates = (): string[] => notifications.map((n) => n.template);
  const mailsOf = (template: string): NotifyInput[] => notifications.filter((n) => n.template === template);
  return { activities, notifications, recordedStates, timeline, assignCalls, transfers, releases, archived, complaintReviews, templates, mailsOf };
}

/** Starts a request with these activities and runs `story` while a worker runs. */
export async function withRequest(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundleWithSourceMap,
  activities: RequestActivities,
  input: CustomerRequestInput,
  story: (handle: WorkflowHandle) => Promise<void>,
): Promise<void> {
  const taskQueue = `test-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(WorkflowType.customerRequest, {
      taskQueue,
      workflowId: `request-${input.requestId}-${randomUUID()}`,
      args: [input],
    });
    await story(handle);
  });
}

/** Polls the `state` query until `ready` holds (the condition may also look at the fakes). */
export async function stateWhen(handle: WorkflowHandle, ready: (doc: RequestDocument) => boolean): Promise<RequestDocument> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const doc = await handle.query(stateQuery);
    if (ready(doc)) return doc;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`state never matched; last: ${JSON.stringify(await handle.query(stateQuery))}`);
}

/** The failure an Update was rejected with; fails the test if it was accepted. */
export async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => {
      throw new Error('the update was accepted');
    },
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

/** How many Updates the workflow's history shows accepted. */
export async function acceptedUpdates(handle: WorkflowHandle): Promise<number> {
  const history = await handle.fetchHistory();
  return history.events!.filter((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED).length;
}

/** Performs an action as its Update, as the API would, optionally with a customer token's document or an Update id. */
/**
 * Performs an action as the API does, by Update. An Update that races a
 * continue-as-new is answered "Completed workflow" by the time-skipping
 * server, where the real server (1.25+) aborts it as retryable and the client
 * retries it on the next run (temporalio/temporal#6485); the harness retries
 * it the same way, under the same Update id.
 */
export async function act(
  handle: WorkflowHandle,
  action: ActionName,
  actor: Actor,
  input: Record<string, unknown> = {},
  extra: { document?: { name: CustomerDocument; revision: number }; updateId?: string } = {},
): Promise<RequestDocument> {
  const updateId = extra.updateId ?? randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      return await handle.executeUpdate(actionUpdates[action], {
        args: [{ actor, input, ...(extra.document ? { document: extra.document } : {}) }],
        updateId,
      });
    } catch (err) {
      const continued = err instanceof WorkflowNotFoundError && attempt < 3 && (await handle.describe()).status.name === 'RUNNING';
      if (!continued) throw err;
    }
  }
}

/** The one pending deadline of that name (fails the test if there is not exactly one). */
export function pendingOf(doc: RequestDocument, name: DeadlineId): DeadlineEntry {
  const entries = doc.deadlines.filter((d) => d.name === name && d.state === 'pending');
  expect(entries).toHaveLength(1);
  return entries[0]!;
}

/** The states of every deadline of that name, oldest first. */
export function statesOf(doc: RequestDocument, name: DeadlineId): string[] {
  return doc.deadlines.filter((d) => d.name === name).map((d) => d.state);
}

/**
 * The request's document once its workflow has completed. Polled, and read
 * with the `state` query rather than the result call: on the test server the
 * result call skips time, which would fire timers of workflows still running
 * (a complaint's review).
 */
export async function closedResult(handle: WorkflowHandle): Promise<RequestDocument> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if ((await handle.describe()).status.name === 'COMPLETED') return handle.query(stateQuery);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the request did not close: ${JSON.stringify((await handle.describe()).status)}`);
}

/** Skips the test server's clock to just past an instant (or, with a negative margin, just before it). */
export async function sleepUntil(env: TestWorkflowEnvironment, iso: string, marginMs: number): Promise<void> {
  await env.sleep(Date.parse(iso) - (await env.currentTimeMs()) + marginMs);
}

/**
 * A fresh time-skipping test server for each test (no test depends on
 * another's clock) and the workflow bundle built once per file.
 */
export function timeSkippingServerPerTest(): { readonly env: TestWorkflowEnvironment; readonly bundle: WorkflowBundleWithSourceMap } {
  let env: TestWorkflowEnvironment | undefined;
  let bundle: WorkflowBundleWithSourceMap | undefined;
  beforeAll(async () => {
    quietTemporalLogs();
    bundle = await bundleWorkflows();
  });
  beforeEach(async () => {
    env = await createTimeSkippingEnvironment();
  });
  afterEach(async () => {
    await env?.teardown();
  });
  return {
    get env() {
      return env!;
    },
    get bundle() {
      return bundle!;
    },
  };
}
