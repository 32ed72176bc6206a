/**
 * The scheduled work's activities (process.md "Scheduled work"): the weekly
 * review and the quarterly feedback review computed from the read model and
 * stored once per period (`stored_reports`, unique on kind and period: a
 * re-run finds the first and keeps it), then mailed to the supervisors; the
 * month's care letter to every VIP customer.
 *
 * Their mails follow the notification rule of process.md with a key of their
 * own, `review:{kind}:{periodFrom}:{recipientId}`: recorded pending in
 * `notifications` (without a request), sent with
 * `Message-ID <sha256(key)@domain>`, marked sent after the server's 250, so a
 * retry or a re-run of the period sends nothing twice. Two runs of the same
 * period at once (a trigger beside a scheduled run) take turns on an advisory
 * lock for the period, so the second finds everything sent.
 */
import { sql } from 'kysely';
import type {
  MailReviewInput,
  QuarterlyReviewDocument,
  ReviewCount,
  ReviewKind,
  ReviewKpi,
  ReviewPeriodInput,
  ScheduledMailResult,
  ScheduledMailTemplate,
  StoreReviewInput,
  StoreReviewResult,
  WeeklyReviewDocument,
} from '../contracts/activities';
import type { KpiFigures, RatioFigure } from '../contracts/kpi';
import { Policy } from '../contracts/policy';
import { Language } from '../contracts/request';
import type { Db } from '../db/database';
import { kpiReport } from '../reports/kpi';
import { STAFF_SIDE_DEADLINES } from '../rules/deadline-catalogue';
import type { ActivityDependencies } from './dependencies';
import { messageIdFor } from './notifications/notify';
import { quarterlyReviewContext, vipCareLetterContext, weeklyReviewContext } from './notifications/review-context';
import { renderEmail, type RenderedEmail } from './notifications/templates';


/** The key of a scheduled mail: one per kind, period and recipient. */
export function reviewMailKey(kind: ReviewKind, periodFrom: string, recipientId: string): string {
  return `review:${kind}:${periodFrom}:${recipientId}`;
}

const toIso = (value: Date | string): string => (value instanceof Date ? value : new Date(value)).toISOString();

/** The mail server refused the mail for good (SMTP 5xx). */
function isPermanentRejection(err: unknown): boolean {
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** The weekly review of the period, from the read model and the deadline windows (migration 0006). */
export async function computeWeeklyReview(db: Db, period: ReviewPeriodInput, now: Date): Promise<WeeklyReviewDocument> {
  const from = new Date(period.from);
  const to = new Date(period.to);
  const consultations = db
    .selectFrom('requests')
    .where('type', '=', 'consultation')
    .where('created_at', '>=', from)
    .where('created_at', '<', to);
  const countBy = async (column: 'channel' | 'priority' | 'customer_id', limit?: number): Promise<ReviewCount[]> => {
    let query = consultations
      .select([column, (eb) => eb.fn.countAll<string>().as('count')])
      .groupBy(column)
      .orderBy('count', 'desc')
      .orderBy(column);
    if (limit !== undefined) query = query.limit(limit);
    const rows = await query.execute();
    return rows.map((row) => ({ key: String(row[column as keyof typeof row]), count: Number(row.count) }));
  };
  const byChannel = await countBy('channel');
  const byPriority = await countBy('priority');
  const topCustomers = await countBy('customer_id', 5);

  const complaints = await sql<{
    id: string;
    customer_id: string;
    priority: string;
    emotion: string;
    status: string;
    stage: string;
    created_at: Date;
    assignee_id: string | null;
    recorded_in_period: boolean;
    dissatisfied_feedback: boolean;
  }>`
    select r.id, r.customer_id, r.priority, r.emotion, r.status, r.stage, r.created_at, r.assignee_id,
           (r.created_at >= ${from} and r.created_at < ${to}) as recorded_in_period,
           exists (
             select 1 from feedback f
             where f.request_id = r.id and f.verdict = 'dissatisfied' and f.recorded_at >= ${from} and f.recorded_at < ${to}
           ) as dissatisfied_feedback
    from requests r
    where r.type = 'complaint'
      and (
        (r.created_at >= ${from} and r.created_at < ${to} and (r.priority in ('P1', 'P2') or r.emotion = 'dissatisfied'))
        or exists (
          select 1 from feedback f
          where f.request_id = r.id and f.verdict = 'dissatisfied' and f.recorded_at >= ${from} and f.recorded_at < ${to}
        )
      )
    order by r.priority, r.created_at, r.id
  `.execute(db);

  const weekBeforeEnd = new Date(to.getTime() - 7 * 86_400_000);
  const unresolved = await db
    .selectFrom('requests')
    .select(['id', 'type', 'priority', 'stage', 'created_at', 'assignee_id'])
    .where('status', '=', 'open')
    .where('complexity', '=', 'complex')
    .where('created_at', '<', weekBeforeEnd)
    .orderBy('created_at')
    .orderBy('id')
    .execute();

  const missed = await db
    .selectFrom('request_deadlines')
    .select(['name', 'owed_by', (eb) => eb.fn.countAll<string>().as('count')])
    .where('state', '=', 'missed')
    .where('name', 'in', STAFF_SIDE_DEADLINES)
    .where('due_at', '>=', from)
    .where('due_at', '<', to)
    .groupBy(['name', 'owed_by'])
    .execute();
  const sum = (keyOf: (row: (typeof missed)[number]) => string | null) => {
    const totals = new Map<string | null, number>();
    for (const row of missed) totals.set(keyOf(row), (totals.get(keyOf(row)) ?? 0) + Number(row.count));
    return [...totals].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || String(a.key ?? '~').localeCompare(String(b.key ?? '~')));
  };

  return {
    kind: 'weekly_review',
    period,
    computedAt: now.toISOString(),
    consultations: { total: byChannel.reduce((n, c) => n + c.count, 0), byChannel, byPriority, topCustomers },
    majorComplaints: complaints.rows.map((r) => ({
      requestId: r.id,
      customerId: r.customer_id,
      priority: r.priority,
      emotion: r.emotion,
      status: r.status,
      stage: r.stage,
      createdAt: toIso(r.created_at),
      assigneeId: r.assignee_id,
      reasons: [
        ...(r.recorded_in_period && (r.priority === 'P1' || r.priority === 'P2') ? ['priority'] : []),
        ...(r.recorded_in_period && r.emotion === 'dissatisfied' ? ['dissatisfied_at_intake'] : []),
        ...(r.dissatisfied_feedback ? ['dissatisfied_feedback'] : []),
      ],
    })),
    unresolvedComplex: unresolved.map((r) => ({
      requestId: r.id,
      type: r.type,
      priority: r.priority,
      stage: r.stage,
      createdAt: toIso(r.created_at),
      assigneeId: r.assignee_id,
    })),
    missedDeadlines: {
      total: missed.reduce((n, row) => n + Number(row.count), 0),
      byDeadline: sum((row) => row.name) as ReviewCount[],
      byAgent: sum((row) => row.owed_by),
    },
  };
}

const percent = (ratio: number): string => `${Math.round(ratio * 1000) / 10}%`;

function ratioLine(kpi: string, figure: RatioFigure): ReviewKpi {
  const target = figure.target === null ? null : `${figure.direction === 'lower_is_better' ? '≤' : '≥'} ${percent(figure.target)}`;
  return { kpi, value: figure.value, unit: 'rate', target, measured: figure.denominator };
}

/** The quarter's KPI figures as the mail's lines: each KPI of process.md's table with its target. */
export function kpiLines(figures: KpiFigures): ReviewKpi[] {
  const frt = figures.first_response_time;
  const deadlines = Object.values(figures.deadline_compliance);
  const met = deadlines.reduce((n, f) => n + f.numerator, 0);
  const due = deadlines.reduce((n, f) => n + f.denominator, 0);
  return [
    {
      kpi: 'first_response_time',
      value: frt.medianSeconds === null ? null : frt.medianSeconds / 60,
      unit: 'minutes',
      target: 'P1 ≤ 5 min, P2/P3 ≤ 30 min',
      measured: frt.count,
    },
    ratioLine('first_response_compliance', figures.first_response_compliance),
    ratioLine('one_time_resolution_rate', figures.one_time_resolution_rate),
    ratioLine('solution_first_pass_rate', figures.solution_first_pass_rate),
    { kpi: 'deadline_compliance', value: due === 0 ? null : met / due, unit: 'rate', target: null, measured: due },
    ratioLine('closure_timeliness', figures.closure_timeliness),
    ratioLine('progress_feedback_rate', figures.progress_feedback_rate),
    ratioLine('co_handler_response_rate', figures.co_handler_response_rate),
    ratioLine('temporary_measure_coverage', figures.temporary_measure_coverage),
    ratioLine('satisfaction', figures.satisfaction.satisfied),
    { kpi: 'nps', value: figures.nps.value, unit: 'points', target: null, measured: figures.nps.responses },
    ratioLine('repeat_complaint_rate', figures.repeat_complaint_rate),
    ratioLine('callback_timeliness', figures.callback_timeliness),
    ratioLine('complaint_review_rate', figures.complaint_review_rate),
  ];
}

/** The KPIs of the quarter (reports/kpi.ts `kpiReport`), the one place the quarterly review takes them from. */
export async function quarterKpis(db: Db, period: ReviewPeriodInput): Promise<KpiFigures> {
  return (await kpiReport(db, { from: period.from, to: period.to })).totals;
}

/** The quarterly feedback review: the KPIs, the most frequent request types and complaint root causes. */
export async function computeQuarterlyReview(db: Db, period: ReviewPeriodInput, now: Date): Promise<QuarterlyReviewDocument> {
  const from = new Date(period.from);
  const to = new Date(period.to);
  const types = await db
    .selectFrom('requests')
    .select(['type', (eb) => eb.fn.countAll<string>().as('count')])
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .groupBy('type')
    .orderBy('count', 'desc')
    .orderBy('type')
    .execute();
  const causes = await db
    .selectFrom('complaint_reviews')
    .select(['cause', (eb) => eb.fn.countAll<string>().as('count')])
    .where('cause', 'is not', null)
    .where('reviewed_at', '>=', from)
    .where('reviewed_at', '<', to)
    .groupBy('cause')
    .orderBy('count', 'desc')
    .orderBy('cause')
    .execute();
  const problemTypes = types.map((row) => ({ key: row.type, count: Number(row.count) }));
  const figures = await quarterKpis(db, period);
  return {
    kind: 'quarterly_feedback_review',
    period,
    computedAt: now.toISOString(),
    kpis: kpiLines(figures),
    kpiFigures: figures,
    requestsReceived: problemTypes.reduce((n, t) => n + t.count, 0),
    problemTypes,
    complaintRootCauses: causes.map((row) => ({ key: String(row.cause), count: Number(row.count) })),
  };
}

export function createReviewActivities({ db, mailer, clock, mail }: ActivityDependencies) {
  /** Runs `work` while holding the period's advisory lock: concurrent runs of one period take turns. */
  async function withPeriodLock<T>(kind: ReviewKind, periodFrom: string, work: () => Promise<T>): Promise<T> {
    return db.connection().execute(async (connection) => {
      const lock = `review:${kind}:${periodFrom}`;
      await sql`select pg_advisory_lock(hashtext(${lock}))`.execute(connection);
      try {
        return await work();
      } finally {
        await sql`select pg_advisory_unlock(hashtext(${lock}))`.execute(connection);
      }
    });
  }

  /** The newest policy's addresses: the supervisors' mailboxes. */
  async function supervisors(): Promise<string[]> {
    const row = await db.selectFrom('policies').select('document').orderBy('version', 'desc').limit(1).executeTakeFirstOrThrow();
    return Policy.parse(row.document).addresses.supervisors;
  }

  /** One keyed mail: skipped when sent or refused before, else recorded pending, sent, and marked. */
  async function sendKeyed(
    result: ScheduledMailResult,
    input: { key: string; template: ScheduledMailTemplate; recipientId: string; to: string[]; render: () => RenderedEmail },
  ): Promise<void> {
    const before = await db.selectFrom('notifications').select('status').where('key', '=', input.key).executeTakeFirst();
    if (before?.status === 'sent' || before?.status === 'rejected') {
      result.skipped.push(input.key);
      return;
    }
    // Rendered before the key is recorded: a mail that cannot render records nothing.
    const email = input.render();
    const messageId = messageIdFor(input.key, mail.messageIdDomain);
    await db
      .insertInto('notifications')
      .values({ key: input.key, request_id: null, template: input.template, recipient_id: input.recipientId, message_id: messageId, status: 'pending' })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const rejection = await mailer
      .sendMail({
        from: mail.from,
        to: input.to,
        subject: email.subject,
        html: email.html,
        text: email.text,
        messageId,
        headers: { 'X-Notification-Template': input.template },
      })
      .then(
        () => null,
        (err: unknown) => {
          if (!isPermanentRejection(err)) throw err;
          return `${(err as { responseCode: number }).responseCode} ${(err as Error).message}`;
        },
      );
    await db
      .updateTable('notifications')
      .set(rejection === null ? { status: 'sent', sent_at: clock.now() } : { status: 'rejected', rejection })
      .where('key', '=', input.key)
      .execute();
    (rejection === null ? result.sent : result.rejected).push(input.key);
  }

  async function namesOf(table: 'agents' | 'customers', ids: (string | null)[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids.filter((id): id is string => id !== null))];
    if (unique.length === 0) return new Map();
    const rows = await db.selectFrom(table).select(['id', 'name']).where('id', 'in', unique).execute();
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  return {
    async storeReviewReport({ kind, period }: StoreReviewInput): Promise<StoreReviewResult> {
      return withPeriodLock(kind, period.from, async () => {
        const existing = await db
          .selectFrom('stored_reports')
          .select('id')
          .where('kind', '=', kind)
          .where('period_from', '=', new Date(period.from))
          .executeTakeFirst();
        if (existing) return { reportId: existing.id, created: false };
        const now = clock.now();
        const document = kind === 'weekly_review' ? await computeWeeklyReview(db, period, now) : await computeQuarterlyReview(db, period, now);
        const inserted = await db
          .insertInto('stored_reports')
          .values({ kind, period_from: period.from, period_to: period.to, document: JSON.stringify(document) })
          .onConflict((oc) => oc.columns(['kind', 'period_from']).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (inserted) return { reportId: inserted.id, created: true };
        const first = await db
          .selectFrom('stored_reports')
          .select('id')
          .where('kind', '=', kind)
          .where('period_from', '=', new Date(period.from))
          .executeTakeFirstOrThrow();
        return { reportId: first.id, created: false };
      });
    },

    async mailReviewReport({ kind, period }: MailReviewInput): Promise<ScheduledMailResult> {
      return withPeriodLock(kind, period.from, async () => {
        const row = await db
          .selectFrom('stored_reports')
          .select('document')
          .where('kind', '=', kind)
          .where('period_from', '=', new Date(period.from))
          .executeTakeFirstOrThrow();
        const result: ScheduledMailResult = { sent: [], skipped: [], rejected: [] };
        const to = await supervisors();
        // The supervisors' mailbox reads Chinese, as every policy address does.
        const language: Language = 'zh-CN';
        const recipient = { name: '客服主管 / Supervisors' };
        const key = reviewMailKey(kind, period.from, 'supervisors');
        if (kind === 'weekly_review') {
          const document = row.document as WeeklyReviewDocument;
          const agents = await namesOf('agents', [
            ...document.majorComplaints.map((c) => c.assigneeId),
            ...document.unresolvedComplex.map((r) => r.assigneeId),
            ...document.missedDeadlines.byAgent.map((a) => a.key),
          ]);
          const customers = await namesOf('customers', document.consultations.topCustomers.map((c) => c.key));
          await sendKeyed(result, {
            key,
            template: 'weekly-review',
            recipientId: 'supervisors',
            to,
            render: () => renderEmail('weekly-review', language, weeklyReviewContext(document, language, { recipient, agents, customers })),
          });
        } else {
          const document = row.document as QuarterlyReviewDocument;
          await sendKeyed(result, {
            key,
            template: 'quarterly-review',
            recipientId: 'supervisors',
            to,
            render: () => renderEmail('quarterly-review', language, quarterlyReviewContext(document, language, { recipient })),
          });
        }
        return result;
      });
    },

    async sendVipCareLetters({ period }: { period: ReviewPeriodInput }): Promise<ScheduledMailResult> {
      return withPeriodLock('vip_care_letter', period.from, async () => {
        const result: ScheduledMailResult = { sent: [], skipped: [], rejected: [] };
        const customers = await db
          .selectFrom('customers')
          .leftJoin('agents', 'agents.id', 'customers.advisor_id')
          .select([
            'customers.id',
            'customers.name',
            'customers.email',
            'customers.language',
            'agents.name as advisor_name',
            'agents.email as advisor_email',
            'agents.active as advisor_active',
          ])
          .where('customers.tier', '=', 'vip')
          .orderBy('customers.id')
          .execute();
        const from = new Date(period.from);
        const to = new Date(period.to);
        for (const customer of customers) {
          const language = Language.parse(customer.language);
          const key = reviewMailKey('vip_care_letter', period.from, customer.id);
          const counts = await db
            .selectFrom('requests')
            .select([
              (eb) => eb.fn.countAll<string>().as('submitted'),
              (eb) => eb.fn.count<string>('id').filterWhere('status', '=', 'completed').as('completed'),
              (eb) => eb.fn.count<string>('id').filterWhere('status', '=', 'open').as('open'),
            ])
            .where('customer_id', '=', customer.id)
            .where('created_at', '>=', from)
            .where('created_at', '<', to)
            .executeTakeFirstOrThrow();
          // An advisor on leave is not offered; the customer's next request still goes by the assignment rules.
          const advisor = customer.advisor_name !== null && customer.advisor_active ? { name: customer.advisor_name, email: customer.advisor_email ?? '' } : null;
          await sendKeyed(result, {
            key,
            template: 'vip-care-letter',
            recipientId: customer.id,
            to: [customer.email],
            render: () =>
              renderEmail(
                'vip-care-letter',
                language,
                vipCareLetterContext(period, language, {
                  recipient: { name: customer.name },
                  advisor,
                  submitted: Number(counts.submitted),
                  completed: Number(counts.completed),
                  open: Number(counts.open),
                }),
              ),
          });
        }
        return result;
      });
    },
  };
}
