// The reconciliation job: refunds that have been processing too long are asked about at their channel.
// Each processing attempt carries its next check time (a durable timer on the row itself), written with
// the state that needs it; the worker claims due checks with a lease, so a worker that dies mid-check
// leaves the refund to be checked again, and several workers never check the same refund at once.
import type { RefundRow } from '../../adapters/store/refund-repo.ts';
import type { PaymentChannel } from '../../domain/order.ts';
import { refundCheckDelay } from '../../domain/refund.ts';
import { recordRefundOutcome, type RefundOutcome } from './refund-outcome.ts';
import { answerOutcome, askChannel, statusOutcome } from './send-refund.ts';
import type { Deps } from '../platform/deps.ts';

/** How long a claimed check stays with its worker before another may take it. */
export const REFUND_CHECK_LEASE_MS = 5 * 60_000;

export async function reconcileRefunds(deps: Deps, limit = 100): Promise<number> {
  const due = await deps.store.refunds.claimDueChecks(deps.clock.now(), limit, REFUND_CHECK_LEASE_MS);
  for (const refund of due) {
    try {
      await checkRefund(deps, refund);
    } catch (e) {
      // The lease already pushed the next check ahead: a channel that does not answer is asked again later.
      deps.log.warn({ refundNo: refund.id, orderId: refund.order_id, err: String(e) }, 'refund check failed');
    }
  }
  return due.length;
}

async function checkRefund(deps: Deps, refund: RefundRow): Promise<void> {
  if (refund.state !== 'processing') {
    await deps.store.refunds.patchRefund(refund.id, { next_check_at: null });
    return;
  }
  const channel = refund.channel as PaymentChannel;
  const known = await deps.payments[channel].queryRefund({ refundNo: refund.id, paymentNo: refund.payment_id });
  // Never received (the request was lost on its way): the same request number is sent again, which is
  // safe whatever happened, and the only thing Alipay allows while an outcome is unknown.
  const outcome: RefundOutcome = known.status === 'not_found' ? answerOutcome(await askChannel(deps, refund)) : statusOutcome(known);
  const now = deps.clock.now();
  if (outcome.to === 'processing') {
    await deps.store.refunds.patchRefund(refund.id, {
      next_check_at: now + refundCheckDelay(channel, refund.checks),
      ...(outcome.channelRefundNo ? { channel_refund_no: outcome.channelRefundNo } : {}),
      last_error: outcome.error ?? null,
    });
    return;
  }
  await deps.store.tx((r) => recordRefundOutcome(r, refund.id, outcome, known.status === 'not_found' ? 'resent' : 'query', now));
}
