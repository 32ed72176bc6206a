/**
 * The rest of the record beside the read model:
 * - `timeline_events`: every stage change, action (and who recorded it),
 *   deadline armed, met, missed or withdrawn, reminder, escalation and
 *   notification sent, keyed per request so a retried write adds nothing;
 * - `tasks`: the current solution's tasks, one row each, for owners' lists;
 * - `feedback`: first-contact ratings, callbacks and questionnaires, one row
 *   per answer (a reopened request may be asked again);
 * - `stored_reports`: the weekly and quarterly reviews, one per kind and period;
 * - `notifications.status` `rejected` (with the server's reply) for a mail
 *   the server refused for good;
 * - `requests.overdue`, and an index for each list filter of api.md
 *   (`GET /api/requests`: newest first by stage, status, priority, type,
 *   assignee, group, customer, overdue, period) and for the KPI queries over
 *   the archive (by closing time, per group, agent, type and priority);
 * - `archived_requests.timeline` and `complaint_review`: the archive holds
 *   the timeline as it was at closing and, once recorded, the complaint review.
 */
import { sql, type Kysely } from 'kysely';

// Kysely<any>: a migration must not depend on today's table types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('timeline_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
    // `wf:<seq>` for the workflow's events, `mail:<notification key>` for a mail sent.
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('type', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`type in ('stage_changed', 'action', 'deadline_armed', 'deadline_met', 'deadline_missed', 'deadline_cancelled', 'reminder', 'escalation', 'notification_sent', 'notification_rejected', 'notification_failed')`,
        ),
    )
    .addColumn('actor', 'jsonb')
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('timeline_events_request_key', ['request_id', 'key'])
    .execute();
  await db.schema.createIndex('timeline_events_request_at_idx').on('timeline_events').columns(['request_id', 'at', 'id']).execute();

  await db.schema
    .createTable('tasks')
    .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
    .addColumn('task_id', 'text', (c) => c.notNull())
    .addColumn('solution_revision', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('accepted_at', 'timestamptz')
    .addColumn('completed_at', 'timestamptz')
    .addColumn('note', 'text')
    // False once a revised solution no longer holds the task.
    .addColumn('current', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('tasks_pk', ['request_id', 'task_id'])
    .execute();
  await db.schema.createIndex('tasks_owner_idx').on('tasks').columns(['owner_id', 'completed_at', 'due_at']).execute();

  await db.schema
    .createTable('feedback')
    .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('first_contact_rating', 'callback', 'survey')`))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('by_role', 'text', (c) => c.notNull())
    .addColumn('by_agent_id', 'text')
    // First-contact rating, 1–5.
    .addColumn('rating', 'integer', (c) => c.check(sql`rating between 1 and 5`))
    .addColumn('resolved', 'boolean')
    .addColumn('response_speed', 'integer')
    .addColumn('resolution', 'integer')
    .addColumn('attitude', 'integer')
    .addColumn('professionalism', 'integer')
    .addColumn('verdict', 'text')
    .addColumn('nps', 'integer', (c) => c.check(sql`nps between 0 and 10`))
    .addColumn('shortfalls', 'text')
    .addColumn('comment', 'text')
    .addPrimaryKeyConstraint('feedback_pk', ['request_id', 'kind', 'recorded_at'])
    .execute();
  await db.schema.createIndex('feedback_recorded_idx').on('feedback').columns(['recorded_at', 'kind']).execute();

  await db.schema
    .createTable('stored_reports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('weekly_review', 'quarterly_feedback_review')`))
    .addColumn('period_from', 'timestamptz', (c) => c.notNull())
    .addColumn('period_to', 'timestamptz', (c) => c.notNull())
    .addColumn('document', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // A schedule's retried or caught-up run stores its period once.
    .addUniqueConstraint('stored_reports_kind_period', ['kind', 'period_from'])
    .execute();

  // A mail the server refused for good is kept as rejected, with the server's reply, and never sent again.
  await db.schema.alterTable('notifications').dropConstraint('notifications_status_check').execute();
  await db.schema.alterTable('notifications').addCheckConstraint('notifications_status_check', sql`status in ('pending', 'sent', 'rejected')`).execute();
  await db.schema.alterTable('notifications').addColumn('rejection', 'text').execute();

  await db.schema
    .alterTable('requests')
    .addColumn('overdue', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  for (const column of ['stage', 'status', 'priority', 'type', 'group_id', 'assignee_id']) {
    await db.schema.createIndex(`requests_${column}_created_idx`).on('requests').columns([column, 'created_at', 'id']).execute();
  }
  await db.schema
    .createIndex('requests_overdue_created_idx')
    .on('requests')
    .columns(['created_at', 'id'])
    .where(sql.ref('overdue'), '=', true)
    .execute();

  await db.schema
    .alterTable('archived_requests')
    .addColumn('timeline', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('complaint_review', 'jsonb')
    .execute();
  for (const column of ['group_id', 'assignee_id', 'type', 'priority']) {
    await db.schema.createIndex(`archived_requests_${column}_closed_idx`).on('archived_requests').columns([column, 'closed_at']).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['group_id', 'assignee_id', 'type', 'priority']) {
    await db.schema.dropIndex(`archived_requests_${column}_closed_idx`).execute();
  }
  await db.schema.alterTable('archived_requests').dropColumn('timeline').dropColumn('complaint_review').execute();
  await db.schema.dropIndex('requests_overdue_created_idx').execute();
  for (const column of ['stage', 'status', 'priority', 'type', 'group_id', 'assignee_id']) {
    await db.schema.dropIndex(`requests_${column}_created_idx`).execute();
  }
  await db.schema.alterTable('requests').dropColumn('overdue').execute();
  await db.schema.alterTable('notifications').dropConstraint('notifications_status_check').execute();
  await db.schema.alterTable('notifications').dropColumn('rejection').execute();
  await db.schema.alterTable('notifications').addCheckConstraint('notifications_status_check', sql`status in ('pending', 'sent')`).execute();
  for (const table of ['stored_reports', 'feedback', 'tasks', 'timeline_events']) await db.schema.dropTable(table).execute();
}
