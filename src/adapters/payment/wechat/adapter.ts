// The WeChat Pay channel through API v3 (H5 payments): the same code runs against api.mch.weixin.qq.com and
// against the fake gateway of the demo and the tests; only the address and the keys differ. Written on
// node:crypto and fetch rather than wechatpay-axios-plugin: the plugin checks answers' timestamps against the
// machine's clock (our clock is injected, and tests move it), and would bring axios and an XML parser for the v2
// API we do not use. Answers are mapped to the port's types; a call that times out, or whose answer does not
// verify, is "unknown" (refunds) or throws (trade queries and closes), never a refusal.
import { createHash } from 'node:crypto';
import { isError, type DomainError } from '../../../domain/errors.ts';
import { billDayEnd } from '../../../domain/policies/bill-day.ts';
import type {
  Clock, CloseTradeAnswer, CreatePaymentRequest, PaymentNotice, PaymentPort, RefundAnswer, RefundNotice, RefundRequest, RefundStatus, Statement, TradeStatus,
} from '../../../app/platform/ports.ts';
import { errorCodeOf, WechatPayClient, WechatUnanswered, type WechatAnswer } from './client.ts';
import type { WechatConfig } from './config.ts';
import { billAnswer, refund as refundSchema, refundStatusOf, rfc3339Shanghai, tradeStatusOf, transaction } from './messages.ts';
import { openNotification, paymentNoticeOf, refundNoticeOf } from './notifications.ts';
import { BillFormatError, parseTradeBill } from './bill.ts';

export interface WechatAdapterOptions {
  /** Where WeChat Pay notifies payments and refunds (our public address + the callback routes). */
  notifyUrls: { payment: string; refund: string };
  /** The customer's address as WeChat's H5 order needs it (scene_info.payer_client_ip). */
  payerClientIp?: string;
  /** Demo: the page the customer pays on (the fake's in-app page) instead of WeChat's h5_url. */
  payUrlOf?: (paymentNo: string, h5Url: string) => string;
  timeoutMs?: number;
}

/** Refusals that say "busy, send the same request again": the request number is kept, nothing was paid. */
const RETRYABLE = new Set(['SYSTEM_ERROR', 'FREQUENCY_LIMITED', 'NOT_ENOUGH', 'SIGN_ERROR', 'USER_ACCOUNT_ABNORMAL']);

export class WechatPayAdapter implements PaymentPort {
  readonly channel = 'wechat' as const;
  readonly client: WechatPayClient;

  constructor(private readonly cfg: WechatConfig, private readonly clock: Clock, private readonly opts: WechatAdapterOptions) {
    this.client = new WechatPayClient(cfg, clock, opts.timeoutMs);
  }

  async createPayment(req: CreatePaymentRequest): Promise<{ payUrl: string }> {
    // WeChat Pay takes no order under 1 fen (PARAM_ERROR on /amount/total): a free order cannot be paid there.
    if (req.amountFen < 1) throw new Error(`WeChat Pay cannot take ${req.paymentNo}: an order of ${req.amountFen} fen (the least is 1 fen).`);
    const a = await this.client.call('POST', '/v3/pay/transactions/h5', {
      appid: this.cfg.appId, mchid: this.cfg.mchId, description: req.subject.slice(0, 127), out_trade_no: req.paymentNo,
      time_expire: rfc3339Shanghai(req.expiresAt), notify_url: this.opts.notifyUrls.payment,
      amount: { total: req.amountFen, currency: 'CNY' },
      scene_info: { payer_client_ip: this.opts.payerClientIp ?? '127.0.0.1', h5_info: { type: 'Wap' } },
    });
    const h5Url = a.status === 200 && typeof a.json?.h5_url === 'string' ? a.json.h5_url : null;
    if (!h5Url) {
      const e = errorCodeOf(a);
      throw new Error(`WeChat Pay refused the H5 order ${req.paymentNo}: ${e.code} ${e.message}`);
    }
    return { payUrl: this.opts.payUrlOf ? this.opts.payUrlOf(req.paymentNo, h5Url) : h5Url };
  }

  verifyNotification(headers: Record<string, string | string[] | undefined>, rawBody: string, now: number): PaymentNotice | DomainError {
    const opened = openNotification(this.client, this.cfg.apiV3Key, headers, rawBody, now);
    return isError(opened) ? opened : paymentNoticeOf(opened, this.cfg);
  }

  verifyRefundNotification(headers: Record<string, string | string[] | undefined>, rawBody: string, now: number): RefundNotice | DomainError {
    const opened = openNotification(this.client, this.cfg.apiV3Key, headers, rawBody, now);
    return isError(opened) ? opened : refundNoticeOf(opened, this.cfg);
  }

  async queryPayment(paymentNo: string): Promise<TradeStatus> {
    const a = await this.client.call('GET', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(paymentNo)}?mchid=${this.cfg.mchId}`);
    if (a.status === 404 && errorCodeOf(a).code === 'ORDER_NOT_EXIST') return { status: 'not_found' };
    if (a.status !== 200) throw unexpected('trade query', a);
    const t = transaction.safeParse(a.json);
    if (!t.success || t.data.out_trade_no !== paymentNo) throw new WechatUnanswered(`WeChat Pay's trade query of ${paymentNo} answered another trade or a malformed one.`);
    return tradeStatusOf(t.data);
  }

  async closePayment(paymentNo: string): Promise<CloseTradeAnswer> {
    const a = await this.client.call('POST', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(paymentNo)}/close`, { mchid: this.cfg.mchId });
    if (a.status === 204 || a.status === 200) return { status: 'closed' };
    const e = errorCodeOf(a);
    if (e.code === 'ORDER_NOT_EXIST') return { status: 'not_found' };
    if (e.code === 'ORDERPAID') return { status: 'refused', error: `ORDERPAID: ${e.message || '订单已支付'}` };
    if (e.code === 'ORDER_CLOSED') return { status: 'closed' };
    throw unexpected('trade close', a);
  }

  async refund(req: RefundRequest): Promise<RefundAnswer> {
    let total: number;
    try {
      total = await this.totalOf(req);
    } catch (e) {
      // Nothing was sent: the refund can be sent later under the same number.
      return { status: 'failed', error: `TRADE_QUERY_FAILED: ${(e as Error).message}`, retryable: true };
    }
    let a: WechatAnswer;
    try {
      // out_refund_no is our request number: sent again after a timeout, WeChat answers the first refund and pays nothing more.
      a = await this.client.call('POST', '/v3/refund/domestic/refunds', {
        out_trade_no: req.paymentNo, out_refund_no: req.refundNo, reason: req.reason.slice(0, 80), notify_url: this.opts.notifyUrls.refund,
        amount: { refund: req.amountFen, total, currency: 'CNY' },
      });
    } catch (e) {
      return { status: 'unknown', error: `TIMEOUT: ${(e as Error).message}` };
    }
    if (a.status === 200) {
      const r = refundSchema.safeParse(a.json);
      if (!r.success || r.data.out_refund_no !== req.refundNo) return { status: 'unknown', error: 'WeChat Pay answered the refund with another or a malformed refund.' };
      const s = refundStatusOf(r.data);
      if (s.status === 'succeeded' || s.status === 'processing') return s;
      return { status: 'failed', error: (s as { error: string }).error, retryable: false };
    }
    const e = errorCodeOf(a);
    if (RETRYABLE.has(e.code) || a.status === 429) return { status: 'failed', error: `${e.code}: ${e.message}`, retryable: true };
    if (a.status >= 500) return { status: 'unknown', error: `${e.code}: ${e.message}` };
    return { status: 'failed', error: `${e.code === 'RESOURCE_NOT_EXISTS' ? 'TRADE_NOT_EXIST' : e.code}: ${e.message}`, retryable: false };
  }

  async queryRefund(req: { refundNo: string; paymentNo: string }): Promise<RefundStatus> {
    const a = await this.client.call('GET', `/v3/refund/domestic/refunds/${encodeURIComponent(req.refundNo)}`);
    if (a.status === 404 && errorCodeOf(a).code === 'RESOURCE_NOT_EXISTS') return { status: 'not_found' };
    if (a.status !== 200) throw unexpected('refund query', a);
    const r = refundSchema.safeParse(a.json);
    if (!r.success) throw new WechatUnanswered(`WeChat Pay's refund query of ${req.refundNo} is malformed.`);
    if (r.data.out_trade_no !== req.paymentNo) return { status: 'not_found' };
    return refundStatusOf(r.data);
  }

  async statement(day: string): Promise<Statement> {
    const a = await this.client.call('GET', `/v3/bill/tradebill?bill_date=${day}&bill_type=ALL`);
    if (a.status !== 200) {
      const code = errorCodeOf(a).code;
      if (code === 'STATEMENT_CREATING') return { status: 'not_ready', day };
      // No bill for a day that has ended: nothing was paid or refunded that day.
      if (code === 'NO_STATEMENT_EXIST') return this.clock.now() >= billDayEnd(day) ? { status: 'ready', day, lines: [] } : { status: 'not_ready', day };
      throw unexpected('trade bill', a);
    }
    const bill = billAnswer.safeParse(a.json);
    if (!bill.success) throw new WechatUnanswered('WeChat Pay\'s trade bill answer is malformed.');
    const file = await this.client.call('GET', '', undefined, { signedAnswer: false, absoluteUrl: bill.data.download_url });
    if (file.status !== 200) throw unexpected('bill download', file);
    // The file's answer is not signed: its hash, given in the signed answer, is what vouches for it.
    const hash = createHash(bill.data.hash_type.toLowerCase() === 'sha1' ? 'sha1' : 'sha256').update(file.body, 'utf8').digest('hex');
    if (hash !== bill.data.hash_value.toLowerCase()) throw new WechatUnanswered('The downloaded trade bill does not match its hash.');
    try {
      return { status: 'ready', day, lines: parseTradeBill(file.body) };
    } catch (e) {
      if (e instanceof BillFormatError) throw new WechatUnanswered(`The trade bill of ${day} is malformed: ${e.message}`);
      throw e;
    }
  }

  /**
   * WeChat's refund needs the trade's total: the amount we recorded from WeChat's own notification or query when
   * the caller gives it, else asked at the channel. When the channel does not answer, the refund is not sent at
   * all (a busy answer: sent again later under the same number).
   */
  private async totalOf(req: RefundRequest): Promise<number> {
    if (req.paymentTotalFen !== undefined) return req.paymentTotalFen;
    const t = await this.queryPayment(req.paymentNo);
    return t.status === 'paid' ? t.amountFen : req.amountFen;
  }
}

function unexpected(what: string, a: WechatAnswer): Error {
  const e = errorCodeOf(a);
  return new WechatUnanswered(`WeChat Pay's ${what} answered ${a.status} ${e.code} ${e.message}`.trim());
}
