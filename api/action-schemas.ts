/**
 * The actions of api.md's table as the API receives them: the staff roles
 * that may call each (the role check, before the body is read) and its body,
 * strict (an unknown field is a 400). Whether the caller may act on this
 * request, and whether the request's state admits the action, is the
 * workflow's Update validator's to say.
 */
import { z } from 'zod';
import { RecordedFrom, type StaffRole } from '../contracts/actor';
import { Complexity } from '../contracts/request';
import type { ActionName } from '../rules/actions';

const text = (max: number) => z.string().trim().min(1).max(max);
const note = text(5_000);
const instant = z.iso.datetime({ offset: true });
const rating = z.number().int().min(1).max(5);
const ratings = z.strictObject({ responseSpeed: rating, resolution: rating, attitude: rating, professionalism: rating });
const verdict = z.enum(['satisfied', 'basically_satisfied', 'dissatisfied']);
const nps = z.number().int().min(0).max(10);
const agentId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/);

/** A customer's action recorded by staff says from which channel (api.md "Customer actions"). */
const customerAction = <Shape extends z.core.$ZodLooseShape>(shape: Shape) =>
  z.strictObject({ ...shape, recordedFrom: RecordedFrom.optional() });

const ALL_STAFF: StaffRole[] = ['agent', 'intake', 'supervisor', 'admin'];
const AGENTS: StaffRole[] = ['agent', 'supervisor', 'admin'];
const SUPERVISORS: StaffRole[] = ['supervisor', 'admin'];

export interface ActionSpec {
  roles: StaffRole[];
  body: z.ZodType<Record<string, unknown>>;
}

export const ACTION_SPECS: Record<ActionName, ActionSpec> = {
  acknowledge: { roles: AGENTS, body: z.strictObject({ note: note.optional() }) },
  'temporary-measure': { roles: AGENTS, body: z.strictObject({ measure: text(5_000) }) },
  resolve: { roles: AGENTS, body: z.strictObject({ answer: text(10_000) }) },
  reclassify: { roles: AGENTS, body: z.strictObject({ complexity: Complexity.extract(['complex']), reason: text(2_000) }) },
  'requirement-sheet': {
    roles: AGENTS,
    body: z.strictObject({
      description: text(10_000),
      goal: text(5_000),
      expectedDeliveryAt: instant.optional(),
      customerObligations: text(5_000).optional(),
    }),
  },
  confirm: { roles: ALL_STAFF, body: customerAction({ comment: text(2_000).optional() }) },
  'request-changes': { roles: ALL_STAFF, body: customerAction({ comment: text(2_000) }) },
  solution: {
    roles: AGENTS,
    body: z
      .strictObject({
        steps: z.array(text(2_000)).min(1).max(100),
        resources: text(5_000).optional(),
        risks: z.array(z.strictObject({ risk: text(2_000), mitigation: text(2_000) })).max(50).optional(),
        tasks: z.array(z.strictObject({ title: text(500), ownerId: agentId, dueAt: instant })).max(100).optional(),
        complex: z.boolean().optional(),
        reviewers: z.array(z.strictObject({ area: z.enum(['technical', 'product', 'legal']), agentId })).max(3).optional(),
      })
      .refine((b) => !b.complex || (b.reviewers?.length ?? 0) > 0, { message: 'a complex solution names its reviewers', path: ['reviewers'] }),
  },
  review: { roles: AGENTS, body: z.strictObject({ area: z.enum(['technical', 'product', 'legal']), approved: z.boolean(), comment: text(5_000).optional() }) },
  'agree-solution': { roles: ALL_STAFF, body: customerAction({ comment: text(2_000).optional() }) },
  'revise-solution': { roles: ALL_STAFF, body: customerAction({ comment: text(2_000) }) },
  'accept-task': { roles: AGENTS, body: z.strictObject({ taskId: text(100) }) },
  'complete-task': { roles: AGENTS, body: z.strictObject({ taskId: text(100), note: note.optional() }) },
  progress: {
    roles: AGENTS,
    body: z.strictObject({ note, percent: z.number().int().min(0).max(100).optional(), nextSteps: text(5_000).optional(), risks: text(5_000).optional() }),
  },
  delay: { roles: AGENTS, body: z.strictObject({ newDueAt: instant, reason: text(2_000) }) },
  'wait-for-customer': { roles: AGENTS, body: z.strictObject({ reason: text(2_000) }) },
  resume: { roles: ALL_STAFF, body: customerAction({ note: note.optional() }) },
  delivery: { roles: AGENTS, body: z.strictObject({ summary: text(10_000), verification: text(5_000) }) },
  accept: { roles: ALL_STAFF, body: customerAction({ comment: text(2_000).optional() }) },
  reject: { roles: ALL_STAFF, body: customerAction({ reasons: text(5_000) }) },
  callback: {
    roles: ['intake', 'supervisor', 'admin'],
    body: z.strictObject({ resolved: z.boolean(), ratings, verdict, shortfalls: text(5_000).optional(), nps: nps.optional() }),
  },
  survey: { roles: ALL_STAFF, body: customerAction({ ratings, verdict, comment: text(2_000).optional(), nps: nps.optional() }) },
  'rate-first-contact': { roles: ALL_STAFF, body: customerAction({ rating, comment: text(2_000).optional() }) },
  intervention: { roles: SUPERVISORS, body: z.strictObject({ plan: text(5_000), reopen: z.boolean() }) },
  'root-cause': {
    roles: SUPERVISORS,
    body: z.strictObject({
      cause: z.enum(['process_gap', 'staff_error', 'product_issue', 'external', 'other']),
      analysis: text(10_000),
      correctiveAction: text(5_000),
    }),
  },
  reassign: { roles: AGENTS, body: z.strictObject({ agentId, reason: text(2_000).optional() }) },
  cancel: { roles: ALL_STAFF, body: customerAction({ reason: text(2_000) }) },
};
