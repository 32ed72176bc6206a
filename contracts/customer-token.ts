/**
 * Customer tokens (api.md): every link in a customer e-mail carries one. It is
 * signed (HMAC-SHA256) and expiring, and binds the request, the document and
 * its revision, and the actions offered. Not for workflow code (node crypto).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { CustomerDocument } from './customer-document';

export const CustomerTokenClaims = z.object({
  requestId: z.string().min(1),
  customerId: z.string().min(1),
  document: CustomerDocument,
  /** The document's revision; a token for a superseded one is stale. */
  revision: z.number().int().min(0),
  actions: z.array(z.string().min(1)).min(1),
  /** Unix seconds. */
  expiresAt: z.number().int().positive(),
});
export type CustomerTokenClaims = z.infer<typeof CustomerTokenClaims>;

export type CustomerTokenVerification =
  | { valid: true; claims: CustomerTokenClaims }
  | { valid: false; reason: 'malformed' | 'bad_signature' | 'expired' };

/** Links stay valid for 7 days past the end of the window they answer. */
export const CUSTOMER_TOKEN_GRACE_SECONDS = 7 * 24 * 3600;

function signature(payload: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

export function signCustomerToken(claims: CustomerTokenClaims, secret: string): string {
  const payload = Buffer.from(JSON.stringify(CustomerTokenClaims.parse(claims))).toString('base64url');
  return `${payload}.${signature(payload, secret).toString('base64url')}`;
}

export function verifyCustomerToken(token: string, secret: string, now: Date): CustomerTokenVerification {
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return { valid: false, reason: 'malformed' };
  const [payload, given] = parts as [string, string];
  // Compared as text: base64url decoding ignores stray characters, and one
  // token must have one spelling (rate limits are keyed by it).
  const expected = Buffer.from(signature(payload, secret).toString('base64url'));
  const givenBytes = Buffer.from(given);
  if (givenBytes.length !== expected.length || !timingSafeEqual(givenBytes, expected)) {
    return { valid: false, reason: 'bad_signature' };
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { valid: false, reason: 'malformed' };
  }
  const claims = CustomerTokenClaims.safeParse(decoded);
  if (!claims.success) return { valid: false, reason: 'malformed' };
  if (claims.data.expiresAt * 1000 <= now.getTime()) return { valid: false, reason: 'expired' };
  return { valid: true, claims: claims.data };
}
