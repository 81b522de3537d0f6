// The customer back from the channel's app asks "did my payment go through?" (查单 on return, as the channels
// advise beside their notifications). The channel is asked about each payment still open on the order, outside any
// transaction; a trade it holds as paid, for our amount, is applied as its notification would be, under the same
// guarded update: a notification that arrives meanwhile wins or is a duplicate. Nothing is closed here: the
// payment deadline still does that.
import { isError, type DomainError } from '../../domain/errors.ts';
import type { PaymentChannel } from '../../domain/order.ts';
import type { Deps } from '../platform/deps.ts';
import type { Principal } from '../platform/secrets.ts';
import { applyCapturedPayment, type NoticeOutcome } from './capture-payment.ts';
import { loadVisibleOrder } from './order-view.ts';

/** What the check found for one open payment. */
export type PaymentCheck = 'paid' | 'unpaid' | 'no_answer' | 'amount_differs' | NoticeOutcome;

export interface CheckedPayments {
  orderId: string;
  /** The order's state after the check. */
  state: string;
  payments: { paymentNo: string; found: PaymentCheck }[];
}

export async function checkOpenPayments(deps: Deps, orderId: string, who: Principal): Promise<CheckedPayments | DomainError> {
  const visible = await loadVisibleOrder(deps, orderId, who);
  if (isError(visible)) return visible;
  const { order } = visible;
  if (order.state !== 'pending_payment') return { orderId, state: order.state, payments: [] };
  const open = (await deps.store.payments.listPayments(orderId)).filter((p) => p.state === 'created' && p.purpose === 'order');
  const payments: CheckedPayments['payments'] = [];
  for (const p of open) {
    const seen = await deps.payments[p.channel as PaymentChannel].queryPayment(p.id).catch((e: unknown) => {
      deps.log.warn({ paymentNo: p.id, channel: p.channel, err: String(e) }, 'payment channel did not answer a payment check');
      return null;
    });
    if (seen === null) {
      payments.push({ paymentNo: p.id, found: 'no_answer' });
      continue;
    }
    if (seen.status !== 'paid') {
      payments.push({ paymentNo: p.id, found: 'unpaid' });
      continue;
    }
    // Another amount pays nothing: the daily bill puts the difference before an operator.
    if (seen.amountFen !== p.amount_fen) {
      deps.log.warn({ paymentNo: p.id, ourFen: p.amount_fen, channelFen: seen.amountFen }, 'channel holds another amount for this payment; left to reconciliation');
      payments.push({ paymentNo: p.id, found: 'amount_differs' });
      continue;
    }
    const settings = await deps.settings.get();
    const found = await deps.store.tx(async (r): Promise<PaymentCheck> => {
      const now = deps.clock.now();
      const fresh = await r.payments.getPayment(p.id, true);
      if (!fresh || !(await r.payments.markPaymentSucceeded(p.id, seen.tradeNo, now))) return 'duplicate';
      return applyCapturedPayment(r, fresh, now, settings);
    });
    payments.push({ paymentNo: p.id, found });
  }
  const after = await deps.store.orders.getOrder(orderId);
  return { orderId, state: after?.state ?? order.state, payments };
}
