/**
 * The timeline of a request (api.md `GET /api/requests/{id}/timeline`): what
 * happened, when, and who did it. The workflow numbers its events (`seq`) and
 * hands them to `recordState`, which writes them beside the read model; the
 * notification activity adds `notification_sent` when the mail server has
 * accepted a mail, `notification_rejected` when it refused one for good; the
 * workflow notes `notification_failed` when a notification could not be made
 * at all (a bug: the request goes on). Events carry ids and names only, nothing personal.
 */
import type { ActionRecord } from './request';

export const TIMELINE_EVENT_TYPES = [
  'stage_changed',
  'action',
  'deadline_armed',
  'deadline_met',
  'deadline_missed',
  'deadline_cancelled',
  'reminder',
  'escalation',
  'notification_sent',
  'notification_rejected',
  'notification_failed',
] as const;
export type TimelineEventType = (typeof TIMELINE_EVENT_TYPES)[number];

/** Who caused an event: the actor of an action (and who recorded it for them), or null for the process itself. */
export type TimelineActor = Omit<ActionRecord, 'at'>;

export type TimelineData = Record<string, string | number | boolean | null>;

export interface TimelineEvent {
  /** The workflow's number for the event, unique per request across runs: a retried write adds nothing. */
  seq: number;
  at: string;
  type: TimelineEventType;
  actor: TimelineActor | null;
  data: TimelineData;
}
