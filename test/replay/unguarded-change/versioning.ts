/**
 * The same change shipped without its guard: every run takes the new steps,
 * as if `patched` were not there. Replacing `workflows/versioning.ts` with
 * this proves the recorded histories catch an unguarded change.
 */
export { Patch } from '../../../workflows/versioning';

export function hasChange(): boolean {
  return true;
}
