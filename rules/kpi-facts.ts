/**
 * What the KPIs of process.md read from a request, derived once from its
 * document when the read model and the archive are written: the SQL of the
 * KPIs then filters and counts columns instead of walking documents.
 */
import type { RequestDocument } from '../contracts/request';
import { isStaffSide } from './deadline-catalogue';

export interface RequestFacts {
  /** Intake → first response (the customer's wait, across reassignments). */
  firstResponseAt: string | null;
  /** Deliveries the customer rejected. */
  rejections: number;
  /** An intervention sent the request back to rework. */
  reopened: boolean;
  /** When the customer agreed to the solution (the agreement window fulfilled), if they did. */
  solutionAgreedAt: string | null;
  /** Agreed as first presented, with no review rejection; null while not agreed. */
  solutionFirstPass: boolean | null;
  /** Staff-side deadline windows that were missed. */
  staffDeadlinesMissed: number;
}

export function requestFacts(doc: RequestDocument): RequestFacts {
  const solution = doc.solution?.state === 'agreed' ? doc.solution : null;
  const agreement = doc.deadlines.filter((d) => d.name === 'solutionAgreement' && d.fulfilledAt !== null).at(-1);
  return {
    firstResponseAt: doc.firstResponseAt,
    rejections: doc.rejections,
    reopened: doc.interventions.some((intervention) => intervention.reopen),
    solutionAgreedAt: solution ? (agreement?.fulfilledAt ?? null) : null,
    // Presented once (revision 1) and through at most one review round.
    solutionFirstPass: solution ? solution.revision === 1 && solution.reviewRounds <= 1 : null,
    staffDeadlinesMissed: doc.deadlines.filter((d) => d.state === 'missed' && isStaffSide(d.name)).length,
  };
}
