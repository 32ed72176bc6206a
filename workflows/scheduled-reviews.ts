/**
 * Workflow `serviceReview`: one run of the scheduled work (process.md
 * "Scheduled work"), started by its Temporal Schedule (worker/schedules.ts).
 * It takes the period from the time the schedule meant — the
 * `TemporalScheduledStartTime` search attribute, so a caught-up run covers
 * the period it was due for — else its own start (a run started by hand),
 * and hands the period to the activities: the VIP care letters, or the
 * weekly or quarterly review stored, then mailed. Every mail is keyed per
 * period and each report stored once per period, so a re-run of the same
 * period sends and stores nothing twice.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ReviewActivities, ReviewKind, ScheduledMailResult, StoreReviewResult } from '../contracts/activities';
import { ScheduledStartTime, Timeouts } from '../contracts/temporal';
import { reviewPeriod, type ReviewPeriod } from '../rules/review-periods';
import { longStep } from './steps';

export interface ServiceReviewInput {
  kind: ReviewKind;
  /** The business time zone the schedule runs in; the period is cut in it. */
  timeZone: string;
}

export interface ServiceReviewResult {
  kind: ReviewKind;
  scheduledAt: string;
  period: ReviewPeriod;
  report: StoreReviewResult | null;
  mail: ScheduledMailResult;
}

const steps = (summary: string) => proxyActivities<ReviewActivities>(longStep(summary, Timeouts.reviewActivityStartToClose));

export async function serviceReview(input: ServiceReviewInput): Promise<ServiceReviewResult> {
  const info = workflowInfo();
  const scheduledAt = info.typedSearchAttributes.get(ScheduledStartTime) ?? info.startTime;
  const period = reviewPeriod(input.kind, scheduledAt, input.timeZone);
  const base = { kind: input.kind, scheduledAt: scheduledAt.toISOString(), period };
  if (input.kind === 'vip_care_letter') {
    const mail = await steps(`VIP care letters ${period.fromDate}`).sendVipCareLetters({ period });
    return { ...base, report: null, mail };
  }
  const report = await steps(`${input.kind} ${period.fromDate}: store`).storeReviewReport({ kind: input.kind, period });
  const mail = await steps(`${input.kind} ${period.fromDate}: mail`).mailReviewReport({ kind: input.kind, period });
  return { ...base, report, mail };
}
