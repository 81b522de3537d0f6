import { describe, expect, it } from 'vitest';
import { cancelRoute, expressRefundVerdict, type RiskFacts } from '../../src/domain/policies/express-refund.ts';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.ts';
import { anOrder } from '../fixtures/builders.ts';

const clean: RiskFacts = { recentCancellations: 0, refundFailures: 0, flagged: false };
const paid = (amountFen: number) => anOrder({ state: 'paid', paymentChannel: 'wechat', amountFen });
const failed = (v: ReturnType<typeof expressRefundVerdict>) => v.checks.filter((c) => !c.passed).map((c) => c.rule);

describe('the express-refund policy', () => {
  it('takes a paid, unpacked order at or under 100.00 yuan with no anomaly', () => {
    expect(expressRefundVerdict(paid(10_000), DEFAULT_SETTINGS, clean)).toMatchObject({ eligible: true });
    expect(cancelRoute(paid(100), DEFAULT_SETTINGS, clean)).toMatchObject({ path: 'express', queue: 'standard' });
  });

  it('sends an order one fen over the threshold to review, and says so', () => {
    const v = expressRefundVerdict(paid(10_001), DEFAULT_SETTINGS, clean);
    expect(failed(v)).toEqual(['amount']);
    expect(v.checks.find((c) => c.rule === 'amount')?.text).toContain('100.00');
    expect(cancelRoute(paid(10_001), DEFAULT_SETTINGS, clean).path).toBe('review');
  });

  it('follows the threshold setting, and 0 turns express refunds off', () => {
    expect(expressRefundVerdict(paid(20_000), { ...DEFAULT_SETTINGS, expressRefundMaxFen: 20_000 }, clean).eligible).toBe(true);
    expect(failed(expressRefundVerdict(paid(1), { ...DEFAULT_SETTINGS, expressRefundMaxFen: 0 }, clean))).toEqual(['amount']);
  });

  it('refuses a customer with an earlier refund failure, a flag, or too many recent cancellations', () => {
    expect(failed(expressRefundVerdict(paid(100), DEFAULT_SETTINGS, { ...clean, refundFailures: 1 }))).toEqual(['refund_history']);
    expect(failed(expressRefundVerdict(paid(100), DEFAULT_SETTINGS, { ...clean, flagged: true }))).toEqual(['not_flagged']);
    expect(failed(expressRefundVerdict(paid(100), DEFAULT_SETTINGS, { ...clean, recentCancellations: 3 }))).toEqual(['cancellation_frequency']);
    expect(expressRefundVerdict(paid(100), DEFAULT_SETTINGS, { ...clean, recentCancellations: 2 }).eligible).toBe(true);
  });

  it('routes a frequent canceller to the priority queue for review, at the configured count', () => {
    expect(cancelRoute(paid(100), DEFAULT_SETTINGS, { ...clean, recentCancellations: 3 })).toMatchObject({ path: 'review', queue: 'priority' });
    expect(cancelRoute(paid(100), { ...DEFAULT_SETTINGS, priorityThreshold: 5 }, { ...clean, recentCancellations: 4 })).toMatchObject({ path: 'express', queue: 'standard' });
  });

  it('never takes a packing order: it needs a warehouse interception', () => {
    const packing = anOrder({ state: 'packing', paymentChannel: 'alipay', amountFen: 100 });
    expect(failed(expressRefundVerdict(packing, DEFAULT_SETTINGS, clean))).toEqual(['not_packing']);
    expect(cancelRoute(packing, DEFAULT_SETTINGS, clean).path).toBe('interception');
  });

  it('reports every rule, passed or not, in the same order', () => {
    expect(expressRefundVerdict(paid(10_001), DEFAULT_SETTINGS, { recentCancellations: 9, refundFailures: 2, flagged: true }).checks.map((c) => [c.rule, c.passed])).toEqual([
      ['not_packing', true], ['amount', false], ['refund_history', false], ['not_flagged', false], ['cancellation_frequency', false],
    ]);
  });
});
