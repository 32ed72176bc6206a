/**
 * The actor the API passes with every action (api.md): who acts, in which
 * role, and — for a customer's action recorded by staff — from which channel.
 */
import { z } from 'zod';

export const StaffRole = z.enum(['intake', 'agent', 'supervisor', 'admin']);
export type StaffRole = z.infer<typeof StaffRole>;

export const RecordedFrom = z.enum(['phone', 'in_person', 'email', 'wechat']);
export type RecordedFrom = z.infer<typeof RecordedFrom>;

export interface Actor {
  kind: 'staff' | 'customer';
  /** The staff role, or `customer`. */
  role: StaffRole | 'customer';
  agentId: string | null;
  /** The agent leads their service group. */
  lead: boolean;
  /** The agent's service group. */
  group: string | null;
  /** Set when staff record what the customer said, on the customer's behalf. */
  recordedFrom: RecordedFrom | null;
}
