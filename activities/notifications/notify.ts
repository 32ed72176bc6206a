/**
 * The notification activity (process.md "Notifications"). Each e-mail has a
 * key `{requestId}:{eventSeq}:{template}:{recipientId}`, recorded as pending
 * before sending and marked sent after the server's 250; the Message-ID is
 * derived from the key. A retry skips what was sent and sends a pending one
 * again, so a crash at the wrong moment yields at most one duplicate with the
 * same Message-ID, and nothing is lost.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { Policy } from '../../contracts/policy';
import { Language, type DeadlineId, type RequestDocument } from '../../contracts/request';
import type { NotificationRecipient, NotifyInput, NotifyResult } from '../../contracts/activities';
import { CUSTOMER_PAGE_ACTIONS, CustomerDocument } from '../../contracts/customer-document';
import { CUSTOMER_TOKEN_GRACE_SECONDS, signCustomerToken } from '../../contracts/customer-token';
import type { ActivityDependencies } from '../dependencies';
import { DEADLINE_LABEL, formatInstant, REQUEST_TYPE_LABEL } from './labels';
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

/** Facts the workflow got wrong: a programming error, which no retry mends. */
function invalidFacts(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, 'InvalidNotificationFacts');
}

/**
 * The customer document a link fact names, with the revision the workflow
 * passes beside it (`{ link: 'sheet', revision: 2 }`); null without a link.
 */
function linkFacts(facts: NotifyInput['facts']): { document: CustomerDocument; revision: number } | null {
  if (facts.link === undefined || facts.link === null) return null;
  const document = CustomerDocument.safeParse(facts.link);
  if (!document.success) throw invalidFacts(`facts.link ${JSON.stringify(facts.link)} is not a customer document`);
  const { revision } = facts;
  if (typeof revision !== 'number' || !Number.isInteger(revision) || revision < 0) {
    throw invalidFacts(
      `facts.link ${JSON.stringify(document.data)} needs facts.revision, the document's revision as a whole number ≥ 0; got ${JSON.stringify(revision ?? null)}`,
    );
  }
  return { document: document.data, revision };
}

/** What a template cannot do without; checked before anything is recorded or sent. */
function checkFacts(input: NotifyInput): void {
  if (input.template === 'cancellation' && input.facts.by !== 'customer' && input.facts.by !== 'staff') {
    throw invalidFacts(`cancellation needs facts.by 'customer' or 'staff'; got ${JSON.stringify(input.facts.by ?? null)}`);
  }
}

export function notificationKey(requestId: string, eventSeq: number, template: string, recipientId: string): string {
  return `${requestId}:${eventSeq}:${template}:${recipientId}`;
}

export function messageIdFor(key: string, domain: string): string {
  return `<${createHash('sha256').update(key).digest('hex')}@${domain}>`;
}

export function createNotificationActivities(deps: ActivityDependencies) {
  const { db, mailer, clock, mail, customerLinks } = deps;

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
        const row = await db
          .selectFrom('policies')
          .select('document')
          .where('version', '=', policyVersion)
          .executeTakeFirstOrThrow();
        const { addresses } = Policy.parse(row.document);
        const to = recipient.name === 'supervisors' ? addresses.supervisors : [addresses.headOfService];
        const name = recipient.name === 'supervisors' ? '客服主管 / Supervisors' : '服务负责人 / Head of service';
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
          'requests.policy_version',
          'agents.name as assignee_name',
          'service_groups.name_zh as group_zh',
          'service_groups.name_en as group_en',
        ])
        .where('requests.id', '=', input.requestId)
        .executeTakeFirstOrThrow();
      const request = row.document as RequestDocument;
      const calendar = await db.selectFrom('calendars').select('document').where('version', '=', request.calendarVersion).executeTakeFirst();
      const timeZone = (calendar?.document as { timeZone?: string } | undefined)?.timeZone ?? 'Asia/Shanghai';
      const result: NotifyResult = { sent: [], skipped: [], unresolved: [] };

      for (const recipient of input.recipients) {
        const resolved = await resolve(recipient, row.policy_version);
        if (resolved.length === 0) result.unresolved.push(JSON.stringify(recipient));
        for (const to of resolved) {
          const key = notificationKey(input.requestId, input.eventSeq, input.template, to.id);
          const messageId = messageIdFor(key, mail.messageIdDomain);
          await db
            .insertInto('notifications')
            .values({ key, request_id: input.requestId, template: input.template, recipient_id: to.id, message_id: messageId, status: 'pending' })
            .onConflict((oc) => oc.column('key').doNothing())
            .execute();
          const existing = await db.selectFrom('notifications').select('status').where('key', '=', key).executeTakeFirstOrThrow();
          if (existing.status === 'sent') {
            result.skipped.push(key);
            continue;
          }
          const deadline = typeof input.facts.deadline === 'string' ? (input.facts.deadline as DeadlineId) : null;
          const dueAt = typeof input.facts.dueAt === 'string' ? input.facts.dueAt : null;
          const email = renderEmail(input.template, to.language, {
            ...input.facts,
            recipient: { name: to.name, kind: to.kind },
            request: {
              id: request.id,
              priority: request.priority,
              typeLabel: REQUEST_TYPE_LABEL[to.language][request.type],
              groupLabel: (to.language === 'en' ? row.group_en : row.group_zh) ?? request.assignee?.group ?? '',
              assigneeName: row.assignee_name ?? '—',
            },
            deadlineLabel: deadline ? DEADLINE_LABEL[to.language][deadline] : null,
            dueAtLocal: dueAt ? formatInstant(dueAt, to.language, timeZone) : null,
            link: linked ? customerLink(linked, request) : null,
          });
          await mailer.sendMail({
            from: mail.from,
            to: to.addresses,
            subject: email.subject,
            html: email.html,
            text: email.text,
            messageId,
            headers: { 'X-Request-Id': request.id, 'X-Notification-Template': input.template },
          });
          await db.updateTable('notifications').set({ status: 'sent', sent_at: clock.now() }).where('key', '=', key).execute();
          result.sent.push(key);
        }
      }
      return result;
    },
  };
}
