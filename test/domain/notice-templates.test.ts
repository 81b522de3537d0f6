// The template registry: every notice Haoka sends a customer is a template, each placeholder is one of its
// parameters, and Aliyun's ${name} and Tencent Cloud's {n} forms render the same text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOTICE_TEMPLATES, NOTICE_TEMPLATE_NAMES, numberedText, renderNumbered, renderTemplate } from '../../src/domain/notices/templates.ts';

const src = (p: string) => readFileSync(join(import.meta.dirname, '../../src', p), 'utf8');
const STAFF_ONLY = ['review_sla_warning', 'review_sla_breach'];

describe('the notice templates', () => {
  it('cover every notice the code renders for a customer, and the sign-in code', () => {
    const rendered = [...src('app/platform/notification-text.ts').matchAll(/case '([a-z_]+)':/g)].map((m) => m[1]!).filter((n) => !STAFF_ONLY.includes(n));
    expect(rendered.length).toBeGreaterThan(25);
    expect(NOTICE_TEMPLATE_NAMES).toEqual(expect.arrayContaining(rendered));
    const union = /export type NotificationTemplate =([^;]+);/.exec(src('domain/decide.ts'))![1]!;
    const sent = [...union.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]!);
    expect(NOTICE_TEMPLATE_NAMES).toEqual(expect.arrayContaining(sent.filter((n) => !STAFF_ONLY.includes(n))));
    expect(NOTICE_TEMPLATE_NAMES).toContain('sign_in_code');
  });

  it('use each parameter in their text, and no placeholder that is not a parameter', () => {
    for (const [name, t] of Object.entries(NOTICE_TEMPLATES)) {
      const used = [...t.text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
      expect([...new Set(used)].sort(), name).toEqual([...t.params].sort());
    }
  });

  it('turn a notice\'s data into a string for every parameter', () => {
    const data = { orderId: 'O1', amountFen: 5800, paymentDeadline: Date.UTC(2026, 11, 7, 11, 30), channel: 'wechat', code: '123456', number: '13800000000' };
    for (const [name, t] of Object.entries(NOTICE_TEMPLATES)) {
      const values = t.of(data);
      expect(Object.keys(values).sort(), name).toEqual([...t.params].sort());
      for (const v of Object.values(values)) expect(typeof v).toBe('string');
    }
    expect(NOTICE_TEMPLATES.order_placed.of(data)).toEqual({ orderId: 'O1', amount: '58.00', deadline: '12-07 19:30' });
  });

  it('render the same text in Aliyun\'s named form and Tencent Cloud\'s numbered form', () => {
    for (const [name, t] of Object.entries(NOTICE_TEMPLATES)) {
      const values = Object.fromEntries(t.params.map((p, i) => [p, `v${i}`]));
      expect(renderNumbered(numberedText(t), t.params.map((p) => values[p]!)), name).toBe(renderTemplate(t.text, values));
    }
    expect(numberedText(NOTICE_TEMPLATES.refund_arrived)).toBe('订单{1}的退款{2}元已退回您的{3}，请注意查收。退款单号{4}。');
  });

  it('are listed in docs/PARTNERS.md as written here, for the operator to register', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/PARTNERS.md'), 'utf8');
    for (const [name, t] of Object.entries(NOTICE_TEMPLATES)) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
      expect(row, name).toBeDefined();
      expect(row!.endsWith(`| ${t.text} |`), name).toBe(true);
      expect(row, name).toContain(t.params.map((p) => `\`${p}\``).join(', '));
    }
  });
});
