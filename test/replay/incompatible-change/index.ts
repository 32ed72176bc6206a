/**
 * A deliberately incompatible change to `customerRequest`: the calendar is
 * loaded before the policy. The replay suite proves that recorded histories
 * catch such a change before it ships.
 */
import { condition, proxyActivities } from '@temporalio/workflow';
import type { RequestActivities } from '../../../contracts/activities';
import type { CustomerRequestInput } from '../../../contracts/request';

const { loadCalendar, loadPolicy } = proxyActivities<RequestActivities>({ startToCloseTimeout: '30 seconds' });

export async function customerRequest(input: CustomerRequestInput): Promise<void> {
  await loadCalendar({ from: input.recordedAt });
  await loadPolicy({ version: input.policyVersion });
  await condition(() => false);
}
