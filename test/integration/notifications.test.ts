/**
 * The notification activity on real PostgreSQL and a real SMTP server: keyed
 * e-mails are sent once, a retry skips what was sent, a crash between the
 * server's 250 and the mark yields one duplicate with the same Message-ID,
 * and the sink shows it all to a person. Customer links are signed for the
 * document revision the workflow passes; the cancellation reaches the
 * customer and the assignee in each one's language. The complex path's mails
 * show the requirement sheet and the solution as the workflow recorded them
 * in `requests.document`, never a staff address or id to the customer; so do
 * the later stages' mails (task, wait, delay, weekly progress, delivery,
 * deemed acceptance, repeated rejection, questionnaire, intervention), with
 * the request's own policy version deciding what the delivery mail says of
 * silence and where the service representatives' mail goes.
 */
import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../activities';
import { createMailer } from '../../activities/notifications/mailer';
import type { NotificationRecipient, NotifyInput, RequestActivities } from '../../contracts/activities';
import { DEFAULT_POLICY, type Policy } from '../../contracts/policy';
import type { RequestDocument } from '../../contracts/request';
import { verifyCustomerToken } from '../../contracts/customer-token';
import { createDatabase, type Db } from '../../db/database';
import { migrateToLatest } from '../../db/migrate';
import { startMailSink, type MailSink } from '../../local/mail-sink';
import { startPostgresCluster, type PostgresCluster } from '../../local/postgres-cluster';
import { initialDocument } from '../../rules/request-document';
import { messageIdOf, requestInput, TEST_TOKEN_SECRET, testMailSettings } from '../support/fixtures';
import { CLOSED_AT, flat, NOW, REVIEW_DUE, tokenOf } from '../support/notification-fixtures';

let cluster: PostgresCluster;
let db: Db;
let sink: MailSink;
let activities: RequestActivities;

const input = requestInput({ requestId: 'R-2026-000042', customerId: 'C-TEST-0042' });
const key = (seq: number, template: string, recipient: string): string => `${input.requestId}:${seq}:${template}:${recipient}`;

beforeAll(async () => {
  cluster = await startPostgresCluster({ fast: true });
  db = createDatabase(cluster.url);
  await migrateToLatest(db);
  sink = await startMailSink({ webPort: 0 });
  activities = createActivities({
    db,
    mailer: createMailer(sink.smtpUrl),
    clock: { now: () => NOW },
    ...testMailSettings,
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
  expect(first).toEqual({ sent: [key(1, 'receipt-notice', input.customerId)], skipped: [], unresolved: [], rejected: [] });
  const mail = await sink.waitFor((m) => m.envelopeTo.includes('customer.42@example.com'));
  expect(mail.subject).toBe(`We have received your request ${input.requestId}`);
  expect(mail.messageId).toBe(messageIdOf(key(1, 'receipt-notice', input.customerId)));
  expect(mail.html).toContain('lang="en"');
  expect(mail.text).toContain('Dear 测试客户');

  const retry = await activities.notify(notice);
  expect(retry).toEqual({ sent: [], skipped: [key(1, 'receipt-notice', input.customerId)], unresolved: [], rejected: [] });
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
    expect(verifyCustomerToken(href!, TEST_TOKEN_SECRET, NOW)).toEqual({
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
    expect(result).toEqual({ sent: [key(30, 'cancellation', input.customerId), key(30, 'cancellation', 'A-ZH')], skipped: [], unresolved: [], rejected: [] });

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

describe('the complex path’s mails show the document the workflow recorded', () => {
  // A Chinese customer with a requirement sheet awaiting confirmation; an English customer with a solution presented.
  const sheetInput = requestInput({ requestId: 'R-2026-000044', customerId: 'C-TEST-0044' });
  const solutionInput = requestInput({ requestId: 'R-2026-000045', customerId: input.customerId });
  const STAFF = [
    { id: 'A-HOLDER-44', name: '负责专员', email: 'holder.44@service.example', group_id: 'technical_support', language: 'zh-CN' },
    { id: 'A-OWNER-44', name: '任务负责人', email: 'owner.44@service.example', group_id: 'technical_support', language: 'zh-CN' },
    { id: 'A-REVIEWER-44', name: 'Review Agent', email: 'reviewer.44@service.example', group_id: 'technical_support', language: 'en' },
  ];
  const by = { at: '2026-11-27T07:00:00.000Z', byKind: 'staff' as const, byRole: 'agent', byAgentId: 'A-HOLDER-44', recordedFrom: null };
  const DUE = '2026-11-30T10:00:00.000Z';

  /** What the workflow's `recordState` writes before it sends: the document with the sheet and the solution. */
  function recorded(base: RequestDocument, version: number): RequestDocument {
    return {
      ...base,
      version,
      stage: 'awaiting_confirmation',
      assignee: { id: 'A-HOLDER-44', group: 'technical_support' },
      voidSheets: 2,
      sheet: {
        ...by,
        revision: 1,
        description: '测试设备无法开机，指示灯不亮（合成数据）',
        goal: '恢复设备正常使用',
        expectedDeliveryAt: '2026-12-04T10:00:00.000Z',
        customerObligations: '设备序列号与购买凭证',
        state: 'awaiting_confirmation',
        customerComment: null,
      },
      solution: {
        ...by,
        revision: 2,
        steps: ['Remote diagnosis', 'Replace the power board'],
        resources: 'One field engineer',
        risks: [{ risk: 'Board out of stock', mitigation: 'Ship from the regional warehouse' }],
        tasks: [{ id: 'T1', title: 'Field visit', ownerId: 'A-OWNER-44', dueAt: '2026-12-01T02:00:00.000Z', acceptedAt: null, completedAt: null, note: null }],
        complex: true,
        reviews: [{ area: 'technical', agentId: 'A-REVIEWER-44', approved: null, comment: null, at: null }],
        reviewRounds: 1,
        state: 'presented',
        customerComment: null,
      },
      documentRevisions: { sheet: 1, solution: 2 },
    };
  }

  beforeAll(async () => {
    await db
      .insertInto('customers')
      .values({ id: sheetInput.customerId, name: '测试客户丙', email: 'customer.44@example.com', phone: '+86 100 0000 0044', tier: 'standard', language: 'zh-CN' })
      .execute();
    await db.insertInto('agents').values(STAFF).execute();
    for (const request of [sheetInput, solutionInput]) {
      await activities.recordRequest({ request, document: initialDocument(request) });
      await db.updateTable('requests').set({ assignee_id: 'A-HOLDER-44', group_id: 'technical_support' }).where('id', '=', request.requestId).execute();
      await activities.recordState({ document: recorded(initialDocument(request), 5) });
    }
  });

  const send = (requestId: string, eventSeq: number, template: NotifyInput['template'], recipients: NotificationRecipient[], facts: NotifyInput['facts']) =>
    activities.notify({ requestId, eventSeq, template, recipients, facts });
  const mailFor = (requestId: string, eventSeq: number, template: string, recipientId: string) =>
    sink.waitFor((m) => m.messageId === messageIdOf(`${requestId}:${eventSeq}:${template}:${recipientId}`));
  /** Nothing of staff reaches a customer: no agent's address, no agent id, no task owner's name. */
  const expectNothingOfStaff = (mail: { text: string; html: string | null }) => {
    for (const agent of STAFF) {
      for (const part of [mail.text, mail.html ?? '']) {
        expect(part).not.toContain(agent.email);
        expect(part).not.toContain(agent.id);
      }
    }
    expect(mail.text).not.toContain('任务负责人');
  };
  const customerOf = (request: typeof sheetInput): NotificationRecipient => ({ kind: 'customer', customerId: request.customerId });

  it('requirement sheet: the Chinese customer reads the recorded sheet, with a link signed for its revision', async () => {
    const result = await send(sheetInput.requestId, 40, 'requirement-sheet', [customerOf(sheetInput)], { link: 'sheet', revision: 1, dueAt: DUE });
    expect(result).toEqual({ sent: [`${sheetInput.requestId}:40:requirement-sheet:${sheetInput.customerId}`], skipped: [], unresolved: [], rejected: [] });
    const mail = await mailFor(sheetInput.requestId, 40, 'requirement-sheet', sheetInput.customerId);
    expect(mail.envelopeTo).toEqual(['customer.44@example.com']);
    expect(mail.subject).toBe(`【需求确认单】请确认您的需求 ${sheetInput.requestId}`);
    expect(mail.headers['x-notification-template']).toBe('requirement-sheet');
    expect(mail.html).toContain('lang="zh-CN"');
    const text = flat(mail.text);
    expect(text).toContain('测试客户丙，您好');
    expect(text).toContain('需求描述： 测试设备无法开机，指示灯不亮（合成数据）');
    expect(text).toContain('期望目标： 恢复设备正常使用');
    expect(text).toContain('预计交付时间：2026年12月4日');
    expect(text).toContain('需您配合提供： 设备序列号与购买凭证');
    expect(text).toContain('2026年11月30日 GMT+8 18:00 前点击链接确认');
    expect(text).toContain('如需取消需求，也可在该页面操作');
    const token = tokenOf(mail.html);
    expect(mail.text).toContain(`https://service.example/c/${token}`);
    expect(verifyCustomerToken(token, TEST_TOKEN_SECRET, NOW)).toEqual({
      valid: true,
      claims: expect.objectContaining({
        requestId: sheetInput.requestId,
        customerId: sheetInput.customerId,
        document: 'sheet',
        revision: 1,
        actions: ['confirm', 'request-changes', 'cancel'],
      }),
    });
    expectNothingOfStaff(mail);
  });

  it('solution: the English customer reads steps, resources, risks and the tasks’ due times, never their owners, with a link for its revision', async () => {
    const result = await send(solutionInput.requestId, 41, 'solution', [customerOf(solutionInput)], { link: 'solution', revision: 2, dueAt: DUE });
    expect(result.sent).toEqual([`${solutionInput.requestId}:41:solution:${solutionInput.customerId}`]);
    const mail = await mailFor(solutionInput.requestId, 41, 'solution', solutionInput.customerId);
    expect(mail.envelopeTo).toEqual(['customer.42@example.com']);
    expect(mail.subject).toBe(`Service solution for your request ${solutionInput.requestId}: your agreement needed`);
    expect(mail.headers['x-notification-template']).toBe('solution');
    expect(mail.html).toContain('lang="en"');
    const text = flat(mail.text);
    expect(text).toContain('Dear 测试客户,');
    expect(text).toContain('1. Remote diagnosis 2. Replace the power board');
    expect(text).toContain('Resources: One field engineer');
    expect(text).toContain('Risk: Board out of stock Mitigation: Ship from the regional warehouse');
    expect(text).toContain('Field visit (expected by 1 Dec 2026, 10:00 GMT+8)');
    expect(text).toContain('let us know by 30 Nov 2026, 18:00 GMT+8 whether you agree, or ask for a revision');
    expect(text).toContain('You can also cancel the request from that page.');
    expect(verifyCustomerToken(tokenOf(mail.html), TEST_TOKEN_SECRET, NOW)).toEqual({
      valid: true,
      claims: expect.objectContaining({ requestId: solutionInput.requestId, document: 'solution', revision: 2, actions: ['agree-solution', 'revise-solution', 'cancel'] }),
    });
    expectNothingOfStaff(mail);
    expect(text).not.toMatch(/owner/i);
  });

  it('void sheet: the English customer is told the sheet lapsed, the Chinese assignee to talk to them again', async () => {
    const result = await send(
      solutionInput.requestId,
      42,
      'void-sheet',
      [customerOf(solutionInput), { kind: 'agent', agentId: 'A-HOLDER-44' }],
      { voidSheets: 2, dueAt: DUE },
    );
    expect(result).toEqual({
      sent: [`${solutionInput.requestId}:42:void-sheet:${solutionInput.customerId}`, `${solutionInput.requestId}:42:void-sheet:A-HOLDER-44`],
      skipped: [],
      unresolved: [],
      rejected: [],
    });

    const toCustomer = await mailFor(solutionInput.requestId, 42, 'void-sheet', solutionInput.customerId);
    expect(toCustomer.envelopeTo).toEqual(['customer.42@example.com']);
    expect(toCustomer.subject).toBe(`The requirement sheet for your request ${solutionInput.requestId} has expired`);
    expect(toCustomer.headers['x-notification-template']).toBe('void-sheet');
    expect(toCustomer.html).toContain('lang="en"');
    expect(flat(toCustomer.text)).toContain('was not confirmed within the time allowed, so it is no longer valid');
    expect(flat(toCustomer.text)).toContain('We will contact you again');
    expect(toCustomer.text).not.toMatch(/void sheet no|new requirement sheet/);
    expectNothingOfStaff(toCustomer);

    const toAgent = await mailFor(solutionInput.requestId, 42, 'void-sheet', 'A-HOLDER-44');
    expect(toAgent.envelopeTo).toEqual(['holder.44@service.example']);
    expect(toAgent.subject).toBe(`【确认单失效】需求 ${solutionInput.requestId}：请重新与客户沟通`);
    expect(toAgent.headers['x-notification-template']).toBe('void-sheet');
    expect(toAgent.html).toContain('lang="zh-CN"');
    expect(flat(toAgent.text)).toContain('负责专员，您好');
    expect(flat(toAgent.text)).toContain('累计失效确认单 2 份');
    expect(flat(toAgent.text)).toContain('请重新与客户沟通，并于 2026年11月30日 GMT+8 18:00 前出具新的需求确认单');
  });

  it('review request: the reviewer reads the solution, its tasks’ owners by name', async () => {
    await send(solutionInput.requestId, 43, 'review-request', [{ kind: 'agent', agentId: 'A-REVIEWER-44' }], { area: 'technical', dueAt: DUE, round: 1 });
    const mail = await mailFor(solutionInput.requestId, 43, 'review-request', 'A-REVIEWER-44');
    expect(mail.subject).toBe(`[Review] Please review the solution for request ${solutionInput.requestId} (technical review)`);
    const text = flat(mail.text);
    expect(text).toContain('As the technical reviewer');
    expect(text).toContain('Assignee: 负责专员.');
    expect(text).toContain('Field visit (owner: 任务负责人, due 1 Dec 2026, 10:00 GMT+8)');
  });

  it('closure: closed unconfirmed, the customer is told how many sheets lapsed (from the document), the assignee too', async () => {
    await send(sheetInput.requestId, 44, 'closure', [customerOf(sheetInput), { kind: 'agent', agentId: 'A-HOLDER-44' }], {
      status: 'unconfirmed',
      resolution: null,
      followUp: null,
    });
    const toCustomer = await mailFor(sheetInput.requestId, 44, 'closure', sheetInput.customerId);
    expect(toCustomer.subject).toBe(`【需求关闭】您的需求 ${sheetInput.requestId} 已关闭`);
    expect(flat(toCustomer.text)).toContain('由于需求确认单累计 2 次未在规定时间内确认');
    expect(toCustomer.text).not.toMatch(/处理结果|回访情况/);
    expectNothingOfStaff(toCustomer);
    const toAgent = await mailFor(sheetInput.requestId, 44, 'closure', 'A-HOLDER-44');
    expect(toAgent.subject).toBe(`【已关闭】需求 ${sheetInput.requestId} 已关闭（需求未确认）`);
  });

  const recordedKeys = (requestId: string, eventSeq: number) =>
    db.selectFrom('notifications').select('key').where('key', 'like', `${requestId}:${eventSeq}:%`).execute();

  it.each([
    ['requirement-sheet without dueAt', 'requirement-sheet', { link: 'sheet', revision: 1 }, /facts\.dueAt/],
    ['solution with a dueAt that is no instant', 'solution', { link: 'solution', revision: 2, dueAt: 'tomorrow' }, /facts\.dueAt/],
    ['void-sheet without voidSheets', 'void-sheet', { dueAt: DUE }, /facts\.voidSheets/],
    ['closure without followUp', 'closure', { status: 'completed', resolution: 'delivered' }, /facts\.followUp/],
  ] as const)('%s fails without retry, recording and sending nothing', async (_case, template, facts, message) => {
    const before = sink.messages().length;
    const failure = await send(sheetInput.requestId, 45, template, [customerOf(sheetInput)], facts).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'InvalidNotificationFacts', nonRetryable: true });
    expect((failure as Error).message).toMatch(message);
    expect(await recordedKeys(sheetInput.requestId, 45)).toEqual([]);
    expect(sink.messages()).toHaveLength(before);
  });

  it('refuses a customer link addressed to staff, recording and sending nothing', async () => {
    const before = sink.messages().length;
    const failure = await send(sheetInput.requestId, 46, 'requirement-sheet', [customerOf(sheetInput), { kind: 'agent', agentId: 'A-HOLDER-44' }], {
      link: 'sheet',
      revision: 1,
      dueAt: DUE,
    }).catch((err: unknown) => err);
    expect(failure).toMatchObject({ type: 'InvalidNotificationFacts', nonRetryable: true });
    expect(await recordedKeys(sheetInput.requestId, 46)).toEqual([]);
    expect(sink.messages()).toHaveLength(before);
  });

  it('fails without retry when the recorded document has no sheet yet (the workflow records before it sends)', async () => {
    const before = sink.messages().length;
    // R-2026-000042 is still as recorded at intake: no sheet.
    const failure = await send(input.requestId, 47, 'requirement-sheet', [{ kind: 'customer', customerId: input.customerId }], {
      link: 'sheet',
      revision: 1,
      dueAt: DUE,
    }).catch((err: unknown) => err);
    expect(failure).toMatchObject({ type: 'DocumentNotRecorded', nonRetryable: true });
    expect(await recordedKeys(input.requestId, 47)).toEqual([]);
    expect(sink.messages()).toHaveLength(before);
  });

  it('sends nothing for a sheet the recorded document has since superseded (its link would be stale)', async () => {
    const before = sink.messages().length;
    const result = await send(sheetInput.requestId, 48, 'requirement-sheet', [customerOf(sheetInput)], { link: 'sheet', revision: 0, dueAt: DUE });
    expect(result).toEqual({ sent: [], skipped: [`${sheetInput.requestId}:48:requirement-sheet:${sheetInput.customerId}`], unresolved: [], rejected: [] });
    expect(await recordedKeys(sheetInput.requestId, 48)).toEqual([]);
    expect(sink.messages()).toHaveLength(before);
  });
});

describe('the later stages’ mails show the document the workflow recorded', () => {
  // A Chinese customer on the default policy; an English one on a policy that escalates at the end of the
  // acceptance window and has no service representatives' desk.
  const zhInput = requestInput({ requestId: 'R-2026-000046', customerId: 'C-TEST-0046', intake: { type: 'after_sales' } });
  const enInput = requestInput({ requestId: 'R-2026-000047', customerId: input.customerId, policyVersion: 2 });
  const STAFF = [
    { id: 'A-HOLDER-46', name: '主办专员', email: 'holder.46@service.example', group_id: 'after_sales', language: 'zh-CN' },
    { id: 'A-CO-46', name: '协办专员', email: 'co.46@service.example', group_id: 'technical_support', language: 'zh-CN' },
    { id: 'A-LEGAL-46', name: 'Legal Reviewer', email: 'legal.46@service.example', group_id: 'technical_support', language: 'en' },
  ];
  const by = { at: '2026-11-24T03:00:00.000Z', byKind: 'staff' as const, byRole: 'agent', byAgentId: 'A-HOLDER-46', recordedFrom: null };
  const DUE = '2026-11-30T10:00:00.000Z';
  const LATER = '2026-12-02T10:00:00.000Z';

  /** What `recordState` writes before these mails: a solution with a co-handler's task, then every later part. */
  function recorded(base: RequestDocument): RequestDocument {
    return {
      ...base,
      version: 9,
      stage: 'follow_up',
      subStage: 'intervention',
      assignee: { id: 'A-HOLDER-46', group: 'after_sales' },
      rejections: 3,
      solution: {
        ...by,
        revision: 1,
        steps: ['上门检测'],
        resources: null,
        risks: [],
        tasks: [
          { id: 'T-CO', title: '更换主板（合成数据）', ownerId: 'A-CO-46', dueAt: '2026-11-28T02:00:00.000Z', acceptedAt: null, completedAt: null, note: null },
          { id: 'T-OWN', title: '回访确认', ownerId: 'A-HOLDER-46', dueAt: '2026-11-29T02:00:00.000Z', acceptedAt: by.at, completedAt: by.at, note: null },
        ],
        complex: true,
        reviews: [{ area: 'legal', agentId: 'A-LEGAL-46', approved: null, comment: null, at: null }],
        reviewRounds: 1,
        state: 'agreed',
        customerComment: null,
      },
      progress: [{ ...by, note: '主板已到货', percent: 50, nextSteps: '周五上门更换', risks: null }],
      delays: [{ ...by, from: DUE, to: LATER, reason: '主板需从厂家调货', lateNotice: true }],
      pauses: [{ ...by, reason: '请提供设备序列号', resumedAt: null, resumedBy: null }],
      delivery: {
        ...by,
        revision: 2,
        summary: '已更换主板，设备恢复正常',
        verification: '开机自检通过',
        state: 'rejected',
        customerComment: '开机仍有异响',
      },
      feedback: {
        ...by,
        source: 'survey',
        resolved: null,
        ratings: { responseSpeed: 3, resolution: 1, attitude: 4, professionalism: 3 },
        verdict: 'dissatisfied',
        shortfalls: '问题没有解决',
        comment: null,
        nps: 2,
      },
      documentRevisions: { solution: 1, delivery: 2, 'waiting-notice': 1, questionnaire: 1 },
    };
  }

  beforeAll(async () => {
    const escalating: Policy = { ...structuredClone(DEFAULT_POLICY), acceptanceOnExpiry: 'escalate' };
    delete escalating.addresses.serviceRepresentatives;
    await db.insertInto('policies').values({ version: 2, document: JSON.stringify(escalating), created_by: 'test' }).execute();
    await db
      .insertInto('customers')
      .values({ id: zhInput.customerId, name: '测试客户丁', email: 'customer.46@example.com', phone: '+86 100 0000 0046', tier: 'standard', language: 'zh-CN' })
      .execute();
    await db.insertInto('agents').values(STAFF).execute();
    for (const request of [zhInput, enInput]) {
      await activities.recordRequest({ request, document: initialDocument(request) });
      await db.updateTable('requests').set({ assignee_id: 'A-HOLDER-46', group_id: 'after_sales' }).where('id', '=', request.requestId).execute();
      await activities.recordState({ document: recorded(initialDocument(request)) });
    }
  });

  const send = (request: typeof zhInput, eventSeq: number, template: NotifyInput['template'], recipients: NotificationRecipient[], facts: NotifyInput['facts']) =>
    activities.notify({ requestId: request.requestId, eventSeq, template, recipients, facts });
  const customerOf = (request: typeof zhInput): NotificationRecipient => ({ kind: 'customer', customerId: request.customerId });
  const mailFor = (request: typeof zhInput, eventSeq: number, template: string, recipientId: string) =>
    sink.waitFor((m) => m.messageId === messageIdOf(`${request.requestId}:${eventSeq}:${template}:${recipientId}`));
  const expectNothingOfStaff = (mail: { text: string; html: string | null }) => {
    for (const agent of STAFF) {
      for (const part of [mail.text, mail.html ?? '']) {
        expect(part).not.toContain(agent.email);
        expect(part).not.toContain(agent.id);
        expect(part).not.toContain(agent.name);
      }
    }
  };
  const recordedKeys = (request: typeof zhInput, eventSeq: number) =>
    db.selectFrom('notifications').select('key').where('key', 'like', `${request.requestId}:${eventSeq}:%`).execute();

  it('task assigned: the co-handler reads the task’s title and due time from the document, and when to accept it', async () => {
    const result = await send(zhInput, 60, 'task-assigned', [{ kind: 'agent', agentId: 'A-CO-46' }], {
      taskId: 'T-CO',
      dueAt: '2026-11-28T02:00:00.000Z',
      acceptBy: '2026-11-27T11:00:00.000Z',
    });
    expect(result.sent).toEqual([`${zhInput.requestId}:60:task-assigned:A-CO-46`]);
    const mail = await mailFor(zhInput, 60, 'task-assigned', 'A-CO-46');
    expect(mail.envelopeTo).toEqual(['co.46@service.example']);
    expect(mail.subject).toBe(`【协办任务】需求 ${zhInput.requestId} 有一项任务分配给您`);
    const text = flat(mail.text);
    expect(text).toContain('协办专员，您好');
    expect(text).toContain('任务：更换主板（合成数据） 完成时限：2026年11月28日 GMT+8 10:00');
    expect(text).toContain('请于 2026年11月27日 GMT+8 19:00 前确认接收该任务');
    expect(text).toContain('需求负责人：主办专员');
  });

  it('waiting notice: the English customer reads what is needed, with a link that resumes the clock', async () => {
    await send(enInput, 61, 'waiting-notice', [customerOf(enInput)], { link: 'waiting-notice', revision: 1 });
    const mail = await mailFor(enInput, 61, 'waiting-notice', enInput.customerId);
    expect(mail.envelopeTo).toEqual(['customer.42@example.com']);
    expect(mail.subject).toBe(`Your request ${enInput.requestId}: we need something from you`);
    expect(flat(mail.text)).toContain('What we need: 请提供设备序列号');
    expect(flat(mail.text)).toContain('You can also cancel the request from that page.');
    expect(verifyCustomerToken(tokenOf(mail.html), TEST_TOKEN_SECRET, NOW)).toEqual({
      valid: true,
      claims: expect.objectContaining({ requestId: enInput.requestId, document: 'waiting-notice', revision: 1, actions: ['resume', 'cancel'] }),
    });
    expectNothingOfStaff(mail);
  });

  it('delay notice: the Chinese customer reads the new time and the reason, never that the notice was late', async () => {
    await send(zhInput, 62, 'delay-notice', [customerOf(zhInput)], { from: DUE, to: LATER, lateNotice: true });
    const mail = await mailFor(zhInput, 62, 'delay-notice', zhInput.customerId);
    expect(mail.subject).toBe(`【延期通知】您的需求 ${zhInput.requestId} 预计交付时间调整`);
    const text = flat(mail.text);
    expect(text).toContain('预计交付时间由 2026年11月30日 GMT+8 18:00 调整为 2026年12月2日 GMT+8 18:00');
    expect(text).toContain('调整原因： 主板需从厂家调货');
    expect(text).not.toMatch(/提前|迟|late/i);
    expectNothingOfStaff(mail);
  });

  it('weekly progress report: this week’s updates, the next steps, tasks done of all, and no author', async () => {
    await send(zhInput, 63, 'progress-report', [customerOf(zhInput)], { week: 1 });
    const mail = await mailFor(zhInput, 63, 'progress-report', zhInput.customerId);
    expect(mail.subject).toBe(`【服务进度报告】您的需求 ${zhInput.requestId} 第 1 周进度`);
    const text = flat(mail.text);
    expect(text).toContain('2026年11月24日 GMT+8 11:00：主板已到货（整体进度 50%）');
    expect(text).toContain('任务完成情况：已完成 1 项，共 2 项');
    expect(text).toContain('下一步计划： 周五上门更换');
    expect(text).not.toContain('风险及应对');
    expectNothingOfStaff(mail);
  });

  it('delivery: a link signed for the delivery’s revision, and silence deemed acceptance only under the request’s policy', async () => {
    await send(zhInput, 64, 'delivery', [customerOf(zhInput)], { link: 'delivery', revision: 2, dueAt: DUE });
    const zh = await mailFor(zhInput, 64, 'delivery', zhInput.customerId);
    expect(zh.subject).toBe(`【服务交付】您的需求 ${zhInput.requestId} 已交付，请验收`);
    expect(flat(zh.text)).toContain('交付内容： 已更换主板，设备恢复正常');
    expect(flat(zh.text)).toContain('验收方式： 开机自检通过');
    expect(flat(zh.text)).toContain('根据服务条款，逾期未验收将视为验收通过');
    expect(flat(zh.text)).not.toContain('开机仍有异响');
    expect(verifyCustomerToken(tokenOf(zh.html), TEST_TOKEN_SECRET, NOW)).toEqual({
      valid: true,
      claims: expect.objectContaining({ requestId: zhInput.requestId, document: 'delivery', revision: 2, actions: ['accept', 'reject', 'cancel'] }),
    });
    expectNothingOfStaff(zh);

    // Policy version 2 escalates instead: the English customer is not told silence accepts.
    await send(enInput, 64, 'delivery', [customerOf(enInput)], { link: 'delivery', revision: 2, dueAt: DUE });
    const en = await mailFor(enInput, 64, 'delivery', enInput.customerId);
    expect(flat(en.text)).toContain('Please accept it, or tell us what needs fixing, by 30 Nov 2026, 18:00 GMT+8');
    expect(en.text).not.toMatch(/deemed/);
  });

  it('deemed acceptance: the customer and the assignee, each with their own wording', async () => {
    const result = await send(zhInput, 65, 'deemed-acceptance', [customerOf(zhInput), { kind: 'agent', agentId: 'A-HOLDER-46' }], {
      deadline: 'acceptance',
      dueAt: DUE,
    });
    expect(result.sent).toHaveLength(2);
    const toCustomer = await mailFor(zhInput, 65, 'deemed-acceptance', zhInput.customerId);
    expect(toCustomer.subject).toBe(`【验收通知】您的需求 ${zhInput.requestId} 已视为验收通过`);
    expect(flat(toCustomer.text)).toContain('根据服务条款，逾期未验收视为验收通过');
    expectNothingOfStaff(toCustomer);
    const toAgent = await mailFor(zhInput, 65, 'deemed-acceptance', 'A-HOLDER-46');
    expect(toAgent.envelopeTo).toEqual(['holder.46@service.example']);
    expect(toAgent.subject).toBe(`【视为验收】需求 ${zhInput.requestId} 逾期未验收，已视为验收通过`);
  });

  it('repeated rejection and intervention needed go to the supervisors’ address, with the reasons and the feedback', async () => {
    await send(zhInput, 66, 'repeated-rejection', [{ kind: 'policyAddress', name: 'supervisors' }], { rejections: 3 });
    const rejection = await mailFor(zhInput, 66, 'repeated-rejection', 'supervisors');
    expect(rejection.envelopeTo).toEqual(['supervisors@service.example']);
    expect(rejection.subject).toBe(`【多次验收不通过】需求 ${zhInput.requestId} 的交付成果第 3 次被客户驳回`);
    expect(flat(rejection.text)).toContain('客户驳回原因： 开机仍有异响');
    expect(flat(rejection.text)).toContain('需求负责人：主办专员');

    await send(zhInput, 67, 'intervention-needed', [{ kind: 'policyAddress', name: 'supervisors' }], { verdict: 'dissatisfied' });
    const intervention = await mailFor(zhInput, 67, 'intervention-needed', 'supervisors');
    expect(intervention.subject).toBe(`【需主管介入】需求 ${zhInput.requestId} 客户满意度反馈需采取补救措施`);
    const text = flat(intervention.text);
    expect(text).toContain('客户反馈（满意度问卷，');
    expect(text).toContain('结论为“不满意”');
    expect(text).toContain('问题解决效果：1 分（低分）');
    expect(text).toContain('推荐意愿（0–10 分）：2');
    expect(text).toContain('不足之处： 问题没有解决');
  });

  it('questionnaire: a link signed for the questionnaire', async () => {
    await send(enInput, 68, 'questionnaire', [customerOf(enInput)], { link: 'questionnaire', revision: 1 });
    const mail = await mailFor(enInput, 68, 'questionnaire', enInput.customerId);
    expect(mail.subject).toBe(`How did we do? A short questionnaire about your request ${enInput.requestId}`);
    expect(verifyCustomerToken(tokenOf(mail.html), TEST_TOKEN_SECRET, NOW)).toEqual({
      valid: true,
      claims: expect.objectContaining({ document: 'questionnaire', revision: 1, actions: ['survey', 'cancel'] }),
    });
    expectNothingOfStaff(mail);
  });

  it('deadline escalation: the task by its title and owner, the reviewers who have not answered by name', async () => {
    await send(zhInput, 69, 'deadline-escalation', [{ kind: 'agent', agentId: 'A-HOLDER-46' }], { deadline: 'taskAcceptance', dueAt: DUE, taskId: 'T-CO' });
    const task = await mailFor(zhInput, 69, 'deadline-escalation', 'A-HOLDER-46');
    expect(flat(task.text)).toContain('任务：更换主板（合成数据）（负责人：协办专员）');
    await send(zhInput, 70, 'deadline-escalation', [{ kind: 'agent', agentId: 'A-HOLDER-46' }], {
      deadline: 'review',
      dueAt: DUE,
      pendingReviewers: 'A-LEGAL-46',
    });
    const review = await mailFor(zhInput, 70, 'deadline-escalation', 'A-HOLDER-46');
    expect(flat(review.text)).toContain('尚未给出评审意见的评审人：Legal Reviewer');
    expect(review.text).not.toContain('A-LEGAL-46');
  });

  it('the service representatives’ desk: its own address, or the supervisors’ under a policy without one', async () => {
    const facts = { deadline: 'callback', dueAt: DUE };
    const desk = await send(zhInput, 71, 'deadline-reminder', [{ kind: 'policyAddress', name: 'serviceRepresentatives' }], facts);
    expect(desk.sent).toEqual([`${zhInput.requestId}:71:deadline-reminder:serviceRepresentatives`]);
    const toDesk = await mailFor(zhInput, 71, 'deadline-reminder', 'serviceRepresentatives');
    expect(toDesk.envelopeTo).toEqual(['service-desk@service.example']);
    expect(flat(toDesk.text)).toContain('客服专员 / Service representatives，您好');
    expect(toDesk.subject).toBe(`【提醒】需求 ${zhInput.requestId} 的“回访”即将到期`);
    await send(enInput, 71, 'deadline-reminder', [{ kind: 'policyAddress', name: 'serviceRepresentatives' }], facts);
    expect((await mailFor(enInput, 71, 'deadline-reminder', 'serviceRepresentatives')).envelopeTo).toEqual(['supervisors@service.example']);
  });

  it('fails without retry for a task the document does not hold, and sends nothing for a wait already over', async () => {
    const before = sink.messages().length;
    const failure = await send(zhInput, 72, 'task-assigned', [{ kind: 'agent', agentId: 'A-CO-46' }], {
      taskId: 'T-NONE',
      dueAt: DUE,
      acceptBy: DUE,
    }).catch((err: unknown) => err);
    expect(failure).toMatchObject({ type: 'DocumentNotRecorded', nonRetryable: true });
    expect(await recordedKeys(zhInput, 72)).toEqual([]);

    const over = recorded(initialDocument(zhInput));
    over.version = 10;
    over.pauses = [{ ...over.pauses[0]!, resumedAt: '2026-11-27T06:00:00.000Z' }];
    await activities.recordState({ document: over });
    const result = await send(zhInput, 73, 'waiting-notice', [customerOf(zhInput)], { link: 'waiting-notice', revision: 1 });
    expect(result).toEqual({ sent: [], skipped: [`${zhInput.requestId}:73:waiting-notice:${zhInput.customerId}`], unresolved: [], rejected: [] });
    expect(await recordedKeys(zhInput, 73)).toEqual([]);
    expect(sink.messages()).toHaveLength(before);
  });
});

describe('the complaint review’s mails (投诉根因复盘), after the complaint has closed', () => {
  // A Chinese customer's complaint, closed after a dissatisfied callback; another complaint whose closing is not recorded yet.
  const complaint = requestInput({ requestId: 'R-2026-000048', customerId: 'C-TEST-0048', intake: { type: 'complaint', emotion: 'dissatisfied' } });
  const unrecorded = requestInput({ requestId: 'R-2026-000049', customerId: 'C-TEST-0048', intake: { type: 'complaint', emotion: 'dissatisfied' } });
  const CUSTOMER = { id: complaint.customerId, name: '测试客户戊', email: 'customer.48@example.com', phone: '+86 100 0000 0048' };
  const HOLDER = { id: 'A-HOLDER-48', name: '投诉专员', email: 'holder.48@service.example', group_id: 'complaints', language: 'zh-CN' };
  const supervisors: NotificationRecipient = { kind: 'policyAddress', name: 'supervisors' };
  const headOfService: NotificationRecipient = { kind: 'policyAddress', name: 'headOfService' };
  const send = (requestId: string, eventSeq: number, template: NotifyInput['template'], recipients: NotificationRecipient[], facts: NotifyInput['facts']) =>
    activities.notify({ requestId, eventSeq, template, recipients, facts });
  const mailFor = (requestId: string, eventSeq: number, template: string, recipientId: string) =>
    sink.waitFor((m) => m.messageId === messageIdOf(`${requestId}:${eventSeq}:${template}:${recipientId}`));
  const recordedKeys = (requestId: string, eventSeq: number) =>
    db.selectFrom('notifications').select('key').where('key', 'like', `${requestId}:${eventSeq}:%`).execute();
  /** Nothing of the customer reaches the supervisors: no name, address, phone or id. */
  const expectNothingOfTheCustomer = (mail: { text: string; html: string | null }) => {
    for (const part of [mail.text, mail.html ?? '']) {
      for (const value of Object.values(CUSTOMER)) expect(part).not.toContain(value);
    }
  };

  beforeAll(async () => {
    await db.insertInto('customers').values({ ...CUSTOMER, tier: 'standard', language: 'zh-CN' }).execute();
    await db.insertInto('agents').values(HOLDER).execute();
    for (const request of [complaint, unrecorded]) {
      await activities.recordRequest({ request, document: initialDocument(request) });
      await db.updateTable('requests').set({ assignee_id: HOLDER.id, group_id: 'complaints' }).where('id', '=', request.requestId).execute();
    }
    const by = { at: '2026-12-02T02:00:00.000Z', byKind: 'staff' as const, byRole: 'intake', byAgentId: null, recordedFrom: null };
    const base = initialDocument(complaint);
    // The closing as the request's workflow records it before it starts the review.
    await activities.recordState({
      document: {
        ...base,
        version: 12,
        stage: 'closed',
        status: 'completed',
        resolution: 'delivered',
        followUp: 'done',
        assignee: { id: HOLDER.id, group: 'complaints' },
        closedAt: CLOSED_AT,
        feedback: {
          ...by,
          source: 'callback',
          resolved: true,
          ratings: { responseSpeed: 2, resolution: 3, attitude: 2, professionalism: 3 },
          verdict: 'dissatisfied',
          shortfalls: '响应太慢（合成数据）',
          comment: null,
          nps: 4,
        },
      },
    });
  });

  it('asks the supervisors for the root-cause review: when it closed, when the review is due, the complaint’s facts, nothing of the customer', async () => {
    const result = await send(complaint.requestId, 80, 'complaint-review-request', [supervisors], { dueAt: REVIEW_DUE });
    expect(result).toEqual({ sent: [`${complaint.requestId}:80:complaint-review-request:supervisors`], skipped: [], unresolved: [], rejected: [] });
    const mail = await mailFor(complaint.requestId, 80, 'complaint-review-request', 'supervisors');
    expect(mail.envelopeTo).toEqual(['supervisors@service.example']);
    expect(mail.subject).toBe(`【投诉复盘】投诉 ${complaint.requestId} 已关闭，请完成投诉根因复盘`);
    expect(mail.headers['x-notification-template']).toBe('complaint-review-request');
    expect(mail.html).toContain('lang="zh-CN"');
    const text = flat(mail.text);
    expect(text).toContain('客服主管 / Supervisors，您好');
    expect(text).toContain(`投诉 ${complaint.requestId} 已于 2026年12月3日 GMT+8 10:30 关闭（已完成）。`);
    expect(text).toContain('请于 2026年12月5日 GMT+8 10:30 前完成投诉根因复盘：确定根本原因（流程漏洞 / 人员失误 / 产品问题 / 外部因素 / 其他），记录原因分析及整改措施。');
    for (const line of ['需求类型：投诉', '优先级：P1', '处理结果：已交付验收', '回访情况：已完成', '客户反馈结论：不满意（电话回访）', '处理小组：投诉组', '需求负责人：投诉专员']) {
      expect(text).toContain(line);
    }
    expect(text).not.toContain('响应太慢');
    expectNothingOfTheCustomer(mail);

    const retry = await send(complaint.requestId, 80, 'complaint-review-request', [supervisors], { dueAt: REVIEW_DUE });
    expect(retry).toEqual({ sent: [], skipped: [`${complaint.requestId}:80:complaint-review-request:supervisors`], unresolved: [], rejected: [] });
    expect(sink.messages().filter((m) => m.messageId === mail.messageId)).toHaveLength(1);
  });

  it('reminds the supervisors and escalates to the head of service for the closed complaint', async () => {
    const facts = { deadline: 'complaintReview', dueAt: REVIEW_DUE };
    await send(complaint.requestId, 81, 'deadline-reminder', [supervisors], facts);
    const reminder = await mailFor(complaint.requestId, 81, 'deadline-reminder', 'supervisors');
    expect(reminder.envelopeTo).toEqual(['supervisors@service.example']);
    expect(reminder.subject).toBe(`【提醒】需求 ${complaint.requestId} 的“投诉根因复盘”即将到期`);
    expect(flat(reminder.text)).toContain('该投诉已于 2026年12月3日 GMT+8 10:30 关闭，请记录投诉根因（流程漏洞 / 人员失误 / 产品问题 / 外部因素 / 其他）、原因分析及整改措施。');
    expectNothingOfTheCustomer(reminder);

    await send(complaint.requestId, 82, 'deadline-escalation', [headOfService], facts);
    const escalation = await mailFor(complaint.requestId, 82, 'deadline-escalation', 'headOfService');
    expect(escalation.envelopeTo).toEqual(['head-of-service@service.example']);
    expect(escalation.subject).toBe(`【升级】需求 ${complaint.requestId} 已超过时限：投诉根因复盘`);
    const text = flat(escalation.text);
    expect(text).toContain('服务负责人 / Head of service，您好');
    expect(text).toContain('“投诉根因复盘”时限已于 2026年12月5日 GMT+8 10:30 到期，所需动作仍未完成');
    expect(text).toContain('该投诉已于 2026年12月3日 GMT+8 10:30 关闭，客服主管尚未记录其投诉根因');
    expect(text).toContain('原需求负责人：投诉专员。请督促客服主管尽快完成复盘。');
    expect(text).not.toContain('当前负责人');
    expectNothingOfTheCustomer(escalation);
  });

  it('sends no request or reminder once the review is recorded; the escalation of a review recorded late still goes', async () => {
    const before = sink.messages().length;
    await activities.recordComplaintReview({
      review: {
        requestId: complaint.requestId,
        closedAt: CLOSED_AT,
        deadline: {
          name: 'complaintReview',
          dueAt: REVIEW_DUE,
          state: 'missed',
          armedAt: CLOSED_AT,
          owedBy: null,
          remindedAt: '2026-12-04T16:54:00.000Z',
          settledAt: REVIEW_DUE,
          fulfilledAt: '2026-12-05T03:00:00.000Z',
          escalatedAt: REVIEW_DUE,
        },
        review: { at: '2026-12-05T03:00:00.000Z', byKind: 'staff', byRole: 'supervisor', byAgentId: null, recordedFrom: null, cause: 'staff_error', analysis: '未及时回电', correctiveAction: '回电时限纳入考核' },
        version: 3,
      },
    });
    const request = await send(complaint.requestId, 83, 'complaint-review-request', [supervisors], { dueAt: REVIEW_DUE });
    expect(request).toEqual({ sent: [], skipped: [`${complaint.requestId}:83:complaint-review-request:supervisors`], unresolved: [], rejected: [] });
    const reminder = await send(complaint.requestId, 84, 'deadline-reminder', [supervisors], { deadline: 'complaintReview', dueAt: REVIEW_DUE });
    expect(reminder.sent).toEqual([]);
    expect(await recordedKeys(complaint.requestId, 83)).toEqual([]);
    expect(await recordedKeys(complaint.requestId, 84)).toEqual([]);
    expect(sink.messages()).toHaveLength(before);

    const escalation = await send(complaint.requestId, 85, 'deadline-escalation', [headOfService], { deadline: 'complaintReview', dueAt: REVIEW_DUE });
    expect(escalation.sent).toEqual([`${complaint.requestId}:85:deadline-escalation:headOfService`]);
  });

  it('waits (a retryable failure) while nothing records the closing yet, then takes the closing time the review recorded', async () => {
    const before = sink.messages().length;
    const failure = await send(unrecorded.requestId, 86, 'complaint-review-request', [supervisors], { dueAt: REVIEW_DUE }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'ClosingNotRecorded', nonRetryable: false });
    expect(await recordedKeys(unrecorded.requestId, 86)).toEqual([]);
    expect(sink.messages()).toHaveLength(before);

    await activities.recordComplaintReview({
      review: {
        requestId: unrecorded.requestId,
        closedAt: '2026-12-03T04:00:00.000Z',
        deadline: { name: 'complaintReview', dueAt: '2026-12-05T04:00:00.000Z', state: 'pending', armedAt: '2026-12-03T04:00:00.000Z', owedBy: null, remindedAt: null, settledAt: null, fulfilledAt: null, escalatedAt: null },
        review: null,
        version: 1,
      },
    });
    const retry = await send(unrecorded.requestId, 86, 'complaint-review-request', [supervisors], { dueAt: '2026-12-05T04:00:00.000Z' });
    expect(retry.sent).toEqual([`${unrecorded.requestId}:86:complaint-review-request:supervisors`]);
    const mail = await mailFor(unrecorded.requestId, 86, 'complaint-review-request', 'supervisors');
    expect(flat(mail.text)).toContain(`投诉 ${unrecorded.requestId} 已于 2026年12月3日 GMT+8 12:00 关闭。`);
    expect(flat(mail.text)).toContain('客户反馈结论：无');
  });

  it('fails without retry for a request that is no complaint, or a customer recipient, recording and sending nothing', async () => {
    const before = sink.messages().length;
    // R-2026-000042 is a fault.
    const notComplaint = await send(input.requestId, 87, 'complaint-review-request', [supervisors], { dueAt: REVIEW_DUE }).catch((err: unknown) => err);
    expect(notComplaint).toMatchObject({ type: 'InvalidNotificationFacts', nonRetryable: true });
    expect((notComplaint as Error).message).toContain('is of type fault');
    const toCustomer = await send(complaint.requestId, 87, 'complaint-review-request', [{ kind: 'customer', customerId: complaint.customerId }], {
      dueAt: REVIEW_DUE,
    }).catch((err: unknown) => err);
    expect(toCustomer).toMatchObject({ type: 'InvalidNotificationFacts', nonRetryable: true });
    expect(await recordedKeys(input.requestId, 87)).toEqual([]);
    expect(await recordedKeys(complaint.requestId, 87)).toEqual([]);
    expect(sink.messages()).toHaveLength(before);
  });
});

describe('the timeline of mails sent', () => {
  const mailed = requestInput({ requestId: 'R-2026-000050', customerId: 'C-TEST-0050' });
  const ADDRESSES = ['customer.50@example.com', 'agent.tl@service.example', 'supervisors@service.example'];
  const keyOf = (seq: number, template: string, recipient: string): string => `${mailed.requestId}:${seq}:${template}:${recipient}`;
  const timeline = () =>
    db
      .selectFrom('timeline_events')
      .select(['key', 'at', 'type', 'actor', 'data'])
      .where('request_id', '=', mailed.requestId)
      .orderBy('key')
      .execute();
  const cancellation: NotifyInput = {
    requestId: mailed.requestId,
    eventSeq: 40,
    template: 'cancellation',
    recipients: [
      { kind: 'customer', customerId: mailed.customerId },
      { kind: 'agent', agentId: 'A-TL' },
    ],
    facts: { by: 'customer' },
  };
  const nobodyEligible: NotifyInput = {
    requestId: mailed.requestId,
    eventSeq: 41,
    template: 'nobody-eligible',
    recipients: [
      { kind: 'groupLead', groupId: 'complaints' },
      { kind: 'policyAddress', name: 'supervisors' },
    ],
    facts: {},
  };
  /** The event of a mail sent, worked out from its key: ids and names only. */
  const sentEvent = (seq: number, template: string, recipientKind: 'customer' | 'staff', recipientId: string) => ({
    key: `mail:${keyOf(seq, template, recipientId)}`,
    at: NOW,
    type: 'notification_sent',
    actor: null,
    data: { template, eventSeq: seq, recipientKind, recipientId, messageId: messageIdOf(keyOf(seq, template, recipientId)) },
  });
  const expected = [
    sentEvent(40, 'cancellation', 'staff', 'A-TL'),
    sentEvent(40, 'cancellation', 'customer', 'C-TEST-0050'),
    sentEvent(41, 'nobody-eligible', 'staff', 'supervisors'),
  ];

  beforeAll(async () => {
    await db
      .insertInto('customers')
      .values({ id: mailed.customerId, name: '测试客户庚', email: 'customer.50@example.com', phone: '+86 100 0000 0050', tier: 'standard', language: 'zh-CN' })
      .execute();
    await db.insertInto('agents').values({ id: 'A-TL', name: '测试专员庚', email: 'agent.tl@service.example', group_id: 'technical_support', language: 'zh-CN' }).execute();
    await activities.recordRequest({ request: mailed, document: initialDocument(mailed) });
  });

  it('records one notification_sent event per recipient a mail went to, with ids and names and never an address; a retry adds none', async () => {
    expect(await timeline()).toEqual([]);
    const sent = await activities.notify(cancellation);
    expect(sent.sent).toEqual([keyOf(40, 'cancellation', 'C-TEST-0050'), keyOf(40, 'cancellation', 'A-TL')]);
    // The group without a lead is unresolved: no mail, no event.
    const toSupervisors = await activities.notify(nobodyEligible);
    expect(toSupervisors).toMatchObject({ sent: [keyOf(41, 'nobody-eligible', 'supervisors')], unresolved: [JSON.stringify({ kind: 'groupLead', groupId: 'complaints' })] });
    await sink.waitFor((m) => m.messageId === messageIdOf(keyOf(41, 'nobody-eligible', 'supervisors')));

    const events = await timeline();
    expect(events).toEqual(expected);
    // Nothing personal: no address (the Message-IDs aside, no `@` at all) and no name.
    const text = JSON.stringify(events);
    for (const personal of [...ADDRESSES, '测试客户庚', '测试专员庚', '+86 100 0000 0050']) expect(text).not.toContain(personal);
    for (const { data } of events) expect(JSON.stringify(data).replace((data as { messageId: string }).messageId, '')).not.toContain('@');

    // Retried: every key is skipped, and the timeline is as it was.
    expect(await activities.notify(cancellation)).toEqual({ sent: [], skipped: [keyOf(40, 'cancellation', 'C-TEST-0050'), keyOf(40, 'cancellation', 'A-TL')], unresolved: [], rejected: [] });
    expect((await activities.notify(nobodyEligible)).sent).toEqual([]);
    expect(await timeline()).toEqual(expected);
  });

  it('records the event once when a mail is sent again after a crash before its mark', async () => {
    const k = keyOf(40, 'cancellation', 'C-TEST-0050');
    // The crash undid the mark's transaction: the key pending, no event.
    await db.updateTable('notifications').set({ status: 'pending', sent_at: null }).where('key', '=', k).execute();
    await db.deleteFrom('timeline_events').where('request_id', '=', mailed.requestId).where('key', '=', `mail:${k}`).execute();

    expect((await activities.notify(cancellation)).sent).toEqual([k]);
    await sink.waitFor(() => sink.messages().filter((m) => m.messageId === messageIdOf(k)).length === 2);
    expect(await timeline()).toEqual(expected);
  });
});
