/**
 * The first schema: service groups (with the four defaults), customers,
 * agents, the request read model with its id counter, intake idempotency
 * keys, staff tokens, notifications, and versioned policies and calendars.
 * Migrations are frozen once shipped: a change is a new migration.
 */
import { sql, type Kysely } from 'kysely';

// Kysely<any>: a migration must not depend on today's table types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('service_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db
    .insertInto('service_groups')
    .values([
      { id: 'technical_support', name_zh: '技术支持组', name_en: 'Technical support' },
      { id: 'product_consulting', name_zh: '产品咨询组', name_en: 'Product consulting' },
      { id: 'after_sales', name_zh: '售后组', name_en: 'After-sales' },
      { id: 'complaints', name_zh: '投诉组', name_en: 'Complaints' },
    ])
    .execute();

  await db.schema
    .createTable('agents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('zh-CN'))
    .addColumn('group_id', 'text', (c) => c.notNull().references('service_groups.id'))
    .addColumn('senior', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('lead', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('capacity', 'integer', (c) => c.notNull().defaultTo(20).check(sql`capacity > 0`))
    .addColumn('reviewer_areas', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('open_requests', 'integer', (c) => c.notNull().defaultTo(0).check(sql`open_requests >= 0`))
    .addColumn('last_assigned_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('agents_group_idx').on('agents').columns(['group_id', 'active']).execute();

  await db.schema
    .createTable('customers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('tier', 'text', (c) => c.notNull().check(sql`tier in ('standard', 'vip')`))
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('zh-CN').check(sql`language in ('zh-CN', 'en')`))
    .addColumn('advisor_id', 'text', (c) => c.references('agents.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('request_counters')
    .addColumn('year', 'integer', (c) => c.primaryKey())
    .addColumn('last_sequence', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('external_id', 'text', (c) => c.unique())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('expected_outcome', 'text')
    .addColumn('urgency', 'text', (c) => c.notNull())
    .addColumn('emotion', 'text', (c) => c.notNull())
    .addColumn('complexity', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('priority_overridden_by', 'text')
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('sub_stage', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('assignee_id', 'text', (c) => c.references('agents.id'))
    .addColumn('group_id', 'text', (c) => c.references('service_groups.id'))
    .addColumn('policy_version', 'integer', (c) => c.notNull())
    .addColumn('calendar_version', 'integer', (c) => c.notNull())
    .addColumn('recorded_by', 'jsonb', (c) => c.notNull())
    .addColumn('document', 'jsonb', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('closed_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('requests_customer_idx').on('requests').columns(['customer_id', 'created_at']).execute();
  await db.schema.createIndex('requests_assignee_idx').on('requests').columns(['assignee_id', 'status']).execute();
  await db.schema.createIndex('requests_created_idx').on('requests').columns(['created_at', 'id']).execute();

  await db.schema
    .createTable('intake_keys')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('body_hash', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    // The workflow input, so a retry can start a workflow the first post could not.
    .addColumn('input', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('intake', 'agent', 'supervisor', 'admin')`))
    .addColumn('agent_id', 'text', (c) => c.references('agents.id'))
    .addColumn('expires_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('api_tokens_agent_role', sql`(role = 'agent') = (agent_id is not null)`)
    .execute();

  await db.schema
    .createTable('notifications')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('recipient_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'sent')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('notifications_request_idx').on('notifications').columns(['request_id', 'created_at']).execute();

  for (const table of ['policies', 'calendars']) {
    await db.schema
      .createTable(table)
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('document', 'jsonb', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'calendars',
    'policies',
    'notifications',
    'api_tokens',
    'intake_keys',
    'requests',
    'request_counters',
    'customers',
    'agents',
    'service_groups',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
