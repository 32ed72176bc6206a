/**
 * Delivery of keyed notifications through failures, on real PostgreSQL and a
 * real SMTP server (process.md "Notifications"):
 * - a worker process killed (SIGKILL) after the server's 250 and before the
 *   notification is marked sent: a fresh attempt sends it again, so the
 *   customer gets exactly one duplicate, carrying the same Message-ID, and the
 *   row ends `sent`;
 * - the SMTP server down, then up again: every attempt fails retryably and
 *   marks nothing sent; once it is back, a retry delivers each mail exactly
 *   once, and a further retry sends nothing;
 * - an address the server refuses for good (550): that mail is marked
 *   rejected with the reply and never tried again, the others are sent.
 * A retry after success sending nothing is notifications.test.ts's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../activities';
import { createMailer } from '../../activities/notifications/mailer';
import type { NotifyInput, NotifyResult, RequestActivities } from '../../contracts/activities';
import { createDatabase, type Db } from '../../db/database';
import { migrateToLatest } from '../../db/migrate';
import { startMailSink, type MailSink } from '../../local/mail-sink';
import { freePort } from '../../local/ports';
import { startPostgresCluster, type PostgresCluster } from '../../local/postgres-cluster';
import { initialDocument } from '../../rules/request-document';
import { messageIdOf, requestInput, testMailSettings } from '../support/fixtures';
import type { NotifyOnceConfig } from '../support/notify-once';

const NOW = new Date('2026-11-27T07:00:00Z');
const ROOT = path.resolve(__dirname, '../..');
const NOTIFY_ONCE = path.join(ROOT, 'test/support/notify-once.ts');

/** The spec's rule, computed here rather than by the code under test. */
const keyOf = (input: NotifyInput, recipientId: string): string => `${input.requestId}:${input.eventSeq}:${input.template}:${recipientId}`;

let cluster: PostgresCluster;
let db: Db;
/** The sink the crash scenario's worker processes send to. */
let sink: MailSink;
const children = new Set<ChildProcess>();
const sinks = new Set<MailSink>();

const rowOf = (key: string) =>
  db.selectFrom('notifications').select(['status', 'message_id', 'sent_at']).where('key', '=', key).executeTakeFirst();
const copiesOf = (on: MailSink, messageId: string) => on.messages().filter((m) => m.messageId === messageId);

async function addRequest(requestId: string, customer: { id: string; email: string }): Promise<void> {
  await db
    .insertInto('customers')
    .values({ id: customer.id, name: 'Test Customer', email: customer.email, phone: '+86 100 0000 0000', tier: 'standard', language: 'en' })
    .execute();
  const request = requestInput({ requestId, customerId: customer.id });
  await activitiesOn('smtp://127.0.0.1:9').recordRequest({ request, document: initialDocument(request) });
}

function activitiesOn(smtpUrl: string): RequestActivities {
  return createActivities({
    db,
    mailer: createMailer(smtpUrl),
    clock: { now: () => NOW },
    ...testMailSettings,
  });
}

interface WorkerProcess {
  child: ChildProcess;
  /** Resolves with the first stdout line of that event (see notify-once.ts); rejects if the process ends without it. */
  line<T>(event: 'accepted' | 'result'): Promise<T>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** One attempt of the real notify activity in a Node process of its own (test/support/notify-once.ts). */
function startWorkerProcess(input: NotifyInput, hangAfterAccept: boolean): WorkerProcess {
  const config: NotifyOnceConfig = { databaseUrl: cluster.url, smtpUrl: sink.smtpUrl, now: NOW.toISOString(), input, hangAfterAccept };
  // node itself, with tsx as a loader: the pid is the process running the activity, not a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', NOTIFY_ONCE, JSON.stringify(config)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  const lines: Record<string, unknown>[] = [];
  let closed = false;
  const changed = new Set<() => void>();
  const wake = (): void => {
    for (const check of [...changed]) check();
  };
  createInterface({ input: child.stdout! }).on('line', (text) => {
    if (!text.startsWith('{')) return;
    lines.push(JSON.parse(text) as Record<string, unknown>);
    wake();
  });
  // 'close' comes after the process exited and its stdout was read to the end.
  child.once('close', () => {
    closed = true;
    wake();
  });
  const line = <T>(event: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const settle = (outcome: () => void): void => {
        clearTimeout(timer);
        changed.delete(check);
        outcome();
      };
      const check = (): void => {
        const found = lines.find((l) => l.event === event);
        if (found) settle(() => resolve(found as T));
        else if (closed) settle(() => reject(new Error(`no "${event}" line before the process ended; stdout: ${JSON.stringify(lines)}; stderr: ${stderr}`)));
      };
      const timer = setTimeout(() => settle(() => reject(new Error(`no "${event}" line within 60 s; stderr: ${stderr}`))), 60_000);
      changed.add(check);
      check();
    });
  return { child, line, exited };
}

beforeAll(async () => {
  cluster = await startPostgresCluster({ fast: true });
  db = createDatabase(cluster.url);
  await migrateToLatest(db);
  sink = await startMailSink();
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const other of sinks) await other.close();
  await sink?.close();
  await db?.destroy();
  await cluster?.stop();
});

describe('a worker killed after the server’s 250 and before the mark', () => {
  const customer = { id: 'C-TEST-0101', email: 'customer.101@example.com' };
  const notice: NotifyInput = {
    requestId: 'R-2026-000101',
    eventSeq: 1,
    template: 'receipt-notice',
    recipients: [{ kind: 'customer', customerId: customer.id }],
    facts: {},
  };
  const key = keyOf(notice, customer.id);
  const messageId = messageIdOf(key);

  beforeAll(() => addRequest(notice.requestId, customer));

  it('gets its mail sent again by the next attempt: one duplicate, the same Message-ID, the row ends sent', async () => {
    const doomed = startWorkerProcess(notice, true);
    const accepted = await doomed.line<{ messageId: string; response: string }>('accepted');
    // The server has the message and said 250; the row is recorded but not yet marked.
    expect(accepted.response).toMatch(/^250\b/);
    expect(accepted.messageId).toBe(messageId);
    expect(copiesOf(sink, messageId)).toHaveLength(1);
    expect(await rowOf(key)).toEqual({ status: 'pending', message_id: messageId, sent_at: null });

    expect(doomed.child.kill('SIGKILL')).toBe(true);
    expect(await doomed.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await rowOf(key)).toEqual({ status: 'pending', message_id: messageId, sent_at: null });

    // The retry: the same input in a fresh process, as Temporal's next attempt on another worker.
    const retry = startWorkerProcess(notice, false);
    expect((await retry.line<{ result: NotifyResult }>('result')).result).toEqual({ sent: [key], skipped: [], unresolved: [], rejected: [] });
    expect(await retry.exited).toEqual({ code: 0, signal: null });

    const copies = copiesOf(sink, messageId);
    expect(copies).toHaveLength(2);
    for (const copy of copies) {
      expect(copy.envelopeTo).toEqual([customer.email]);
      expect(copy.subject).toBe(`We have received your request ${notice.requestId}`);
      expect(copy.headers['x-request-id']).toBe(notice.requestId);
    }
    expect(sink.messages().filter((m) => m.envelopeTo.includes(customer.email))).toHaveLength(2);
    expect(await rowOf(key)).toEqual({ status: 'sent', message_id: messageId, sent_at: NOW });
  });
});

describe('the SMTP server down, then up again', () => {
  const customer = { id: 'C-TEST-0102', email: 'customer.102@example.com' };
  const agent = { id: 'A-TEST-0102', name: 'Test Agent', email: 'agent.102@service.example', group_id: 'technical_support', language: 'en' };
  const requestId = 'R-2026-000102';
  const inputs: NotifyInput[] = [
    { requestId, eventSeq: 1, template: 'receipt-notice', recipients: [{ kind: 'customer', customerId: customer.id }], facts: {} },
    { requestId, eventSeq: 2, template: 'nobody-eligible', recipients: [{ kind: 'policyAddress', name: 'supervisors' }], facts: {} },
    {
      requestId,
      eventSeq: 3,
      template: 'cancellation',
      recipients: [
        { kind: 'customer', customerId: customer.id },
        { kind: 'agent', agentId: agent.id },
      ],
      facts: { by: 'customer' },
    },
  ];
  const keys = [keyOf(inputs[0]!, customer.id), keyOf(inputs[1]!, 'supervisors'), keyOf(inputs[2]!, customer.id), keyOf(inputs[2]!, agent.id)];
  let port: number;
  let activities: RequestActivities;

  beforeAll(async () => {
    await addRequest(requestId, customer);
    await db.insertInto('agents').values(agent).execute();
    // A private sink on a port of its own, which this test stops and starts again; the worker's mailer keeps pointing at it.
    port = await freePort();
    const first = await startMailSink({ smtpPort: port });
    sinks.add(first);
    activities = activitiesOn(first.smtpUrl);
    await first.close();
    sinks.delete(first);
  });

  it('fails every attempt retryably while it is down, and marks nothing sent', async () => {
    for (let round = 1; round <= 2; round++) {
      for (const input of inputs) {
        const failure = await activities.notify(input).then(
          () => null,
          (err: unknown) => err,
        );
        // nodemailer's connection error (a plain Error from Node's own realm, hence no toBeInstanceOf here).
        expect(failure).toMatchObject({ name: 'Error', code: 'ESOCKET', command: 'CONN', message: expect.stringMatching(/ECONNREFUSED/) });
        // Not a non-retryable ApplicationFailure, nor of a type the workflows' retry policy stops on (it names none): Temporal retries it.
        expect(failure).not.toBeInstanceOf(ApplicationFailure);
        expect((failure as { nonRetryable?: boolean }).nonRetryable).toBeUndefined();
      }
    }
    const rows = await db.selectFrom('notifications').select(['key', 'status', 'sent_at']).where('request_id', '=', requestId).orderBy('key').execute();
    // Each attempt recorded its first recipient's key and failed on its mail; none is marked sent.
    expect(rows).toEqual([keys[0]!, keys[1]!, keys[2]!].sort().map((key) => ({ key, status: 'pending', sent_at: null })));
  });

  it('delivers every mail exactly once when it is back, and a further retry sends nothing', async () => {
    const back = await startMailSink({ smtpPort: port });
    sinks.add(back);
    const sent: string[] = [];
    for (const input of inputs) sent.push(...(await activities.notify(input)).sent);
    expect(sent).toEqual(keys);
    // The sink holds each mail before it answers 250, so nothing is still on its way.
    for (const key of keys) expect(copiesOf(back, messageIdOf(key))).toHaveLength(1);
    expect(back.messages()).toHaveLength(keys.length);
    expect(back.messages().map((m) => m.envelopeTo)).toEqual([[customer.email], ['supervisors@service.example'], [customer.email], [agent.email]]);
    for (const key of keys) expect(await rowOf(key)).toEqual({ status: 'sent', message_id: messageIdOf(key), sent_at: NOW });

    for (const input of inputs) expect((await activities.notify(input)).sent).toEqual([]);
    expect(back.messages()).toHaveLength(keys.length);
  });
});

describe('an address the mail server refuses for good (550)', () => {
  const customer = { id: 'C-TEST-0103', email: 'nobody.103@refused.example' };
  const agent = { id: 'A-TEST-0103', name: 'Test Agent', email: 'agent.103@service.example', group_id: 'technical_support', language: 'en' };
  const requestId = 'R-2026-000103';
  const cancellation: NotifyInput = {
    requestId,
    eventSeq: 1,
    template: 'cancellation',
    recipients: [
      { kind: 'customer', customerId: customer.id },
      { kind: 'agent', agentId: agent.id },
    ],
    facts: { by: 'customer' },
  };
  const refusedKey = keyOf(cancellation, customer.id);
  const agentKey = keyOf(cancellation, agent.id);

  it('marks that mail rejected with the reply, sends the others, and never tries it again', async () => {
    await addRequest(requestId, customer);
    await db.insertInto('agents').values(agent).execute();
    const strict = await startMailSink({ refuseRecipient: (address) => address.endsWith('@refused.example') });
    sinks.add(strict);
    const activities = activitiesOn(strict.smtpUrl);

    expect(await activities.notify(cancellation)).toEqual({ sent: [agentKey], skipped: [], unresolved: [], rejected: [refusedKey] });
    expect(strict.messages().map((m) => m.envelopeTo)).toEqual([[agent.email]]);
    const refused = await db.selectFrom('notifications').select(['status', 'rejection', 'sent_at']).where('key', '=', refusedKey).executeTakeFirstOrThrow();
    expect(refused).toEqual({ status: 'rejected', rejection: expect.stringMatching(/^550 .*mailbox nobody\.103@refused\.example unavailable/), sent_at: null });
    // The timeline says which mail was refused, by ids only (the reply, naming the address, stays in `notifications`).
    const events = await db.selectFrom('timeline_events').select(['key', 'type', 'data']).where('request_id', '=', requestId).orderBy('id').execute();
    expect(events).toEqual([
      {
        key: `mail:${refusedKey}`,
        type: 'notification_rejected',
        data: { template: 'cancellation', eventSeq: 1, recipientKind: 'customer', recipientId: customer.id, messageId: messageIdOf(refusedKey) },
      },
      {
        key: `mail:${agentKey}`,
        type: 'notification_sent',
        data: { template: 'cancellation', eventSeq: 1, recipientKind: 'staff', recipientId: agent.id, messageId: messageIdOf(agentKey) },
      },
    ]);
    expect(JSON.stringify(events)).not.toContain(customer.email);

    // A retry of the activity sends nothing: the refused mail is not tried again, the sent one not sent twice.
    expect(await activities.notify(cancellation)).toEqual({ sent: [], skipped: [refusedKey, agentKey], unresolved: [], rejected: [] });
    expect(strict.messages()).toHaveLength(1);
  });
});
