/** `/api/agents`: the agents assignment chooses from (admin writes, staff read). */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { AgentRow } from '../../db/schema';
import { requireRole } from '../auth';
import type { ApiDependencies } from '../dependencies';
import { conflict, parseOrThrow, validationFailed } from '../errors';
import { AgentBody } from '../schemas';

function present(agent: AgentRow) {
  return {
    id: agent.id,
    name: agent.name,
    email: agent.email,
    language: agent.language,
    group: agent.group_id,
    senior: agent.senior,
    lead: agent.lead,
    active: agent.active,
    capacity: agent.capacity,
    reviewerAreas: agent.reviewer_areas,
    openRequests: agent.open_requests,
  };
}

export function agentRoutes({ db }: ApiDependencies): Router {
  const router = Router();

  router.post('/', requireRole('admin'), async (req, res) => {
    const body = parseOrThrow(AgentBody, req.body, '');
    const group = await db.selectFrom('service_groups').select('id').where('id', '=', body.group).executeTakeFirst();
    if (!group) throw validationFailed([{ path: 'group', message: `no service group ${body.group}` }]);
    const id = body.id ?? `A-${randomUUID().slice(0, 8)}`;
    const inserted = await db
      .insertInto('agents')
      .values({
        id,
        name: body.name,
        email: body.email,
        group_id: body.group,
        senior: body.senior,
        lead: body.lead,
        active: body.active,
        capacity: body.capacity,
        reviewer_areas: body.reviewerAreas,
        ...(body.language ? { language: body.language } : {}),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!inserted) throw conflict(`agent ${id} exists`);
    res.status(201).location(`/api/agents/${id}`).json(present(inserted));
  });

  router.get('/', async (_req, res) => {
    const agents = await db.selectFrom('agents').selectAll().orderBy('id').execute();
    res.json({ items: agents.map(present) });
  });

  return router;
}
