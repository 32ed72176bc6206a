/**
 * Request bodies of api.md as zod schemas: the one source of truth that
 * validates requests (and later generates the OpenAPI document). Objects are
 * strict: an unknown field is a `400 validation_failed`.
 */
import { z } from 'zod';
import { StaffRole } from '../contracts/actor';
import {
  Channel,
  Complexity,
  CustomerTier,
  Emotion,
  Language,
  Priority,
  REQUEST_ID_PATTERN,
  RequestType,
  Urgency,
} from '../contracts/request';

const text = (max: number) => z.string().trim().min(1).max(max);
/** Opaque codes (客户编号, agent ids): never a phone number or an e-mail address. */
const code = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, and . _ - (at most 64)');

export const IntakeBody = z.strictObject({
  customer: z.strictObject({
    id: code.refine((id) => !/^\+?\d{7,}$/.test(id), 'a customer id must not be a phone number'),
    name: text(200),
    email: z.email().max(320),
    phone: z.string().trim().regex(/^\+?[0-9][0-9 ()-]{4,30}$/, 'a phone number'),
    tier: CustomerTier,
    language: Language.optional(),
  }),
  channel: Channel,
  type: RequestType,
  description: text(10_000),
  expectedOutcome: text(2_000).optional(),
  urgency: Urgency,
  emotion: Emotion,
  complexity: Complexity,
  priority: Priority.optional(),
  externalId: text(200).optional(),
});
export type IntakeBody = z.infer<typeof IntakeBody>;

export const AgentBody = z.strictObject({
  id: code.optional(),
  name: text(200),
  email: z.email().max(320),
  group: code,
  language: Language.optional(),
  senior: z.boolean().default(false),
  lead: z.boolean().default(false),
  active: z.boolean().default(true),
  capacity: z.number().int().min(1).max(1_000).default(20),
  reviewerAreas: z.array(z.enum(['technical', 'product', 'legal'])).default([]),
});

export const TokenBody = z
  .strictObject({
    role: StaffRole,
    agentId: code.optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((b) => (b.role === 'agent') === (b.agentId !== undefined), {
    message: 'agentId is required for role agent and only for it',
    path: ['agentId'],
  })
  .refine((b) => b.expiresAt === undefined || Date.parse(b.expiresAt) > Date.now(), {
    message: 'expiresAt must be in the future',
    path: ['expiresAt'],
  });

export const RequestIdParam = z.string().regex(REQUEST_ID_PATTERN, 'a request id such as R-2026-000123');
