/**
 * Changes to the workflow that reach requests already open. Each id names a
 * change guarded with `patched`: running requests replay the old steps, new
 * ones (and old ones past the guard) take the new steps. docs/versioning.md
 * says how to add one and when to retire it with `deprecatePatch`.
 */
import { patched } from '@temporalio/workflow';

export const Patch = {
  /** Closing frees the assignee's capacity before archiving, so a slow archive never holds an agent's load. */
  releaseBeforeArchive: 'release-before-archive',
  /** A deadline reminder is written to the read model and the timeline when it is sent, not with the next change. */
  recordReminders: 'record-reminders',
} as const;
export type Patch = (typeof Patch)[keyof typeof Patch];

/** Whether this run takes the changed steps (always, for a run that started after the change). */
export function hasChange(patch: Patch): boolean {
  return patched(patch);
}
