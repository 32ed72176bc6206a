/**
 * The whole product on real parts, in-process where it is ours: a throwaway
 * PostgreSQL cluster, the Temporal dev server, the SMTP sink, the worker and
 * the API on loopback. Integration tests and the history recorder use it.
 */
import { randomBytes } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import pino from 'pino';
import { ensureAdminToken } from '../../api/auth';
import { startApi, type RunningApi } from '../../api/server';
import { loadConfig, type Config } from '../../config';
import { createDatabase, type Db } from '../../db/database';
import { migrateToLatest } from '../../db/migrate';
import { startMailSink, type MailSink } from '../../local/mail-sink';
import { startPostgresCluster, type PostgresCluster } from '../../local/postgres-cluster';
import { TASK_QUEUE } from '../../contracts/temporal';
import { ensureSchedules } from '../../worker/schedules';
import { activitiesFromConfig, createRequestWorker } from '../../worker/worker';
import { bundleWorkflows, createDevServerEnvironment } from './temporal';

export interface Stack {
  apiUrl: string;
  adminToken: string;
  db: Db;
  mail: MailSink;
  temporal: TestWorkflowEnvironment;
  config: Config;
  /** Calls the API: JSON in, JSON out. */
  call(method: string, path: string, options?: CallOptions): Promise<ApiResponse>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // Tests read fields freely; their assertions check the shape.
  body: any;
}

export async function startStack(options: { workflowBundle?: WorkflowBundleWithSourceMap } = {}): Promise<Stack> {
  const started: (() => Promise<void>)[] = [];
  const close = async (): Promise<void> => {
    for (const stop of started.reverse()) await stop();
  };
  try {
    const cluster: PostgresCluster = await startPostgresCluster({ fast: true });
    started.push(() => cluster.stop());
    const mail = await startMailSink();
    started.push(() => mail.close());
    const temporal = await createDevServerEnvironment();
    started.push(() => temporal.teardown());

    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: cluster.url,
      SMTP_URL: mail.smtpUrl,
      CUSTOMER_TOKEN_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'silent',
    });
    const db = createDatabase(cluster.url);
    started.push(() => db.destroy());
    await migrateToLatest(db);
    const adminToken = `cst_${randomBytes(24).toString('base64url')}`;
    await ensureAdminToken(db, adminToken);

    const worker = await createRequestWorker({
      connection: temporal.nativeConnection,
      namespace: temporal.namespace ?? config.temporal.namespace,
      activities: activitiesFromConfig(config, db),
      workflowBundle: options.workflowBundle ?? (await bundleWorkflows()),
    });
    const workerRun = worker.run();
    let workerStopped = false;
    const stopWorker = async (): Promise<void> => {
      if (workerStopped) return;
      workerStopped = true;
      worker.shutdown();
      await workerRun;
    };
    started.push(stopWorker);
    // As worker/main.ts does at start-up: the scheduled work's schedules exist.
    await ensureSchedules(temporal.client, { timeZone: config.businessTimeZone, taskQueue: TASK_QUEUE });

    const api: RunningApi = await startApi({ db, temporal: temporal.client, config, logger: pino({ level: 'silent' }) }, 0);
    started.push(() => api.close());

    const call = async (method: string, path: string, { token, body, headers = {} }: CallOptions = {}): Promise<ApiResponse> => {
      const response = await fetch(`${api.url}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
    };

    return { apiUrl: api.url, adminToken, db, mail, temporal, config, call, stopWorker, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Synthetic intake bodies: every name and address is made up. */
export function intakeBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    customer: {
      id: 'C-TEST-0001',
      name: '测试客户甲',
      email: 'customer.a@example.com',
      phone: '+86 100 0000 0001',
      tier: 'standard',
    },
    channel: 'phone',
    type: 'fault',
    description: '测试设备无法开机（合成数据）',
    urgency: 'normal',
    emotion: 'calm',
    complexity: 'complex',
    ...overrides,
  };
}
