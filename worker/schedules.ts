/**
 * The Temporal Schedules of the scheduled work (process.md "Scheduled
 * work"), in the business time zone:
 * - `vip-care-letter`: the 1st of every month at 10:00;
 * - `weekly-review`: Mondays at 09:00;
 * - `quarterly-feedback-review`: 1 January, April, July and October at 09:00.
 * Each starts workflow `serviceReview` with its kind. Overlaps are skipped;
 * a run missed while Temporal was away is caught up within about one period
 * (and with overlaps skipped, only one). `ensureSchedules` creates each one,
 * or updates it to this definition when it exists: run at every worker
 * start, it converges on the same three schedules.
 */
import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type CalendarSpec,
  type Client,
  type ScheduleOptions,
  type ScheduleUpdateOptions,
} from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { ReviewKind } from '../contracts/activities';
import { ScheduleId, serviceReviewWorkflowIdPrefix, WorkflowType } from '../contracts/temporal';
import type { ServiceReviewInput } from '../workflows/scheduled-reviews';

export interface ScheduleSettings {
  /** The business time zone (config `BUSINESS_TIME_ZONE`), an IANA name. */
  timeZone: string;
  taskQueue: string;
}

interface ScheduleDefinition {
  calendar: CalendarSpec;
  /** How late a missed run may still start: about one period. */
  catchupWindow: Duration;
  note: string;
}

export const SCHEDULES: Record<ReviewKind, ScheduleDefinition> = {
  vip_care_letter: {
    calendar: { dayOfMonth: 1, hour: 10, comment: '服务关怀函: the 1st of every month at 10:00' },
    catchupWindow: '31 days',
    note: 'VIP care letter (服务关怀函), monthly',
  },
  weekly_review: {
    calendar: { dayOfWeek: 'MONDAY', hour: 9, comment: '周复盘: Mondays at 09:00' },
    catchupWindow: '7 days',
    note: 'Weekly review (周复盘) to the supervisors',
  },
  quarterly_feedback_review: {
    calendar: { month: ['JANUARY', 'APRIL', 'JULY', 'OCTOBER'], dayOfMonth: 1, hour: 9, comment: '季度反馈分析: 1 Jan/Apr/Jul/Oct at 09:00' },
    catchupWindow: '92 days',
    note: 'Quarterly feedback review (季度反馈分析) to the supervisors',
  },
};

/** The schedule of that kind as it should be. */
export function scheduleOptions(kind: ReviewKind, settings: ScheduleSettings): ScheduleOptions {
  const definition = SCHEDULES[kind];
  const scheduleId = ScheduleId[kind];
  return {
    scheduleId,
    spec: { calendars: [definition.calendar], timezone: settings.timeZone },
    action: {
      type: 'startWorkflow',
      workflowType: WorkflowType.serviceReview,
      args: [{ kind, timeZone: settings.timeZone } satisfies ServiceReviewInput],
      taskQueue: settings.taskQueue,
      workflowId: serviceReviewWorkflowIdPrefix(scheduleId),
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: definition.catchupWindow, pauseOnFailure: false },
    state: { note: definition.note },
  };
}

/** Creates each schedule, or brings an existing one to today's definition (its pause state is left as an operator set it). */
export async function ensureSchedules(client: Client, settings: ScheduleSettings): Promise<{ created: string[]; updated: string[] }> {
  const created: string[] = [];
  const updated: string[] = [];
  for (const kind of ReviewKind) {
    const options = scheduleOptions(kind, settings);
    try {
      await client.schedule.create(options);
      created.push(options.scheduleId);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule.getHandle(options.scheduleId).update(
        (previous): ScheduleUpdateOptions => ({
          ...previous,
          spec: options.spec,
          action: options.action,
          policies: options.policies,
        }),
      );
      updated.push(options.scheduleId);
    }
  }
  return { created, updated };
}
