import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/decide.ts';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.ts';
import { decideReturn, openReturn, RETURN_STATES, RETURN_TRANSITIONS, returnWindow, type Return } from '../../src/domain/return.ts';
import { anOrder, soldWith, T0 } from '../fixtures/builders.ts';

const DAY = 86_400_000;
const delivered = anOrder({ state: 'delivered', paymentChannel: 'alipay', paidAt: T0, trackingNo: 'YT1', deliveredAt: T0 });
const ALL = { cardIntact: true, pinAreaUnscratched: true, idCopyEnclosed: true, orderNumberMatches: true };
const agent = { type: 'agent' as const, id: 'A-agent' };
const WHY = { code: 'changed_mind', text: null };

describe('unactivated returns', () => {
  it('has a transition table whose every target is a state and whose ends go nowhere', () => {
    for (const [from, tos] of Object.entries(RETURN_TRANSITIONS)) {
      for (const to of tos) {
        expect(RETURN_STATES).toContain(to);
        expect(to).not.toBe(from);
      }
    }
    expect(RETURN_TRANSITIONS.passed).toEqual([]);
    expect(RETURN_TRANSITIONS.refused).toEqual([]);
  });

  it('counts the activation window the order was sold with from delivery', () => {
    const window = (days: number) => ({ ...delivered, terms: soldWith({ activationWindowDays: days }) });
    expect(returnWindow(window(7), T0 + 7 * DAY - 1).open).toBe(true);
    expect(returnWindow(window(7), T0 + 7 * DAY)).toEqual({ open: false, endsAt: T0 + 7 * DAY });
    expect(returnWindow(window(30), T0 + 29 * DAY).open).toBe(true);
    const late = openReturn(window(15), 'RT1', WHY, T0 + 16 * DAY);
    expect(late).toMatchObject({ code: 'RETURN.WINDOW_EXPIRED', details: { activationWindowDays: 15 } });
  });

  it('passes only when every check holds, and a failing inspection needs a reason', () => {
    const ret = openReturn(delivered, 'RT1', WHY, T0 + DAY) as Return;
    expect(ret).toMatchObject({ reasonCode: 'changed_mind', reasonText: null });
    const received = decideReturn(ret, { type: 'receive' }, T0 + 2 * DAY) as Return;
    expect(decideReturn(received, { type: 'inspect', by: agent, checklist: ALL, notes: null, reason: null }, T0 + 2 * DAY)).toMatchObject({ state: 'passed', refundEarliest: expect.any(String), refundLatest: expect.any(String) });
    expect(decideReturn(received, { type: 'inspect', by: agent, checklist: { ...ALL, idCopyEnclosed: false }, notes: null, reason: ' ' }, T0)).toMatchObject({ code: 'RETURN.REASON_REQUIRED' });
    expect(decideReturn(received, { type: 'inspect', by: agent, checklist: { ...ALL, cardIntact: false }, notes: null, reason: '卡片折断' }, T0)).toMatchObject({ state: 'refused', rejectionReason: '卡片折断' });
    expect(decideReturn(ret, { type: 'inspect', by: agent, checklist: ALL, notes: null, reason: null }, T0)).toMatchObject({ code: 'RETURN.INVALID_TRANSITION' });
  });
});

describe('deciding shipped, delivered and activated orders', () => {
  const ctx = { now: T0 + DAY, settings: DEFAULT_SETTINGS };
  it('never takes a delivered order back, and delivers only a shipped one', () => {
    expect(decide(anOrder({ state: 'shipped' }), { type: 'deliver', at: T0 }, ctx)).toMatchObject({ order: { state: 'delivered', deliveredAt: T0 } });
    expect(decide(delivered, { type: 'deliver', at: T0 }, ctx)).toMatchObject({ code: 'ORDER.INVALID_TRANSITION' });
    expect(decide(delivered, { type: 'ship', trackingNo: 'YT2' }, ctx)).toMatchObject({ code: 'ORDER.INVALID_TRANSITION' });
  });

  it('refunds a passed return to its request when it was an interception, else to the return', () => {
    const viaRequest = decide(anOrder({ state: 'shipped', paymentChannel: 'alipay' }), { type: 'return_passed', returnId: 'RT1', requestId: 'CR1' }, ctx);
    expect(viaRequest).toMatchObject({ order: { state: 'cancelled', closeReason: 'intercepted' }, effects: expect.arrayContaining([expect.objectContaining({ type: 'start_refund', reason: 'cancellation:CR1' })]) });
    const own = decide(delivered, { type: 'return_passed', returnId: 'RT1', requestId: null }, ctx);
    expect(own).toMatchObject({ order: { state: 'cancelled', closeReason: 'returned' }, effects: expect.arrayContaining([expect.objectContaining({ type: 'start_refund', reason: 'return:RT1' })]) });
  });

  it('unsubscribes a trial line only inside the trial it was sold with', () => {
    const active = anOrder({ state: 'activated', paymentChannel: 'alipay', activatedAt: T0, terms: soldWith({ trialDays: 7 }) });
    expect(decide(active, { type: 'unsubscribe_trial' }, { ...ctx, now: T0 + 7 * DAY - 1 })).toMatchObject({ order: { closeReason: 'trial_unsubscribed' } });
    expect(decide(active, { type: 'unsubscribe_trial' }, { ...ctx, now: T0 + 7 * DAY })).toMatchObject({ code: 'ORDER.NOT_CANCELLABLE' });
    expect(decide({ ...active, terms: soldWith({ trialDays: 0 }) }, { type: 'unsubscribe_trial' }, ctx)).toMatchObject({ code: 'ORDER.NOT_CANCELLABLE' });
  });
});
