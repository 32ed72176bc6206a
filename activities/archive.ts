/**
 * The closing archive (服务闭环, process.md stage 9): at closing the whole
 * record — the request, its sheets, solution and tasks, the delivery,
 * progress, delays and pauses, the feedback and interventions, every
 * deadline with its outcome — is frozen in `archived_requests`, one row per
 * request, beside the columns the KPI queries filter on, with the timeline
 * as it stands and the complaint review if one is recorded, read in the same
 * transaction (a review recorded later is added by `recordComplaintReview`).
 *
 * Idempotent without a lock: the insert's `on conflict` updates the row only
 * for a newer document version, so a retry or a concurrent duplicate leaves
 * the one row as it was, and an older document never overwrites a newer one.
 * The read model (`requests.status`, `closed_at`) is `recordState`'s, not
 * this activity's.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { RequestDocument } from '../contracts/request';
import type { ActivityDependencies } from './dependencies';

export function createArchiveActivities({ db, clock }: ActivityDependencies) {
  return {
    async archiveRequest({ document }: { document: RequestDocument }): Promise<void> {
      if (document.status === 'open' || document.closedAt === null) {
        // The workflow archives at closing only; no retry closes the request.
        throw ApplicationFailure.nonRetryable(
          `request ${document.id} v${document.version} is not closed (status ${document.status}, closedAt ${document.closedAt}): only a closed request is archived`,
          'RequestNotClosed',
        );
      }
      const { closedAt, status } = document;
      await db.transaction().execute(async (trx) => {
        // The request row orders this against recordComplaintReview: a review recorded meanwhile is either read here or finds the archive row.
        await trx.selectFrom('requests').select('id').where('id', '=', document.id).forNoKeyUpdate().execute();
        const timeline = await trx
          .selectFrom('timeline_events')
          .select(['at', 'type', 'actor', 'data'])
          .where('request_id', '=', document.id)
          .orderBy('at')
          .orderBy('id')
          .execute();
        const review = await trx
          .selectFrom('complaint_reviews')
          .select('document')
          .where('request_id', '=', document.id)
          .where('cause', 'is not', null)
          .executeTakeFirst();
        const row = {
          request_id: document.id,
          closed_at: closedAt,
          status,
          resolution: document.resolution,
          follow_up: document.followUp,
          type: document.type,
          priority: document.priority,
          group_id: document.assignee?.group ?? null,
          assignee_id: document.assignee?.id ?? null,
          customer_id: document.customer.id,
          document: JSON.stringify(document),
          version: document.version,
          archived_at: clock.now(),
          timeline: JSON.stringify(timeline.map((event) => ({ ...event, at: event.at.toISOString() }))),
          complaint_review: review ? JSON.stringify(review.document) : null,
        };
        await trx
          .insertInto('archived_requests')
          .values(row)
          .onConflict((oc) =>
            oc
              .column('request_id')
              .doUpdateSet((eb) => ({
                closed_at: eb.ref('excluded.closed_at'),
                status: eb.ref('excluded.status'),
                resolution: eb.ref('excluded.resolution'),
                follow_up: eb.ref('excluded.follow_up'),
                type: eb.ref('excluded.type'),
                priority: eb.ref('excluded.priority'),
                group_id: eb.ref('excluded.group_id'),
                assignee_id: eb.ref('excluded.assignee_id'),
                customer_id: eb.ref('excluded.customer_id'),
                document: eb.ref('excluded.document'),
                version: eb.ref('excluded.version'),
                archived_at: eb.ref('excluded.archived_at'),
                timeline: eb.ref('excluded.timeline'),
                complaint_review: eb.fn.coalesce(eb.ref('excluded.complaint_review'), eb.ref('archived_requests.complaint_review')),
              }))
              // Only a newer document replaces the frozen record: a retry, a duplicate or a late older call changes nothing.
              .where((eb) => eb('archived_requests.version', '<', eb.ref('excluded.version'))),
          )
          .execute();
      });
    },
  };
}
