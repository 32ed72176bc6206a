/**
 * `/healthz` (the process lives) and `/readyz` (it can serve: the database
 * and Temporal answer, and a worker polls `customer-requests`).
 */
import { Router } from 'express';
import { temporal as proto } from '@temporalio/proto';
import { TASK_QUEUE } from '../../contracts/temporal';
import { pingDatabase } from '../../db/migrate';
import type { ApiDependencies } from '../dependencies';

const CHECK_TIMEOUT_MS = 3_000;
/** A worker that has not polled for this long is taken to be gone. */
const POLLER_FRESH_MS = 90_000;

type CheckResult = 'ok' | string;

async function check(run: () => Promise<CheckResult>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve('no answer in time'), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([run().catch((err: unknown) => (err instanceof Error ? err.message : String(err))), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes({ db, temporal, config }: ApiDependencies): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // A gRPC deadline, so an unanswered call stops retrying once the check gave up on it.
  const withinCheckTime = <T>(call: () => Promise<T>): Promise<T> =>
    temporal.connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS - 100, call);

  router.get('/readyz', async (_req, res) => {
    const [database, temporalServer, worker] = await Promise.all([
      check(async () => {
        await pingDatabase(db);
        return 'ok';
      }),
      check(async () => {
        await withinCheckTime(() => temporal.workflowService.getSystemInfo({}));
        return 'ok';
      }),
      check(async () => {
        const { pollers } = await withinCheckTime(() =>
          temporal.workflowService.describeTaskQueue({
            namespace: config.temporal.namespace,
            taskQueue: { name: TASK_QUEUE, kind: proto.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
            taskQueueType: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
          }),
        );
        const fresh = pollers.some((p) => {
          const seconds = Number(p.lastAccessTime?.seconds ?? 0);
          return Date.now() - seconds * 1000 < POLLER_FRESH_MS;
        });
        return fresh ? 'ok' : `no worker polling ${TASK_QUEUE}`;
      }),
    ]);
    const checks = { database, temporal: temporalServer, worker };
    if (Object.values(checks).every((c) => c === 'ok')) {
      res.json({ status: 'ready', checks });
    } else {
      res.status(503).set('Retry-After', '5').json({
        error: { code: 'unavailable', message: 'not ready', outcome: 'not_applied', checks },
      });
    }
  });

  return router;
}
