/**
 * E-mail templates (process.md "Notifications"): Chinese (zh-CN, default)
 * and English (en), HTML and plain text, rendered with the context the
 * notification activity builds (activities/notifications/notify.ts).
 */
import { ApplicationFailure } from '@temporalio/common';
import { RootCause } from '../../contracts/complaint-review';
import { NotificationTemplate, type NotificationRecipient, type NotifyInput } from '../../contracts/activities';
import {
  DeadlineId,
  FollowUpOutcome,
  Language,
  RequestStatus,
  RequestType,
  Resolution,
  ReviewArea,
  Verdict,
  type RequestDocument,
} from '../../contracts/request';
import { templateContext } from '../../activities/notifications/context';
import { checkDocument, checkFacts } from '../../activities/notifications/facts';
import {
  CLOSED_STATUS_LABEL,
  DEADLINE_LABEL,
  FEEDBACK_SOURCE_LABEL,
  FOLLOW_UP_LABEL,
  formatInstant,
  RATING_LABEL,
  REQUEST_TYPE_LABEL,
  RESOLUTION_LABEL,
  REVIEW_AREA_LABEL,
  ROOT_CAUSE_LABEL,
  VERDICT_LABEL,
} from '../../activities/notifications/labels';
import { renderEmail } from '../../activities/notifications/templates';
import {
  ACCEPT_BY,
  ASSIGNEE_ID,
  CLOSED_AT,
  closedComplaint,
  DELIVERY_AT,
  documentFixture,
  DUE_AT,
  FACTS,
  INTERVENTION_DUE,
  KINDS,
  NAMES,
  NOW,
  OWNER_ID,
  OWNER_NAME,
  REVIEW_DUE,
  STAFF_IDS,
  TASK_DUE,
  type RecipientKind,
} from '../support/notification-fixtures';

const LINK = 'http://localhost:3000/c/eyJyZXF1ZXN0SWQiOiJSLTIwMjYtMDAwMTIzIn0.c2lnbmF0dXJl';

/** The context notify.ts builds for a recipient of that language (the facts of several templates at once). */
function context(language: Language, recipientName = language === 'en' ? 'Alex Chen' : '张三', kind: 'customer' | 'staff' = 'staff') {
  return {
    deadline: 'firstResponse',
    dueAt: DUE_AT,
    by: 'customer',
    recipient: { name: recipientName, kind },
    request: {
      id: 'R-2026-000123',
      priority: 'P1',
      typeLabel: REQUEST_TYPE_LABEL[language].after_sales,
      groupLabel: language === 'en' ? 'After-sales' : '售后组',
      assigneeName: language === 'en' ? 'Li Wei' : '李四',
    },
    deadlineLabel: DEADLINE_LABEL[language].firstResponse,
    dueAtLocal: formatInstant(DUE_AT, language, 'Asia/Shanghai'),
    link: LINK,
    task: null,
    pendingReviewerNames: null,
    complaint: null,
  };
}

/** What notify.ts renders for one recipient: the context it builds (templateContext), rendered. */
function render(
  template: NotificationTemplate,
  language: Language,
  kind: RecipientKind,
  options: {
    facts?: NotifyInput['facts'];
    document?: RequestDocument;
    name?: string;
    now?: Date;
    acceptanceOnExpiry?: 'deemed_accepted' | 'escalate';
    agentNames?: ReadonlyMap<string, string>;
    closedAt?: string | null;
  } = {},
) {
  const facts = options.facts ?? FACTS[template];
  const context = templateContext({
    template,
    facts,
    recipient: { name: options.name ?? NAMES[language], language, kind },
    request: options.document ?? documentFixture(),
    groupLabel: language === 'en' ? 'After-sales' : '售后组',
    assigneeName: language === 'en' ? 'Li Wei' : '李四',
    timeZone: 'Asia/Shanghai',
    link: facts.link ? LINK : null,
    agentNames: options.agentNames ?? new Map([[OWNER_ID, OWNER_NAME]]),
    acceptanceOnExpiry: options.acceptanceOnExpiry ?? 'deemed_accepted',
    closedAt: options.closedAt,
    now: options.now ?? NOW,
  });
  const email = renderEmail(template, language, context);
  /** The plain text with line wrapping undone (the text part wraps at 78 columns). */
  return { ...email, flat: email.text.replace(/\s+/g, ' '), context };
}

const cases = NotificationTemplate.flatMap((name) => Language.options.map((language) => [name, language] as const));
const casesByKind = NotificationTemplate.flatMap((name) =>
  Language.options.flatMap((language) => KINDS[name].map((kind) => [name, language, kind] as const)),
);

describe('every notification template in every language, to each kind of recipient it has', () => {
  it('covers every template in both languages', () => {
    expect(cases).toHaveLength(NotificationTemplate.length * 2);
    expect(Language.options).toEqual(['zh-CN', 'en']);
    expect(Object.keys(KINDS).sort()).toEqual([...NotificationTemplate].sort());
  });

  it('the facts used here are the facts the activity accepts, for the recipients used here', () => {
    for (const name of NotificationTemplate) {
      const recipients = KINDS[name].map((kind) => (kind === 'customer' ? { kind, customerId: 'C-TEST-0123' } : { kind: 'agent' as const, agentId: ASSIGNEE_ID }));
      expect(() => checkFacts({ requestId: 'R-2026-000123', eventSeq: 1, template: name, recipients, facts: FACTS[name] })).not.toThrow();
    }
  });

  describe.each(casesByKind)('%s in %s to a %s', (name, language, kind) => {
    const email = render(name, language, kind);

    it('has a subject naming the request, on one line, without markup', () => {
      expect(email.subject.trim()).not.toBe('');
      expect(email.subject).toContain('R-2026-000123');
      expect(email.subject).not.toMatch(/[<>]/);
      expect(email.subject).not.toContain('\n');
    });

    it('is an HTML document in the recipient’s language', () => {
      expect(email.html).toContain(`lang="${language}"`);
      // Whitespace may precede the doctype (the inline subject partial leaves a newline).
      expect(email.html.trimStart()).toMatch(/^<!DOCTYPE html>/i);
      expect(email.html).toContain('R-2026-000123');
    });

    it('has a plain-text part without HTML tags, addressed to the recipient and naming the request', () => {
      expect(email.text.trim()).not.toBe('');
      expect(email.text).not.toMatch(/<\/?[a-zA-Z][^>]*>/);
      expect(email.text).not.toMatch(/&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/i);
      expect(email.text).toContain('R-2026-000123');
      expect(email.text).toContain(NAMES[language]);
    });

    it('leaves the <head> (the title) out of the plain text', () => {
      expect(email.text).not.toContain(email.subject);
      expect(email.text).not.toContain('viewport');
    });

    it('shows no undefined, null or unrendered object', () => {
      for (const part of [email.subject, email.html, email.text]) {
        expect(part).not.toMatch(/undefined|\[object Object\]|\bnull\b|NaN/);
      }
    });

    if (kind === 'customer') {
      it('tells the customer nothing of staff: no agent id, no staff address, no task owner', () => {
        const context = JSON.stringify(email.context);
        for (const id of STAFF_IDS) {
          expect(context).not.toContain(id);
          expect(email.html).not.toContain(id);
        }
        expect(context).not.toContain(OWNER_NAME);
        expect(email.text).not.toContain(OWNER_NAME);
        expect(email.text).not.toMatch(/@/);
      });

      if (FACTS[name].link) {
        it('links to the customer page, and says the request can be cancelled there', () => {
          expect(email.html).toContain(`href="${LINK}"`);
          expect(email.text).toContain(LINK);
          expect(email.flat).toMatch(language === 'en' ? /cancel the request (from|on) that page/ : /也可在该页面(操作|取消需求)/);
        });
      }
    }
  });
});

describe('what each template says', () => {
  it('receipt notice: tells the customer the request was received, with its type', () => {
    const zh = renderEmail('receipt-notice', 'zh-CN', context('zh-CN'));
    expect(zh.subject).toContain('受理');
    expect(zh.text).toContain('售后');
    const en = renderEmail('receipt-notice', 'en', context('en'));
    expect(en.subject).toMatch(/received/i);
    expect(en.text).toContain('after-sales');
  });

  it('assignment: tells the assignee the priority and when the first response is due, in local time', () => {
    for (const language of Language.options) {
      const ctx = context(language);
      const email = renderEmail('assignment', language, ctx);
      expect(email.subject).toContain('P1');
      expect(email.text).toContain('18:00');
      expect(email.html).toContain(ctx.dueAtLocal);
    }
  });

  it('first response: names who handles the request and links to the rating page', () => {
    for (const language of Language.options) {
      const ctx = context(language);
      const email = renderEmail('first-response', language, ctx);
      expect(email.text).toContain(ctx.request.assigneeName);
      expect(email.html).toContain(`href="${LINK}"`);
      expect(email.text).toContain(LINK);
    }
  });

  it('nobody eligible: names the group that has nobody available', () => {
    expect(renderEmail('nobody-eligible', 'zh-CN', context('zh-CN')).text).toContain('售后组');
    expect(renderEmail('nobody-eligible', 'en', context('en')).text).toContain('After-sales');
  });

  it('deadline escalation: names the missed deadline, when it passed and the current assignee', () => {
    const zh = renderEmail('deadline-escalation', 'zh-CN', context('zh-CN'));
    expect(zh.subject).toContain('首次响应');
    expect(zh.text).toContain('李四');
    expect(zh.text).toContain('18:00');
    const en = renderEmail('deadline-escalation', 'en', context('en'));
    expect(en.subject).toContain('first response');
    expect(en.text).toContain('Li Wei');
    expect(en.text).toContain('18:00');
  });

  describe('cancellation: to the customer, with who cancelled; to the assignee, to stop work', () => {
    /** The e-mail, its plain text with line wrapping undone (the text part wraps at 78 columns). */
    const render = (language: Language, kind: 'customer' | 'staff', by: 'customer' | 'staff') => {
      const email = renderEmail('cancellation', language, { ...context(language, undefined, kind), by });
      return { ...email, text: email.text.replace(/\s+/g, ' ') };
    };

    it('tells a Chinese customer their request was cancelled (取消通知), at their request or by staff', () => {
      const own = render('zh-CN', 'customer', 'customer');
      expect(own.subject).toBe('【取消通知】您的需求 R-2026-000123 已取消');
      expect(own.text).toContain('根据您的申请');
      expect(own.text).toContain('售后');
      expect(own.text).toContain('客服中心');
      const staff = render('zh-CN', 'customer', 'staff');
      expect(staff.subject).toBe(own.subject);
      expect(staff.text).toContain('经客服人员处理');
      expect(staff.text).not.toContain('根据您的申请');
      expect(staff.text).toContain('回复本邮件');
    });

    it('tells an English customer the same, in natural English', () => {
      const own = render('en', 'customer', 'customer');
      expect(own.subject).toBe('Your request R-2026-000123 has been cancelled');
      expect(own.text).toContain('As you asked, we have cancelled your request R-2026-000123 (after-sales).');
      const staff = render('en', 'customer', 'staff');
      expect(staff.text).toContain('Our customer service team has cancelled your request');
      expect(staff.text).not.toContain('As you asked');
      expect(staff.text).toMatch(/reply to this e-mail/);
    });

    it('tells the assignee to stop work, naming who cancelled, in both languages', () => {
      const zh = render('zh-CN', 'staff', 'customer');
      expect(zh.subject).toBe('【已取消】需求 R-2026-000123 已取消，请停止处理');
      expect(zh.text).toContain('已应客户要求取消');
      expect(zh.text).toContain('P1');
      expect(render('zh-CN', 'staff', 'staff').text).toContain('已由客服人员取消');
      const en = render('en', 'staff', 'customer');
      expect(en.subject).toBe('[Cancelled] Request R-2026-000123: please stop work');
      expect(en.text).toContain("cancelled at the customer's request");
      expect(en.text).toContain('Please stop work on it');
      expect(render('en', 'staff', 'staff').text).toContain('cancelled by customer service staff');
    });

    it('never shows the customer the staff wording, nor the assignee the customer wording', () => {
      for (const by of ['customer', 'staff'] as const) {
        expect(render('zh-CN', 'customer', by).text).not.toContain('停止');
        expect(render('en', 'customer', by).text).not.toMatch(/stop work/i);
        expect(render('zh-CN', 'staff', by).text).not.toContain('您的需求');
        expect(render('en', 'staff', by).text).not.toContain('your request');
      }
    });

    it('fails loudly without who cancelled or the recipient’s kind', () => {
      const { by: _by, ...withoutBy } = context('en', undefined, 'customer');
      expect(() => renderEmail('cancellation', 'en', withoutBy)).toThrow(/missing/);
      expect(() => renderEmail('cancellation', 'zh-CN', { ...context('zh-CN'), recipient: { name: '张三' } })).toThrow(/missing/);
    });
  });

  it('renders a customer e-mail without a link or deadline (null facts)', () => {
    const email = renderEmail('receipt-notice', 'zh-CN', { ...context('zh-CN'), link: null, deadlineLabel: null, dueAtLocal: null });
    expect(email.subject).toContain('R-2026-000123');
  });

  it('fails loudly when the context misses a field the template uses', () => {
    const { request: _request, ...withoutRequest } = context('en');
    expect(() => renderEmail('assignment', 'en', withoutRequest)).toThrow();
  });
});

/** A document whose optional parts are null or empty: the mails leave them out. */
function sparseDocument(): RequestDocument {
  const doc = documentFixture();
  return {
    ...doc,
    sheet: { ...doc.sheet!, expectedDeliveryAt: null, customerObligations: null },
    solution: { ...doc.solution!, resources: null, risks: [], tasks: [] },
  };
}

describe('requirement sheet (需求确认单) to the customer', () => {
  it('shows the sheet as recorded, the confirmation deadline and the link, in Chinese', () => {
    const zh = render('requirement-sheet', 'zh-CN', 'customer');
    expect(zh.subject).toBe('【需求确认单】请确认您的需求 R-2026-000123');
    expect(zh.flat).toContain('张三，您好');
    expect(zh.flat).toContain('需求描述： 洗衣机购买三天后漏水。 Leaks three days after purchase.');
    expect(zh.flat).toContain('期望目标： 上门检修 / a technician visit');
    expect(zh.flat).toContain(`预计交付时间：${formatInstant(DELIVERY_AT, 'zh-CN', 'Asia/Shanghai')}`);
    expect(zh.flat).toContain('需您配合提供： 购买凭证照片 / a photo of the receipt');
    expect(zh.flat).toContain(`并于 ${formatInstant(DUE_AT, 'zh-CN', 'Asia/Shanghai')} 前点击链接确认`);
    expect(zh.flat).toContain('提出修改意见');
    expect(zh.flat).toContain('逾期未确认，该确认单将自动失效');
    expect(zh.flat).toContain('如需取消需求，也可在该页面操作');
    // The description's line break is kept in both parts.
    expect(zh.html).toContain('洗衣机购买三天后漏水。<br>Leaks three days after purchase.');
    expect(zh.text).toContain('洗衣机购买三天后漏水。\nLeaks three days after purchase.');
  });

  it('says the same in natural English', () => {
    const en = render('requirement-sheet', 'en', 'customer');
    expect(en.subject).toBe('Please confirm the requirement sheet for your request R-2026-000123');
    expect(en.flat).toContain('Dear Alex Chen,');
    expect(en.flat).toContain('Description: 洗衣机购买三天后漏水。 Leaks three days after purchase.');
    expect(en.flat).toContain('Goal: 上门检修 / a technician visit');
    expect(en.flat).toContain('Expected delivery: 2 Dec 2026, 18:00');
    expect(en.flat).toContain('What we need from you: 购买凭证照片 / a photo of the receipt');
    expect(en.flat).toContain('confirm it by 30 Nov 2026, 18:00');
    expect(en.flat).toContain('ask for changes');
    expect(en.flat).toContain('You can also cancel the request from that page.');
  });

  it('leaves out the expected delivery time and what the customer must provide when the sheet has none', () => {
    const zh = render('requirement-sheet', 'zh-CN', 'customer', { document: sparseDocument() });
    expect(zh.text).not.toContain('预计交付时间');
    expect(zh.text).not.toContain('需您配合提供');
    expect(zh.text).toContain('期望目标');
    const en = render('requirement-sheet', 'en', 'customer', { document: sparseDocument() });
    expect(en.text).not.toContain('Expected delivery');
    expect(en.text).not.toContain('What we need from you');
    expect(en.text).toContain('Goal:');
  });

  it('escapes the sheet’s text, which the customer and staff wrote', () => {
    const doc = documentFixture();
    doc.sheet = { ...doc.sheet!, description: '<script>alert(1)</script>\n<b>bold</b>', goal: 'A & B' };
    const email = render('requirement-sheet', 'en', 'customer', { document: doc });
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<b>bold</b>');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;<br>&lt;b&gt;bold&lt;/b&gt;');
    expect(email.html).toContain('A &amp; B');
    expect(email.text).toContain('<script>alert(1)</script>');
    expect(email.text).toContain('A & B');
  });
});

describe('void sheet (确认单失效) to the customer and to the assignee', () => {
  it('tells the customer the sheet was not confirmed in time and is void, and that we will get in touch', () => {
    const zh = render('void-sheet', 'zh-CN', 'customer');
    expect(zh.subject).toBe('【确认单失效】您的需求 R-2026-000123 的需求确认单已失效');
    expect(zh.flat).toContain('未在规定时间内确认，该确认单已失效');
    expect(zh.flat).toContain('将再次与您联系');
    const en = render('void-sheet', 'en', 'customer');
    expect(en.subject).toBe('The requirement sheet for your request R-2026-000123 has expired');
    expect(en.flat).toContain('was not confirmed within the time allowed, so it is no longer valid');
    expect(en.flat).toContain('We will contact you again');
  });

  it('tells the assignee to talk to the customer again, when the new sheet is due and how many sheets are void', () => {
    const zh = render('void-sheet', 'zh-CN', 'staff');
    expect(zh.subject).toBe('【确认单失效】需求 R-2026-000123：请重新与客户沟通');
    expect(zh.flat).toContain('累计失效确认单 2 份');
    expect(zh.flat).toContain('请重新与客户沟通');
    expect(zh.flat).toContain(`并于 ${formatInstant(DUE_AT, 'zh-CN', 'Asia/Shanghai')} 前出具新的需求确认单`);
    const en = render('void-sheet', 'en', 'staff');
    expect(en.subject).toBe('[Sheet void] Request R-2026-000123: please talk to the customer again');
    expect(en.flat).toContain('void sheet no. 2 for this request');
    expect(en.flat).toContain('issue a new requirement sheet by 30 Nov 2026, 18:00');
  });

  it('never shows the customer the staff wording, nor the assignee the customer wording', () => {
    for (const language of Language.options) {
      const customer = render('void-sheet', language, 'customer');
      expect(customer.flat).not.toMatch(/累计失效|新的需求确认单|void sheet no|new requirement sheet|P1/);
      expect(customer.text).not.toContain(formatInstant(DUE_AT, language, 'Asia/Shanghai'));
      const staff = render('void-sheet', language, 'staff');
      expect(staff.flat).not.toMatch(/您的需求|将再次与您联系|your request|contact you/);
    }
  });
});

describe('review request (方案评审) to a reviewer', () => {
  it.each(ReviewArea.options)('names the %s area in both languages', (area) => {
    const facts = { ...FACTS['review-request'], area };
    const zh = render('review-request', 'zh-CN', 'staff', { facts });
    expect(zh.subject).toBe(`【方案评审】请评审需求 R-2026-000123 的服务方案（${REVIEW_AREA_LABEL['zh-CN'][area]}评审）`);
    expect(zh.flat).toContain(`请您作为${REVIEW_AREA_LABEL['zh-CN'][area]}评审人审阅`);
    const en = render('review-request', 'en', 'staff', { facts });
    expect(en.subject).toBe(`[Review] Please review the solution for request R-2026-000123 (${area} review)`);
    expect(en.flat).toContain(`As the ${area} reviewer, please review it`);
  });

  it('shows the solution’s steps, resources, risks with mitigations and tasks with owners by name, and the due time', () => {
    const zh = render('review-request', 'zh-CN', 'staff');
    expect(zh.flat).toContain('（第 1 轮）');
    expect(zh.flat).toContain(`并于 ${formatInstant(DUE_AT, 'zh-CN', 'Asia/Shanghai')} 前给出评审意见`);
    expect(zh.flat).toContain('需求负责人：李四');
    expect(zh.flat).toContain('1. 检测进水管 / check the inlet hose 2. 更换密封圈 / replace the seal');
    expect(zh.flat).toContain('所需资源： 维修工程师一名 / one engineer');
    expect(zh.flat).toContain('风险：配件缺货 / parts out of stock 应对措施：邻近仓库调货 / ship from the next warehouse');
    expect(zh.flat).toContain(`上门检测 / on-site check（负责人：王五，完成时限：${formatInstant(TASK_DUE, 'zh-CN', 'Asia/Shanghai')}）`);
    const en = render('review-request', 'en', 'staff', { facts: { ...FACTS['review-request'], round: 2 } });
    expect(en.flat).toContain('(round 2)');
    expect(en.flat).toContain('by 30 Nov 2026, 18:00');
    expect(en.flat).toContain('Risk: 配件缺货 / parts out of stock Mitigation: 邻近仓库调货 / ship from the next warehouse');
    expect(en.flat).toContain('上门检测 / on-site check (owner: 王五, due 1 Dec 2026, 10:00');
    // Owners by name, not by id.
    expect(en.text).not.toContain(OWNER_ID);
  });

  it('leaves out resources, risks and tasks the solution has none of', () => {
    const zh = render('review-request', 'zh-CN', 'staff', { document: sparseDocument() });
    expect(zh.text).toContain('实施步骤');
    expect(zh.text).not.toMatch(/所需资源|风险|任务项/);
    const en = render('review-request', 'en', 'staff', { document: sparseDocument() });
    expect(en.text).not.toMatch(/Resources|Risk|Tasks/);
  });
});

describe('solution (服务方案) to the customer', () => {
  it('shows steps, resources, risks and the tasks’ titles and due times, with the agreement link, in Chinese', () => {
    const zh = render('solution', 'zh-CN', 'customer');
    expect(zh.subject).toBe('【服务方案】您的需求 R-2026-000123 服务方案，请确认');
    expect(zh.flat).toContain('1. 检测进水管 / check the inlet hose 2. 更换密封圈 / replace the seal');
    expect(zh.flat).toContain('所需资源： 维修工程师一名 / one engineer');
    expect(zh.flat).toContain('风险：配件缺货 / parts out of stock 应对措施：邻近仓库调货 / ship from the next warehouse');
    expect(zh.flat).toContain(`上门检测 / on-site check（预计完成时间：${formatInstant(TASK_DUE, 'zh-CN', 'Asia/Shanghai')}）`);
    expect(zh.flat).toContain(`并于 ${formatInstant(DUE_AT, 'zh-CN', 'Asia/Shanghai')} 前点击链接确认是否同意`);
    expect(zh.flat).toContain('提出修改意见');
    expect(zh.flat).toContain('如需取消需求，也可在该页面操作');
  });

  it('says the same in natural English', () => {
    const en = render('solution', 'en', 'customer');
    expect(en.subject).toBe('Service solution for your request R-2026-000123: your agreement needed');
    expect(en.flat).toContain('Steps: 1. 检测进水管 / check the inlet hose 2. 更换密封圈 / replace the seal');
    expect(en.flat).toContain('Resources: 维修工程师一名 / one engineer');
    expect(en.flat).toContain('上门检测 / on-site check (expected by 1 Dec 2026, 10:00');
    expect(en.flat).toContain('let us know by 30 Nov 2026, 18:00');
    expect(en.flat).toContain('whether you agree, or ask for a revision');
  });

  it('never names a task’s owner to the customer', () => {
    for (const language of Language.options) {
      const email = render('solution', language, 'customer');
      expect(email.text).not.toContain(OWNER_NAME);
      expect(email.text).not.toContain(OWNER_ID);
      expect(email.text).not.toMatch(/负责人|owner/i);
      expect(email.context.solution).toMatchObject({ tasks: [{ ownerName: null }] });
    }
  });

  it('leaves out resources, risks and tasks the solution has none of', () => {
    const zh = render('solution', 'zh-CN', 'customer', { document: sparseDocument() });
    expect(zh.text).not.toMatch(/所需资源|风险|工作安排/);
    const en = render('solution', 'en', 'customer', { document: sparseDocument() });
    expect(en.text).not.toMatch(/Resources|Risks|Schedule/);
    expect(en.text).toContain('Steps:');
  });
});

describe('customer reminder (温馨提醒)', () => {
  const reminder = (deadline: 'confirmation' | 'solutionAgreement' | 'acceptance', link: string) => ({ deadline, dueAt: DUE_AT, link, revision: 1 });

  it.each([
    ['confirmation', 'sheet', '【温馨提醒】您的需求 R-2026-000123 的需求确认单待您确认', 'Reminder: the requirement sheet for your request R-2026-000123 awaits your confirmation', '确认需求或提出修改意见', 'confirm it or ask for changes'],
    ['solutionAgreement', 'solution', '【温馨提醒】您的需求 R-2026-000123 的服务方案待您确认', 'Reminder: the service solution for your request R-2026-000123 awaits your agreement', '确认是否同意方案或提出修改意见', 'agree to it or ask for a revision'],
    ['acceptance', 'delivery', '【温馨提醒】您的需求 R-2026-000123 的交付成果待您验收', 'Reminder: the delivery for your request R-2026-000123 awaits your acceptance', '完成验收（验收通过或提出整改意见）', 'accept it or tell us what needs fixing'],
  ] as const)('for %s: names what awaits the customer and links to it', (deadline, link, zhSubject, enSubject, zhAction, enAction) => {
    const zh = render('customer-reminder', 'zh-CN', 'customer', { facts: reminder(deadline, link) });
    expect(zh.subject).toBe(zhSubject);
    expect(zh.flat).toContain(`请您于 ${formatInstant(DUE_AT, 'zh-CN', 'Asia/Shanghai')} 前点击链接${zhAction}`);
    expect(zh.flat).toContain('如需取消需求，也可在该页面操作');
    expect(zh.html).toContain(`href="${LINK}"`);
    const en = render('customer-reminder', 'en', 'customer', { facts: reminder(deadline, link) });
    expect(en.subject).toBe(enSubject);
    expect(en.flat).toContain(`Please ${enAction} by 30 Nov 2026, 18:00`);
    expect(en.flat).toContain('You can also cancel the request from that page.');
  });

  it('after the deadline has passed, asks for an answer as soon as possible instead of by a past time', () => {
    const after = new Date(Date.parse(DUE_AT) + 3600_000);
    const zh = render('customer-reminder', 'zh-CN', 'customer', { now: after });
    expect(zh.flat).toContain(`原定答复期限（${formatInstant(DUE_AT, 'zh-CN', 'Asia/Shanghai')}）已过`);
    expect(zh.flat).toContain('请您尽快点击链接');
    expect(zh.flat).not.toContain('前点击链接');
    const en = render('customer-reminder', 'en', 'customer', { now: after });
    expect(en.flat).toContain('The time we asked you to answer by (30 Nov 2026, 18:00');
    expect(en.flat).toContain('as soon as you can');
    expect(en.flat).not.toMatch(/by 30 Nov 2026, 18:00 GMT\+8:/);
  });
});

describe('closure (服务闭环) to the customer and to the assignee', () => {
  const closure = (status: 'completed' | 'unconfirmed' | 'cancelled', resolution: string | null, followUp: string | null) => ({ status, resolution, followUp });

  it('completed: thanks the customer and gives the outcome, in both languages', () => {
    const zh = render('closure', 'zh-CN', 'customer', { facts: closure('completed', 'deemed_accepted', 'intervened') });
    expect(zh.subject).toBe('【服务闭环】您的需求 R-2026-000123 已办结');
    expect(zh.flat).toContain('已处理完毕，本次服务已闭环');
    expect(zh.flat).toContain('处理结果：逾期视为验收通过');
    expect(zh.flat).toContain('回访情况：主管已介入处理');
    expect(zh.flat).toContain('感谢您');
    const en = render('closure', 'en', 'customer', { facts: closure('completed', 'first_contact', 'done') });
    expect(en.subject).toBe('Your request R-2026-000123 is complete');
    expect(en.flat).toContain('has been completed and is now closed');
    expect(en.flat).toContain('Resolution: resolved at first contact');
    expect(en.flat).toContain('Follow-up: completed');
    expect(en.flat).toContain('Thank you');
  });

  it('unconfirmed: says the sheet went unconfirmed as many times as the document counts, and how to start again', () => {
    const zh = render('closure', 'zh-CN', 'customer', { facts: closure('unconfirmed', null, null) });
    expect(zh.subject).toBe('【需求关闭】您的需求 R-2026-000123 已关闭');
    expect(zh.flat).toContain('由于需求确认单累计 3 次未在规定时间内确认');
    expect(zh.flat).toContain('重新提交需求');
    const en = render('closure', 'en', 'customer', { facts: closure('unconfirmed', null, null) });
    expect(en.subject).toBe('Your request R-2026-000123 has been closed');
    expect(en.flat).toContain('because the 3 requirement sheets we sent you were not confirmed in time');
    expect(en.flat).toContain('contact us and we will open a new request');
    const once = { ...documentFixture(), voidSheets: 1 };
    expect(render('closure', 'en', 'customer', { facts: closure('unconfirmed', null, null), document: once }).flat).toContain(
      'because the requirement sheet we sent you was not confirmed in time',
    );
  });

  it('cancelled: says the request was cancelled and is closed', () => {
    expect(render('closure', 'zh-CN', 'customer', { facts: closure('cancelled', null, null) }).flat).toContain('已取消，本次服务已关闭');
    expect(render('closure', 'en', 'customer', { facts: closure('cancelled', null, null) }).flat).toContain('was cancelled and is now closed');
  });

  it('tells the assignee the request is closed, how, and that nothing more is needed', () => {
    const zh = render('closure', 'zh-CN', 'staff', { facts: closure('unconfirmed', null, null) });
    expect(zh.subject).toBe('【已关闭】需求 R-2026-000123 已关闭（需求未确认）');
    expect(zh.flat).toContain('关闭结果：需求未确认（需求确认单累计失效 3 份）');
    expect(zh.flat).toContain('无需再处理');
    const done = render('closure', 'zh-CN', 'staff', { facts: closure('completed', 'delivered', 'missed') });
    expect(done.subject).toBe('【已关闭】需求 R-2026-000123 已关闭（已完成）');
    expect(done.flat).toContain('处理结果：已交付验收');
    expect(done.flat).toContain('回访情况：未完成');
    const en = render('closure', 'en', 'staff', { facts: closure('completed', 'delivered', 'done') });
    expect(en.subject).toBe('[Closed] Request R-2026-000123: completed');
    expect(en.flat).toContain('Request R-2026-000123 (P1, after-sales) is closed: completed.');
    expect(en.flat).toContain('Resolution: delivered and accepted');
    expect(en.flat).toContain('no further action is needed');
    expect(render('closure', 'en', 'staff', { facts: closure('unconfirmed', null, null) }).subject).toBe(
      '[Closed] Request R-2026-000123: requirement sheet not confirmed',
    );
  });

  it('leaves out a resolution or follow-up that is null', () => {
    for (const language of Language.options) {
      for (const kind of ['customer', 'staff'] as const) {
        const email = render('closure', language, kind, { facts: closure('completed', null, null) });
        expect(email.text).not.toMatch(/处理结果|回访情况|Resolution|Follow-up/);
        const onlyFollowUp = render('closure', language, kind, { facts: closure('completed', null, 'done') });
        expect(onlyFollowUp.text).not.toMatch(/处理结果|Resolution/);
        expect(onlyFollowUp.text).toMatch(/回访情况|Follow-up/);
      }
    }
  });

  it('never shows the customer the staff wording, nor the assignee the customer wording', () => {
    for (const status of ['completed', 'unconfirmed', 'cancelled'] as const) {
      expect(render('closure', 'zh-CN', 'customer', { facts: closure(status, null, null) }).flat).not.toMatch(/无需再处理|关闭结果|P1/);
      expect(render('closure', 'en', 'customer', { facts: closure(status, null, null) }).flat).not.toMatch(/no further action|P1/);
      expect(render('closure', 'zh-CN', 'staff', { facts: closure(status, null, null) }).flat).not.toMatch(/您的需求|感谢您/);
      expect(render('closure', 'en', 'staff', { facts: closure(status, null, null) }).flat).not.toMatch(/your request|Thank you/i);
    }
  });
});

describe('task assigned (协办任务) to the co-handler', () => {
  it('names the task by its title and due time from the document, and when to accept it, in Chinese', () => {
    const zh = render('task-assigned', 'zh-CN', 'staff');
    expect(zh.subject).toBe('【协办任务】需求 R-2026-000123 有一项任务分配给您');
    expect(zh.flat).toContain('需求 R-2026-000123（P1，售后）的服务方案已获客户同意，以下任务项由您负责协办');
    expect(zh.flat).toContain(`任务：上门检测 / on-site check 完成时限：${formatInstant(TASK_DUE, 'zh-CN', 'Asia/Shanghai')}`);
    expect(zh.flat).toContain(`请于 ${formatInstant(ACCEPT_BY, 'zh-CN', 'Asia/Shanghai')} 前确认接收该任务`);
    expect(zh.flat).toContain('需求负责人：李四');
  });

  it('says the same in natural English', () => {
    const en = render('task-assigned', 'en', 'staff');
    expect(en.subject).toBe('[Task] A task of request R-2026-000123 is yours');
    expect(en.flat).toContain('you are the co-handler who owns this task');
    expect(en.flat).toContain('Task: 上门检测 / on-site check Due: 1 Dec 2026, 10:00 GMT+8');
    expect(en.flat).toContain('Please accept the task by 27 Nov 2026, 19:00 GMT+8 and complete it by its due time.');
    expect(en.flat).toContain('The request’s assignee is Li Wei');
  });

  it('picks the task by facts.taskId among several, and shows the document’s due time', () => {
    const doc = documentFixture();
    const second = { ...doc.solution!.tasks[0]!, id: 'T-2', title: '更换密封圈 / replace the seal', dueAt: '2026-12-03T02:00:00.000Z' };
    doc.solution = { ...doc.solution!, tasks: [doc.solution!.tasks[0]!, second] };
    const en = render('task-assigned', 'en', 'staff', { document: doc, facts: { ...FACTS['task-assigned'], taskId: 'T-2' } });
    expect(en.flat).toContain('Task: 更换密封圈 / replace the seal Due: 3 Dec 2026, 10:00 GMT+8');
    expect(en.flat).not.toContain('on-site check');
  });
});

describe('waiting notice (客户配合事项) to the customer', () => {
  it('says what is needed (the last wait’s reason), that the clock is paused, and links to the page that resumes it', () => {
    const zh = render('waiting-notice', 'zh-CN', 'customer');
    expect(zh.subject).toBe('【客户配合事项】您的需求 R-2026-000123 需要您的配合');
    expect(zh.flat).toContain('需您配合： 请提供购买凭证照片 Please send a photo of the receipt');
    expect(zh.html).toContain('请提供购买凭证照片<br>Please send a photo of the receipt');
    expect(zh.flat).toContain('处理时限暂停计时');
    expect(zh.flat).toContain('完成后，请点击链接告知我们');
    expect(zh.html).toContain(`<a href="${LINK}">我已完成配合事项</a>`);
    const en = render('waiting-notice', 'en', 'customer');
    expect(en.subject).toBe('Your request R-2026-000123: we need something from you');
    expect(en.flat).toContain('What we need: 请提供购买凭证照片 Please send a photo of the receipt');
    expect(en.flat).toContain('the time we have to complete your request is paused');
    expect(en.html).toContain(`<a href="${LINK}">I have done this</a>`);
  });

  it('shows the current wait, not an earlier one', () => {
    const doc = documentFixture();
    const earlier = { ...doc.pauses[0]!, reason: '请提供设备序列号 / the serial number', resumedAt: '2026-11-25T03:00:00.000Z' };
    doc.pauses = [earlier, { ...doc.pauses[0]!, reason: '请安排上门时间 / please book a visit' }];
    const en = render('waiting-notice', 'en', 'customer', { document: doc });
    expect(en.flat).toContain('What we need: 请安排上门时间 / please book a visit');
    expect(en.flat).not.toContain('serial number');
  });
});

describe('delay notice (延期通知) to the customer', () => {
  it('moves the delivery time from `from` to `to`, with the delay’s reason', () => {
    const zh = render('delay-notice', 'zh-CN', 'customer');
    expect(zh.subject).toBe('【延期通知】您的需求 R-2026-000123 预计交付时间调整');
    expect(zh.flat).toContain(
      `预计交付时间由 ${formatInstant(DUE_AT, 'zh-CN', 'Asia/Shanghai')} 调整为 ${formatInstant(DELIVERY_AT, 'zh-CN', 'Asia/Shanghai')}`,
    );
    expect(zh.flat).toContain('调整原因： 配件需从厂家调货 The part ships from the factory');
    expect(zh.flat).toContain('敬请谅解');
    const en = render('delay-notice', 'en', 'customer');
    expect(en.subject).toBe('Your request R-2026-000123: new expected delivery time');
    expect(en.flat).toContain('has moved from 30 Nov 2026, 18:00 GMT+8 to 2 Dec 2026, 18:00 GMT+8');
    expect(en.flat).toContain('Reason: 配件需从厂家调货 The part ships from the factory');
  });

  it('never tells the customer whether the notice was late: the fact is not even in the context', () => {
    for (const language of Language.options) {
      const late = render('delay-notice', language, 'customer', { facts: { ...FACTS['delay-notice'], lateNotice: true } });
      const early = render('delay-notice', language, 'customer', { facts: { ...FACTS['delay-notice'], lateNotice: false } });
      expect(late.html).toBe(early.html);
      expect(late.context).not.toHaveProperty('lateNotice');
      expect(JSON.stringify(late.context)).not.toMatch(/late/i);
      expect(late.flat).not.toMatch(/late|提前|迟/i);
    }
  });

  it('takes the reason of the delay the facts announce, when there were several', () => {
    const doc = documentFixture();
    const next = { ...doc.delays[0]!, from: DELIVERY_AT, to: '2026-12-04T10:00:00.000Z', reason: '第二次调整 / the second move', lateNotice: false };
    doc.delays = [doc.delays[0]!, next];
    expect(render('delay-notice', 'en', 'customer', { document: doc }).flat).toContain('Reason: 配件需从厂家调货');
    const second = render('delay-notice', 'en', 'customer', { document: doc, facts: { from: DELIVERY_AT, to: next.to, lateNotice: false } });
    expect(second.flat).toContain('Reason: 第二次调整 / the second move');
    expect(second.flat).toContain('from 2 Dec 2026, 18:00 GMT+8 to 4 Dec 2026, 18:00 GMT+8');
  });
});

describe('weekly progress report (服务进度报告) to the customer', () => {
  it('lists the updates of the last 7 days, then the latest next steps and risks, and tasks done of all, in Chinese', () => {
    const zh = render('progress-report', 'zh-CN', 'customer');
    expect(zh.subject).toBe('【服务进度报告】您的需求 R-2026-000123 第 1 周进度');
    expect(zh.flat).toContain(
      `本周完成情况： * ${formatInstant('2026-11-24T03:00:00.000Z', 'zh-CN', 'Asia/Shanghai')}：已完成上门检测 / on-site check done（整体进度 40%） * ${formatInstant('2026-11-26T09:00:00.000Z', 'zh-CN', 'Asia/Shanghai')}：密封圈已到货 The seal has arrived 任务完成情况`,
    );
    // The update of the week before is not this week's.
    expect(zh.flat).not.toContain('已联系厂家');
    expect(zh.flat).toContain('任务完成情况：已完成 0 项，共 1 项');
    expect(zh.flat).toContain('下一步计划： 周五上门更换 / replace it on Friday');
    expect(zh.flat).toContain('风险及应对： 可能需要更换进水管 / the inlet hose may need replacing too');
    expect(zh.flat).not.toContain('旧计划');
  });

  it('says the same in natural English, with the week’s number', () => {
    const en = render('progress-report', 'en', 'customer', { facts: { week: 2 } });
    expect(en.subject).toBe('Progress report, week 2: your request R-2026-000123');
    expect(en.flat).toContain('in week 2:');
    expect(en.flat).toContain('24 Nov 2026, 11:00 GMT+8: 已完成上门检测 / on-site check done (40% complete overall)');
    expect(en.flat).toContain('26 Nov 2026, 17:00 GMT+8: 密封圈已到货 The seal has arrived');
    expect(en.flat).toContain('Tasks: 0 of 1 done');
    expect(en.flat).toContain('Next steps: 周五上门更换 / replace it on Friday');
    expect(en.flat).toContain('Risks and how we are handling them: 可能需要更换进水管');
  });

  it('says when the week had no update, and leaves out next steps, risks and tasks there are none of', () => {
    const doc = documentFixture();
    doc.progress = [doc.progress[0]!];
    const quiet = render('progress-report', 'zh-CN', 'customer', { document: doc });
    expect(quiet.flat).toContain('本周暂无新的进度更新');
    // The latest update is last week's: its next steps still stand.
    expect(quiet.flat).toContain('下一步计划： 旧计划 / old plan');
    expect(quiet.text).not.toContain('风险及应对');
    const none = render('progress-report', 'en', 'customer', { document: { ...sparseDocument(), progress: [] } });
    expect(none.flat).toContain('No progress updates this week.');
    expect(none.text).not.toMatch(/Next steps|Risks|Tasks:/);
  });

  it('counts the tasks completed', () => {
    const doc = documentFixture();
    const done = { ...doc.solution!.tasks[0]!, completedAt: '2026-11-26T09:00:00.000Z' };
    doc.solution = { ...doc.solution!, tasks: [done, { ...done, id: 'T-2', completedAt: null }, { ...done, id: 'T-3' }] };
    expect(render('progress-report', 'en', 'customer', { document: doc }).flat).toContain('Tasks: 2 of 3 done');
    expect(render('progress-report', 'zh-CN', 'customer', { document: doc }).flat).toContain('已完成 2 项，共 3 项');
  });
});

describe('delivery (服务交付) to the customer', () => {
  it('shows what was delivered and how to verify it, the acceptance due time and the link', () => {
    const zh = render('delivery', 'zh-CN', 'customer');
    expect(zh.subject).toBe('【服务交付】您的需求 R-2026-000123 已交付，请验收');
    expect(zh.flat).toContain('交付内容： 已更换密封圈并完成试机。 Seal replaced, test run passed.');
    expect(zh.flat).toContain('验收方式： 连续运行洗涤程序 30 分钟无漏水 / run a 30-minute wash without leaks');
    expect(zh.flat).toContain(`请于 ${formatInstant(DUE_AT, 'zh-CN', 'Asia/Shanghai')} 前点击链接完成验收（验收通过，或说明问题并提出整改意见）`);
    expect(zh.html).toContain(`<a href="${LINK}">验收交付成果</a>`);
    expect(zh.flat).toContain('根据服务条款，逾期未验收将视为验收通过。');
    const en = render('delivery', 'en', 'customer');
    expect(en.subject).toBe('Your request R-2026-000123 has been delivered: please check and accept it');
    expect(en.flat).toContain('What we delivered: 已更换密封圈并完成试机。 Seal replaced, test run passed.');
    expect(en.flat).toContain('How to check it: 连续运行洗涤程序 30 分钟无漏水');
    expect(en.flat).toContain('Please accept it, or tell us what needs fixing, by 30 Nov 2026, 18:00 GMT+8');
    expect(en.flat).toContain('is deemed accepted');
  });

  it('says a silence is deemed acceptance only under a policy that deems it so', () => {
    for (const language of Language.options) {
      const escalate = render('delivery', language, 'customer', { acceptanceOnExpiry: 'escalate' });
      expect(escalate.flat).not.toMatch(/视为验收通过|deemed accepted/);
      expect(escalate.context.delivery).toMatchObject({ deemedOnExpiry: false });
    }
  });

  it('never shows the customer their own earlier rejection reasons', () => {
    expect(render('delivery', 'en', 'customer').context.delivery).toMatchObject({ reasons: null });
    expect(render('delivery', 'en', 'customer').flat).not.toContain('it still leaks');
  });
});

describe('deemed acceptance (逾期未验收视为验收通过) to the customer and the assignee', () => {
  it('tells the customer the window ended, the delivery is deemed accepted, a questionnaire follows and how to raise a problem', () => {
    const zh = render('deemed-acceptance', 'zh-CN', 'customer');
    expect(zh.subject).toBe('【验收通知】您的需求 R-2026-000123 已视为验收通过');
    expect(zh.flat).toContain(`验收期限已于 ${formatInstant(DUE_AT, 'zh-CN', 'Asia/Shanghai')} 届满，我们未收到您的验收意见`);
    expect(zh.flat).toContain('根据服务条款，逾期未验收视为验收通过');
    expect(zh.flat).toContain('满意度问卷');
    expect(zh.flat).toContain('如您发现交付成果存在问题，请回复本邮件');
    const en = render('deemed-acceptance', 'en', 'customer');
    expect(en.subject).toBe('Your request R-2026-000123: the delivery is deemed accepted');
    expect(en.flat).toContain('ended at 30 Nov 2026, 18:00 GMT+8 without an answer from you');
    expect(en.flat).toContain('Under the service terms');
    expect(en.flat).toContain('satisfaction questionnaire');
    expect(en.flat).toContain('If anything is not right with the delivery, please reply');
  });

  it('tells the assignee the same, and that the follow-up (a service representative’s callback) begins', () => {
    const zh = render('deemed-acceptance', 'zh-CN', 'staff');
    expect(zh.subject).toBe('【视为验收】需求 R-2026-000123 逾期未验收，已视为验收通过');
    expect(zh.flat).toContain('客户未给出验收意见，按服务条款（逾期未验收视为验收通过）视为验收通过');
    expect(zh.flat).toContain('将由客服专员进行回访');
    const en = render('deemed-acceptance', 'en', 'staff');
    expect(en.subject).toBe('[Deemed accepted] Request R-2026-000123: no answer within the acceptance period');
    expect(en.flat).toContain('a service representative will call the customer back');
  });

  it('never shows the customer the staff wording, nor the assignee the customer wording', () => {
    for (const language of Language.options) {
      expect(render('deemed-acceptance', language, 'customer').flat).not.toMatch(/客服专员|P1|service representative/);
      expect(render('deemed-acceptance', language, 'staff').flat).not.toMatch(/您的需求|满意度问卷|your request|questionnaire/i);
    }
  });
});

describe('repeated rejection (多次验收不通过) to the supervisors', () => {
  it('counts the rejections and gives the customer’s reasons and what was delivered', () => {
    const zh = render('repeated-rejection', 'zh-CN', 'staff');
    expect(zh.subject).toBe('【多次验收不通过】需求 R-2026-000123 的交付成果第 3 次被客户驳回');
    expect(zh.flat).toContain('已被客户第 3 次驳回（验收不通过），请主管介入跟进');
    expect(zh.flat).toContain('客户驳回原因： 仍有少量漏水 / it still leaks a little');
    expect(zh.flat).toContain('本次交付内容： 已更换密封圈并完成试机。 Seal replaced, test run passed.');
    expect(zh.flat).toContain('需求负责人：李四');
    const en = render('repeated-rejection', 'en', 'staff', { facts: { rejections: 4 } });
    expect(en.subject).toBe('[Repeated rejection] Request R-2026-000123: delivery rejected 4 times');
    expect(en.flat).toContain('has now rejected the delivery of request R-2026-000123 (P1, after-sales) 4 times');
    expect(en.flat).toContain('The customer’s reasons: 仍有少量漏水 / it still leaks a little');
  });

  it('says so when the customer gave no reasons', () => {
    const doc = documentFixture();
    doc.delivery = { ...doc.delivery!, customerComment: null };
    expect(render('repeated-rejection', 'zh-CN', 'staff', { document: doc }).flat).toContain('客户驳回原因： 客户未说明原因。');
    expect(render('repeated-rejection', 'en', 'staff', { document: doc }).flat).toContain('The customer gave no reasons.');
  });
});

describe('questionnaire (满意度问卷) to the customer', () => {
  it('asks for the four ratings with the link', () => {
    const zh = render('questionnaire', 'zh-CN', 'customer');
    expect(zh.subject).toBe('【满意度问卷】诚邀您评价需求 R-2026-000123 的服务');
    expect(zh.flat).toContain('对我们的响应速度、问题解决效果、服务态度和专业能力进行评价');
    expect(zh.html).toContain(`<a href="${LINK}">填写满意度问卷</a>`);
    const en = render('questionnaire', 'en', 'customer');
    expect(en.subject).toBe('How did we do? A short questionnaire about your request R-2026-000123');
    expect(en.flat).toContain('rate our response speed, how well the problem was solved, our attitude and our professionalism');
    expect(en.html).toContain(`<a href="${LINK}">answer the questionnaire</a>`);
  });
});

describe('intervention needed (补救措施) to the supervisors', () => {
  it('shows the verdict, every rating (the low ones marked), what fell short, the comment and when the remedy plan is due', () => {
    const zh = render('intervention-needed', 'zh-CN', 'staff');
    expect(zh.subject).toBe('【需主管介入】需求 R-2026-000123 客户满意度反馈需采取补救措施');
    expect(zh.flat).toContain(`客户反馈（电话回访，${formatInstant('2026-11-27T07:00:00.000Z', 'zh-CN', 'Asia/Shanghai')}）结论为“不满意”，需主管介入`);
    expect(zh.flat).toContain(`请于 ${formatInstant(INTERVENTION_DUE, 'zh-CN', 'Asia/Shanghai')} 前制定并记录补救措施`);
    expect(zh.flat).toContain('响应速度：4 分 * 问题解决效果：2 分（低分） * 服务态度：5 分 * 专业能力：3 分');
    expect(zh.flat).toContain('问题是否解决：未解决');
    expect(zh.flat).toContain('推荐意愿（0–10 分）：3');
    expect(zh.flat).toContain('不足之处： 维修师傅迟到两小时 The technician came two hours late');
    expect(zh.flat).toContain('客户意见： 希望尽快彻底解决 / please fix it for good');
    const en = render('intervention-needed', 'en', 'staff');
    expect(en.subject).toBe('[Intervention needed] Request R-2026-000123: the customer’s feedback calls for a remedy plan');
    expect(en.flat).toContain('from the callback of 27 Nov 2026, 15:00 GMT+8, is “dissatisfied”. A supervisor must step in.');
    expect(en.flat).toContain('by 27 Nov 2026, 16:00 GMT+8');
    expect(en.flat).toContain('response speed: 4 * resolution: 2 (low) * attitude: 5 * professionalism: 3');
    expect(en.flat).toContain('Problem solved: no');
    expect(en.flat).toContain('What fell short: 维修师傅迟到两小时');
  });

  it('explains a call for a verdict better than dissatisfied: a rating of 2 or lower', () => {
    const doc = documentFixture();
    doc.feedback = { ...doc.feedback!, verdict: 'basically_satisfied', source: 'survey', resolved: null, nps: null, shortfalls: null, comment: null };
    const zh = render('intervention-needed', 'zh-CN', 'staff', { document: doc, facts: { verdict: 'basically_satisfied' } });
    expect(zh.flat).toContain('客户反馈（满意度问卷，');
    expect(zh.flat).toContain('结论为“基本满意”，但有评分在 2 分及以下，需主管介入');
    expect(zh.text).not.toMatch(/问题是否解决|推荐意愿|不足之处|客户意见/);
    const en = render('intervention-needed', 'en', 'staff', { document: doc, facts: { verdict: 'basically_satisfied' } });
    expect(en.flat).toContain('from the questionnaire of');
    expect(en.flat).toContain('is “basically satisfied”, with a rating of 2 or lower.');
    expect(en.text).not.toMatch(/Problem solved|recommend|fell short|comment/);
  });

  it('falls back to the policy’s window when no intervention deadline is pending', () => {
    const doc = { ...documentFixture(), deadlines: [] };
    expect(render('intervention-needed', 'zh-CN', 'staff', { document: doc }).flat).toContain('请在规定时限内制定并记录补救措施');
    expect(render('intervention-needed', 'en', 'staff', { document: doc }).flat).toContain('within the policy’s time');
  });
});

describe('deadline reminders and escalations name the task and the reviewers who have not answered', () => {
  const names = new Map([
    [OWNER_ID, OWNER_NAME],
    ['A-REVIEWER-5', '赵六'],
  ]);

  it('an escalation of a task’s deadline names the task by its title and its owner by name', () => {
    const facts = { deadline: 'taskAcceptance', dueAt: DUE_AT, taskId: 'T-1' };
    const zh = render('deadline-escalation', 'zh-CN', 'staff', { facts });
    expect(zh.subject).toBe('【升级】需求 R-2026-000123 已超过时限：协办人接收任务');
    expect(zh.flat).toContain('任务：上门检测 / on-site check（负责人：王五）');
    const en = render('deadline-escalation', 'en', 'staff', { facts });
    expect(en.flat).toContain('Task: 上门检测 / on-site check (owner: 王五)');
    expect(en.text).not.toContain(OWNER_ID);
  });

  it('a review’s escalation names the reviewers who have not answered, by name (an unknown one by id)', () => {
    const facts = { deadline: 'review', dueAt: DUE_AT, pendingReviewers: 'A-REVIEWER-5,A-GONE-1' };
    expect(render('deadline-escalation', 'zh-CN', 'staff', { facts, agentNames: names }).flat).toContain('尚未给出评审意见的评审人：赵六、A-GONE-1');
    expect(render('deadline-escalation', 'en', 'staff', { facts, agentNames: names }).flat).toContain('Reviewers who have not answered: 赵六, A-GONE-1');
    const none = render('deadline-escalation', 'en', 'staff', { facts: { ...facts, pendingReviewers: '' } });
    expect(none.text).not.toContain('Reviewers');
  });

  it('says neither when the facts carry neither', () => {
    for (const language of Language.options) {
      const email = render('deadline-escalation', language, 'staff');
      expect(email.text).not.toMatch(/任务：|评审人|Task:|Reviewers/);
      expect(email.context).toMatchObject({ task: null, pendingReviewerNames: null });
    }
  });

  it('shows a task the document does not hold by its id', () => {
    const email = render('deadline-escalation', 'en', 'staff', { facts: { deadline: 'taskDue', dueAt: DUE_AT, taskId: 'T-9' } });
    expect(email.flat).toContain('Task: T-9');
    expect(email.flat).not.toContain('owner:');
  });

  it('a reminder to a task’s owner names the task', () => {
    const facts = { deadline: 'taskDue', dueAt: DUE_AT, taskId: 'T-1' };
    expect(render('deadline-reminder', 'zh-CN', 'staff', { facts }).flat).toContain('任务：上门检测 / on-site check');
    expect(render('deadline-reminder', 'en', 'staff', { facts }).flat).toContain('Task: 上门检测 / on-site check');
  });
});

describe('complaint review request (投诉根因复盘) to the supervisors', () => {
  const closed = (language: Language) => formatInstant(CLOSED_AT, language, 'Asia/Shanghai');
  const due = (language: Language) => formatInstant(REVIEW_DUE, language, 'Asia/Shanghai');

  it('says when the complaint closed and how, when the review is due, the root causes to choose from, in Chinese', () => {
    const zh = render('complaint-review-request', 'zh-CN', 'staff', { document: closedComplaint(), name: '客服主管 / Supervisors' });
    expect(zh.subject).toBe('【投诉复盘】投诉 R-2026-000123 已关闭，请完成投诉根因复盘');
    expect(zh.flat).toContain('客服主管 / Supervisors，您好');
    expect(zh.flat).toContain(`投诉 R-2026-000123 已于 ${closed('zh-CN')} 关闭（已完成）。`);
    expect(zh.flat).toContain(`请于 ${due('zh-CN')} 前完成投诉根因复盘：确定根本原因（流程漏洞 / 人员失误 / 产品问题 / 外部因素 / 其他），记录原因分析及整改措施。`);
    for (const line of ['需求类型：投诉', '优先级：P1', '处理结果：已交付验收', '回访情况：主管已介入处理', '客户反馈结论：不满意（电话回访）', '处理小组：售后组', '需求负责人：李四']) {
      expect(zh.flat).toContain(line);
    }
  });

  it('says the same in natural English', () => {
    const en = render('complaint-review-request', 'en', 'staff', { document: closedComplaint() });
    expect(en.subject).toBe('[Complaint review] Complaint R-2026-000123 has closed: root-cause review needed');
    expect(en.flat).toContain(`Complaint R-2026-000123 closed at ${closed('en')} (completed).`);
    expect(en.flat).toContain(
      `Please complete its root-cause review by ${due('en')}: name the root cause (process gap / staff error / product issue / external factors / other) and record the analysis and the corrective action.`,
    );
    for (const line of ['Type: complaint', 'Priority: P1', 'Outcome: delivered and accepted', 'Follow-up: handled with a supervisor’s intervention', 'The customer’s feedback: dissatisfied (callback)', 'Group: After-sales', 'Assignee: Li Wei']) {
      expect(en.flat).toContain(line);
    }
  });

  it('shows nothing of the customer but the verdict: no id, no words of theirs, no contact data', () => {
    for (const language of Language.options) {
      const email = render('complaint-review-request', language, 'staff', { document: closedComplaint() });
      for (const part of [JSON.stringify(email.context), email.html, email.text]) {
        expect(part).not.toContain('C-TEST-0123');
        expect(part).not.toContain('维修师傅迟到两小时');
        expect(part).not.toContain('希望尽快彻底解决');
      }
      expect(email.text).not.toMatch(/@/);
    }
  });

  it('takes the closing time notify.ts found (the request row’s) over the document’s', () => {
    const row = '2026-12-03T03:00:00.000Z';
    const zh = render('complaint-review-request', 'zh-CN', 'staff', { document: closedComplaint(), closedAt: row });
    expect(zh.flat).toContain(`已于 ${formatInstant(row, 'zh-CN', 'Asia/Shanghai')} 关闭`);
    expect(zh.flat).not.toContain(closed('zh-CN'));
  });

  it('says there was no feedback, and leaves out an outcome, follow-up or group the request has none of', () => {
    const doc: RequestDocument = { ...closedComplaint(), status: 'cancelled', resolution: null, followUp: null, feedback: null };
    const zh = render('complaint-review-request', 'zh-CN', 'staff', { document: doc });
    expect(zh.flat).toContain('关闭（已取消）');
    expect(zh.flat).toContain('客户反馈结论：无');
    expect(zh.text).not.toMatch(/处理结果|回访情况/);
    const en = render('complaint-review-request', 'en', 'staff', { document: doc });
    expect(en.flat).toContain('The customer’s feedback: none');
    expect(en.text).not.toMatch(/Outcome|Follow-up/);
    // Cancelled before anyone was assigned: no group, no assignee.
    const unassigned = templateContext({
      template: 'complaint-review-request',
      facts: FACTS['complaint-review-request'],
      recipient: { name: '客服主管', language: 'zh-CN', kind: 'staff' },
      request: { ...doc, assignee: null },
      groupLabel: '',
      assigneeName: null,
      timeZone: 'Asia/Shanghai',
      link: null,
      agentNames: new Map(),
      now: NOW,
    });
    const bare = renderEmail('complaint-review-request', 'zh-CN', unassigned);
    expect(bare.text).not.toContain('处理小组');
    expect(bare.text.replace(/\s+/g, ' ')).toContain('需求负责人：—');
  });

  it('still renders without a closing time (notify.ts waits for one before it sends)', () => {
    const doc = { ...closedComplaint(), closedAt: null };
    expect(render('complaint-review-request', 'zh-CN', 'staff', { document: doc }).flat).toContain('投诉 R-2026-000123 已关闭（已完成）');
    expect(render('complaint-review-request', 'en', 'staff', { document: doc }).flat).toContain('Complaint R-2026-000123 closed recently (completed)');
  });

  it('is for a complaint only: another type fails non-retryably; a closed complaint is current', () => {
    const input = (template: NotificationTemplate, facts: NotifyInput['facts']): NotifyInput => ({
      requestId: 'R-2026-000123',
      eventSeq: 3,
      template,
      recipients: [{ kind: 'policyAddress', name: 'supervisors' }],
      facts,
    });
    const reminder = { deadline: 'complaintReview', dueAt: REVIEW_DUE };
    for (const [template, facts] of [
      ['complaint-review-request', FACTS['complaint-review-request']],
      ['deadline-reminder', reminder],
      ['deadline-escalation', reminder],
    ] as const) {
      expect(checkDocument(input(template, facts), closedComplaint())).toBe('current');
      let failure: unknown;
      try {
        checkDocument(input(template, facts), { ...closedComplaint(), type: 'fault' });
      } catch (err) {
        failure = err;
      }
      expect(failure).toMatchObject({ type: 'InvalidNotificationFacts', nonRetryable: true });
      expect((failure as Error).message).toContain('is of type fault');
    }
    // Other deadlines' reminders do not care about the type.
    expect(checkDocument(input('deadline-reminder', { deadline: 'callback', dueAt: DUE_AT }), { ...closedComplaint(), type: 'fault' })).toBe('current');
  });
});

describe('the complaint review’s reminder (to the supervisors) and escalation (to the head of service), after closing', () => {
  const facts = { deadline: 'complaintReview', dueAt: REVIEW_DUE };
  const closed = (language: Language) => formatInstant(CLOSED_AT, language, 'Asia/Shanghai');
  const due = (language: Language) => formatInstant(REVIEW_DUE, language, 'Asia/Shanghai');

  it('reminds the supervisors what the review asks for, and that the complaint has closed', () => {
    const zh = render('deadline-reminder', 'zh-CN', 'staff', { facts, document: closedComplaint(), name: '客服主管 / Supervisors' });
    expect(zh.subject).toBe('【提醒】需求 R-2026-000123 的“投诉根因复盘”即将到期');
    expect(zh.flat).toContain(`需求 R-2026-000123（P1，投诉）的“投诉根因复盘”将于 ${due('zh-CN')} 到期，请及时处理。`);
    expect(zh.flat).toContain(`该投诉已于 ${closed('zh-CN')} 关闭，请记录投诉根因（流程漏洞 / 人员失误 / 产品问题 / 外部因素 / 其他）、原因分析及整改措施。`);
    const en = render('deadline-reminder', 'en', 'staff', { facts, document: closedComplaint() });
    expect(en.subject).toBe('[Reminder] Request R-2026-000123: complaint review due soon');
    expect(en.flat).toContain(`The "complaint review" deadline of request R-2026-000123 (P1, complaint) falls due at ${due('en')}.`);
    expect(en.flat).toContain(`The complaint closed at ${closed('en')}. Please record its root cause (process gap / staff error / product issue / external factors / other)`);
  });

  it('tells the head of service the review is still owed by the supervisors, naming the former assignee, not a “current” one', () => {
    const zh = render('deadline-escalation', 'zh-CN', 'staff', { facts, document: closedComplaint(), name: '服务负责人 / Head of service' });
    expect(zh.subject).toBe('【升级】需求 R-2026-000123 已超过时限：投诉根因复盘');
    expect(zh.flat).toContain('服务负责人 / Head of service，您好');
    expect(zh.flat).toContain(`的“投诉根因复盘”时限已于 ${due('zh-CN')} 到期，所需动作仍未完成。`);
    expect(zh.flat).toContain(`该投诉已于 ${closed('zh-CN')} 关闭，客服主管尚未记录其投诉根因（流程漏洞 / 人员失误 / 产品问题 / 外部因素 / 其他）及整改措施，复盘仍待完成。`);
    expect(zh.flat).toContain('原需求负责人：李四。请督促客服主管尽快完成复盘。');
    expect(zh.flat).not.toContain('当前负责人');
    const en = render('deadline-escalation', 'en', 'staff', { facts, document: closedComplaint() });
    expect(en.subject).toBe('[Escalation] Request R-2026-000123 missed its deadline: complaint review');
    expect(en.flat).toContain(`The complaint closed at ${closed('en')}; the supervisors have not yet recorded its root cause`);
    expect(en.flat).toContain('It was handled by Li Wei. Please see that the supervisors complete the review.');
    expect(en.flat).not.toContain('Current assignee');
  });

  it('shows no task, reviewers or customer data; other deadlines keep their wording', () => {
    for (const language of Language.options) {
      const email = render('deadline-escalation', language, 'staff', { facts, document: closedComplaint() });
      expect(email.context).toMatchObject({ task: null, pendingReviewerNames: null });
      expect(email.text).not.toMatch(/任务：|评审人|Task:|Reviewers|@|C-TEST-0123/);
      const other = render('deadline-escalation', language, 'staff', { facts: { deadline: 'callback', dueAt: DUE_AT }, document: closedComplaint() });
      expect(other.context).toMatchObject({ complaint: null });
      expect(other.flat).toMatch(/当前负责人：李四|Current assignee: Li Wei/);
      expect(render('deadline-reminder', language, 'staff').context).toMatchObject({ complaint: null });
    }
  });
});

describe('facts and the recorded document, checked before anything is recorded or sent', () => {
  const customer: NotificationRecipient = { kind: 'customer', customerId: 'C-TEST-0123' };
  const agent: NotificationRecipient = { kind: 'agent', agentId: ASSIGNEE_ID };
  const notifyInput = (template: NotificationTemplate, facts: NotifyInput['facts'], recipients: NotificationRecipient[]): NotifyInput => ({
    requestId: 'R-2026-000123',
    eventSeq: 7,
    template,
    recipients,
    facts,
  });
  const failureOf = (run: () => unknown): unknown => {
    try {
      run();
    } catch (err) {
      return err;
    }
    return undefined;
  };
  const recipientsOf = (template: NotificationTemplate) => KINDS[template].map((kind) => (kind === 'customer' ? customer : agent));

  const newTemplates = [
    'requirement-sheet',
    'void-sheet',
    'review-request',
    'solution',
    'customer-reminder',
    'closure',
    'deadline-reminder',
    'deadline-escalation',
    'task-assigned',
    'waiting-notice',
    'delay-notice',
    'progress-report',
    'delivery',
    'deemed-acceptance',
    'repeated-rejection',
    'questionnaire',
    'intervention-needed',
    'complaint-review-request',
  ] as const;
  const eachFact = newTemplates.flatMap((template) => Object.keys(FACTS[template]).map((fact) => [template, fact] as const));

  it.each(eachFact)('%s without facts.%s fails non-retryably', (template, fact) => {
    const { [fact]: _dropped, ...facts } = FACTS[template];
    const failure = failureOf(() => checkFacts(notifyInput(template, facts, recipientsOf(template))));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'InvalidNotificationFacts', nonRetryable: true });
    expect((failure as Error).message).toContain(`facts.${fact}`);
  });

  it.each([
    ['requirement-sheet', { link: 'sheet', revision: 2, dueAt: 'Monday 18:00' }, 'facts.dueAt'],
    ['requirement-sheet', { link: 'sheet', revision: 2, dueAt: 1_764_496_800_000 }, 'facts.dueAt'],
    ['requirement-sheet', { link: 'solution', revision: 2, dueAt: DUE_AT }, 'facts.link'],
    ['requirement-sheet', { link: 'sheet', revision: '2', dueAt: DUE_AT }, 'facts.revision'],
    ['void-sheet', { voidSheets: 0, dueAt: DUE_AT }, 'facts.voidSheets'],
    ['void-sheet', { voidSheets: 1.5, dueAt: DUE_AT }, 'facts.voidSheets'],
    ['review-request', { area: 'finance', dueAt: DUE_AT, round: 1 }, 'facts.area'],
    ['review-request', { area: 'legal', dueAt: DUE_AT, round: 0 }, 'facts.round'],
    ['solution', { link: 'solution', revision: -1, dueAt: DUE_AT }, 'facts.revision'],
    ['customer-reminder', { deadline: 'execution', dueAt: DUE_AT, link: 'solution', revision: 1 }, 'facts.deadline'],
    ['customer-reminder', { deadline: 'acceptance', dueAt: DUE_AT, link: 'solution', revision: 1 }, "links to 'delivery'"],
    ['customer-reminder', { deadline: 'acceptance', dueAt: DUE_AT, link: null, revision: null }, 'facts.link'],
    ['closure', { status: 'open', resolution: null, followUp: null }, 'facts.status'],
    ['closure', { status: 'completed', resolution: 'solved', followUp: null }, 'facts.resolution'],
    ['closure', { status: 'completed', resolution: null, followUp: true }, 'facts.followUp'],
    ['deadline-escalation', { deadline: 'lunch', dueAt: DUE_AT }, 'facts.deadline'],
    ['deadline-escalation', { deadline: 'review', dueAt: DUE_AT, pendingReviewers: 'A-1, A-2' }, 'facts.pendingReviewers'],
    ['deadline-escalation', { deadline: 'taskDue', dueAt: DUE_AT, taskId: 7 }, 'facts.taskId'],
    ['deadline-reminder', { deadline: 'taskDue', dueAt: DUE_AT, taskId: '上门检测' }, 'facts.taskId'],
    ['task-assigned', { taskId: 'T-1', dueAt: TASK_DUE, acceptBy: null }, 'facts.acceptBy'],
    ['waiting-notice', { link: 'sheet', revision: 1 }, 'facts.link'],
    ['waiting-notice', { link: 'waiting-notice', revision: null }, 'facts.revision'],
    ['delay-notice', { from: DUE_AT, to: DELIVERY_AT, lateNotice: 'yes' }, 'facts.lateNotice'],
    ['delay-notice', { from: DELIVERY_AT, to: DUE_AT, lateNotice: false }, 'later'],
    ['delay-notice', { from: DUE_AT, to: DUE_AT, lateNotice: false }, 'later'],
    ['progress-report', { week: 0 }, 'facts.week'],
    ['delivery', { link: 'delivery', revision: 1, dueAt: null }, 'facts.dueAt'],
    ['deemed-acceptance', { deadline: 'confirmation', dueAt: DUE_AT }, 'facts.deadline'],
    ['repeated-rejection', { rejections: '3' }, 'facts.rejections'],
    ['questionnaire', { link: 'delivery', revision: 1 }, 'facts.link'],
    ['intervention-needed', { verdict: 'angry' }, 'facts.verdict'],
    ['complaint-review-request', { dueAt: 'in 48 hours' }, 'facts.dueAt'],
    ['complaint-review-request', { dueAt: null }, 'facts.dueAt'],
  ] as const)('%s with %j fails non-retryably, naming %s', (template, facts, named) => {
    const failure = failureOf(() => checkFacts(notifyInput(template, facts, recipientsOf(template))));
    expect(failure).toMatchObject({ type: 'InvalidNotificationFacts', nonRetryable: true });
    expect((failure as Error).message).toContain(named);
  });

  it('sends a customer link to the customer only, and a review request to staff only', () => {
    for (const template of ['requirement-sheet', 'solution', 'customer-reminder'] as const) {
      const failure = failureOf(() => checkFacts(notifyInput(template, FACTS[template], [customer, agent])));
      expect(failure).toMatchObject({ type: 'InvalidNotificationFacts', nonRetryable: true });
      expect((failure as Error).message).toContain('customer only');
    }
    expect(failureOf(() => checkFacts(notifyInput('first-response', FACTS['first-response'], [{ kind: 'policyAddress', name: 'supervisors' }])))).toMatchObject({
      type: 'InvalidNotificationFacts',
    });
    const review = failureOf(() => checkFacts(notifyInput('review-request', FACTS['review-request'], [customer])));
    expect(review).toMatchObject({ type: 'InvalidNotificationFacts', nonRetryable: true });
    expect((review as Error).message).toContain('staff only');
    const complaintReview = failureOf(() => checkFacts(notifyInput('complaint-review-request', FACTS['complaint-review-request'], [customer])));
    expect(complaintReview).toMatchObject({ type: 'InvalidNotificationFacts', nonRetryable: true });
    expect((complaintReview as Error).message).toContain('staff only');
    expect(() =>
      checkFacts(notifyInput('complaint-review-request', FACTS['complaint-review-request'], [{ kind: 'policyAddress', name: 'supervisors' }])),
    ).not.toThrow();
    expect(() => checkFacts(notifyInput('void-sheet', FACTS['void-sheet'], [customer, agent, { kind: 'groupLead', groupId: 'after_sales' }]))).not.toThrow();
  });

  it('needs the recorded document to hold the sheet or solution the mail shows, at the link’s revision', () => {
    const doc = documentFixture();
    expect(checkDocument(notifyInput('requirement-sheet', FACTS['requirement-sheet'], [customer]), doc)).toBe('current');
    expect(checkDocument(notifyInput('solution', FACTS.solution, [customer]), doc)).toBe('current');
    expect(checkDocument(notifyInput('review-request', FACTS['review-request'], [agent]), doc)).toBe('current');
    expect(checkDocument(notifyInput('closure', FACTS.closure, [customer]), { ...doc, sheet: null, solution: null })).toBe('current');
    expect(checkDocument(notifyInput('customer-reminder', { deadline: 'acceptance', dueAt: DUE_AT, link: 'delivery', revision: 1 }, [customer]), doc)).toBe('current');

    for (const [template, part] of [['requirement-sheet', 'sheet'], ['solution', 'solution'], ['review-request', 'solution'], ['customer-reminder', 'solution']] as const) {
      const failure = failureOf(() => checkDocument(notifyInput(template, FACTS[template], recipientsOf(template)), { ...doc, [part]: null }));
      expect(failure).toMatchObject({ type: 'DocumentNotRecorded', nonRetryable: true });
    }
    // The workflow records before it sends: an older revision in the row is a programming error too.
    const older = failureOf(() => checkDocument(notifyInput('requirement-sheet', { ...FACTS['requirement-sheet'], revision: 3 }, [customer]), doc));
    expect(older).toMatchObject({ type: 'DocumentNotRecorded', nonRetryable: true });
    expect((older as Error).message).toContain('revision 3');
  });

  it('calls a mail superseded when the recorded document already holds a newer revision', () => {
    const doc = documentFixture();
    expect(checkDocument(notifyInput('requirement-sheet', { ...FACTS['requirement-sheet'], revision: 1 }, [customer]), doc)).toBe('superseded');
    expect(checkDocument(notifyInput('solution', { ...FACTS.solution, revision: 0 }, [customer]), doc)).toBe('superseded');
    expect(
      checkDocument(notifyInput('customer-reminder', { deadline: 'confirmation', dueAt: DUE_AT, link: 'sheet', revision: 1 }, [customer]), doc),
    ).toBe('superseded');
  });

  it('calls a mail with a customer-page link superseded once the request has closed; a closed request’s other mails still go', () => {
    const closed = { ...documentFixture(), status: 'completed' as const, stage: 'closed' as const, closedAt: '2026-12-03T02:30:00.000Z' };
    expect(checkDocument(notifyInput('questionnaire', FACTS.questionnaire, [customer]), closed)).toBe('superseded');
    expect(checkDocument(notifyInput('first-response', FACTS['first-response'], [customer]), closed)).toBe('superseded');
    expect(checkDocument(notifyInput('customer-reminder', { deadline: 'acceptance', dueAt: DUE_AT, link: 'delivery', revision: 1 }, [customer]), closed)).toBe('superseded');
    expect(checkDocument(notifyInput('closure', FACTS.closure, [customer]), closed)).toBe('current');
    expect(checkDocument(notifyInput('questionnaire', FACTS.questionnaire, [customer]), { ...closed, status: 'open', stage: 'follow_up', closedAt: null })).toBe('current');
  });

  it('holds a review request to the review round the document records', () => {
    const doc = documentFixture();
    const secondRound = { ...doc, solution: { ...doc.solution!, reviewRounds: 2 } };
    expect(checkDocument(notifyInput('review-request', { ...FACTS['review-request'], round: 2 }, [agent]), secondRound)).toBe('current');
    expect(checkDocument(notifyInput('review-request', { ...FACTS['review-request'], round: 1 }, [agent]), secondRound)).toBe('superseded');
    const early = failureOf(() => checkDocument(notifyInput('review-request', { ...FACTS['review-request'], round: 3 }, [agent]), secondRound));
    expect(early).toMatchObject({ type: 'DocumentNotRecorded', nonRetryable: true });
    expect((early as Error).message).toContain('review round 3');
  });

  describe('the later stages’ mails and the recorded document', () => {
    const later = [
      'task-assigned',
      'waiting-notice',
      'delay-notice',
      'progress-report',
      'delivery',
      'deemed-acceptance',
      'repeated-rejection',
      'questionnaire',
      'intervention-needed',
    ] as const;
    const input = (template: NotificationTemplate, facts: NotifyInput['facts'] = FACTS[template]) => notifyInput(template, facts, recipientsOf(template));
    const notRecorded = (template: NotificationTemplate, doc: RequestDocument, facts?: NotifyInput['facts']) => {
      const failure = failureOf(() => checkDocument(input(template, facts), doc));
      expect([template, failure]).toMatchObject([template, { type: 'DocumentNotRecorded', nonRetryable: true }]);
      return (failure as Error).message;
    };

    it.each(later)('%s is current against the document the workflow recorded before sending', (template) => {
      expect(checkDocument(input(template), documentFixture())).toBe('current');
    });

    it('fails without retry when the document lacks what the mail shows (the workflow records before it sends)', () => {
      const doc = documentFixture();
      expect(notRecorded('task-assigned', doc, { ...FACTS['task-assigned'], taskId: 'T-9' })).toContain('task T-9');
      expect(notRecorded('task-assigned', { ...doc, solution: null })).toContain('task T-1');
      expect(notRecorded('delay-notice', { ...doc, delays: [] })).toContain('delay');
      // A delay the document holds, but to another time: not this mail's.
      expect(notRecorded('delay-notice', doc, { ...FACTS['delay-notice'], to: '2026-12-03T10:00:00.000Z' })).toContain('2026-12-03');
      expect(notRecorded('intervention-needed', { ...doc, feedback: null })).toContain('verdict dissatisfied');
      expect(notRecorded('intervention-needed', doc, { verdict: 'basically_satisfied' })).toContain('verdict basically_satisfied');
      expect(notRecorded('delivery', { ...doc, delivery: null })).toContain('delivery');
      expect(notRecorded('delivery', doc, { ...FACTS.delivery, revision: 2 })).toContain('delivery revision 2');
      expect(notRecorded('repeated-rejection', { ...doc, delivery: null })).toContain('delivery');
      expect(notRecorded('repeated-rejection', doc, { rejections: 4 })).toContain('delivery rejection 4');
      expect(notRecorded('waiting-notice', { ...doc, pauses: [] })).toContain('waiting-notice');
      expect(notRecorded('waiting-notice', doc, { link: 'waiting-notice', revision: 2 })).toContain('waiting-notice revision 2');
      expect(notRecorded('customer-reminder', { ...doc, delivery: null }, { deadline: 'acceptance', dueAt: DUE_AT, link: 'delivery', revision: 1 })).toContain(
        'delivery',
      );
    });

    it('calls a mail superseded when the request moved on before it went out', () => {
      const doc = documentFixture();
      const moved = { ...doc, delivery: { ...doc.delivery!, revision: 2 }, rejections: 4, documentRevisions: { ...doc.documentRevisions, 'waiting-notice': 2, questionnaire: 2 } };
      expect(checkDocument(input('delivery'), moved)).toBe('superseded');
      expect(checkDocument(input('customer-reminder', { deadline: 'acceptance', dueAt: DUE_AT, link: 'delivery', revision: 1 }), moved)).toBe('superseded');
      // The third rejection's reasons are gone once the fourth is recorded; the fourth has its own mail.
      expect(checkDocument(input('repeated-rejection'), moved)).toBe('superseded');
      expect(checkDocument(input('waiting-notice'), { ...moved, pauses: [...doc.pauses, doc.pauses[0]!] })).toBe('superseded');
      expect(checkDocument(input('questionnaire'), moved)).toBe('superseded');
    });

    it('sends a questionnaire whatever the row holds but a newer questionnaire: it shows nothing of the document', () => {
      const doc = documentFixture();
      expect(checkDocument(input('questionnaire'), { ...doc, documentRevisions: { sheet: 2 } })).toBe('current');
      expect(checkDocument(input('questionnaire', { link: 'questionnaire', revision: 2 }), doc)).toBe('current');
    });

    it('skips a waiting notice whose wait has already ended', () => {
      const doc = documentFixture();
      const resumed = { ...doc, pauses: [{ ...doc.pauses[0]!, resumedAt: '2026-11-27T08:00:00.000Z' }] };
      expect(checkDocument(input('waiting-notice'), resumed)).toBe('superseded');
    });

    it('takes the progress report, the deemed acceptance and the escalations from the document as it is, whatever it holds', () => {
      const bare = { ...documentFixture(), progress: [], solution: null, delivery: null, feedback: null };
      expect(checkDocument(input('progress-report'), bare)).toBe('current');
      expect(checkDocument(input('deemed-acceptance'), bare)).toBe('current');
      expect(checkDocument(notifyInput('deadline-escalation', { deadline: 'taskDue', dueAt: DUE_AT, taskId: 'T-9' }, [agent]), bare)).toBe('current');
    });
  });
});

describe('HTML escaping', () => {
  const hostile = '<script>alert("x")</script>';

  it.each(casesByKind)('escapes a recipient named like a script tag in %s (%s, to a %s)', (name, language, kind) => {
    const email = render(name, language, kind, { name: hostile });
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;');
  });

  it('escapes an assignee name and a group label', () => {
    const ctx = context('en');
    const email = renderEmail('deadline-escalation', 'en', { ...ctx, request: { ...ctx.request, assigneeName: '<b>Eve</b>' } });
    expect(email.html).not.toContain('<b>Eve</b>');
    expect(email.html).toContain('&lt;b&gt;Eve&lt;/b&gt;');
    const nobody = renderEmail('nobody-eligible', 'en', { ...ctx, request: { ...ctx.request, groupLabel: '<i>Ops</i>' } });
    expect(nobody.html).not.toContain('<i>Ops</i>');
  });

  it('shows the name as written in the plain-text part', () => {
    const email = renderEmail('receipt-notice', 'en', context('en', 'Tom & Jerry <Ltd>'));
    expect(email.text).toContain('Tom & Jerry <Ltd>');
    expect(email.html).toContain('Tom &amp; Jerry &lt;Ltd&gt;');
  });
});

describe('labels', () => {
  it('gives every deadline a label in both languages', () => {
    for (const language of Language.options) {
      for (const id of DeadlineId.options) {
        expect([language, id, typeof DEADLINE_LABEL[language][id]]).toEqual([language, id, 'string']);
        expect(DEADLINE_LABEL[language][id].trim()).not.toBe('');
      }
      expect(Object.keys(DEADLINE_LABEL[language]).sort()).toEqual([...DeadlineId.options].sort());
    }
  });

  it('gives deadlines distinct labels within a language', () => {
    for (const language of Language.options) {
      const labels = Object.values(DEADLINE_LABEL[language]);
      expect(new Set(labels).size).toBe(labels.length);
    }
  });

  it('uses process.md’s Chinese term for the execution deadline (处理时限)', () => {
    expect(DEADLINE_LABEL['zh-CN'].execution).toBe('处理时限');
    expect(DEADLINE_LABEL.en.firstResponse).toBe('first response');
  });

  it('gives every request type a label in both languages, in process.md’s words', () => {
    for (const language of Language.options) {
      expect(Object.keys(REQUEST_TYPE_LABEL[language]).sort()).toEqual([...RequestType.options].sort());
    }
    expect(REQUEST_TYPE_LABEL['zh-CN']).toEqual({ consultation: '咨询', complaint: '投诉', suggestion: '建议', after_sales: '售后', fault: '故障' });
    expect(REQUEST_TYPE_LABEL.en.complaint).toBe('complaint');
  });
});

describe('labels of the new templates', () => {
  it('names every review area, resolution, follow-up outcome and closed status in both languages', () => {
    for (const language of Language.options) {
      expect(Object.keys(REVIEW_AREA_LABEL[language]).sort()).toEqual([...ReviewArea.options].sort());
      expect(Object.keys(RESOLUTION_LABEL[language]).sort()).toEqual([...Resolution.options].sort());
      expect(Object.keys(FOLLOW_UP_LABEL[language]).sort()).toEqual([...FollowUpOutcome.options].sort());
      expect(Object.keys(CLOSED_STATUS_LABEL[language]).sort()).toEqual(RequestStatus.options.filter((s) => s !== 'open').sort());
      for (const table of [REVIEW_AREA_LABEL, RESOLUTION_LABEL, FOLLOW_UP_LABEL, CLOSED_STATUS_LABEL]) {
        const labels = Object.values(table[language]);
        expect(labels.every((label) => label.trim() !== '')).toBe(true);
        expect(new Set(labels).size).toBe(labels.length);
      }
    }
  });

  it('names every verdict, rating and feedback source in both languages, in process.md’s words', () => {
    for (const language of Language.options) {
      expect(Object.keys(VERDICT_LABEL[language]).sort()).toEqual([...Verdict.options].sort());
      expect(Object.keys(RATING_LABEL[language]).sort()).toEqual(['attitude', 'professionalism', 'resolution', 'responseSpeed']);
      expect(Object.keys(FEEDBACK_SOURCE_LABEL[language]).sort()).toEqual(['callback', 'survey']);
      for (const table of [VERDICT_LABEL, RATING_LABEL, FEEDBACK_SOURCE_LABEL]) {
        const labels = Object.values(table[language]);
        expect(labels.every((label) => label.trim() !== '')).toBe(true);
        expect(new Set(labels).size).toBe(labels.length);
      }
    }
    expect(VERDICT_LABEL['zh-CN']).toEqual({ satisfied: '满意', basically_satisfied: '基本满意', dissatisfied: '不满意' });
    expect(RATING_LABEL['zh-CN']).toEqual({ responseSpeed: '响应速度', resolution: '问题解决效果', attitude: '服务态度', professionalism: '专业能力' });
  });

  it('names every root cause of a complaint in both languages, in process.md’s words', () => {
    for (const language of Language.options) {
      expect(Object.keys(ROOT_CAUSE_LABEL[language])).toEqual([...RootCause.options]);
      const labels = Object.values(ROOT_CAUSE_LABEL[language]);
      expect(labels.every((label) => label.trim() !== '')).toBe(true);
      expect(new Set(labels).size).toBe(labels.length);
    }
    expect(ROOT_CAUSE_LABEL['zh-CN']).toEqual({ process_gap: '流程漏洞', staff_error: '人员失误', product_issue: '产品问题', external: '外部因素', other: '其他' });
  });

  it('uses the words of the brief and process.md', () => {
    expect(REVIEW_AREA_LABEL['zh-CN']).toEqual({ technical: '技术', product: '产品', legal: '法务' });
    expect(RESOLUTION_LABEL['zh-CN']).toEqual({ first_contact: '首次接触即解决', delivered: '已交付验收', deemed_accepted: '逾期视为验收通过' });
  });
});

describe('formatInstant', () => {
  it('formats in the business time zone: 10:00 UTC is 18:00 in Shanghai', () => {
    const en = formatInstant(DUE_AT, 'en', 'Asia/Shanghai');
    expect(en).toContain('18:00');
    expect(en).toContain('30');
    expect(en).toContain('Nov');
    expect(en).toContain('2026');
    const zh = formatInstant(DUE_AT, 'zh-CN', 'Asia/Shanghai');
    expect(zh).toContain('2026年11月30日');
    expect(zh).toContain('18:00');
  });

  it('formats the same instant in another zone at that zone’s wall-clock time', () => {
    expect(formatInstant(DUE_AT, 'en', 'UTC')).toContain('10:00');
    expect(formatInstant(DUE_AT, 'en', 'Europe/Berlin')).toContain('11:00');
    expect(formatInstant('2026-07-01T10:00:00Z', 'en', 'Europe/Berlin')).toContain('12:00');
  });

  it('uses the local date, which may differ from the UTC date', () => {
    const zh = formatInstant('2026-11-27T16:30:00Z', 'zh-CN', 'Asia/Shanghai');
    expect(zh).toContain('11月28日');
    expect(zh).toContain('00:30');
    expect(formatInstant('2026-12-31T16:30:00Z', 'en', 'Asia/Shanghai')).toContain('2027');
  });

  it('names the zone, so a reader in another zone is not misled', () => {
    expect(formatInstant(DUE_AT, 'en', 'UTC')).toMatch(/UTC|GMT/);
    expect(formatInstant(DUE_AT, 'en', 'Asia/Shanghai')).toMatch(/GMT\+8|CST/);
  });

  it('uses a 24-hour clock', () => {
    expect(formatInstant('2026-11-30T14:05:00Z', 'en', 'UTC')).toContain('14:05');
    expect(formatInstant('2026-11-30T00:05:00Z', 'en', 'UTC')).toContain('00:05');
  });
});
