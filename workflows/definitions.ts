/**
 * The messages of workflow `customerRequest`: the `state` query and one
 * Update per action of api.md (named as the action). Shared by the workflow,
 * the API and the tests.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../contracts/actor';
import type { RequestDocument } from '../contracts/request';
import type { ActionName } from '../rules/actions';

export const stateQuery = defineQuery<RequestDocument>('state');

/** What every action Update carries besides its own input (api.md "Actions"). */
export interface ActionCommand<Input> {
  actor: Actor;
  /** `If-Match`: the version the caller last saw. */
  ifMatch?: number;
  input: Input;
}

export interface AcknowledgeInput {
  note?: string;
}

export const acknowledgeUpdate = defineUpdate<RequestDocument, [ActionCommand<AcknowledgeInput>]>('acknowledge');

/** The actions this workflow takes as Updates so far; a 409 lists only these as `allowed`. */
export const HANDLED_ACTIONS: ReadonlySet<ActionName> = new Set<ActionName>(['acknowledge']);
