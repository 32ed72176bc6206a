/**
 * Staff authentication (api.md): `Authorization: Bearer <token>`. Tokens are
 * random, shown once, and stored as SHA-256 hashes; each maps to a role and,
 * for agents, an agent. The actor passed to workflows is built here.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Actor, StaffRole } from '../contracts/actor';
import type { Db } from '../db/database';
import { ApiError, forbiddenError } from './errors';

export interface StaffPrincipal {
  tokenId: string;
  role: StaffRole;
  agentId: string | null;
  lead: boolean;
  group: string | null;
}

declare module 'express-serve-static-core' {
  interface Request {
    staff?: StaffPrincipal;
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function generateStaffToken(): string {
  return `cst_${randomBytes(32).toString('base64url')}`;
}

/** Issues a staff token; the plain token is returned once and never stored. */
export async function issueStaffToken(
  db: Db,
  grant: { role: StaffRole; agentId: string | null; expiresAt: Date | null },
  token: string = generateStaffToken(),
): Promise<{ id: string; token: string }> {
  const id = randomUUID();
  await db
    .insertInto('api_tokens')
    .values({ id, token_hash: hashToken(token), role: grant.role, agent_id: grant.agentId, expires_at: grant.expiresAt })
    .execute();
  return { id, token };
}

/** Makes sure a known admin token exists (`ADMIN_TOKEN` or the one `npm start` keeps). */
export async function ensureAdminToken(db: Db, token: string): Promise<void> {
  const existing = await db.selectFrom('api_tokens').select('id').where('token_hash', '=', hashToken(token)).executeTakeFirst();
  if (!existing) await issueStaffToken(db, { role: 'admin', agentId: null, expiresAt: null }, token);
}

const unauthenticated = (message: string): ApiError => new ApiError(401, 'unauthenticated', message);

export function authenticateStaff(db: Db): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) throw unauthenticated('a bearer token is required');
    const row = await db
      .selectFrom('api_tokens')
      .leftJoin('agents', 'agents.id', 'api_tokens.agent_id')
      .select(['api_tokens.id', 'api_tokens.role', 'api_tokens.agent_id', 'api_tokens.expires_at', 'api_tokens.revoked_at', 'agents.lead', 'agents.group_id'])
      .where('api_tokens.token_hash', '=', hashToken(match[1]))
      .executeTakeFirst();
    if (!row || row.revoked_at || (row.expires_at && row.expires_at.getTime() <= Date.now())) {
      throw unauthenticated('the token is unknown, expired or revoked');
    }
    req.staff = {
      tokenId: row.id,
      role: row.role as StaffRole,
      agentId: row.agent_id,
      lead: row.lead ?? false,
      group: row.group_id ?? null,
    };
    next();
  };
}

export function requireRole(...roles: StaffRole[]): RequestHandler {
  return (req, _res, next) => {
    const staff = req.staff;
    if (!staff) throw unauthenticated('a bearer token is required');
    if (!roles.includes(staff.role)) throw forbiddenError(`this needs the role ${roles.join(' or ')}`);
    next();
  };
}

export function staffOf(req: Request): StaffPrincipal {
  if (!req.staff) throw unauthenticated('a bearer token is required');
  return req.staff;
}

export function actorOf(staff: StaffPrincipal): Actor {
  return { kind: 'staff', role: staff.role, agentId: staff.agentId, lead: staff.lead, group: staff.group, recordedFrom: null };
}
