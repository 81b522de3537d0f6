// A channel's refund-result notification (WeChat Pay) about a card's refund: told apart by its refund number's prefix,
// checked against the refund it names (channel, payment, amount), and applied once: only a refund still pending or
// processing moves, so a resend or a contradiction changes nothing.
import { fail, type DomainError } from '../../domain/errors.ts';
import type { PaymentChannel } from '../../domain/order.ts';
import type { RefundNotice } from '../platform/ports.ts';
import { iotRepos } from '../../adapters/store/iot/index.ts';
import { inTx, type Deps } from '../platform/deps.ts';
import { cardEvent, IOT_SYSTEM } from './trail.ts';

export const isIotRefund = (refundNo: string): boolean => refundNo.startsWith('IRF');

export async function applyIotRefundNotice(deps: Deps, channel: PaymentChannel, notice: RefundNotice): Promise<{ outcome: 'applied' | 'duplicate'; refundNo: string } | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const iot = iotRepos(r);
    const refund = await iot.jobs.getRefund(notice.refundNo);
    if (!refund) return fail('REFUND.NOT_FOUND', 'No such refund.', { refundNo: notice.refundNo });
    if (refund.channel !== channel || refund.payment_id !== notice.paymentNo || (refund.channel_refund_no !== null && refund.channel_refund_no !== notice.channelRefundNo)) {
      return fail('PAYMENT.CHANNEL_MISMATCH', 'The notification does not match the refund it names.', { refundNo: refund.id });
    }
    if (refund.amount_fen !== notice.amountFen) return fail('PAYMENT.AMOUNT_MISMATCH', 'The notified amount differs from the refund.', { expectedFen: refund.amount_fen, notifiedFen: notice.amountFen });
    const moved = await iot.jobs.setRefund(refund.id, ['pending', 'processing'], notice.status === 'succeeded'
      ? { state: 'succeeded', channel_refund_no: notice.channelRefundNo }
      : { state: 'failed', last_error: notice.error ?? notice.status }, now);
    if (moved && notice.status === 'succeeded') {
      await iot.cards.insertEvents([cardEvent(refund.card_id, 'card.refunded', 'cancelled', 'cancelled', IOT_SYSTEM, now, `refund ${refund.id}: ${refund.amount_fen} fen arrived at ${channel}`)]);
    }
    return { outcome: moved ? 'applied' as const : 'duplicate' as const, refundNo: refund.id };
  });
}
