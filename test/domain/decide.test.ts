import { describe, expect, it } from 'vitest';
import { decide, placementEffects, CANCEL_CONFIRMATION_TEXT } from '../../src/domain/decide.ts';
import { isError } from '../../src/domain/errors.ts';
import { ORDER_STATES } from '../../src/domain/order.ts';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.ts';
import { anOrder, T0 } from '../fixtures/builders.ts';

const ctx = (now = T0 + 60_000, settings = DEFAULT_SETTINGS) => ({ now, settings });

describe('cancelling an unpaid order', () => {
  it('needs the customer to confirm, and says what they confirm', () => {
    const r = decide(anOrder(), { type: 'cancel_unpaid', confirm: false }, ctx());
    expect(isError(r) && r.code).toBe('ORDER.CONFIRMATION_REQUIRED');
    expect(isError(r) && r.details?.confirmationText).toBe(CANCEL_CONFIRMATION_TEXT);
  });

  it('cancels at once as customer_abandoned, releases the number and stops the countdown', () => {
    const r = decide(anOrder(), { type: 'cancel_unpaid', confirm: true, reason: '选错套餐' }, ctx());
    if (isError(r)) throw new Error(r.message);
    expect(r.order).toMatchObject({ state: 'cancelled', closeReason: 'customer_abandoned', closedAt: T0 + 60_000, version: 2 });
    expect(r.event).toMatchObject({ action: 'order.cancelled', fromState: 'pending_payment', toState: 'cancelled', reason: '选错套餐', automatic: false });
    expect(r.effects).toContainEqual({ type: 'release_number', numberId: 'N1' });
    expect(r.effects).toContainEqual({ type: 'cancel_timers', kinds: ['payment_reminder', 'payment_deadline'] });
  });

  for (const state of ORDER_STATES.filter((s) => s !== 'pending_payment')) {
    it(`refuses a one-step cancel of a ${state} order`, () => {
      const r = decide(anOrder({ state }), { type: 'cancel_unpaid', confirm: true }, ctx());
      expect(isError(r) && r.code).toBe('ORDER.NOT_CANCELLABLE');
    });
  }
});

describe('closing an unpaid order at its deadline', () => {
  it('does nothing before the deadline, even if a timer fires early', () => {
    const r = decide(anOrder(), { type: 'close_unpaid' }, ctx(T0 + 30 * 60_000 - 1));
    expect(isError(r) && r.code).toBe('ORDER.INVALID_TRANSITION');
  });

  it('closes as payment_timeout at the deadline, distinct from a manual cancel', () => {
    const r = decide(anOrder(), { type: 'close_unpaid' }, ctx(T0 + 30 * 60_000));
    if (isError(r)) throw new Error(r.message);
    expect(r.order).toMatchObject({ state: 'cancelled', closeReason: 'payment_timeout' });
    expect(r.event).toMatchObject({ action: 'order.closed_unpaid', automatic: true });
  });

  it('is harmless when repeated after the order closed or was paid', () => {
    for (const state of ['cancelled', 'paid'] as const) {
      const r = decide(anOrder({ state }), { type: 'close_unpaid' }, ctx(T0 + 31 * 60_000));
      expect(isError(r)).toBe(true);
    }
  });

  it('records re-order discount eligibility per the platform setting, separately for each kind of close', () => {
    const settings = { ...DEFAULT_SETTINGS, reorderDiscount: { afterPaymentTimeout: true, afterCustomerAbandoned: false } };
    const timedOut = decide(anOrder(), { type: 'close_unpaid' }, ctx(T0 + 30 * 60_000, settings));
    const abandoned = decide(anOrder(), { type: 'cancel_unpaid', confirm: true }, ctx(T0, settings));
    expect(!isError(timedOut) && timedOut.order.keepsReorderDiscount).toBe(true);
    expect(!isError(abandoned) && abandoned.order.keepsReorderDiscount).toBe(false);
  });
});

describe('paying', () => {
  it('moves an unpaid order to paid and sells the number', () => {
    const r = decide(anOrder(), { type: 'pay', channel: 'wechat', paymentNo: 'PAY1' }, ctx());
    if (isError(r)) throw new Error(r.message);
    expect(r.order).toMatchObject({ state: 'paid', paymentChannel: 'wechat', paidAt: T0 + 60_000 });
    expect(r.effects).toContainEqual({ type: 'sell_number', numberId: 'N1' });
  });

  it('refuses to pay a closed order (the money is then refunded by the caller)', () => {
    const r = decide(anOrder({ state: 'cancelled' }), { type: 'pay', channel: 'alipay', paymentNo: 'PAY1' }, ctx());
    expect(isError(r) && r.code).toBe('ORDER.NOT_PAYABLE');
  });
});

describe('placing', () => {
  it('schedules the reminder before the deadline and the deadline itself, and tells the customer', () => {
    const effects = placementEffects(anOrder(), DEFAULT_SETTINGS);
    expect(effects).toContainEqual({ type: 'schedule', kind: 'payment_reminder', dueAt: T0 + 25 * 60_000 });
    expect(effects).toContainEqual({ type: 'schedule', kind: 'payment_deadline', dueAt: T0 + 30 * 60_000 });
    expect(effects.some((e) => e.type === 'notify' && e.template === 'order_placed')).toBe(true);
  });
});

describe('cancelling a paid order', () => {
  const paid = anOrder({ state: 'paid', paymentChannel: 'alipay', paidAt: T0 });

  it('cancels a paid order for its request: full refund to the channel and the number released at the carrier', () => {
    const r = decide(paid, { type: 'cancel_paid', requestId: 'CR1', express: true }, ctx());
    if (isError(r)) throw new Error(r.message);
    expect(r.order).toMatchObject({ state: 'cancelled', closeReason: 'customer_cancelled', closedAt: T0 + 60_000 });
    expect(r.event).toMatchObject({ action: 'order.cancelled', fromState: 'paid', automatic: true });
    expect(r.effects).toEqual([
      { type: 'start_refund', amountFen: 5800, reason: 'cancellation:CR1', express: true },
      { type: 'release_number_at_carrier' },
    ]);
  });

  it('refunds nothing for a free card but still releases its number', () => {
    const r = decide({ ...paid, amountFen: 0 }, { type: 'cancel_paid', requestId: 'CR1', express: false }, ctx());
    expect(!isError(r) && r.effects).toEqual([{ type: 'release_number_at_carrier' }]);
  });

  it('cancels a packing order only through an accepted interception', () => {
    expect(isError(decide({ ...paid, state: 'packing' }, { type: 'cancel_paid', requestId: 'CR1', express: false }, ctx()))).toBe(true);
    const r = decide({ ...paid, state: 'packing' }, { type: 'intercepted', requestId: 'CR1' }, ctx());
    expect(!isError(r) && r.order).toMatchObject({ state: 'cancelled', closeReason: 'intercepted' });
    expect(isError(decide({ ...paid, state: 'shipped' }, { type: 'intercepted', requestId: 'CR1' }, ctx()))).toBe(true);
  });

  it('holds packing back while a cancellation request is open', () => {
    const r = decide(paid, { type: 'start_packing', openRequestId: 'CR1' }, ctx());
    expect(isError(r) && r.code).toBe('ORDER.OPEN_CANCELLATION_REQUEST');
    expect(!isError(decide({ ...paid, iccid: '89860012345678901238', pickedAt: T0 }, { type: 'start_packing', openRequestId: null }, ctx()))).toBe(true);
  });

  it('packs only a picked card: the pick stays inside paid and is audited', () => {
    const unpicked = decide(paid, { type: 'start_packing', openRequestId: null }, ctx());
    expect(isError(unpicked) && unpicked.code).toBe('FULFILMENT.NOT_PICKED');
    const picked = decide(paid, { type: 'pick', iccid: '89860012345678901238', openRequestId: null }, ctx());
    expect(!isError(picked) && picked.order).toMatchObject({ state: 'paid', iccid: '89860012345678901238', version: paid.version + 1 });
    expect(!isError(picked) && picked.event).toMatchObject({ action: 'order.picked', fromState: 'paid', toState: 'paid' });
    const twice = decide((picked as { order: typeof paid }).order, { type: 'pick', iccid: '89860012345678901246', openRequestId: null }, ctx());
    expect(isError(twice) && twice.code).toBe('FULFILMENT.ALREADY_PICKED');
    const open = decide(paid, { type: 'pick', iccid: '89860012345678901238', openRequestId: 'CR1' }, ctx());
    expect(isError(open) && open.code).toBe('ORDER.OPEN_CANCELLATION_REQUEST');
  });

  it('ships only a packing order', () => {
    expect(isError(decide(paid, { type: 'ship', trackingNo: 'SF1' }, ctx()))).toBe(true);
    const r = decide({ ...paid, state: 'packing' }, { type: 'ship', trackingNo: 'SF1' }, ctx());
    expect(!isError(r) && r.event).toMatchObject({ action: 'order.shipped', toState: 'shipped', reason: 'SF1' });
  });
});
