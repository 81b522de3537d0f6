// The Alipay channel through the official SDK (alipay-sdk 4.x, OpenAPI v2 at gateway.do): the same code runs
// against openapi.alipay.com and against the fake gateway of the demo and the tests; only the address and the keys
// differ. Every request is signed RSA2 with the application key by the SDK, every answer verified with Alipay's
// public key (validateSign), every notification with checkNotifySignV2. A call that times out, or whose answer
// does not verify, is "unknown" (refunds) or throws (trade queries and closes), never a refusal.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { AlipaySdk } from 'alipay-sdk';
import type { DomainError } from '../../../domain/errors.ts';
import { billDayEnd } from '../../../domain/policies/bill-day.ts';
import type {
  Clock, CloseTradeAnswer, CreatePaymentRequest, PaymentNotice, PaymentPort, RefundAnswer, RefundRequest, RefundStatus, Statement, TradeStatus,
} from '../../../app/platform/ports.ts';
import type { AlipayConfig } from './config.ts';
import { readNotification } from './notifications.ts';
import { AmountFormatError, beijingTime, CODE, fenToYuan, METHODS, SUB } from './protocol.ts';
import { AlipayUnreadable, refundStatusOf, tradeStatusOf, type AlipayAnswer } from './messages.ts';
import { BillFormatError, detailsOf, parseTradeDetails } from './bill.ts';

export interface AlipayAdapterOptions {
  /** Where Alipay notifies trade status changes (our public address + the notify route). */
  notifyUrl: string;
  /** Demo: the page the customer pays on (the fake's in-app page) instead of Alipay's cashier URL. */
  payUrlOf?: (paymentNo: string, cashierUrl: string) => string;
  /** Demo: the customer's phone opens the cashier page (which is when Alipay creates the trade). */
  openPage?: (cashierUrl: string) => Promise<void>;
  timeoutMs?: number;
}

/** An Alipay answer that could not be had or believed: nothing is known of the call's outcome. */
export class AlipayUnanswered extends Error {}

type Answer = AlipayAnswer;

/** Refusals that say "busy, send the same request again": the request number is kept, nothing was paid. */
const RETRYABLE = new Set<string>([SUB.systemError, SUB.balanceNotEnough, SUB.invalidSignature, 'aop.ACQ.SYSTEM_ERROR']);

export class AlipayAdapter implements PaymentPort {
  readonly channel = 'alipay' as const;
  readonly sdk: AlipaySdk;

  constructor(private readonly cfg: AlipayConfig, private readonly clock: Clock, private readonly opts: AlipayAdapterOptions) {
    this.sdk = new AlipaySdk({
      appId: cfg.appId, privateKey: cfg.privateKeyPem, keyType: 'PKCS8', alipayPublicKey: cfg.alipayPublicKeyPem,
      gateway: cfg.gateway, timeout: opts.timeoutMs ?? 5000, camelcase: false, signType: 'RSA2',
    });
    // The SDK keeps both keys as PEM text and hands the text to node:crypto at every signature and check, where
    // OpenSSL parses it again: 1.1 ms of a 1.4 ms signature, 0.12 of a 0.15 ms check. It is given the parsed keys
    // instead, which node:crypto takes in the same places (the SDK only formats the text in its constructor).
    const keys = this.sdk.config as unknown as { privateKey: string | KeyObject; alipayPublicKey: string | KeyObject };
    keys.privateKey = createPrivateKey(keys.privateKey as string);
    keys.alipayPublicKey = createPublicKey(keys.alipayPublicKey as string);
  }

  /** One signed call, its answer verified; throws AlipayUnanswered when there is no answer to believe. */
  async call(method: string, bizContent: Record<string, unknown>, extra: Record<string, string> = {}): Promise<Answer> {
    try {
      return (await this.sdk.exec(method, { bizContent, ...extra }, { validateSign: true })) as Answer;
    } catch (e) {
      throw new AlipayUnanswered(`Alipay did not answer ${method} (or its answer is not trusted): ${(e as Error).message.slice(0, 200)}`);
    }
  }

  async createPayment(req: CreatePaymentRequest): Promise<{ payUrl: string }> {
    // Alipay takes no trade under 0.01 yuan: a free order cannot be paid there.
    if (req.amountFen < 1) throw new Error(`Alipay cannot take ${req.paymentNo}: an order of ${req.amountFen} fen (the least is 1 fen).`);
    // H5 payment is a page: the SDK signs the request into the cashier URL the customer's browser opens.
    const url = this.sdk.pageExecute(METHODS.wapPay, 'GET', {
      bizContent: {
        out_trade_no: req.paymentNo, total_amount: fenToYuan(req.amountFen), subject: req.subject.slice(0, 256), product_code: 'QUICK_WAP_WAY',
        time_expire: beijingTime(req.expiresAt),
      },
      notify_url: this.opts.notifyUrl,
    });
    if (this.opts.openPage) await this.opts.openPage(url);
    return { payUrl: this.opts.payUrlOf ? this.opts.payUrlOf(req.paymentNo, url) : url };
  }

  verifyNotification(headers: Record<string, string | string[] | undefined>, rawBody: string, now: number): PaymentNotice | DomainError {
    return readNotification(this.sdk, this.cfg, headers, rawBody, now);
  }

  async queryPayment(paymentNo: string): Promise<TradeStatus> {
    const a = await this.call(METHODS.query, { out_trade_no: paymentNo });
    return readAs(() => tradeStatusOf(a, paymentNo));
  }

  async closePayment(paymentNo: string): Promise<CloseTradeAnswer> {
    const a = await this.call(METHODS.close, { out_trade_no: paymentNo });
    if (a.code === CODE.ok) return { status: 'closed' };
    if (a.sub_code === SUB.tradeNotExist) return { status: 'not_found' };
    if (a.sub_code === SUB.tradeHasClose) return { status: 'closed' };
    if (a.sub_code === SUB.tradeStatusError) return { status: 'refused', error: `${SUB.tradeStatusError}: ${a.sub_msg ?? '交易状态不合法'}` };
    throw unexpected('trade close', a);
  }

  async refund(req: RefundRequest): Promise<RefundAnswer> {
    let a: Answer;
    try {
      // out_request_no is our request number: sent again after a timeout, Alipay answers the first refund and pays nothing more.
      a = await this.call(METHODS.refund, { out_trade_no: req.paymentNo, refund_amount: fenToYuan(req.amountFen), out_request_no: req.refundNo, refund_reason: req.reason.slice(0, 256) });
    } catch (e) {
      return { status: 'unknown', error: `TIMEOUT: ${(e as Error).message}` };
    }
    if (a.code === CODE.ok) {
      if (a.out_trade_no !== req.paymentNo) return { status: 'unknown', error: 'Alipay answered the refund of another trade.' };
      // fund_change N: no money moved in this call, which is what a repeat of a refund already paid says. Asked, to be sure.
      if (a.fund_change === 'Y') return { status: 'succeeded', channelRefundNo: String(a.trade_no) };
      const known = await this.queryRefund(req).catch((e: Error) => ({ status: 'unknown' as const, error: e.message }));
      if (known.status === 'succeeded') return known;
      return { status: 'unknown', error: `fund_change N and the refund query says ${known.status}` };
    }
    const sub = a.sub_code ?? '';
    const error = `${sub.replace(/^ACQ\./, '') || a.code}: ${a.sub_msg ?? a.msg}`;
    if (a.code === CODE.unavailable) return { status: 'unknown', error };
    if (RETRYABLE.has(sub)) return { status: 'failed', error: `${sub === SUB.systemError ? 'SYSTEM_ERROR' : sub}: ${a.sub_msg ?? a.msg}`, retryable: true };
    if (sub === SUB.refundAmountExceeded) return { status: 'failed', error: `REFUND_AMOUNT_EXCEEDED: ${a.sub_msg ?? '退款金额超限'}`, retryable: false };
    return { status: 'failed', error, retryable: false };
  }

  async queryRefund(req: { refundNo: string; paymentNo: string }): Promise<RefundStatus> {
    const a = await this.call(METHODS.refundQuery, { out_trade_no: req.paymentNo, out_request_no: req.refundNo, query_options: ['gmt_refund_pay'] });
    return readAs(() => refundStatusOf(a, req));
  }

  async statement(day: string): Promise<Statement> {
    // Alipay makes a day's bill once the day is over in Beijing (T+1): before that there is nothing to ask.
    if (this.clock.now() < billDayEnd(day)) return { status: 'not_ready', day };
    const a = await this.call(METHODS.billUrl, { bill_type: 'trade', bill_date: day });
    if (a.sub_code === SUB.billNotExist) return { status: 'not_ready', day };
    if (a.code !== CODE.ok || typeof a.bill_download_url !== 'string') throw unexpected('bill address query', a);
    let zip: Buffer;
    try {
      const res = await fetch(a.bill_download_url, { signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000) });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      zip = Buffer.from(await res.arrayBuffer());
    } catch (e) {
      throw new AlipayUnanswered(`The bill of ${day} could not be downloaded: ${(e as Error).message}`);
    }
    try {
      return { status: 'ready', day, lines: parseTradeDetails(detailsOf(zip)) };
    } catch (e) {
      if (e instanceof BillFormatError) throw new AlipayUnanswered(`The bill of ${day} is malformed: ${e.message}`);
      throw e;
    }
  }
}

/** An answer that does not read as what was asked is no answer: the caller learns nothing (AlipayUnanswered). */
function readAs<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof AlipayUnreadable || e instanceof AmountFormatError) throw new AlipayUnanswered(e.message);
    throw e;
  }
}

function unexpected(what: string, a: Answer): Error {
  return new AlipayUnanswered(`Alipay's ${what} answered ${a.code} ${a.msg} ${a.sub_code ?? ''} ${a.sub_msg ?? ''}`.trim());
}
