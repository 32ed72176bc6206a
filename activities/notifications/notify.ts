/**
 * The notification activity (process.md "Notifications"). Each e-mail has a
 * key `{requestId}:{eventSeq}:{template}:{recipientId}`, recorded as pending
 * before sending and marked sent after the server's 250 — with its
 * `notification_sent` timeline event, in one transaction; the Message-ID is
 * derived from the key. A mail the server refuses for good (5xx, an address
 * it will not take) is marked rejected, with a `notification_rejected` event,
 * and never tried again; any other failure is retried. A retry skips what was
 * sent or rejected and sends a pending one again, so a crash at the wrong moment yields at most one duplicate with the
 * same Message-ID, and nothing is lost.
 *
 * Facts carry ids, codes, instants and counts only. What a mail shows of the
 * request's own text (a requirement sheet, a solution, a task, what the
 * customer must provide, a delay's reason, the week's progress, a delivery
 * and its rejection, the feedback) is read from the request document the
 * workflow recorded (`recordState`) before sending; a mail whose sheet,
 * solution, delivery or customer page was superseded while it waited is not
 * sent (its keys are reported as skipped), since its link would be stale.
 * The complaint review's mails (the request for it, its deadline's reminder
 * and escalation) say when the complaint closed, from the request row or,
 * before that is recorded, the review's row; a request or reminder for a
 * review already recorded is skipped the same way.
 * facts.ts says what each template needs; context.ts what it renders with.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { Policy, type PolicyAddressName } from '../../contracts/policy';
import { Language, type RequestDocument } from '../../contracts/request';
import type { NotificationRecipient, NotifyInput, NotifyResult } from '../../contracts/activities';
import { CUSTOMER_PAGE_ACTIONS, type CustomerDocument } from '../../contracts/customer-document';
import { CUSTOMER_TOKEN_GRACE_SECONDS, signCustomerToken } from '../../contracts/customer-token';
import type { ActivityDependencies } from '../dependencies';
import { templateContext } from './context';
import { checkDocument, checkFacts, isComplaintReviewMail, linkFacts, taskOf } from './facts';
import { renderEmail } from './templates';

interface ResolvedRecipient {
  /** The key's recipient part: a customer id, an agent id or a policy address name. */
  id: string;
  addresses: string[];
  name: string;
  language: Language;
  /** Customers and staff read different wording where a template has both (cancellation). */
  kind: 'customer' | 'staff';
}

/** A policy address by name: its mailboxes and how mails greet them. */
function policyAddress(name: PolicyAddressName, addresses: Policy['addresses']): { to: string[]; name: string } {
  switch (name) {
    case 'supervisors':
      return { to: addresses.supervisors, name: '客服主管 / Supervisors' };
    case 'headOfService':
      return { to: [addresses.headOfService], name: '服务负责人 / Head of service' };
    case 'serviceRepresentatives':
      // Without a desk of their own, the service representatives' mails go to the supervisors.
      return { to: addresses.serviceRepresentatives ?? addresses.supervisors, name: '客服专员 / Service representatives' };
  }
}

export function notificationKey(requestId: string, eventSeq: number, template: string, recipientId: string): string {
  return `${requestId}:${eventSeq}:${template}:${recipientId}`;
}

export function messageIdFor(key: string, domain: string): string {
  return `<${createHash('sha256').update(key).digest('hex')}@${domain}>`;
}

/** The mail server refused the mail for good (SMTP 5xx): sending it again would only be refused again. */
function isPermanentRejection(err: unknown): boolean {
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

export function createNotificationActivities(deps: ActivityDependencies) {
  const { db, mailer, clock, mail, customerLinks } = deps;

  /** The request's policy version, with its addresses (never in a workflow's copy). */
  async function policyOf(version: number): Promise<Policy> {
    const row = await db.selectFrom('policies').select('document').where('version', '=', version).executeTakeFirstOrThrow();
    return Policy.parse(row.document);
  }

  async function resolve(recipient: NotificationRecipient, policyVersion: number): Promise<ResolvedRecipient[]> {
    switch (recipient.kind) {
      case 'customer': {
        const c = await db
          .selectFrom('customers')
          .select(['id', 'name', 'email', 'language'])
          .where('id', '=', recipient.customerId)
          .executeTakeFirstOrThrow();
        return [{ id: c.id, addresses: [c.email], name: c.name, language: Language.parse(c.language), kind: 'customer' }];
      }
      case 'agent':
      case 'groupLead': {
        let query = db.selectFrom('agents').select(['id', 'name', 'email', 'language']);
        query =
          recipient.kind === 'agent'
            ? query.where('id', '=', recipient.agentId)
            : query.where('group_id', '=', recipient.groupId).where('lead', '=', true).where('active', '=', true);
        const agents = await query.orderBy('id').execute();
        return agents.map((a) => ({ id: a.id, addresses: [a.email], name: a.name, language: Language.parse(a.language), kind: 'staff' as const }));
      }
      case 'policyAddress': {
        const { addresses } = await policyOf(policyVersion);
        const { to, name } = policyAddress(recipient.name, addresses);
        return [{ id: recipient.name, addresses: to, name, language: 'zh-CN', kind: 'staff' }];
      }
    }
  }

  /** The customer page for that revision of the document: a newer revision makes the link stale. */
  function customerLink({ document, revision }: { document: CustomerDocument; revision: number }, request: RequestDocument): string {
    const token = signCustomerToken(
      {
        requestId: request.id,
        customerId: request.customer.id,
        document,
        revision,
        actions: CUSTOMER_PAGE_ACTIONS[document],
        expiresAt: Math.floor(clock.now().getTime() / 1000) + CUSTOMER_TOKEN_GRACE_SECONDS,
      },
      customerLinks.tokenSecret,
    );
    return `${customerLinks.publicBaseUrl}/c/${token}`;
  }

  /**
   * The agents a staff mail names, by id: a review request's task owners, a
   * task's owner in its reminder or escalation, the reviewers a review's
   * escalation says have not answered. Staff mails show them by name.
   */
  function namedAgents(input: NotifyInput, request: RequestDocument): string[] {
    switch (input.template) {
      case 'review-request':
        return request.solution?.tasks.map((task) => task.ownerId) ?? [];
      case 'deadline-reminder':
      case 'deadline-escalation': {
        const owner = taskOf(request, input.facts.taskId)?.ownerId;
        const reviewers = typeof input.facts.pendingReviewers === 'string' ? input.facts.pendingReviewers.split(',') : [];
        return [...(owner ? [owner] : []), ...reviewers].filter((id) => id !== '');
      }
      default:
        return [];
    }
  }

  async function agentNames(ids: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const agents = await db.selectFrom('agents').select(['id', 'name']).where('id', 'in', unique).execute();
    return new Map(agents.map((a) => [a.id, a.name]));
  }

  /**
   * For the mails about a complaint's root-cause review: when the complaint
   * closed — the request row's `closed_at`, else its document's `closedAt`,
   * else the review's as `recordComplaintReview` stored it — and whether the
   * mail is moot: a request for the review, or its reminder, once the review
   * is recorded (its escalation still goes: the deadline was missed). The
   * request for the review says when the complaint closed, so it waits
   * (a retryable failure) until some record of the closing exists.
   */
  async function complaintReviewOf(input: NotifyInput, request: RequestDocument, rowClosedAt: Date | null): Promise<{ closedAt: string | null; moot: boolean }> {
    const review = await db
      .selectFrom('complaint_reviews')
      .select(['closed_at', 'reviewed_at'])
      .where('request_id', '=', input.requestId)
      .executeTakeFirst();
    const closedAt = rowClosedAt?.toISOString() ?? request.closedAt ?? review?.closed_at.toISOString() ?? null;
    if (closedAt === null && input.template === 'complaint-review-request') {
      throw ApplicationFailure.retryable(
        `complaint-review-request says when complaint ${input.requestId} closed, but neither the request (v${request.version}) nor a complaint review records its closing yet`,
        'ClosingNotRecorded',
      );
    }
    const moot = (input.template === 'complaint-review-request' || input.template === 'deadline-reminder') && Boolean(review?.reviewed_at);
    return { closedAt, moot };
  }

  return {
    async notify(input: NotifyInput): Promise<NotifyResult> {
      checkFacts(input);
      const linked = linkFacts(input.facts);
      const row = await db
        .selectFrom('requests')
        .leftJoin('agents', 'agents.id', 'requests.assignee_id')
        .leftJoin('service_groups', 'service_groups.id', 'requests.group_id')
        .select([
          'requests.document',
          'requests.closed_at',
          'requests.policy_version',
          'agents.name as assignee_name',
          'service_groups.name_zh as group_zh',
          'service_groups.name_en as group_en',
        ])
        .where('requests.id', '=', input.requestId)
        .executeTakeFirstOrThrow();
      const request = row.document as RequestDocument;
      const current = checkDocument(input, request) === 'current';
      const complaint = isComplaintReviewMail(input) ? await complaintReviewOf(input, request, row.closed_at) : null;
      const superseded = !current || complaint?.moot === true;
      const calendar = await db.selectFrom('calendars').select('document').where('version', '=', request.calendarVersion).executeTakeFirst();
      const timeZone = (calendar?.document as { timeZone?: string } | undefined)?.timeZone ?? 'Asia/Shanghai';
      const names = await agentNames(namedAgents(input, request));
      // The delivery mail says what the end of the acceptance window does under the request's policy.
      const acceptanceOnExpiry = input.template === 'delivery' ? (await policyOf(row.policy_version)).acceptanceOnExpiry : undefined;
      const result: NotifyResult = { sent: [], skipped: [], unresolved: [], rejected: [] };

      for (const recipient of input.recipients) {
        const resolved = await resolve(recipient, row.policy_version);
        if (resolved.length === 0) result.unresolved.push(JSON.stringify(recipient));
        for (const to of resolved) {
          const key = notificationKey(input.requestId, input.eventSeq, input.template, to.id);
          if (superseded) {
            result.skipped.push(key);
            continue;
          }
          const sentBefore = await db.selectFrom('notifications').select('status').where('key', '=', key).executeTakeFirst();
          if (sentBefore?.status === 'sent' || sentBefore?.status === 'rejected') {
            result.skipped.push(key);
            continue;
          }
          // Rendered before the key is recorded: a template that cannot render records nothing.
          const email = renderEmail(
            input.template,
            to.language,
            templateContext({
              template: input.template,
              facts: input.facts,
              recipient: { name: to.name, language: to.language, kind: to.kind },
              request,
              groupLabel: (to.language === 'en' ? row.group_en : row.group_zh) ?? request.assignee?.group ?? '',
              assigneeName: row.assignee_name,
              timeZone,
              link: linked ? customerLink(linked, request) : null,
              agentNames: names,
              acceptanceOnExpiry,
              closedAt: complaint?.closedAt,
              now: clock.now(),
            }),
          );
          const messageId = messageIdFor(key, mail.messageIdDomain);
          await db
            .insertInto('notifications')
            .values({ key, request_id: input.requestId, template: input.template, recipient_id: to.id, message_id: messageId, status: 'pending' })
            .onConflict((oc) => oc.column('key').doNothing())
            .execute();
          const rejection = await mailer
            .sendMail({
              from: mail.from,
              to: to.addresses,
              subject: email.subject,
              html: email.html,
              text: email.text,
              messageId,
              headers: { 'X-Request-Id': request.id, 'X-Notification-Template': input.template },
            })
            .then(
              () => null,
              (err: unknown) => {
                // A 5xx is the server's final word on this mail (an address it refuses); anything else is retried.
                if (!isPermanentRejection(err)) throw err;
                return `${(err as { responseCode: number }).responseCode} ${(err as Error).message}`;
              },
            );
          const at = clock.now();
          await db.transaction().execute(async (trx) => {
            await trx
              .updateTable('notifications')
              .set(rejection === null ? { status: 'sent', sent_at: at } : { status: 'rejected', rejection })
              .where('key', '=', key)
              .execute();
            // Ids and names only: the timeline never holds an address (the server's reply may, so it stays in `notifications`).
            const data = { template: input.template, eventSeq: input.eventSeq, recipientKind: to.kind, recipientId: to.id, messageId };
            await trx
              .insertInto('timeline_events')
              .values({
                request_id: input.requestId,
                key: `mail:${key}`,
                at,
                type: rejection === null ? 'notification_sent' : 'notification_rejected',
                actor: null,
                data: JSON.stringify(data),
              })
              .onConflict((oc) => oc.columns(['request_id', 'key']).doNothing())
              .execute();
          });
          (rejection === null ? result.sent : result.rejected).push(key);
        }
      }
      return result;
    },
  };
}
