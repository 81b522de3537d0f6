// The bank channel against the bank's interface (protocol.ts): collections the customer pays at the bank's page,
// notified with the channel's signed payment notification; refunds as transfer orders that the bank accepts and pays
// in its next settlement batch (processing until then, then paid or bounced: the refund check asks); trade queries
// and closes; the day's statement. A call without an answer, or whose answer does not verify, is "unknown"
// (transfers) or throws (queries and closes), never a refusal: a transfer is sent again only under the same number.
import { z } from 'zod';
import type { DomainError } from '../../../domain/errors.ts';
import type {
  Clock, CloseTradeAnswer, CreatePaymentRequest, PaymentNotice, PaymentPort, RefundAnswer, RefundRequest, RefundStatus, Statement, TradeStatus,
} from '../../../app/platform/ports.ts';
import { verifyPayNotice } from '../pay-notice.ts';
import type { BankConfig } from './config.ts';
import { BANK_PATHS, openAnswer, signRequest } from './protocol.ts';
import { partnerCall } from '../../partner-http.ts';

/** No answer to believe: nothing is known of the call's outcome. */
export class BankUnanswered extends Error {}

const no = z.string().min(1);
const fen = z.number().int().nonnegative();
const refused = z.object({ refused: z.string() });
const answers = {
  collect: z.object({ payUrl: z.string().url() }),
  trade: z.discriminatedUnion('status', [
    z.object({ status: z.literal('not_found') }), z.object({ status: z.literal('waiting') }), z.object({ status: z.literal('closed') }),
    z.object({ status: z.literal('paid'), tradeNo: no, amountFen: fen, paidAt: z.number() }),
  ]),
  close: z.discriminatedUnion('status', [
    z.object({ status: z.literal('closed') }), z.object({ status: z.literal('not_found') }), z.object({ status: z.literal('refused'), error: z.string() }),
  ]),
  transfer: z.discriminatedUnion('status', [
    z.object({ status: z.literal('succeeded'), channelRefundNo: no }), z.object({ status: z.literal('processing'), channelRefundNo: no.nullable() }),
    z.object({ status: z.literal('unknown'), error: z.string() }), z.object({ status: z.literal('failed'), error: z.string(), retryable: z.boolean() }),
  ]),
  transferStatus: z.discriminatedUnion('status', [
    z.object({ status: z.literal('succeeded'), channelRefundNo: no }), z.object({ status: z.literal('processing'), channelRefundNo: no.nullable() }),
    z.object({ status: z.enum(['failed', 'closed']), error: z.string() }), z.object({ status: z.literal('not_found') }),
  ]),
  statement: z.discriminatedUnion('status', [
    z.object({ status: z.literal('not_ready'), day: z.string() }),
    z.object({
      status: z.literal('ready'), day: z.string(), lines: z.array(z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('payment'), paymentNo: no, tradeNo: no, amountFen: fen, at: z.number() }),
        z.object({ kind: z.literal('refund'), paymentNo: no, refundNo: no, channelRefundNo: no, amountFen: fen, at: z.number() }),
      ])),
    }),
  ]),
};

export class BankGatewayAdapter implements PaymentPort {
  readonly channel = 'bank' as const;

  constructor(private readonly cfg: BankConfig, private readonly key: string, private readonly clock: Clock, private readonly opts: { notifyUrl: string; timeoutMs?: number }) {}

  /** One signed call, its signed answer opened and read; throws BankUnanswered when there is none to believe. */
  async call<T>(path: string, body: Record<string, unknown>, schema: z.ZodType<T>): Promise<T | { refused: string }> {
    const text = JSON.stringify(body);
    let raw: unknown;
    try {
      const res = await partnerCall(`${this.cfg.gateway}${path}`, {
        method: 'POST', headers: signRequest(this.key, this.cfg.merchantId, path, text, this.clock.now()), body: text, timeoutMs: this.opts.timeoutMs ?? 5000,
      });
      raw = JSON.parse(res.text);
    } catch (e) {
      throw new BankUnanswered(`the bank did not answer ${path}: ${(e as Error).message.slice(0, 200)}`);
    }
    const data = openAnswer(this.key, raw);
    if (data === null) throw new BankUnanswered(`the bank's answer to ${path} does not verify with our key`);
    const r = z.union([refused, schema]).safeParse(data);
    if (!r.success) throw new BankUnanswered(`the bank's answer to ${path} is malformed`);
    return r.data as T | { refused: string };
  }

  private async answer<T>(path: string, body: Record<string, unknown>, schema: z.ZodType<T>): Promise<T> {
    const a = await this.call(path, body, schema);
    // A refusal of the request itself (signature, merchant): the bank did nothing, and we cannot say what it would have.
    if (typeof a === 'object' && a !== null && 'refused' in a) throw new BankUnanswered(`the bank refused ${path}: ${(a as { refused: string }).refused}`);
    return a as T;
  }

  async createPayment(req: CreatePaymentRequest): Promise<{ payUrl: string }> {
    return this.answer(BANK_PATHS.collect, { ...req, notifyUrl: this.opts.notifyUrl }, answers.collect);
  }

  verifyNotification(headers: Record<string, string | string[] | undefined>, rawBody: string, now: number): PaymentNotice | DomainError {
    return verifyPayNotice(this.key, headers, rawBody, now);
  }

  async refund(req: RefundRequest): Promise<RefundAnswer> {
    try {
      return await this.answer(BANK_PATHS.transfer, { refundNo: req.refundNo, paymentNo: req.paymentNo, amountFen: req.amountFen, reason: req.reason }, answers.transfer);
    } catch (e) {
      if (e instanceof BankUnanswered) return { status: 'unknown', error: e.message };
      throw e;
    }
  }

  queryRefund(req: { refundNo: string; paymentNo: string }): Promise<RefundStatus> {
    return this.answer(BANK_PATHS.queryTransfer, req, answers.transferStatus);
  }

  queryPayment(paymentNo: string): Promise<TradeStatus> {
    return this.answer(BANK_PATHS.queryCollection, { paymentNo }, answers.trade);
  }

  closePayment(paymentNo: string): Promise<CloseTradeAnswer> {
    return this.answer(BANK_PATHS.closeCollection, { paymentNo }, answers.close);
  }

  statement(day: string): Promise<Statement> {
    return this.answer(BANK_PATHS.statement, { day }, answers.statement);
  }
}
