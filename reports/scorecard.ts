/**
 * The agent scorecard (绩效考核表) for a period, read with SQL from the KPI
 * facts (migration 0006) and scored by rules/scorecard.ts. The measured
 * inputs come back beside the scores, with the windows missed, the closings
 * that were not one-time and every rating, so a supervisor sees why.
 *
 * The period is [from, to), instants (the caller turns the business time
 * zone's days into them). What belongs to it (process.md "KPIs"):
 * - windows by their due time: a reassigned request's window counts for the
 *   agent who owed it (`request_deadlines.owed_by`), not for whoever holds
 *   the request now; windows met or missed only (a window still pending or
 *   paused is not decided yet, a cancelled one was withdrawn — the request
 *   was reassigned, reclassified or cancelled meanwhile). An announced delay
 *   moved `due_at`, so the moved deadline is the one measured.
 * - the one-time resolution by closing time, of the requests closed
 *   `completed` that the agent held at closing (`requests.assignee_id` of a
 *   closed request is its assignee at closing: nothing reassigns after it);
 * - ratings by feedback time, on closed requests the agent held at closing
 *   (callbacks and questionnaires; the first-contact rating is not one of
 *   the four ratings). A request still open (a dissatisfied answer awaiting
 *   the supervisors' intervention) has no holder at closing yet: its answers
 *   count once it closes, for the period they were given in.
 *
 * Each query filters by the agent first: `request_deadlines (owed_by,
 * due_at)`, `requests (assignee_id, created_at, id)` and `feedback`'s primary
 * key from the agent's requests.
 */
import { sql } from 'kysely';
import type { DeadlineId, FeedbackRatings } from '../contracts/request';
import type { Db } from '../db/database';
import type { FeedbackTable } from '../db/schema';
import { STAFF_SIDE_DEADLINES } from '../rules/deadline-catalogue';
import { scoreAgent, type ScorecardInputs, type ScorecardScores } from '../rules/scorecard';

/** The staff-side deadlines of the catalogue: a customer-side window (confirmation, agreement, acceptance) never counts against staff. */

export interface ScorecardQuery {
  agentId: string;
  /** The period's start, included. */
  from: Date;
  /** The period's end, excluded. */
  to: Date;
}

export interface MissedWindow {
  requestId: string;
  deadline: DeadlineId;
  dueAt: Date;
}

export interface ClosingNotOneTime {
  requestId: string;
  closedAt: Date;
  rejections: number;
  reopened: boolean;
}

export interface RatedAnswer {
  requestId: string;
  kind: Exclude<FeedbackTable['kind'], 'first_contact_rating'>;
  recordedAt: Date;
  ratings: FeedbackRatings;
}

export interface Scorecard {
  agentId: string;
  period: { from: Date; to: Date };
  /** What was measured, as rules/scorecard.ts scores it. */
  inputs: ScorecardInputs;
  /** Why: every staff-side window the agent missed (the first responses among them), each closing that was not one-time, every answer rated. */
  evidence: {
    missedWindows: MissedWindow[];
    closingsNotOneTime: ClosingNotOneTime[];
    feedback: RatedAnswer[];
  };
  scores: ScorecardScores;
}

export async function agentScorecard(db: Db, { agentId, from, to }: ScorecardQuery): Promise<Scorecard> {
  if (!(from.getTime() < to.getTime())) throw new RangeError(`the period must end after it starts: [${from.toISOString()}, ${to.toISOString()})`);

  const windows = await db
    .selectFrom('request_deadlines')
    .select(['name', 'state', sql<number>`count(*)::int`.as('count')])
    .where('owed_by', '=', agentId)
    .where('due_at', '>=', from)
    .where('due_at', '<', to)
    .where('state', 'in', ['met', 'missed'])
    .where('name', 'in', [...STAFF_SIDE_DEADLINES])
    .groupBy(['name', 'state'])
    .execute();
  const countOf = (state: 'met' | 'missed', name?: DeadlineId) =>
    windows.filter((w) => w.state === state && (name === undefined || w.name === name)).reduce((sum, w) => sum + w.count, 0);

  const missedWindows = await db
    .selectFrom('request_deadlines')
    .select(['request_id', 'name', 'due_at'])
    .where('owed_by', '=', agentId)
    .where('due_at', '>=', from)
    .where('due_at', '<', to)
    .where('state', '=', 'missed')
    .where('name', 'in', [...STAFF_SIDE_DEADLINES])
    .orderBy('due_at')
    .orderBy('request_id')
    .orderBy('position')
    .execute();

  const closed = () =>
    db
      .selectFrom('requests')
      .where('assignee_id', '=', agentId)
      .where('status', '=', 'completed')
      .where('closed_at', '>=', from)
      .where('closed_at', '<', to);
  const counted = await closed()
    .select([sql<number>`count(*)::int`.as('total'), sql<number>`(count(*) filter (where rejections = 0 and not reopened))::int`.as('one_time')])
    .executeTakeFirstOrThrow();
  const notOneTime = await closed()
    .select(['id', 'closed_at', 'rejections', 'reopened'])
    .where((eb) => eb.or([eb('rejections', '>', 0), eb('reopened', '=', true)]))
    .orderBy('closed_at')
    .orderBy('id')
    .execute();

  const answers = await db
    .selectFrom('feedback')
    .innerJoin('requests', 'requests.id', 'feedback.request_id')
    .select([
      'feedback.request_id',
      'feedback.kind',
      'feedback.recorded_at',
      'feedback.response_speed',
      'feedback.resolution',
      'feedback.attitude',
      'feedback.professionalism',
    ])
    .where('requests.assignee_id', '=', agentId)
    .where('requests.status', '<>', 'open')
    .where('feedback.kind', 'in', ['callback', 'survey'])
    .where('feedback.recorded_at', '>=', from)
    .where('feedback.recorded_at', '<', to)
    .orderBy('feedback.recorded_at')
    .orderBy('feedback.request_id')
    .orderBy('feedback.kind')
    .execute();
  const feedback: RatedAnswer[] = answers.map((a) => ({
    requestId: a.request_id,
    kind: a.kind as RatedAnswer['kind'],
    recordedAt: a.recorded_at,
    ratings: {
      responseSpeed: rating(a.response_speed, a),
      resolution: rating(a.resolution, a),
      attitude: rating(a.attitude, a),
      professionalism: rating(a.professionalism, a),
    },
  }));

  const inputs: ScorecardInputs = {
    firstResponseWindows: { met: countOf('met', 'firstResponse'), missed: countOf('missed', 'firstResponse') },
    closedCompleted: { total: counted.total, oneTime: counted.one_time },
    staffSideWindows: { met: countOf('met'), missed: countOf('missed') },
    feedback: feedback.map((a) => a.ratings),
  };
  return {
    agentId,
    period: { from, to },
    inputs,
    evidence: {
      missedWindows: missedWindows.map((w) => ({ requestId: w.request_id, deadline: w.name as DeadlineId, dueAt: w.due_at })),
      closingsNotOneTime: notOneTime.map((c) => ({ requestId: c.id, closedAt: c.closed_at!, rejections: c.rejections, reopened: c.reopened })),
      feedback,
    },
    scores: scoreAgent(inputs),
  };
}

/** A callback or questionnaire row always holds its four ratings (recordState writes them together); a row without one is a bug, not a zero. */
function rating(value: number | null, row: { request_id: string; kind: string; recorded_at: Date }): number {
  if (value === null) throw new Error(`feedback ${row.kind} of ${row.request_id} at ${row.recorded_at.toISOString()} lacks one of its four ratings`);
  return value;
}
