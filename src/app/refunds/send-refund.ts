// Sends a pending refund attempt to its channel (outbox topic 'refund') and records the answer.
//
// Crash safety: the attempt stays `pending` until the answer is recorded. If the process dies after the
// channel paid and before that record, the outbox row's claim expires, the row runs again and sends the
// SAME request number: the channel answers with its first outcome and pays nothing more.
import type { OutboxRow } from '../../adapters/store/queue-repo.ts';
import type { RefundRow } from '../../adapters/store/refund-repo.ts';
import type { PaymentChannel } from '../../domain/order.ts';
import { REFUND_SEND_ATTEMPTS } from '../../domain/refund.ts';
import type { RefundAnswer } from '../platform/ports.ts';
import { recordRefundOutcome, type RefundOutcome } from './refund-outcome.ts';
import type { Deps } from '../platform/deps.ts';

/** An answer lost in a timeout is asked about this soon (alipay.trade.fastpay.refund.query). */
export const UNKNOWN_CHECK_AFTER_MS = 60_000;

export async function sendRefund(deps: Deps, row: OutboxRow, payload: Record<string, unknown>): Promise<void> {
  const refund = await deps.store.refunds.getRefund(payload.refundNo as string);
  // Answered already (this row ran before and died after recording), or settled by a notification.
  if (!refund || refund.state !== 'pending') return;
  const answer = await askChannel(deps, refund);
  if (answer.status === 'failed' && answer.retryable) {
    await deps.store.refunds.patchRefund(refund.id, { last_error: answer.error });
    if (row.attempts < REFUND_SEND_ATTEMPTS) throw new Error(`refund ${refund.id}: ${answer.error}`);
    // The channel has been busy for long: if it never took the request, close this attempt so an agent
    // can redo it; if it did, carry on from what it knows.
    const known = await deps.payments[refund.channel as PaymentChannel].queryRefund({ refundNo: refund.id, paymentNo: refund.payment_id });
    const outcome: RefundOutcome = known.status === 'not_found' ? { to: 'closed', error: `channel unavailable: ${answer.error}` } : statusOutcome(known);
    await deps.store.tx((r) => recordRefundOutcome(r, refund.id, outcome, 'query', deps.clock.now()));
    return;
  }
  await deps.store.tx((r) => recordRefundOutcome(r, refund.id, answerOutcome(answer), 'answer', deps.clock.now()));
}

/** A refund call that throws (socket reset, timeout in the client) is an unknown answer, never a failure. */
export async function askChannel(deps: Deps, refund: RefundRow): Promise<RefundAnswer> {
  try {
    const payment = await deps.store.payments.getPayment(refund.payment_id);
    const total = payment?.state === 'succeeded' ? { paymentTotalFen: payment.amount_fen } : {};
    return await deps.payments[refund.channel as PaymentChannel].refund({ refundNo: refund.id, paymentNo: refund.payment_id, amountFen: refund.amount_fen, reason: refund.reason, ...total });
  } catch (e) {
    return { status: 'unknown', error: `no answer: ${String(e)}` };
  }
}

/** What to record for an answer. A retryable failure is recorded as processing-unknown (it is asked about). */
export function answerOutcome(a: RefundAnswer): RefundOutcome {
  switch (a.status) {
    case 'succeeded': return { to: 'succeeded', channelRefundNo: a.channelRefundNo };
    case 'processing': return { to: 'processing', channelRefundNo: a.channelRefundNo };
    case 'unknown': return { to: 'processing', channelRefundNo: null, error: `unknown: ${a.error}`, checkAfterMs: UNKNOWN_CHECK_AFTER_MS };
    case 'failed': return a.retryable
      ? { to: 'processing', channelRefundNo: null, error: `unknown: ${a.error}`, checkAfterMs: UNKNOWN_CHECK_AFTER_MS }
      : { to: 'failed', error: a.error };
  }
}

export function statusOutcome(s: { status: 'succeeded'; channelRefundNo: string } | { status: 'processing'; channelRefundNo: string | null } | { status: 'failed' | 'closed'; error: string }): RefundOutcome {
  switch (s.status) {
    case 'succeeded': return { to: 'succeeded', channelRefundNo: s.channelRefundNo };
    case 'processing': return { to: 'processing', channelRefundNo: s.channelRefundNo };
    case 'failed': return { to: 'failed', error: s.error };
    case 'closed': return { to: 'closed', error: s.error };
  }
}
