import { describe, expect, it } from 'vitest';
import { canRefundMove, holdsMoney, isRefundFinal, isRetryable, REFUND_STATES, REFUND_TRANSITIONS, refundCheckDelay } from '../../src/domain/refund.ts';

describe('the refund state table', () => {
  it('lets an attempt go pending -> processing -> succeeded, failed or closed', () => {
    expect(canRefundMove('pending', 'processing')).toBe(true);
    for (const end of ['succeeded', 'failed', 'closed'] as const) expect(canRefundMove('processing', end)).toBe(true);
  });

  it('lets a channel notification that overtakes our record settle a pending attempt directly', () => {
    expect(canRefundMove('pending', 'succeeded')).toBe(true);
  });

  it('never moves an attempt back, nor out of an ending: a repeated answer changes nothing', () => {
    for (const from of REFUND_STATES) {
      expect(canRefundMove(from, 'pending')).toBe(false);
      expect(canRefundMove(from, from)).toBe(false);
    }
    for (const end of ['succeeded', 'failed', 'closed'] as const) {
      expect(REFUND_TRANSITIONS[end]).toEqual([]);
      expect(isRefundFinal(end)).toBe(true);
    }
    expect(isRefundFinal('processing')).toBe(false);
  });

  it('allows a new request number only after an attempt that certainly paid nothing', () => {
    expect(REFUND_STATES.filter(isRetryable)).toEqual(['failed', 'closed']);
  });

  it('counts money as held by every attempt that may still pay or has paid', () => {
    expect(REFUND_STATES.filter(holdsMoney)).toEqual(['pending', 'processing', 'succeeded']);
  });

  it('asks the channel again later and later, never more than a day apart', () => {
    expect(refundCheckDelay('alipay', 0)).toBe(60_000);
    expect(refundCheckDelay('alipay', 3)).toBe(8 * 60_000);
    expect(refundCheckDelay('bank', 10)).toBe(24 * 3_600_000);
  });
});
