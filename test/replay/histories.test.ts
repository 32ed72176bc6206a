/**
 * Replays every committed history (test/histories/*.json, recorded by
 * `npm run record-histories`) against today's workflow code: a change that
 * would break a running request fails here, before it ships.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { NormalModuleReplacementPlugin } from 'webpack';
import { bundleWorkflows, quietTemporalLogs } from '../support/temporal';

const HISTORIES_DIR = path.resolve(__dirname, '..', 'histories');
const recorded = readdirSync(HISTORIES_DIR)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({
    workflowId: path.basename(file, '.json'),
    history: JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')) as unknown,
  }));

let current: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  quietTemporalLogs();
  current = await bundleWorkflows();
});

it('has a history of every recorded path', () => {
  expect(recorded.map((h) => h.workflowId)).toEqual([
    'acknowledged-in-time',
    'cancelled-in-analysis',
    'complaint-closed',
    'complaint-review-late',
    'complex-delivered-and-closed',
    'continued-as-new',
    'deemed-accepted-callbacks-missed',
    'dissatisfied-intervention-reopens',
    'emergency-temporary-measure',
    'first-response-missed',
    'nobody-eligible-then-assigned',
    'paused-delayed-reworked',
    'reassigned-by-lead',
    'review-rejected-and-revised',
    'sheet-voided-unconfirmed',
    'simple-answer-missed',
    'simple-reclassified',
    'simple-resolved-at-first-contact',
    'suggestion-resolved',
  ]);
});

it('replays every recorded history with the current workflow code', async () => {
  const outcomes: { workflowId: string; error: string | null }[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: current }, recorded)) {
    outcomes.push({ workflowId: result.workflowId, error: result.error ? String(result.error) : null });
  }
  expect(outcomes).toEqual(recorded.map((h) => ({ workflowId: h.workflowId, error: null })));
});

it('fails the replay of a non-deterministic change', async () => {
  const changed = await bundleWorkflowCode({
    workflowsPath: require.resolve('./incompatible-change'),
    logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  // The change is to `customerRequest`: every history of that type must catch it.
  const requests = recorded.filter((h) => workflowTypeOf(h.history) === 'customerRequest');
  expect(requests.length).toBeGreaterThan(10);
  const errors: unknown[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: changed }, requests)) errors.push(result.error);
  expect(errors).toHaveLength(requests.length);
  for (const error of errors) expect(error).toBeInstanceOf(DeterminismViolationError);
});

/** The workflow type a recorded history starts. */
function workflowTypeOf(history: unknown): string | undefined {
  const first = (history as { events?: { workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }[] }).events?.[0];
  return first?.workflowExecutionStartedEventAttributes?.workflowType?.name;
}

it('catches a change shipped without its patch, and replays the same change guarded with `patched`', async () => {
  // The closing order changed (workflows/versioning.ts, Patch.releaseBeforeArchive): every history
  // recorded before it that reaches the closing steps must replay with the guard and fail without it.
  const before = recorded.filter((h) => JSON.stringify(h.history).includes('"archiveRequest"'));
  expect(before.length).toBeGreaterThanOrEqual(4);
  const unguarded = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    webpackConfigHook: (config) => {
      config.plugins = [...(config.plugins ?? []), new NormalModuleReplacementPlugin(/^\.\/versioning$/, require.resolve('./unguarded-change/versioning'))];
      return config;
    },
  });
  const failures: unknown[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: unguarded }, before)) failures.push(result.error);
  expect(failures).toHaveLength(before.length);
  for (const error of failures) expect(error).toBeInstanceOf(DeterminismViolationError);
  const guarded: unknown[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: current }, before)) guarded.push(result.error);
  expect(guarded).toEqual(before.map(() => undefined));
});
