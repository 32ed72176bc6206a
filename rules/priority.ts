/**
 * The default priority rule of process.md. Pure, shared by the workflow and
 * the tests.
 */
import type { Complexity, CustomerTier, Emotion, Priority, RequestType, Urgency } from '../contracts/request';

export interface PriorityFacts {
  urgency: Urgency;
  complexity: Complexity;
  type: RequestType;
  emotion: Emotion;
  tier: CustomerTier;
}

const upset = (emotion: Emotion): boolean => emotion === 'anxious' || emotion === 'dissatisfied';

export function derivePriority(facts: PriorityFacts): Priority {
  if (facts.urgency === 'urgent' || facts.complexity === 'emergency') return 'P1';
  if (facts.type === 'complaint' && upset(facts.emotion)) return 'P1';
  if (facts.tier === 'vip' || facts.type === 'complaint' || facts.type === 'fault' || upset(facts.emotion)) return 'P2';
  return 'P3';
}
