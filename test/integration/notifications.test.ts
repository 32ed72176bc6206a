/**
 * The notification activity on real PostgreSQL and a real SMTP server: keyed
 * e-mails are sent once, a retry skips what was sent, a crash between the
 * server's 250 and the mark yields one duplicate with the same Message-ID,
 * and the sink shows it all to a person. Customer links are signed for the
 * document revision the workflow passes; the cancellation reaches the
 * customer and the assignee in each one's language.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../activities';
import { createMailer } from '../../activities/notifications/mailer';
import type { NotifyInput, RequestActivities } from '../../contracts/activities';
import { verifyCustomerToken } from '../../contracts/customer-token';
import { createDatabase, type Db } from '../../db/database';
import { migrateToLatest } from '../../db/migrate';
import { startMailSink, type MailSink } from '../../local/mail-sink';
import { startPostgresCluster, type PostgresCluster } from '../../local/postgres-cluster';
import { initialDocument } from '../../rules/request-document';
import { requestInput } from '../support/fixtures';

let cluster: PostgresCluster;
let db: Db;
let sink: MailSink;
let activities: RequestActivities;

const TOKEN_SECRET = 'a-test-secret-of-at-least-32-characters';
const NOW = new Date('2026-11-27T07:00:00Z');
/** The plain text with line wrapping undone (the text part wraps at 78 columns). */
const flat = (text: string): string => text.replace(/\s+/g, ' ');

const input = requestInput({ requestId: 'R-2026-000042', customerId: 'C-TEST-0042' });
const key = (seq: number, template: string, recipient: string): string => `${input.requestId}:${seq}:${template}:${recipient}`;
const messageIdOf = (k: string): string => `<${createHash('sha256').update(k).digest('hex')}@notify.example>`;

beforeAll(async () => {
  cluster = await startPostgresCluster({ fast: true });
  db = createDatabase(cluster.url);
  await migrateToLatest(db);
  sink = await startMailSink({ webPort: 0 });
  activities = createActivities({
    db,
    mailer: createMailer(sink.smtpUrl),
    clock: { now: () => NOW },
    mail: { from: 'Service <service@notify.example>', messageIdDomain: 'notify.example' },
    customerLinks: { publicBaseUrl: 'https://service.example', tokenSecret: TOKEN_SECRET },
  });
  await db
    .insertInto('customers')
    .values({ id: input.customerId, name: '测试客户', email: 'customer.42@example.com', phone: '+86 100 0000 0042', tier: 'standard', language: 'en' })
    .execute();
  await activities.recordRequest({ request: input, document: initialDocument(input) });
});

afterAll(async () => {
  await sink?.close();
  await db?.destroy();
  await cluster?.stop();
});

it('sends a keyed e-mail once, in the recipient’s language, and skips it on a retry', async () => {
  const notice = { requestId: input.requestId, eventSeq: 1, template: 'receipt-notice' as const, recipients: [{ kind: 'customer' as const, customerId: input.customerId }], facts: {} };
  const first = await activities.notify(notice);
  expect(first).toEqual({ sent: [key(1, 'receipt-notice', input.customerId)], skipped: [], unresolved: [] });
  const mail = await sink.waitFor((m) => m.envelopeTo.includes('customer.42@example.com'));
  expect(mail.subject).toBe(`We have received your request ${input.requestId}`);
  expect(mail.messageId).toBe(messageIdOf(key(1, 'receipt-notice', input.customerId)));
  expect(mail.html).toContain('lang="en"');
  expect(mail.text).toContain('Dear 测试客户');

  const retry = await activities.notify(notice);
  expect(retry).toEqual({ sent: [], skipped: [key(1, 'receipt-notice', input.customerId)], unresolved: [] });
  expect(sink.messages().filter((m) => m.messageId === mail.messageId)).toHaveLength(1);
});

it('sends a pending key again after a crash before the mark, with the same Message-ID', async () => {
  const k = key(1, 'receipt-notice', input.customerId);
  await db.updateTable('notifications').set({ status: 'pending', sent_at: null }).where('key', '=', k).execute();
  const again = await activities.notify({
    requestId: input.requestId,
    eventSeq: 1,
    template: 'receipt-notice',
    recipients: [{ kind: 'customer', customerId: input.customerId }],
    facts: {},
  });
  expect(again.sent).toEqual([k]);
  // The duplicate carries the first one's Message-ID, so mail clients fold the two.
  await sink.waitFor(() => sink.messages().filter((m) => m.messageId === messageIdOf(k)).length === 2);
  const row = await db.selectFrom('notifications').select(['status', 'message_id']).where('key', '=', k).executeTakeFirstOrThrow();
  expect(row).toEqual({ status: 'sent', message_id: messageIdOf(k) });
});

it('writes to the supervisors’ policy address, and reports a group without a lead as unresolved', async () => {
  const result = await activities.notify({
    requestId: input.requestId,
    eventSeq: 2,
    template: 'nobody-eligible',
    recipients: [
      { kind: 'groupLead', groupId: 'complaints' },
      { kind: 'policyAddress', name: 'supervisors' },
    ],
    facts: {},
  });
  expect(result.sent).toEqual([key(2, 'nobody-eligible', 'supervisors')]);
  expect(result.unresolved).toEqual([JSON.stringify({ kind: 'groupLead', groupId: 'complaints' })]);
  const mail = await sink.waitFor((m) => m.envelopeTo.includes('supervisors@service.example'));
  expect(mail.subject).toBe(`【待分配】需求 ${input.requestId} 暂无可分配人员`);
});

it('lets a person browse what arrived on the sink’s web page', async () => {
  const inbox = await fetch(sink.webUrl!);
  expect(inbox.headers.get('content-type')).toContain('text/html');
  const page = await inbox.text();
  expect(page).toContain(`We have received your request ${input.requestId}`);
  expect(page).toContain(`【待分配】需求 ${input.requestId}`);
  const first = await fetch(`${sink.webUrl}/messages/1`);
  expect(await first.text()).toContain(input.requestId);
  expect((await fetch(`${sink.webUrl}/messages/999`)).status).toBe(404);
  const listed = (await (await fetch(`${sink.webUrl}/api/messages`)).json()) as { subject: string }[];
  expect(listed).toHaveLength(sink.messages().length);
});

describe('customer links carry the document revision the workflow passes', () => {
  const firstResponse = (facts: NotifyInput['facts'], eventSeq: number): NotifyInput => ({
    requestId: input.requestId,
    eventSeq,
    template: 'first-response',
    recipients: [{ kind: 'customer', customerId: input.customerId }],
    facts,
  });

  it('signs the link for facts.revision, not the request’s version', async () => {
    const result = await activities.notify(firstResponse({ link: 'first-contact-rating', revision: 3 }, 20));
    expect(result.sent).toEqual([key(20, 'first-response', input.customerId)]);
    const mail = await sink.waitFor((m) => m.messageId === messageIdOf(key(20, 'first-response', input.customerId)));
    const href = /href="https:\/\/service\.example\/c\/([^"]+)"/.exec(mail.html ?? '')?.[1];
    expect(href).toBeDefined();
    const version = (await db.selectFrom('requests').select('version').where('id', '=', input.requestId).executeTakeFirstOrThrow()).version;
    expect(version).not.toBe(3);
    expect(verifyCustomerToken(href!, TOKEN_SECRET, NOW)).toEqual({
      valid: true,
      claims: expect.objectContaining({
        requestId: input.requestId,
        customerId: input.customerId,
        document: 'first-contact-rating',
        revision: 3,
        actions: ['rate-first-contact', 'cancel'],
      }),
    });
    expect(mail.text).toContain(`https://service.example/c/${href}`);
  });

  it.each([
    ['no revision', { link: 'first-contact-rating' }, /needs facts\.revision/],
    ['a revision that is not a number', { link: 'first-contact-rating', revision: '3' }, /needs facts\.revision/],
    ['a fractional revision', { link: 'first-contact-rating', revision: 1.5 }, /needs facts\.revision/],
    ['an unknown document', { link: 'receipt', revision: 1 }, /not a customer document/],
  ] as const)('fails without retry for a link with %s, recording and sending nothing', async (_case, facts, message) => {
    const before = sink.messages().length;
    const failure = await activities.notify(firstResponse(facts, 21)).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'InvalidNotificationFacts', nonRetryable: true });
    expect((failure as Error).message).toMatch(message);
    expect(await db.selectFrom('notifications').select('key').where('key', 'like', `${input.requestId}:21:%`).execute()).toEqual([]);
    expect(sink.messages()).toHaveLength(before);
  });
});

describe('cancellation', () => {
  const zhInput = requestInput({ requestId: 'R-2026-000043', customerId: 'C-TEST-0043' });

  beforeAll(async () => {
    await db
      .insertInto('customers')
      .values({ id: zhInput.customerId, name: '测试客户乙', email: 'customer.43@example.com', phone: '+86 100 0000 0043', tier: 'standard', language: 'zh-CN' })
      .execute();
    await activities.recordRequest({ request: zhInput, document: initialDocument(zhInput) });
    await db
      .insertInto('agents')
      .values([
        { id: 'A-ZH', name: '测试专员', email: 'agent.zh@service.example', group_id: 'technical_support', language: 'zh-CN' },
        { id: 'A-EN', name: 'Test Agent', email: 'agent.en@service.example', group_id: 'technical_support', language: 'en' },
      ])
      .execute();
  });

  const cancel = (requestId: string, customerId: string, agentId: string, facts: NotifyInput['facts']): NotifyInput => ({
    requestId,
    eventSeq: 30,
    template: 'cancellation',
    recipients: [
      { kind: 'customer', customerId },
      { kind: 'agent', agentId },
    ],
    facts,
  });
  const mailFor = (requestId: string, recipientId: string) =>
    sink.waitFor((m) => m.messageId === messageIdOf(`${requestId}:30:cancellation:${recipientId}`));

  it('cancelled by the customer: an English customer is told it was as they asked, a Chinese assignee to stop work', async () => {
    const result = await activities.notify(cancel(input.requestId, input.customerId, 'A-ZH', { by: 'customer' }));
    expect(result).toEqual({ sent: [key(30, 'cancellation', input.customerId), key(30, 'cancellation', 'A-ZH')], skipped: [], unresolved: [] });

    const toCustomer = await mailFor(input.requestId, input.customerId);
    expect(toCustomer.envelopeTo).toEqual(['customer.42@example.com']);
    expect(toCustomer.subject).toBe(`Your request ${input.requestId} has been cancelled`);
    expect(toCustomer.html).toContain('lang="en"');
    expect(toCustomer.headers['x-notification-template']).toBe('cancellation');
    expect(flat(toCustomer.text)).toContain(`As you asked, we have cancelled your request ${input.requestId} (fault).`);
    expect(toCustomer.text).not.toMatch(/stop work/i);

    const toAgent = await mailFor(input.requestId, 'A-ZH');
    expect(toAgent.envelopeTo).toEqual(['agent.zh@service.example']);
    expect(toAgent.subject).toBe(`【已取消】需求 ${input.requestId} 已取消，请停止处理`);
    expect(toAgent.html).toContain('lang="zh-CN"');
    expect(flat(toAgent.text)).toContain('测试专员，您好');
    expect(flat(toAgent.text)).toContain('已应客户要求取消，请停止相关处理工作');

    const retry = await activities.notify(cancel(input.requestId, input.customerId, 'A-ZH', { by: 'customer' }));
    expect(retry.sent).toEqual([]);
    expect(sink.messages().filter((m) => m.subject.includes('cancelled') || m.subject.includes('已取消'))).toHaveLength(2);
  });

  it('cancelled by staff: a Chinese customer gets the 取消通知, an English assignee is asked to stop work', async () => {
    await activities.notify(cancel(zhInput.requestId, zhInput.customerId, 'A-EN', { by: 'staff' }));

    const toCustomer = await mailFor(zhInput.requestId, zhInput.customerId);
    expect(toCustomer.envelopeTo).toEqual(['customer.43@example.com']);
    expect(toCustomer.subject).toBe(`【取消通知】您的需求 ${zhInput.requestId} 已取消`);
    expect(toCustomer.html).toContain('lang="zh-CN"');
    expect(flat(toCustomer.text)).toContain(`经客服人员处理，您的需求（编号 ${zhInput.requestId}，故障）已取消。`);
    expect(toCustomer.text).not.toContain('根据您的申请');

    const toAgent = await mailFor(zhInput.requestId, 'A-EN');
    expect(toAgent.subject).toBe(`[Cancelled] Request ${zhInput.requestId}: please stop work`);
    expect(toAgent.html).toContain('lang="en"');
    expect(flat(toAgent.text)).toContain('Hello Test Agent,');
    expect(flat(toAgent.text)).toContain('has been cancelled by customer service staff. Please stop work on it');
  });

  it('fails without retry when the workflow does not say who cancelled, sending nothing', async () => {
    const before = sink.messages().length;
    const failure = await activities
      .notify({ ...cancel(zhInput.requestId, zhInput.customerId, 'A-EN', {}), eventSeq: 31 })
      .catch((err: unknown) => err);
    expect(failure).toMatchObject({ type: 'InvalidNotificationFacts', nonRetryable: true });
    expect(await db.selectFrom('notifications').select('key').where('key', 'like', `${zhInput.requestId}:31:%`).execute()).toEqual([]);
    expect(sink.messages()).toHaveLength(before);
  });
});
