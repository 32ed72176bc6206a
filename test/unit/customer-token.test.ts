/**
 * Customer tokens (api.md "Authentication and roles"): signed (HMAC-SHA256)
 * and expiring, binding the request, the document and its revision, and the
 * actions offered.
 */
import { createHmac } from 'node:crypto';
import {
  CUSTOMER_TOKEN_GRACE_SECONDS,
  CustomerTokenClaims,
  signCustomerToken,
  verifyCustomerToken,
  type CustomerTokenClaims as Claims,
} from '../../contracts/customer-token';

const SECRET = 'test-secret-that-is-long-enough-0123456789';
const OTHER_SECRET = 'another-secret-that-is-long-enough-9876543210';

/** 2026-11-27T07:00:00Z, in Unix seconds. */
const NOW_S = Date.UTC(2026, 10, 27, 7, 0, 0) / 1000;
const now = new Date(NOW_S * 1000);

const sheetClaims: Claims = {
  requestId: 'R-2026-000123',
  customerId: 'C-TEST-0042',
  document: 'sheet',
  revision: 2,
  actions: ['confirm', 'request-changes', 'cancel'],
  expiresAt: NOW_S + 86_400 + CUSTOMER_TOKEN_GRACE_SECONDS,
};

const b64url = (s: string): string => Buffer.from(s).toString('base64url');
const signWith = (payload: string, secret: string): string => createHmac('sha256', secret).update(payload).digest('base64url');

describe('signing and verifying a customer token', () => {
  it('verifies a token it signed and gives back the claims', () => {
    const token = signCustomerToken(sheetClaims, SECRET);
    expect(verifyCustomerToken(token, SECRET, now)).toEqual({ valid: true, claims: sheetClaims });
  });

  it('is URL-safe: two base64url parts joined by a dot', () => {
    const token = signCustomerToken(sheetClaims, SECRET);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(token.split('.')).toHaveLength(2);
  });

  it('carries the claims as its payload and an HMAC-SHA256 of the payload as its signature', () => {
    const token = signCustomerToken(sheetClaims, SECRET);
    const [payload, sig] = token.split('.') as [string, string];
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))).toEqual(sheetClaims);
    expect(sig).toBe(signWith(payload, SECRET));
  });

  it('round-trips every customer document', () => {
    for (const document of ['first-contact-rating', 'sheet', 'solution', 'delivery', 'questionnaire', 'waiting-notice'] as const) {
      const claims: Claims = { ...sheetClaims, document, revision: 0 };
      expect(verifyCustomerToken(signCustomerToken(claims, SECRET), SECRET, now)).toEqual({ valid: true, claims });
    }
  });

  it('signs the same claims to the same token, and different revisions to different tokens', () => {
    expect(signCustomerToken(sheetClaims, SECRET)).toBe(signCustomerToken({ ...sheetClaims }, SECRET));
    expect(signCustomerToken(sheetClaims, SECRET)).not.toBe(signCustomerToken({ ...sheetClaims, revision: 3 }, SECRET));
  });

  it('keeps links valid for 7 days past the end of their window', () => {
    expect(CUSTOMER_TOKEN_GRACE_SECONDS).toBe(7 * 24 * 3600);
  });
});

describe('a tampered customer token', () => {
  const token = signCustomerToken(sheetClaims, SECRET);
  const [payload, sig] = token.split('.') as [string, string];

  it('is refused as bad_signature when the payload names another request', () => {
    const forged = b64url(JSON.stringify({ ...sheetClaims, requestId: 'R-2026-000124' }));
    expect(verifyCustomerToken(`${forged}.${sig}`, SECRET, now)).toEqual({ valid: false, reason: 'bad_signature' });
  });

  it('is refused as bad_signature when the payload offers more actions or a later expiry', () => {
    const moreActions = b64url(JSON.stringify({ ...sheetClaims, actions: [...sheetClaims.actions, 'accept'] }));
    expect(verifyCustomerToken(`${moreActions}.${sig}`, SECRET, now)).toEqual({ valid: false, reason: 'bad_signature' });
    const later = b64url(JSON.stringify({ ...sheetClaims, expiresAt: sheetClaims.expiresAt + 1 }));
    expect(verifyCustomerToken(`${later}.${sig}`, SECRET, now)).toEqual({ valid: false, reason: 'bad_signature' });
  });

  it('is refused as bad_signature when one character of the signature changes', () => {
    const first = sig[0] === 'A' ? 'B' : 'A';
    expect(verifyCustomerToken(`${payload}.${first}${sig.slice(1)}`, SECRET, now)).toEqual({ valid: false, reason: 'bad_signature' });
  });

  it('is refused as bad_signature when the signature is truncated', () => {
    expect(verifyCustomerToken(`${payload}.${sig.slice(0, 20)}`, SECRET, now)).toEqual({ valid: false, reason: 'bad_signature' });
  });

  it('is refused as bad_signature when signed with another secret', () => {
    const other = signCustomerToken(sheetClaims, OTHER_SECRET);
    expect(verifyCustomerToken(other, SECRET, now)).toEqual({ valid: false, reason: 'bad_signature' });
    expect(verifyCustomerToken(token, OTHER_SECRET, now)).toEqual({ valid: false, reason: 'bad_signature' });
  });

  it('is refused as bad_signature when its parts are swapped', () => {
    expect(verifyCustomerToken(`${sig}.${payload}`, SECRET, now)).toEqual({ valid: false, reason: 'bad_signature' });
  });
});

describe('one spelling per customer token', () => {
  it.each(['!', '=', '*', '%20'])('refuses a signed token with %s appended to its signature', (extra) => {
    const token = signCustomerToken(sheetClaims, SECRET);
    expect(verifyCustomerToken(`${token}${extra}`, SECRET, now)).toEqual({ valid: false, reason: 'bad_signature' });
  });
});

describe('an expired customer token', () => {
  const token = signCustomerToken(sheetClaims, SECRET);
  const expiry = new Date(sheetClaims.expiresAt * 1000);

  it('is valid until one second before its expiry', () => {
    expect(verifyCustomerToken(token, SECRET, new Date(expiry.getTime() - 1000)).valid).toBe(true);
    expect(verifyCustomerToken(token, SECRET, new Date(expiry.getTime() - 1)).valid).toBe(true);
  });

  it('is expired at its expiry and after it', () => {
    expect(verifyCustomerToken(token, SECRET, expiry)).toEqual({ valid: false, reason: 'expired' });
    expect(verifyCustomerToken(token, SECRET, new Date(expiry.getTime() + 30 * 86_400_000))).toEqual({ valid: false, reason: 'expired' });
  });

  it('is still refused as bad_signature, not expired, when tampered (the signature is checked first)', () => {
    const past = signCustomerToken({ ...sheetClaims, expiresAt: NOW_S - 60 }, SECRET);
    expect(verifyCustomerToken(past, OTHER_SECRET, now)).toEqual({ valid: false, reason: 'bad_signature' });
    expect(verifyCustomerToken(past, SECRET, now)).toEqual({ valid: false, reason: 'expired' });
  });
});

describe('a malformed customer token', () => {
  it('is refused as malformed when it is not two dot-separated parts', () => {
    for (const garbage of ['', '.', 'garbage', 'abc.', '.abc', 'a.b.c', '...', 'not a token at all']) {
      expect([garbage, verifyCustomerToken(garbage, SECRET, now)]).toEqual([garbage, { valid: false, reason: 'malformed' }]);
    }
  });

  it('is refused as malformed when a correctly signed payload is not JSON', () => {
    const payload = b64url('this is not json');
    expect(verifyCustomerToken(`${payload}.${signWith(payload, SECRET)}`, SECRET, now)).toEqual({ valid: false, reason: 'malformed' });
  });

  it('is refused as malformed when a correctly signed payload does not hold valid claims', () => {
    const cases: unknown[] = [
      { ...sheetClaims, document: 'invoice' },
      { ...sheetClaims, actions: [] },
      { ...sheetClaims, revision: -1 },
      { ...sheetClaims, expiresAt: '2026-12-31' },
      { requestId: 'R-2026-000123' },
      ['R-2026-000123'],
      null,
    ];
    for (const claims of cases) {
      const payload = b64url(JSON.stringify(claims));
      expect([claims, verifyCustomerToken(`${payload}.${signWith(payload, SECRET)}`, SECRET, now)]).toEqual([
        claims,
        { valid: false, reason: 'malformed' },
      ]);
    }
  });
});

describe('customer token claims', () => {
  it('accepts a complete claim set', () => {
    expect(CustomerTokenClaims.safeParse(sheetClaims).success).toBe(true);
  });

  it('refuses to sign claims without a request, a customer or an action', () => {
    expect(() => signCustomerToken({ ...sheetClaims, requestId: '' }, SECRET)).toThrow();
    expect(() => signCustomerToken({ ...sheetClaims, customerId: '' }, SECRET)).toThrow();
    expect(() => signCustomerToken({ ...sheetClaims, actions: [] }, SECRET)).toThrow();
    expect(() => signCustomerToken({ ...sheetClaims, actions: [''] }, SECRET)).toThrow();
  });

  it('refuses to sign an unknown document, a negative or fractional revision, or a non-positive expiry', () => {
    expect(() => signCustomerToken({ ...sheetClaims, document: 'contract' as Claims['document'] }, SECRET)).toThrow();
    expect(() => signCustomerToken({ ...sheetClaims, revision: -1 }, SECRET)).toThrow();
    expect(() => signCustomerToken({ ...sheetClaims, revision: 1.5 }, SECRET)).toThrow();
    expect(() => signCustomerToken({ ...sheetClaims, expiresAt: 0 }, SECRET)).toThrow();
    expect(() => signCustomerToken({ ...sheetClaims, expiresAt: NOW_S + 0.5 }, SECRET)).toThrow();
  });

  it('signs only the known claims: extra fields are dropped from the payload', () => {
    const token = signCustomerToken({ ...sheetClaims, email: 'someone@example.com' } as Claims, SECRET);
    const [payload] = token.split('.') as [string, string];
    expect(Buffer.from(payload, 'base64url').toString('utf8')).not.toContain('email');
  });
});
