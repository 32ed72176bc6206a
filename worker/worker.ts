/** The worker of task queue `customer-requests`: every workflow and activity of the product. */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, systemClock, type WorkerActivities } from '../activities';
import { createMailer } from '../activities/notifications/mailer';
import type { Config } from '../config';
import type { RequestActivities } from '../contracts/activities';
import { TASK_QUEUE } from '../contracts/temporal';
import type { Db } from '../db/database';

export const WORKFLOWS_PATH = require.resolve('../workflows');

export interface RequestWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  /** A request's activities, and the scheduled work's (`WorkerActivities`) where the worker runs the schedules' workflows. */
  activities: RequestActivities | WorkerActivities;
  /** A prebuilt bundle (tests bundle once); the worker bundles `workflows/` itself otherwise. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export function createRequestWorker(options: RequestWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: TASK_QUEUE,
    activities: options.activities,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
  });
}

/** The production wiring of the activities: real database, SMTP and clock. */
export function activitiesFromConfig(config: Config, db: Db): WorkerActivities {
  return createActivities({
    db,
    mailer: createMailer(config.smtp.url),
    clock: systemClock,
    mail: { from: config.smtp.from, messageIdDomain: config.smtp.messageIdDomain },
    customerLinks: { publicBaseUrl: config.publicBaseUrl, tokenSecret: config.customerTokenSecret },
  });
}
