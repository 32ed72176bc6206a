/**
 * A synthetic data set the size issue 8 plans for: 1,000,000 closed
 * requests (and their archive rows) over two years, with their deadline
 * windows, feedback and complaint reviews, generated in PostgreSQL itself
 * (generate_series) so that it takes minutes, not hours. Shapes follow the
 * process: types routed to their groups, one first-response window each
 * (some missed and reassigned), daily progress and task windows for complex
 * requests, a callback window, a temporary measure for emergencies. Nothing
 * in it is real: ids, names and addresses are made up.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';

export interface ReportDataSize {
  requests: number;
  customers: number;
  agentsPerGroup: number;
}

export const FULL_SIZE: ReportDataSize = { requests: 1_000_000, customers: 100_000, agentsPerGroup: 50 };

/** The generated period: two years of intake ending here. */
export const DATA_END = new Date('2026-11-01T00:00:00Z');
const TWO_YEARS_S = 2 * 365 * 24 * 3600;

export async function generateReportData(db: Db, size: ReportDataSize): Promise<Record<string, number>> {
  const groups = ['technical_support', 'product_consulting', 'after_sales', 'complaints'];
  await sql`
    insert into agents (id, name, email, group_id, senior, lead)
    select 'A-B-' || g.i || '-' || n, '合成专员' || n, 'agent.' || g.i || '.' || n || '@bench.example', g.id, n % 5 = 0, n = 1
    from unnest(${groups}::text[]) with ordinality as g(id, i), generate_series(1, ${size.agentsPerGroup}) n`.execute(db);
  await sql`
    insert into customers (id, name, email, phone, tier, language)
    select 'C-B-' || n, '合成客户' || n, 'customer.' || n || '@bench.example', '+86 100 ' || lpad(n::text, 8, '0'),
           case when n % 10 = 0 then 'vip' else 'standard' end, case when n % 7 = 0 then 'en' else 'zh-CN' end
    from generate_series(1, ${size.customers}) n`.execute(db);

  // One row per request: its type decides its group; everything else is drawn from the request number.
  await sql`
    insert into requests (
      id, customer_id, channel, type, description, urgency, emotion, complexity, priority, stage, status,
      assignee_id, group_id, policy_version, calendar_version, recorded_by, document, version, created_at, closed_at,
      load_released_at, first_response_at, rejections, reopened, solution_agreed_at, solution_first_pass, staff_deadlines_missed)
    select
      'R-B-' || n,
      'C-B-' || (1 + (n * 7919) % ${size.customers}),
      (array['phone', 'email', 'web', 'wechat'])[1 + n % 4],
      t.type, '合成需求', 'normal', case when t.type = 'complaint' and n % 3 = 0 then 'dissatisfied' else 'calm' end,
      c.complexity, p.priority, 'closed',
      case when n % 20 = 0 then 'cancelled' when n % 33 = 0 then 'unconfirmed' else 'completed' end,
      'A-B-' || t.g || '-' || (1 + (n * 31) % ${size.agentsPerGroup}), t.group_id, 1, 1, '{}'::jsonb, '{}'::jsonb, 1,
      x.created_at, x.created_at + (1 + n % 10) * interval '1 day', x.created_at + (1 + n % 10) * interval '1 day',
      x.created_at + (1 + n % 40) * interval '1 minute',
      case when n % 17 = 0 then 1 else 0 end, n % 101 = 0,
      case when c.complexity = 'complex' then x.created_at + interval '2 days' end,
      case when c.complexity = 'complex' then n % 9 <> 0 end,
      case when n % 13 = 0 then 1 else 0 end
    from generate_series(1::bigint, ${size.requests}::bigint) n
    cross join lateral (select ${DATA_END}::timestamptz - ((n * 104729) % ${TWO_YEARS_S}) * interval '1 second' as created_at) x
    cross join lateral (select (array['fault', 'consultation', 'after_sales', 'complaint', 'suggestion'])[1 + n % 5] as type) tt
    cross join lateral (
      select tt.type, case tt.type when 'fault' then 'technical_support' when 'after_sales' then 'after_sales' when 'complaint' then 'complaints' else 'product_consulting' end as group_id,
             case tt.type when 'fault' then 1 when 'after_sales' then 3 when 'complaint' then 4 else 2 end as g) t
    cross join lateral (select case when n % 50 = 0 then 'emergency' when n % 3 = 0 then 'complex' else 'simple' end as complexity) c
    cross join lateral (select (array['P1', 'P2', 'P3'])[1 + (n / 7) % 3] as priority) p`.execute(db);

  await sql`
    insert into archived_requests (request_id, closed_at, status, resolution, follow_up, type, priority, group_id, assignee_id, customer_id, document, version, archived_at)
    select id, closed_at, status, case when status = 'completed' then 'delivered' end, case when status = 'completed' then 'done' end,
           type, priority, group_id, assignee_id, customer_id, '{}'::jsonb, 1, closed_at
    from requests where id like 'R-B-%'`.execute(db);

  // Deadline windows: a first response for all (every 25th missed and answered by a second agent), a callback for
  // the completed, a temporary measure for emergencies, a task acceptance and five daily progress duties for complex ones.
  await sql`
    insert into request_deadlines (request_id, position, name, owed_by, armed_at, due_at, state, settled_at, fulfilled_at)
    select r.id, w.position, w.name, w.owed_by, r.created_at + w.armed, r.created_at + w.due,
           w.state, r.created_at + w.due - case when w.state = 'met' then interval '1 minute' else interval '0' end,
           case when w.state = 'met' then r.created_at + w.due - interval '1 minute' end
    from (select id, created_at, assignee_id, complexity, status, substr(id, 5)::int as n from requests where id like 'R-B-%') r
    cross join lateral (
      select 0 as position, 'firstResponse' as name, r.assignee_id as owed_by, interval '0' as armed, interval '30 minutes' as due,
             case when r.n % 25 = 0 then 'missed' else 'met' end as state
      union all select 1, 'firstResponse', r.assignee_id || '-2', interval '30 minutes', interval '60 minutes', 'met' where r.n % 25 = 0
      union all select 2, 'temporaryMeasure', r.assignee_id, interval '0', interval '30 minutes', case when r.n % 7 = 0 then 'missed' else 'met' end where r.complexity = 'emergency'
      union all select 3, 'taskAcceptance', r.assignee_id, interval '2 days', interval '2 days 4 hours', case when r.n % 19 = 0 then 'missed' else 'met' end where r.complexity = 'complex'
      union all select 3 + d, 'dailyProgress', r.assignee_id, (d + 1) * interval '1 day', (d + 2) * interval '1 day', case when (r.n + d) % 11 = 0 then 'missed' else 'met' end
        from generate_series(1, 5) d where r.complexity = 'complex'
      union all select 9, 'callback', null, interval '5 days', interval '8 days', case when r.n % 29 = 0 then 'missed' else 'met' end where r.status = 'completed'
    ) w`.execute(db);

  await sql`
    insert into feedback (request_id, kind, recorded_at, by_role, response_speed, resolution, attitude, professionalism, verdict, nps)
    select id, case when n % 2 = 0 then 'callback' else 'survey' end, closed_at - interval '1 hour', case when n % 2 = 0 then 'intake' else 'customer' end,
           3 + n % 3, 2 + n % 4, 4 + n % 2, 3 + n % 3,
           (array['satisfied', 'basically_satisfied', 'dissatisfied'])[1 + n % 3], case when n % 4 = 0 then null else n % 11 end
    from (select id, closed_at, substr(id, 5)::int as n from requests where id like 'R-B-%' and status = 'completed') r
    where n % 5 <> 0`.execute(db);

  await sql`
    insert into complaint_reviews (request_id, closed_at, due_at, state, cause, reviewed_at, reviewed_by_role, document, version, updated_at)
    select id, closed_at, closed_at + interval '48 hours', case when n % 8 = 0 then 'missed' else 'met' end,
           (array['process_gap', 'staff_error', 'product_issue', 'external', 'other'])[1 + n % 5],
           closed_at + interval '20 hours', 'supervisor', '{}'::jsonb, 1, closed_at
    from (select id, closed_at, substr(id, 5)::int as n from requests where id like 'R-B-%' and type = 'complaint') r`.execute(db);

  await sql`analyze`.execute(db);
  const counts: Record<string, number> = {};
  for (const table of ['requests', 'archived_requests', 'request_deadlines', 'feedback', 'complaint_reviews', 'customers', 'agents'] as const) {
    const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}
