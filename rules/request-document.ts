/**
 * The request document as it stands at intake, before any step ran. Pure:
 * the workflow starts from it, and the API answers with it while the
 * workflow has not yet taken its first step.
 */
import type { CustomerRequestInput, RequestDocument } from '../contracts/request';
import { derivePriority } from './priority';

export function initialDocument(input: CustomerRequestInput): RequestDocument {
  const { intake } = input;
  // A suggestion always takes the simple path (process.md "Paths and stages"),
  // and its priority follows the complexity it is treated with.
  const complexity = intake.type === 'suggestion' ? 'simple' : intake.complexity;
  return {
    id: input.requestId,
    stage: 'received',
    subStage: null,
    status: 'open',
    resolution: null,
    followUp: null,
    priority: intake.priorityOverride ?? derivePriority({ ...intake, complexity, tier: input.customerTier }),
    type: intake.type,
    channel: intake.channel,
    urgency: intake.urgency,
    emotion: intake.emotion,
    complexity,
    customer: { id: input.customerId, tier: input.customerTier },
    assignee: null,
    createdAt: input.recordedAt,
    closedAt: null,
    deadlines: [],
    voidSheets: 0,
    rejections: 0,
    reassignments: 0,
    sheet: null,
    solution: null,
    delivery: null,
    progress: [],
    delays: [],
    pauses: [],
    feedback: null,
    interventions: [],
    firstResponseAt: null,
    answer: null,
    temporaryMeasure: null,
    reclassification: null,
    firstContactRating: null,
    cancellation: null,
    documentRevisions: {},
    policyVersion: input.policyVersion,
    /** Unknown until the workflow took its calendar snapshot. */
    calendarVersion: 0,
    version: 1,
  };
}
