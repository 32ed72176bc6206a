/** Request ids are `R-{year}-{six-digit sequence}` (process.md "What Temporal holds"). */
import { formatRequestId, REQUEST_ID_PATTERN } from '../../contracts/request';

describe('formatRequestId', () => {
  it('pads the sequence to six digits', () => {
    expect(formatRequestId(2026, 123)).toBe('R-2026-000123');
    expect(formatRequestId(2026, 1)).toBe('R-2026-000001');
    expect(formatRequestId(2027, 0)).toBe('R-2027-000000');
    expect(formatRequestId(2026, 999_999)).toBe('R-2026-999999');
  });

  it('keeps counting past 999999 with more digits, never wrapping', () => {
    expect(formatRequestId(2026, 1_000_000)).toBe('R-2026-1000000');
    expect(formatRequestId(2026, 12_345_678)).toBe('R-2026-12345678');
  });

  it('makes ids the pattern accepts', () => {
    for (const [year, seq] of [[2026, 1], [2026, 123], [2026, 999_999], [2026, 1_000_000], [2030, 42]] as const) {
      expect(formatRequestId(year, seq)).toMatch(REQUEST_ID_PATTERN);
    }
  });
});

describe('REQUEST_ID_PATTERN', () => {
  it('accepts request ids', () => {
    for (const id of ['R-2026-000123', 'R-2026-999999', 'R-2027-1000000']) {
      expect([id, REQUEST_ID_PATTERN.test(id)]).toEqual([id, true]);
    }
  });

  it('rejects anything else', () => {
    for (const id of [
      'R-2026-123',
      'R-26-000123',
      'r-2026-000123',
      'R-2026-00012a',
      'R2026000123',
      'X-2026-000123',
      ' R-2026-000123',
      'R-2026-000123 ',
      'R-2026-000123\n',
      'request-R-2026-000123',
      '',
    ]) {
      expect([id, REQUEST_ID_PATTERN.test(id)]).toEqual([id, false]);
    }
  });
});
