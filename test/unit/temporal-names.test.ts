/** Temporal names of api.md "Temporal, as a supervisor sees it". */
import { SearchAttributeType } from '@temporalio/common';
import {
  ALL_SEARCH_ATTRIBUTES,
  complaintReviewWorkflowId,
  devServerSearchAttributeFlags,
  requestWorkflowId,
  SearchAttribute,
  TASK_QUEUE,
  WorkflowType,
} from '../../contracts/temporal';

describe('workflow names', () => {
  it('runs on the task queue customer-requests', () => {
    expect(TASK_QUEUE).toBe('customer-requests');
  });

  it('names the workflow types customerRequest and complaintReview', () => {
    expect(WorkflowType.customerRequest).toBe('customerRequest');
    expect(WorkflowType.complaintReview).toBe('complaintReview');
  });

  it('gives a request the workflow id request-{id}', () => {
    expect(requestWorkflowId('R-2026-000123')).toBe('request-R-2026-000123');
  });

  it('gives a complaint review the workflow id complaint-review-{id}', () => {
    expect(complaintReviewWorkflowId('R-2026-000123')).toBe('complaint-review-R-2026-000123');
  });

  it('never gives a request and its complaint review the same id', () => {
    expect(requestWorkflowId('R-2026-000123')).not.toBe(complaintReviewWorkflowId('R-2026-000123'));
  });
});

describe('search attributes', () => {
  const expected: Record<string, string> = {
    RequestStage: 'Keyword',
    RequestStatus: 'Keyword',
    Priority: 'Keyword',
    RequestType: 'Keyword',
    CustomerTier: 'Keyword',
    CustomerId: 'Keyword',
    AssignedGroup: 'Keyword',
    AssignedAgent: 'Keyword',
    RequestSubStage: 'Keyword',
    NextDeadline: 'Datetime',
    LastEscalatedAt: 'Datetime',
    Overdue: 'Bool',
  };

  /** Parse the flags back into a name → type map, checking they come in `--search-attribute NAME=Type` pairs. */
  function flagsAsMap(flags: string[]): Record<string, string> {
    expect(flags.length % 2).toBe(0);
    const map: Record<string, string> = {};
    for (let i = 0; i < flags.length; i += 2) {
      expect(flags[i]).toBe('--search-attribute');
      const [name, type, ...rest] = (flags[i + 1] ?? '').split('=');
      expect(rest).toEqual([]);
      expect(name).toBeTruthy();
      map[name as string] = type as string;
    }
    return map;
  }

  it('registers every search attribute of api.md on the dev server, each with its type', () => {
    expect(flagsAsMap(devServerSearchAttributeFlags())).toEqual(expected);
  });

  it('registers each attribute once', () => {
    const flags = devServerSearchAttributeFlags();
    expect(flags).toHaveLength(2 * Object.keys(expected).length);
  });

  it('makes NextDeadline and LastEscalatedAt Datetime, Overdue Bool', () => {
    const flags = devServerSearchAttributeFlags();
    expect(flags).toContain('NextDeadline=Datetime');
    expect(flags).toContain('LastEscalatedAt=Datetime');
    expect(flags).toContain('Overdue=Bool');
    expect(flags).toContain('RequestStage=Keyword');
  });

  it('defines the keys the workflow upserts with the same names and types', () => {
    expect(ALL_SEARCH_ATTRIBUTES.map((k) => k.name).sort()).toEqual(Object.keys(expected).sort());
    expect(SearchAttribute.NextDeadline.type).toBe(SearchAttributeType.DATETIME);
    expect(SearchAttribute.LastEscalatedAt.type).toBe(SearchAttributeType.DATETIME);
    expect(SearchAttribute.Overdue.type).toBe(SearchAttributeType.BOOL);
    expect(SearchAttribute.CustomerId.type).toBe(SearchAttributeType.KEYWORD);
    for (const [key, attribute] of Object.entries(SearchAttribute)) {
      expect(attribute.name).toBe(key);
    }
  });
});
