/**
 * The messages of workflow `customerRequest`: the `state` query and one
 * Update per action of api.md, named as the action. Shared by the workflow,
 * the API and the tests.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../contracts/actor';
import type { ComplaintReviewDocument } from '../contracts/complaint-review';
import type { CustomerDocument } from '../contracts/customer-document';
import type { RequestDocument } from '../contracts/request';
import { ACTION_NAMES, type ActionName } from '../rules/actions';

export const stateQuery = defineQuery<RequestDocument>('state');

/** What every action Update carries besides its own input (api.md "Actions"). */
export interface ActionCommand<Input = Record<string, unknown>> {
  actor: Actor;
  /** `If-Match`: the version the caller last saw. */
  ifMatch?: number;
  /** The document and revision a customer token was issued for; an older revision is stale. */
  document?: { name: CustomerDocument; revision: number };
  input: Input;
}

export type ActionUpdate = UpdateDefinition<RequestDocument, [ActionCommand]>;

/** Every action of api.md's table as an Update of the same name. */
export const actionUpdates = Object.fromEntries(
  ACTION_NAMES.map((name) => [name, defineUpdate<RequestDocument, [ActionCommand]>(name)]),
) as Record<ActionName, ActionUpdate>;

export const acknowledgeUpdate = actionUpdates.acknowledge;

/** The complaint review's `state` query and its one action, `root-cause`, Updates of workflow `complaintReview`. */
export const complaintReviewStateQuery = defineQuery<ComplaintReviewDocument>('state');
export const rootCauseUpdate = defineUpdate<ComplaintReviewDocument, [ActionCommand]>('root-cause');
