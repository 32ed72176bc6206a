/** `/api/tokens`: staff tokens, issued and revoked by an admin; a token is shown once. */
import { Router } from 'express';
import { z } from 'zod';
import { issueStaffToken, requireRole } from '../auth';
import type { ApiDependencies } from '../dependencies';
import { notFound, parseOrThrow, validationFailed } from '../errors';
import { TokenBody } from '../schemas';

export function tokenRoutes({ db }: ApiDependencies): Router {
  const router = Router();
  router.use(requireRole('admin'));

  router.post('/', async (req, res) => {
    const body = parseOrThrow(TokenBody, req.body, '');
    if (body.agentId) {
      const agent = await db.selectFrom('agents').select('id').where('id', '=', body.agentId).executeTakeFirst();
      if (!agent) throw validationFailed([{ path: 'agentId', message: `no agent ${body.agentId}` }]);
    }
    const issued = await issueStaffToken(db, {
      role: body.role,
      agentId: body.agentId ?? null,
      expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
    });
    res.status(201).json({ ...issued, role: body.role, agentId: body.agentId ?? null, expiresAt: body.expiresAt ?? null });
  });

  router.delete('/:id', async (req, res) => {
    const id = parseOrThrow(z.uuid(), req.params.id, 'id');
    const revoked = await db
      .updateTable('api_tokens')
      .set({ revoked_at: new Date() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!revoked) throw notFound(`no active token ${id}`);
    res.status(204).end();
  });

  return router;
}
