/**
 * Notification keys and Message-IDs (process.md "Notifications"): the key is
 * `{requestId}:{eventSeq}:{template}:{recipientId}` and the Message-ID
 * `<{sha256 of the key}@{mail domain}>`, so a resend has the same Message-ID.
 */
import { createHash } from 'node:crypto';
import { messageIdFor, notificationKey } from '../../activities/notifications/notify';

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

describe('notificationKey', () => {
  it('is {requestId}:{eventSeq}:{template}:{recipientId}', () => {
    expect(notificationKey('R-2026-000123', 7, 'assignment', 'A-0001')).toBe('R-2026-000123:7:assignment:A-0001');
  });

  it('takes a customer id, an agent id or a policy address name as the recipient', () => {
    expect(notificationKey('R-2026-000123', 1, 'receipt-notice', 'C-TEST-0042')).toBe('R-2026-000123:1:receipt-notice:C-TEST-0042');
    expect(notificationKey('R-2026-000123', 12, 'deadline-escalation', 'supervisors')).toBe('R-2026-000123:12:deadline-escalation:supervisors');
    expect(notificationKey('R-2026-000123', 12, 'deadline-escalation', 'headOfService')).toBe(
      'R-2026-000123:12:deadline-escalation:headOfService',
    );
  });

  it('differs for each event, template and recipient', () => {
    const keys = new Set([
      notificationKey('R-2026-000123', 7, 'assignment', 'A-0001'),
      notificationKey('R-2026-000123', 8, 'assignment', 'A-0001'),
      notificationKey('R-2026-000123', 7, 'first-response', 'A-0001'),
      notificationKey('R-2026-000123', 7, 'assignment', 'A-0002'),
      notificationKey('R-2026-000124', 7, 'assignment', 'A-0001'),
    ]);
    expect(keys.size).toBe(5);
  });
});

describe('messageIdFor', () => {
  const key = 'R-2026-000123:7:assignment:A-0001';

  it('is <sha256 hex of the key@mail domain>', () => {
    expect(messageIdFor(key, 'service.example')).toBe(`<${sha256(key)}@service.example>`);
  });

  it('has the shape of a Message-ID: 64 lower-case hex digits, an @ and the domain, in angle brackets', () => {
    expect(messageIdFor(key, 'service.example')).toMatch(/^<[0-9a-f]{64}@service\.example>$/);
  });

  it('is the same for a resend of the same key, so mail clients fold duplicates', () => {
    expect(messageIdFor(key, 'service.example')).toBe(messageIdFor(`${key}`, 'service.example'));
  });

  it('differs for different keys and different domains', () => {
    expect(messageIdFor(key, 'service.example')).not.toBe(messageIdFor('R-2026-000123:8:assignment:A-0001', 'service.example'));
    expect(messageIdFor(key, 'service.example')).not.toBe(messageIdFor(key, 'corp.example'));
  });

  it('hashes a key with non-ASCII characters as UTF-8', () => {
    const unicodeKey = 'R-2026-000123:3:receipt-notice:客户-001';
    expect(messageIdFor(unicodeKey, 'service.example')).toBe(`<${sha256(unicodeKey)}@service.example>`);
  });

  it('matches a known SHA-256 value', () => {
    // sha256("abc") is the FIPS 180-2 test vector.
    expect(messageIdFor('abc', 'd.example')).toBe('<ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad@d.example>');
  });
});
