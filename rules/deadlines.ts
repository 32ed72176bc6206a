/**
 * Which duration a deadline gets for a request. Pure: used by the workflow
 * when it arms a deadline.
 */
import type { PolicyDeadlineId, PolicyDuration, WorkflowPolicy } from '../contracts/policy';
import type { CustomerTier, Priority } from '../contracts/request';

/** A tier override wins over a priority override, which wins over the default. */
export function deadlineDuration(
  policy: WorkflowPolicy,
  deadline: PolicyDeadlineId,
  request: { priority: Priority; tier: CustomerTier },
): PolicyDuration {
  const rule = policy.deadlines[deadline];
  return rule.byTier?.[request.tier] ?? rule.byPriority?.[request.priority] ?? rule.default;
}
