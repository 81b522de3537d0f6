// The customer back from the channel's app asks "did my payment go through?" (查单 on return, as the channels
// advise beside their notifications). The channel is asked about each payment still open on the order, outside any
// transaction; a trade it holds as paid, for our amount, is applied as its notification would be, under the same
// guarded update: a notification that arrives meanwhile wins or is a duplicate. Nothing is closed here: the
// payment deadline still does that.
import { isError, type DomainError } from '../../domain/errors.ts';
import type { PaymentChannel } from '../../domain/order.ts';
import type { Deps } from '../platform/deps.ts';
import type { Principal } from '../platform/secrets.ts';
import { captureFoundTrade, paysOurAmount, type NoticeOutcome } from './capture-payment.ts';
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
  // The order may have moved (by this check or by the notification it raced): read again after a paid trade.
  let paidAtChannel = false;
  for (const p of open) {
    const seen = await deps.payments[p.channel as PaymentChannel].queryPayment(p.id).catch((e: unknown) => {
      deps.log.warn({ paymentNo: p.id, channel: p.channel, err: String(e) }, 'payment channel did not answer a payment check');
      return null;
    });
    const found: PaymentCheck = seen === null ? 'no_answer'
      : seen.status !== 'paid' ? 'unpaid'
      : !paysOurAmount(deps.log, p, seen.amountFen) ? 'amount_differs'
      : await deps.settings.get().then((settings) => deps.store.tx((r) => captureFoundTrade(r, p.id, seen.tradeNo, deps.clock.now(), settings)));
    paidAtChannel ||= seen?.status === 'paid';
    payments.push({ paymentNo: p.id, found });
  }
  const state = paidAtChannel ? ((await deps.store.orders.getOrder(orderId))?.state ?? order.state) : order.state;
  return { orderId, state, payments };
}
