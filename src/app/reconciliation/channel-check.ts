// `haoka check` with the channels: what they hold against what we recorded, for recent payments and refunds
// (older days are the daily reconciliation's). Read-only on both sides: a check asks, it never settles.
import type { PaymentChannel } from '../../domain/order.ts';
import type { Store } from '../../adapters/store/store.ts';
import type { PaymentPort } from '../platform/ports.ts';

export interface ChannelViolation {
  invariant: string;
  subject: string;
  detail: string;
}

export const PAYMENT_HELD = 'money a channel holds is on a paid order or refunded';
export const REFUNDS_AGREE = 'refunds agree with the channel';
/** How far back the check asks the channels (days before are reconciled from the bills). */
export const CHANNEL_CHECK_WINDOW_MS = 3 * 86_400_000;
/** An outcome we have not heard yet is normal for a while; one still unknown here after a day is a difference. */
export const REFUND_LAG_MS = 86_400_000;

export async function channelDifferences(store: Store, payments: Record<PaymentChannel, PaymentPort>, now: number, limit = 10_000): Promise<ChannelViolation[]> {
  const out: ChannelViolation[] = [];
  const since = now - CHANNEL_CHECK_WINDOW_MS;
  for (const p of await store.reconciliation.uncapturedPaymentsSince(since, limit)) {
    const seen = await payments[p.channel as PaymentChannel].queryPayment(p.id).catch(() => null);
    if (seen?.status !== 'paid') continue;
    const order = await store.orders.getOrder(p.order_id);
    // An unpaid order is still being settled: its notification, or the query at its deadline, will apply it.
    if (order?.state === 'pending_payment') continue;
    out.push({ invariant: PAYMENT_HELD, subject: p.id, detail: `${p.channel} holds ${seen.amountFen} fen (trade ${seen.tradeNo}) that is ${p.state} here, on ${order?.state ?? 'missing'} order ${p.order_id}` });
  }
  for (const r of await store.reconciliation.refundsSince(since, limit)) {
    const seen = await payments[r.channel as PaymentChannel].queryRefund({ refundNo: r.id, paymentNo: r.payment_id }).catch(() => null);
    if (!seen) continue;
    const there = seen.status;
    const ours = r.state;
    const disagree = (ours === 'succeeded' && there !== 'succeeded')
      || ((ours === 'failed' || ours === 'closed') && there === 'succeeded')
      || ((ours === 'pending' || ours === 'processing') && (there === 'succeeded' || there === 'failed' || there === 'closed') && now - r.updated_at > REFUND_LAG_MS);
    if (disagree) out.push({ invariant: REFUNDS_AGREE, subject: r.id, detail: `refund on order ${r.order_id} is ${ours} here and ${there} at ${r.channel}` });
  }
  return out;
}
