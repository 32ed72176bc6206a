/**
 * The notification activity on real PostgreSQL and a real SMTP server: keyed
 * e-mails are sent once, a retry skips what was sent, a crash between the
 * server's 250 and the mark yields one duplicate with the same Message-ID,
 * and the sink shows it all to a person.
 */
import { createHash } from 'node:crypto';
import { createActivities } from '../../activities';
import { createMailer } from '../../activities/notifications/mailer';
import type { RequestActivities } from '../../contracts/activities';
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
    clock: { now: () => new Date('2026-11-27T07:00:00Z') },
    mail: { from: 'Service <service@notify.example>', messageIdDomain: 'notify.example' },
    customerLinks: { publicBaseUrl: 'https://service.example', tokenSecret: 'a-test-secret-of-at-least-32-characters' },
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
