/**
 * Temporal servers for tests, both provisioned by scripts/provision.sh (the
 * SDK's own download cannot reach the internet here): the time-skipping test
 * server and the dev server, each with the project's search attributes.
 */
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SearchAttributeType } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { ALL_SEARCH_ATTRIBUTES } from '../../contracts/temporal';
import { TEMPORAL_CLI, TEMPORAL_TEST_SERVER } from '../../local/tools';
import { WORKFLOWS_PATH } from '../../worker/worker';


const IndexedValueType = temporal.api.enums.v1.IndexedValueType;
const INDEXED_VALUE_TYPE: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  [SearchAttributeType.KEYWORD]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.TEXT]: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.INT]: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DOUBLE]: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.BOOL]: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.DATETIME]: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.KEYWORD_LIST]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/**
 * The time-skipping server rejects upserts of attributes it does not know,
 * failing the workflow task; register ours through the operator service, as
 * the Java SDK's test environment does.
 */
async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((key) => [key.name, INDEXED_VALUE_TYPE[key.type]])),
  });
}

export async function createTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: TEMPORAL_TEST_SERVER } },
  });
  await registerSearchAttributes(env);
  return env;
}

export function createDevServerEnvironment(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: TEMPORAL_CLI },
      ip: '127.0.0.1',
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      log: { format: 'pretty', level: 'warn' },
      // Deleting a closed workflow (as retention would) takes ~30 s at the default acknowledgement interval; tests wait for it.
      extraArgs: ['--dynamic-config-value', 'history.transferProcessorUpdateAckInterval="1s"'],
    },
  });
}

/** Bundling takes seconds: do it once per test file. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
}

const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

/** The SDK logs every worker state change at INFO; tests want warnings only. Call before any worker starts. */
export function quietTemporalLogs(): void {
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

/**
 * Closes a client connection whose calls failed for want of a server. The
 * client's gRPC retry interceptor keeps retry timers past a call's deadline,
 * and one firing on a closed channel throws out of grpc-js: let them run out.
 */
export async function closeAfterRetriesRunOut(connection: Connection): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  await connection.close();
}
