/**
 * Intake (api.md "Intake"): the request id is allocated and the customer and
 * idempotency key written in one transaction before the workflow starts, so
 * a retry — even one racing the first post — finds the same request.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { Policy } from '../contracts/policy';
import { formatRequestId, type CustomerRequestInput } from '../contracts/request';
import { requestWorkflowId, TASK_QUEUE, Timeouts, WorkflowType } from '../contracts/temporal';
import type { Db } from '../db/database';
import { initialDocument } from '../rules/request-document';
import type { StaffPrincipal } from './auth';
import { conflict } from './errors';
import type { IntakeBody } from './schemas';

export interface IntakeOutcome {
  requestId: string;
  /** False when an earlier post with the same key already recorded it. */
  created: boolean;
  input: CustomerRequestInput;
  summary: string;
}

/** The key's fingerprint of the body: the same key with another body is a conflict. */
function bodyHash(body: IntakeBody): string {
  const canonical = (value: unknown): unknown =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]))
      : value;
  return createHash('sha256').update(JSON.stringify(canonical(body))).digest('hex');
}

function workflowInput(requestId: string, body: IntakeBody, staff: StaffPrincipal, recordedAt: Date, policyVersion: number): CustomerRequestInput {
  return {
    requestId,
    customerId: body.customer.id,
    customerTier: body.customer.tier,
    intake: {
      channel: body.channel,
      type: body.type,
      description: body.description,
      expectedOutcome: body.expectedOutcome ?? null,
      urgency: body.urgency,
      emotion: body.emotion,
      complexity: body.complexity,
      priorityOverride: body.priority ?? null,
      externalId: body.externalId ?? null,
    },
    recordedBy: { tokenId: staff.tokenId, role: staff.role, agentId: staff.agentId },
    recordedAt: recordedAt.toISOString(),
    policyVersion,
  };
}

/** What the Temporal UI shows in one line: `[P1] fault · technical_support · R-2026-000123`. */
function staticSummary(input: CustomerRequestInput, policy: Policy): string {
  const { priority } = initialDocument(input);
  return `[${priority}] ${input.intake.type} · ${policy.routing[input.intake.type]} · ${input.requestId}`;
}

export interface IntakeCall {
  body: IntakeBody;
  staff: StaffPrincipal;
  /** `Idempotency-Key`, else `externalId`, else none. */
  idempotencyKey: string | null;
  now: Date;
  /** The business time zone: its year numbers the request. */
  timeZone: string;
}

export async function recordIntake(db: Db, { body, staff, idempotencyKey, now, timeZone }: IntakeCall): Promise<IntakeOutcome> {
  const hash = bodyHash(body);
  return db.transaction().execute(async (trx) => {
    const policyRow = await trx.selectFrom('policies').select(['version', 'document']).orderBy('version', 'desc').limit(1).executeTakeFirstOrThrow();
    const policy = Policy.parse(policyRow.document);

    if (idempotencyKey !== null) {
      // Waits on a racing transaction holding the same key, then sees its row.
      await sql`select pg_advisory_xact_lock(hashtext(${idempotencyKey}))`.execute(trx);
      const earlier = await trx.selectFrom('intake_keys').selectAll().where('key', '=', idempotencyKey).executeTakeFirst();
      if (earlier) {
        if (earlier.body_hash !== hash) throw conflict('this idempotency key was used with a different body');
        const recorded = earlier.input as CustomerRequestInput;
        return { requestId: earlier.request_id, created: false, input: recorded, summary: staticSummary(recorded, policy) };
      }
    }

    const year = Number(new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).format(now));
    const counter = await trx
      .insertInto('request_counters')
      .values({ year, last_sequence: 1 })
      .onConflict((oc) => oc.column('year').doUpdateSet({ last_sequence: sql`request_counters.last_sequence + 1` }))
      .returning('last_sequence')
      .executeTakeFirstOrThrow();
    const requestId = formatRequestId(year, counter.last_sequence);
    const { customer } = body;
    await trx
      .insertInto('customers')
      .values({ id: customer.id, name: customer.name, email: customer.email, phone: customer.phone, tier: customer.tier, language: customer.language ?? 'zh-CN' })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({
          name: customer.name,
          email: customer.email,
          phone: customer.phone,
          tier: customer.tier,
          ...(customer.language ? { language: customer.language } : {}),
          updated_at: now,
        }),
      )
      .execute();
    const input = workflowInput(requestId, body, staff, now, policyRow.version);
    if (idempotencyKey !== null) {
      await trx.insertInto('intake_keys').values({ key: idempotencyKey, body_hash: hash, request_id: requestId, input: JSON.stringify(input) }).execute();
    }
    return { requestId, created: true, input, summary: staticSummary(input, policy) };
  });
}

/** Starts the request's workflow; a second start of the same request is a no-op. */
export async function startRequestWorkflow(client: Client, outcome: IntakeOutcome): Promise<void> {
  try {
    await client.connection.withDeadline(Date.now() + Timeouts.workflowStartMs, () =>
      client.workflow.start(WorkflowType.customerRequest, {
        workflowId: requestWorkflowId(outcome.requestId),
        taskQueue: TASK_QUEUE,
        args: [outcome.input],
        staticSummary: outcome.summary,
        staticDetails: 'Customer request (客户需求). Its current details show the stage, who holds it and what is due next.',
      }),
    );
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
