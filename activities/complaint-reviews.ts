/**
 * The complaint review (投诉根因复盘, process.md stage 10): the child workflow
 * `complaintReview` records its document as it stands — armed at the
 * complaint's closing, then the supervisor's root cause, analysis and
 * corrective action, the deadline met or missed — in `complaint_reviews`, one
 * row per request, beside the columns the "complaint review rate" KPI reads
 * (closed_at, due_at, state, cause, reviewed_at).
 *
 * Once the supervisor's review is recorded it is added to the complaint's
 * archived record, in the same transaction.
 *
 * Idempotent without a lock, like the archive: the insert's `on conflict`
 * updates the row only for a newer document version, so a retry or a
 * concurrent duplicate leaves the one row as it was, and an older document
 * never overwrites a newer one. A document the table cannot hold (a deadline
 * other than `complaintReview`, a state other than pending/met/missed, an
 * unknown root cause) is a programming error: non-retryable, nothing written.
 */
import { ApplicationFailure } from '@temporalio/common';
import { RootCause, type ComplaintReviewDocument } from '../contracts/complaint-review';
import type { ActivityDependencies } from './dependencies';

const REVIEW_STATES = ['pending', 'met', 'missed'] as const;
type ReviewState = (typeof REVIEW_STATES)[number];

function invalidReview(review: ComplaintReviewDocument, problem: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`complaint review ${review.requestId} v${review.version}: ${problem}`, 'InvalidComplaintReview');
}

function checkReview(review: ComplaintReviewDocument): ReviewState {
  const { deadline } = review;
  if (!Number.isInteger(review.version) || review.version < 0) throw invalidReview(review, `version ${review.version} is not a whole number ≥ 0`);
  if (deadline.name !== 'complaintReview') throw invalidReview(review, `its deadline is ${deadline.name}, not complaintReview`);
  if (!REVIEW_STATES.includes(deadline.state as ReviewState)) {
    throw invalidReview(review, `its deadline is ${deadline.state}; a complaint review is pending, met or missed`);
  }
  for (const [name, value] of [
    ['closedAt', review.closedAt],
    ['deadline.dueAt', deadline.dueAt],
    ['review.at', review.review?.at],
  ] as const) {
    if (value !== undefined && Number.isNaN(Date.parse(value))) throw invalidReview(review, `${name} ${JSON.stringify(value)} is not an instant`);
  }
  if (review.review && !RootCause.safeParse(review.review.cause).success) {
    throw invalidReview(review, `root cause ${JSON.stringify(review.review.cause)} is not one of ${RootCause.options.join(', ')}`);
  }
  return deadline.state as ReviewState;
}

export function createComplaintReviewActivities({ db, clock }: ActivityDependencies) {
  return {
    async recordComplaintReview({ review }: { review: ComplaintReviewDocument }): Promise<void> {
      const state = checkReview(review);
      const row = {
        request_id: review.requestId,
        closed_at: review.closedAt,
        due_at: review.deadline.dueAt,
        state,
        cause: review.review?.cause ?? null,
        analysis: review.review?.analysis ?? null,
        corrective_action: review.review?.correctiveAction ?? null,
        reviewed_at: review.review?.at ?? null,
        reviewed_by_role: review.review?.byRole ?? null,
        document: JSON.stringify(review),
        version: review.version,
        updated_at: clock.now(),
      };
      await db.transaction().execute(async (trx) => {
        // Ordered against archiveRequest on the request row (see there).
        await trx.selectFrom('requests').select('id').where('id', '=', review.requestId).forNoKeyUpdate().execute();
        const written = await trx
          .insertInto('complaint_reviews')
          .values(row)
          .onConflict((oc) =>
            oc
              .column('request_id')
              .doUpdateSet((eb) => ({
                closed_at: eb.ref('excluded.closed_at'),
                due_at: eb.ref('excluded.due_at'),
                state: eb.ref('excluded.state'),
                cause: eb.ref('excluded.cause'),
                analysis: eb.ref('excluded.analysis'),
                corrective_action: eb.ref('excluded.corrective_action'),
                reviewed_at: eb.ref('excluded.reviewed_at'),
                reviewed_by_role: eb.ref('excluded.reviewed_by_role'),
                document: eb.ref('excluded.document'),
                version: eb.ref('excluded.version'),
                updated_at: eb.ref('excluded.updated_at'),
              }))
              // Only a newer document replaces the row: a retry, a duplicate or a late older call changes nothing.
              .where((eb) => eb('complaint_reviews.version', '<', eb.ref('excluded.version'))),
          )
          .returning('request_id')
          .executeTakeFirst();
        // A recorded review completes the archived record (the archive takes it too if it comes later).
        if (written && review.review !== null) {
          await trx.updateTable('archived_requests').set({ complaint_review: row.document }).where('request_id', '=', review.requestId).execute();
        }
      });
    },
  };
}
