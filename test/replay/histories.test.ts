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
import { Patch } from '../../workflows/versioning';

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
    'reminder-recorded-then-missed',
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

/** Every payload of a history, decoded (the history file keeps them base64-encoded). */
function decodedPayloads(history: unknown): string {
  return [...JSON.stringify(history).matchAll(/"data":"([A-Za-z0-9+/=]+)"/g)].map(([, data]) => Buffer.from(data!, 'base64').toString()).join('\n');
}

/** The patch ids a history's `core_patch` markers record. */
function patchesOf(history: unknown): string[] {
  type Marker = { markerName?: string; details?: Record<string, { payloads?: { data?: string }[] }> };
  const events = (history as { events?: { markerRecordedEventAttributes?: Marker }[] }).events ?? [];
  return events
    .map((event) => event.markerRecordedEventAttributes)
    .filter((marker): marker is Marker => marker?.markerName === 'core_patch')
    .map((marker) => (JSON.parse(Buffer.from(marker.details!['patch-data']!.payloads![0]!.data!, 'base64').toString()) as { id: string }).id);
}

it('holds histories from both sides of the reminder change (Patch.recordReminders): before it without the marker, after it with', () => {
  const reminded = recorded.filter((h) => decodedPayloads(h.history).includes('"template":"deadline-reminder"'));
  const marked = reminded.filter((h) => patchesOf(h.history).includes(Patch.recordReminders)).map((h) => h.workflowId);
  // Both sides replay with the current code (the test above); each side is really there.
  expect(marked).toEqual(['reminder-recorded-then-missed']);
  expect(reminded.length).toBeGreaterThan(marked.length);
});
