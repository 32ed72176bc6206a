/**
 * E-mail templates (process.md "Notifications"): Chinese (zh-CN, default)
 * and English (en), HTML and plain text, rendered with the context the
 * notification activity builds (activities/notifications/notify.ts).
 */
import { NotificationTemplate } from '../../contracts/activities';
import { DeadlineId, Language, RequestType } from '../../contracts/request';
import { DEADLINE_LABEL, formatInstant, REQUEST_TYPE_LABEL } from '../../activities/notifications/labels';
import { renderEmail } from '../../activities/notifications/templates';

const DUE_AT = '2026-11-30T10:00:00.000Z';
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
  };
}

const cases = NotificationTemplate.flatMap((name) => Language.options.map((language) => [name, language] as const));

describe('every notification template in every language', () => {
  it('covers every template in both languages', () => {
    expect(cases).toHaveLength(NotificationTemplate.length * 2);
    expect(Language.options).toEqual(['zh-CN', 'en']);
  });

  describe.each(cases)('%s in %s', (name, language) => {
    const email = renderEmail(name, language, context(language));
    const toCustomer = renderEmail(name, language, context(language, undefined, 'customer'));

    it('addresses a customer recipient too, with a subject naming the request', () => {
      expect(toCustomer.subject).toContain('R-2026-000123');
      expect(toCustomer.text).toContain(context(language).recipient.name);
      expect(toCustomer.text).not.toContain(toCustomer.subject);
    });

    it('has a subject naming the request', () => {
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
      expect(email.text).toContain(context(language).recipient.name);
    });

    it('leaves the <head> (the title) out of the plain text', () => {
      expect(email.text).not.toContain(email.subject);
      expect(email.text).not.toContain('viewport');
    });
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

describe('HTML escaping', () => {
  const hostile = '<script>alert("x")</script>';

  it.each(cases)('escapes a recipient named like a script tag in %s (%s)', (name, language) => {
    const email = renderEmail(name, language, context(language, hostile));
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
