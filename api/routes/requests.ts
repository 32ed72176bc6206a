/** `/api/requests`: intake, reading a request, and its actions (api.md "Routes", "Actions"). */
import { Router, type Request } from 'express';
import type { RecordedFrom } from '../../contracts/actor';
import type { RequestDocument } from '../../contracts/request';
import { initialDocument } from '../../rules/request-document';
import { ACTION_NAMES, type ActionName } from '../../rules/actions';
import { actionUpdates } from '../../workflows/definitions';
import { ACTION_SPECS } from '../action-schemas';
import { actorOf, requireRole, staffOf, type StaffPrincipal } from '../auth';
import type { ApiDependencies } from '../dependencies';
import { ApiError, forbiddenError, notFound, parseOrThrow, unavailable, validationFailed } from '../errors';
import { recordIntake, startRequestWorkflow } from '../intake';
import { presentForStaff } from '../presenter';
import { IntakeBody, RequestIdParam } from '../schemas';
import { archivedRequest, readRequest } from '../request-reads';
import { timelinePage, TimelineQuery } from '../timeline';
import { closedRequestError, performAction, queryState, recordRootCause } from '../workflow-calls';

/** How long intake waits for the workflow's first steps (priority, assignee) before answering. */
const INTAKE_SETTLE_MS = 5_000;

/** The people a solution names: task owners and reviewers. */
interface SolutionPeople {
  tasks?: { ownerId: string }[];
  reviewers?: { area: string; agentId: string }[];
}

function isActionName(name: string): name is ActionName {
  return (ACTION_NAMES as readonly string[]).includes(name);
}

function idempotencyKeyOf(req: Request): string | null {
  const key = req.get('idempotency-key');
  if (key === undefined) return null;
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw validationFailed([{ path: 'headers.Idempotency-Key', message: 'printable ASCII, at most 200 characters' }]);
  }
  return key;
}

function ifMatchOf(req: Request): number | undefined {
  const header = req.get('if-match');
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!match) throw validationFailed([{ path: 'headers.If-Match', message: 'a request version, e.g. "7"' }]);
  return Number(match[1]);
}

/** Agents see the requests they hold, and leads their group's; other staff see all. */
function inScope(staff: StaffPrincipal, doc: Pick<RequestDocument, 'assignee'>): boolean {
  if (staff.role !== 'agent') return true;
  if (doc.assignee?.id === staff.agentId) return true;
  return staff.lead && doc.assignee !== null && doc.assignee.group === staff.group;
}

export function requestRoutes({ db, temporal, config }: ApiDependencies): Router {
  const router = Router();

  router.post('/', requireRole('intake', 'supervisor', 'admin'), async (req, res) => {
    const staff = staffOf(req);
    const body = parseOrThrow(IntakeBody, req.body, '');
    const idempotencyKey = idempotencyKeyOf(req) ?? body.externalId ?? null;
    const outcome = await recordIntake(db, {
      body,
      staff,
      idempotencyKey,
      now: new Date(),
      timeZone: config.businessTimeZone,
    });
    try {
      await startRequestWorkflow(temporal, outcome);
    } catch {
      throw unavailable(
        `request ${outcome.requestId} is recorded but its workflow could not be started; retry with the same Idempotency-Key`,
        idempotencyKey ? 'not_applied' : 'unknown',
      );
    }
    const doc = await settledDocument(outcome.requestId, initialDocument(outcome.input));
    res
      .status(outcome.created ? 201 : 200)
      .location(`/api/requests/${outcome.requestId}`)
      .set('ETag', `"${doc.version}"`)
      .json(await presentForStaff(db, doc, config.businessTimeZone));
  });

  router.get('/:id', async (req, res) => {
    const staff = staffOf(req);
    const id = parseOrThrow(RequestIdParam, req.params.id, 'id');
    const doc = await readRequest(db, temporal, id);
    if (!inScope(staff, doc)) throw forbiddenError('this request is outside your scope');
    res.set('ETag', `"${doc.version}"`).json(await presentForStaff(db, doc, config.businessTimeZone));
  });

  router.get('/:id/timeline', async (req, res) => {
    const staff = staffOf(req);
    const id = parseOrThrow(RequestIdParam, req.params.id, 'id');
    const query = parseOrThrow(TimelineQuery, req.query, 'query');
    // Scope from the read model: it holds the assignee, open or closed, also once the workflow is gone.
    const row = await db.selectFrom('requests').select(['assignee_id', 'group_id']).where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`no request ${id}`);
    const assignee = row.assignee_id && row.group_id ? { id: row.assignee_id, group: row.group_id } : null;
    if (!inScope(staff, { assignee })) throw forbiddenError('this request is outside your scope');
    res.json(await timelinePage(db, id, query, config.businessTimeZone));
  });

  router.post('/:id/actions/:action', async (req, res) => {
    const staff = staffOf(req);
    const name = req.params.action;
    if (!isActionName(name)) throw notFound(`no action ${name}`);
    const spec = ACTION_SPECS[name];
    if (!spec.roles.includes(staff.role)) throw forbiddenError(`${name} needs the role ${spec.roles.join(' or ')}`);
    const id = parseOrThrow(RequestIdParam, req.params.id, 'id');
    const { recordedFrom, ...input } = parseOrThrow(spec.body, req.body ?? {}, '');
    const actor = { ...actorOf(staff), recordedFrom: (recordedFrom as RecordedFrom | undefined) ?? null };
    if (name === 'reassign') Object.assign(input, { agentGroup: await activeAgentGroup(String(input.agentId)) });
    if (name === 'solution') await checkSolutionPeople(input as SolutionPeople);
    const command = { actor, ifMatch: ifMatchOf(req), input };
    if (name === 'root-cause') {
      // The complaint's review outlives the request: the answer is the closed request with its review.
      const complaintReview = await recordRootCause(temporal, id, command, idempotencyKeyOf(req));
      const closed = await readRequest(db, temporal, id);
      res.json({ ...(await presentForStaff(db, closed, config.businessTimeZone)), complaintReview });
      return;
    }
    const doc = await performAction(temporal, id, actionUpdates[name], command, idempotencyKeyOf(req)).catch(async (err: unknown) => {
      // A closed request whose finished workflow Temporal has since dropped is still known, from its archive.
      const archived = err instanceof ApiError && err.status === 404 ? await archivedRequest(db, id) : null;
      if (archived === null) throw err;
      if (!inScope(staff, archived)) throw forbiddenError('this request is outside your scope');
      throw closedRequestError(archived);
    });
    res.set('ETag', `"${doc.version}"`).json(await presentForStaff(db, doc, config.businessTimeZone));
  });

  /** The group of the agent a request is reassigned to; the workflow records it with the assignee. */
  async function activeAgentGroup(agentId: string): Promise<string> {
    const agent = await db.selectFrom('agents').select(['group_id', 'active']).where('id', '=', agentId).executeTakeFirst();
    if (!agent?.active) throw validationFailed([{ path: 'agentId', message: `no active agent ${agentId}` }]);
    return agent.group_id;
  }

  /** Every task owner is an active agent, and every reviewer an active agent who may review that area. */
  async function checkSolutionPeople({ tasks = [], reviewers = [] }: SolutionPeople): Promise<void> {
    const ids = [...new Set([...tasks.map((t) => t.ownerId), ...reviewers.map((r) => r.agentId)])];
    if (ids.length === 0) return;
    const rows = await db.selectFrom('agents').select(['id', 'active', 'reviewer_areas']).where('id', 'in', ids).execute();
    const agents = new Map(rows.filter((r) => r.active).map((r) => [r.id, r.reviewer_areas]));
    const issues = [
      ...tasks.flatMap((t, i) => (agents.has(t.ownerId) ? [] : [{ path: `tasks.${i}.ownerId`, message: `no active agent ${t.ownerId}` }])),
      ...reviewers.flatMap((r, i) => {
        const areas = agents.get(r.agentId);
        if (areas === undefined) return [{ path: `reviewers.${i}.agentId`, message: `no active agent ${r.agentId}` }];
        return areas.length === 0 || areas.includes(r.area) ? [] : [{ path: `reviewers.${i}.area`, message: `${r.agentId} does not review ${r.area}` }];
      }),
    ];
    if (issues.length > 0) throw validationFailed(issues);
  }

  /** The document once the workflow has assigned the request, or as it stands after a short wait. */
  async function settledDocument(requestId: string, fallback: RequestDocument): Promise<RequestDocument> {
    const deadline = Date.now() + INTAKE_SETTLE_MS;
    let latest = fallback;
    while (Date.now() < deadline) {
      try {
        latest = await queryState(temporal, requestId);
        if (latest.stage !== 'received') return latest;
      } catch {
        // Not answering yet (its first workflow task is still to run): keep waiting.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return latest;
  }

  return router;
}
