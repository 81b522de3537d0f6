// Alipay's answers read as the port's types: a trade query's trade, a refund query's refund. Pure: the adapter
// hands them the verified answer (the `<method>_response` object); the published samples are read the same way.
import type { RefundStatus, TradeStatus } from '../../../app/platform/ports.ts';
import { CODE, parseBeijingTime, SUB, yuanToFen } from './protocol.ts';

export type AlipayAnswer = { code: string; msg: string; sub_code?: string; sub_msg?: string; [k: string]: unknown };

/** The answer could not be read as what was asked: nothing is known. */
export class AlipayUnreadable extends Error {}

/** alipay.trade.query: WAIT_BUYER_PAY waiting, TRADE_SUCCESS / TRADE_FINISHED paid, TRADE_CLOSED closed, ACQ.TRADE_NOT_EXIST not found. */
export function tradeStatusOf(a: AlipayAnswer, paymentNo: string): TradeStatus {
  if (a.code === CODE.businessFailed && a.sub_code === SUB.tradeNotExist) return { status: 'not_found' };
  if (a.code !== CODE.ok) throw new AlipayUnreadable(`Alipay's trade query answered ${a.code} ${a.msg} ${a.sub_code ?? ''} ${a.sub_msg ?? ''}`.trim());
  if (a.out_trade_no !== paymentNo) throw new AlipayUnreadable(`Alipay's trade query of ${paymentNo} answered another trade.`);
  switch (a.trade_status) {
    case 'WAIT_BUYER_PAY': return { status: 'waiting' };
    case 'TRADE_CLOSED': return { status: 'closed' };
    case 'TRADE_SUCCESS':
    case 'TRADE_FINISHED': {
      // Amounts come as strings, or as JSON numbers in some answers (the published sample): read as written.
      const paidAt = parseBeijingTime(String(a.send_pay_date ?? '')) ?? 0;
      return { status: 'paid', tradeNo: String(a.trade_no), amountFen: yuanToFen(String(a.total_amount)), paidAt };
    }
    default: throw new AlipayUnreadable(`Alipay's trade query of ${paymentNo} gave the unknown status ${String(a.trade_status)}.`);
  }
}

/**
 * alipay.trade.fastpay.refund.query: an answer without the request's fields means Alipay never received that request
 * number (nothing was paid); "refund_status 为空或为 REFUND_SUCCESS" is a refund paid.
 */
export function refundStatusOf(a: AlipayAnswer, req: { refundNo: string; paymentNo: string }): RefundStatus {
  if (a.sub_code === SUB.tradeNotExist) return { status: 'not_found' };
  if (a.code !== CODE.ok) throw new AlipayUnreadable(`Alipay's refund query answered ${a.code} ${a.msg} ${a.sub_code ?? ''} ${a.sub_msg ?? ''}`.trim());
  if (!a.out_request_no || a.refund_amount === undefined) return { status: 'not_found' };
  if (a.out_trade_no !== req.paymentNo || a.out_request_no !== req.refundNo) return { status: 'not_found' };
  if (a.refund_status === undefined || a.refund_status === 'REFUND_SUCCESS') return { status: 'succeeded', channelRefundNo: String(a.trade_no) };
  return { status: 'processing', channelRefundNo: null };
}
