// Alipay-style refunds (alipay.trade.refund): the answer comes back in the same call, and the money has
// left when it says so. A timeout leaves the outcome unknown; Alipay's rule is to confirm it with
// alipay.trade.fastpay.refund.query, or to resend under the SAME out_request_no, never a new one.
import type { RefundAnswer, RefundRequest } from '../../app/platform/ports.ts';
import type { Clock } from '../../app/platform/ports.ts';
import { PaymentChannelSimulator, type SimulatorOptions } from './simulator.ts';

/** How a scripted timeout happens: after the channel paid (the answer is lost), or before it saw the request. */
export type AlipayTimeout = 'after_payout' | 'before_payout';

export class AlipaySimulator extends PaymentChannelSimulator {
  /** Scripting: the next refund calls time out this way, one entry per call. */
  timeouts: AlipayTimeout[] = [];

  constructor(secret: string, clock: Clock, opts: SimulatorOptions = {}) {
    super('alipay', secret, clock, { closePaid: 'ACQ.TRADE_STATUS_ERROR: 交易状态不合法, the trade is paid and cannot be closed', payClosed: 'ACQ.TRADE_HAS_CLOSE: 交易已经关闭, the trade was closed' }, opts);
  }

  async refund(req: RefundRequest): Promise<RefundAnswer> {
    const timeout = this.timeouts.shift();
    if (timeout === 'before_payout') {
      this.called(req);
      return { status: 'unknown', error: 'TIMEOUT: no answer from alipay.trade.refund' };
    }
    const got = this.receive(req, () => ({ status: 'SUCCESS', error: null }));
    if ('answer' in got) {
      this.persist();
      return timeout ? { status: 'unknown', error: 'TIMEOUT: no answer from alipay.trade.refund' } : got.answer;
    }
    // Alipay settles in the call (fund_change = Y); the journal is written before anyone hears the answer.
    this.settle(got.refund);
    this.persist();
    if (timeout === 'after_payout') return { status: 'unknown', error: 'TIMEOUT: no answer from alipay.trade.refund' };
    return { status: 'succeeded', channelRefundNo: got.refund.channelRefundNo };
  }
}
