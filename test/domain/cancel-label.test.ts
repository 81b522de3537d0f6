import { describe, expect, it } from 'vitest';
import { cancellationLabel } from '../../src/domain/policies/cancel-label.ts';
import { anOrder, soldWith, T0 } from '../fixtures/builders.ts';

const DAY = 86_400_000;

describe('the cancellation label on an order', () => {
  it('is green 可取消 with a one-click cancel while an order awaits payment', () => {
    expect(cancellationLabel(anOrder(), T0)).toMatchObject({ label: 'cancellable', text: '可取消', colour: 'green', action: 'cancel' });
  });

  it('is amber 需审核 for paid, packing and shipped orders, each with its own route', () => {
    expect(cancellationLabel(anOrder({ state: 'paid' }), T0)).toMatchObject({ label: 'review_required', colour: 'amber', action: 'apply_cancel' });
    expect(cancellationLabel(anOrder({ state: 'packing' }), T0)).toMatchObject({ label: 'review_required', action: 'apply_cancel' });
    expect(cancellationLabel(anOrder({ state: 'shipped' }), T0)).toMatchObject({ label: 'review_required', action: 'request_interception' });
  });

  it('allows an unactivated return only inside the activation window the order was sold with', () => {
    const delivered = anOrder({ state: 'delivered', terms: soldWith({ activationWindowDays: 15 }) });
    expect(cancellationLabel(delivered, T0 + 14 * DAY, { deliveredAt: T0 })).toMatchObject({ label: 'review_required', action: 'return_unactivated', validUntil: T0 + 15 * DAY });
    expect(cancellationLabel(delivered, T0 + 15 * DAY, { deliveredAt: T0 })).toMatchObject({ label: 'not_cancellable', colour: 'grey' });
  });

  it('lets an activated line with a trial unsubscribe free inside the trial, and only close the account after it', () => {
    const activated = anOrder({ state: 'activated', terms: soldWith({ trialDays: 7 }) });
    expect(cancellationLabel(activated, T0 + 6 * DAY, { activatedAt: T0 })).toMatchObject({ label: 'cancellable', action: 'unsubscribe_trial' });
    expect(cancellationLabel(activated, T0 + 7 * DAY, { activatedAt: T0 })).toMatchObject({ label: 'not_cancellable', action: 'close_account' });
    expect(cancellationLabel({ ...activated, terms: soldWith({ trialDays: 0 }) }, T0, { activatedAt: T0 })).toMatchObject({ label: 'not_cancellable', action: 'close_account' });
  });

  it('is grey 不可取消 with nothing to do on closed orders, and says why', () => {
    for (const state of ['cancelled', 'account_closed'] as const) {
      const l = cancellationLabel(anOrder({ state }), T0);
      expect(l).toMatchObject({ label: 'not_cancellable', text: '不可取消', action: 'none' });
      expect(l.reason.length).toBeGreaterThan(0);
    }
  });

  it('stops offering a cancel once the payment deadline has passed (the order is closing itself)', () => {
    expect(cancellationLabel(anOrder(), T0 + 30 * 60_000)).toMatchObject({ label: 'not_cancellable' });
  });
});
