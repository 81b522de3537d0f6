// A payment channel that behaves like the real ones: the customer pays at the channel, the channel sends
// a signed notification (and sends it again until acknowledged), refunds are idempotent by request number.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { fail, type DomainError } from '../../domain/errors.ts';
import type { PaymentChannel } from '../../domain/order.ts';
import type { CreatePaymentRequest, PaymentNotice, PaymentPort, RefundAnswer, RefundRequest } from '../../app/ports.ts';
import type { Clock } from '../../app/ports.ts';
import { SeededRandom } from '../sim/random.ts';

export interface SignedDelivery {
  headers: Record<string, string>;
  body: string;
}

/** A notification older than this is refused as a replay even with a fresh nonce. */
export const NOTIFICATION_MAX_AGE_MS = 5 * 60_000;

interface SimPayment {
  amountFen: number;
  status: 'open' | 'paid';
  tradeNo: string | null;
  expiresAt: number;
  refundedFen: number;
}

interface SimRefund {
  paymentNo: string;
  amountFen: number;
  status: 'succeeded' | 'processing';
}

export class PaymentChannelSimulator implements PaymentPort {
  readonly payments = new Map<string, SimPayment>();
  readonly refunds = new Map<string, SimRefund>();
  /** How many times money actually left for a refund request number (a test asserts 1). */
  readonly refundPayouts = new Map<string, number>();
  /** Scripting: the next N refund calls fail as if the channel were down. */
  failNextRefunds = 0;
  /** Scripting: answer refunds with 'processing' (accepted, result later) instead of at once. */
  refundsAsync = false;
  /** Set by the composition root: how a notification reaches the platform; resolves true when acknowledged. */
  deliver: ((d: SignedDelivery) => Promise<boolean>) | null = null;
  private readonly rnd: SeededRandom;
  private trade = 0;

  constructor(readonly channel: PaymentChannel, private readonly secret: string, private readonly clock: Clock, seed = 1) {
    this.rnd = new SeededRandom(seed);
  }

  async createPayment(req: CreatePaymentRequest): Promise<{ payUrl: string }> {
    if (!this.payments.has(req.paymentNo)) {
      this.payments.set(req.paymentNo, { amountFen: req.amountFen, status: 'open', tradeNo: null, expiresAt: req.expiresAt, refundedFen: 0 });
    }
    return { payUrl: `/sim/pay/${this.channel}/${req.paymentNo}` };
  }

  /** The customer pays at the channel. Returns the signed notification the channel sends. */
  pay(paymentNo: string): SignedDelivery | DomainError {
    const p = this.payments.get(paymentNo);
    if (!p) return fail('PAYMENT.NOT_FOUND', 'The channel knows no such payment.', { paymentNo });
    if (p.status === 'open') {
      p.status = 'paid';
      p.tradeNo = `${this.channel.toUpperCase()}${String(++this.trade).padStart(12, '0')}`;
    }
    const delivery = this.notification(paymentNo);
    if (this.deliver && !('kind' in delivery)) void this.deliverWithRetries(paymentNo);
    return delivery;
  }

  /** One delivery of a paid payment's notification: fresh timestamp and nonce, as each real retry has. */
  notification(paymentNo: string, opts: { amountFen?: number; at?: number } = {}): SignedDelivery | DomainError {
    const p = this.payments.get(paymentNo);
    if (!p || p.status !== 'paid' || !p.tradeNo) return fail('PAYMENT.NOT_FOUND', 'No paid payment to notify.', { paymentNo });
    const body = JSON.stringify({ event_type: 'TRANSACTION.SUCCESS', payment_no: paymentNo, trade_no: p.tradeNo, amount_fen: opts.amountFen ?? p.amountFen, trade_state: 'SUCCESS' });
    return this.sign(body, opts.at ?? this.clock.now(), this.rnd.hex(32));
  }

  sign(body: string, timestamp: number, nonce: string): SignedDelivery {
    const signature = createHmac('sha256', this.secret).update(`${timestamp}\n${nonce}\n${body}\n`).digest('base64');
    return { headers: { 'content-type': 'application/json', 'x-pay-timestamp': String(timestamp), 'x-pay-nonce': nonce, 'x-pay-signature': signature }, body };
  }

  verifyNotification(headers: Record<string, string | string[] | undefined>, rawBody: string, now: number): PaymentNotice | DomainError {
    const ts = Number(headers['x-pay-timestamp']);
    const nonce = headers['x-pay-nonce'];
    const sig = headers['x-pay-signature'];
    if (!Number.isFinite(ts) || typeof nonce !== 'string' || typeof sig !== 'string' || nonce.length < 8) {
      return fail('PAYMENT.BAD_SIGNATURE', 'The notification is not signed.');
    }
    const expected = Buffer.from(this.sign(rawBody, ts, nonce).headers['x-pay-signature']!);
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return fail('PAYMENT.BAD_SIGNATURE', 'The notification signature does not verify.');
    if (Math.abs(now - ts) > NOTIFICATION_MAX_AGE_MS) return fail('PAYMENT.REPLAYED', 'The notification is too old to be accepted.', { timestamp: ts });
    let b: Record<string, unknown>;
    try {
      b = JSON.parse(rawBody) as Record<string, unknown>;
    } catch {
      return fail('REQUEST.MALFORMED_JSON', 'The notification body is not JSON.');
    }
    if (b.trade_state !== 'SUCCESS' || typeof b.payment_no !== 'string' || typeof b.trade_no !== 'string' || !Number.isInteger(b.amount_fen)) {
      return fail('REQUEST.INVALID', 'The notification lacks its fields.');
    }
    return { nonce, paymentNo: b.payment_no, tradeNo: b.trade_no, amountFen: b.amount_fen as number, status: 'SUCCESS' };
  }

  async refund(req: RefundRequest): Promise<RefundAnswer> {
    const known = this.refunds.get(req.refundNo);
    // Same request number: the channel answers with the first outcome and pays nothing more.
    if (known) return { status: known.status };
    if (this.failNextRefunds > 0) {
      this.failNextRefunds--;
      return { status: 'failed', error: 'SYSTEM_ERROR: channel unavailable' };
    }
    const p = this.payments.get(req.paymentNo);
    if (!p || p.status !== 'paid') return { status: 'failed', error: 'TRADE_NOT_EXIST' };
    if (p.refundedFen + req.amountFen > p.amountFen) return { status: 'failed', error: 'REFUND_AMOUNT_EXCEEDED' };
    p.refundedFen += req.amountFen;
    this.refundPayouts.set(req.refundNo, (this.refundPayouts.get(req.refundNo) ?? 0) + 1);
    const status = this.refundsAsync ? 'processing' : 'succeeded';
    this.refunds.set(req.refundNo, { paymentNo: req.paymentNo, amountFen: req.amountFen, status });
    return { status };
  }

  /** Like the real channels: resend until acknowledged, backing off (here 1s, 2s, 4s, 8s). */
  private async deliverWithRetries(paymentNo: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const d = this.notification(paymentNo);
      if ('kind' in d) return;
      const acked = await this.deliver!(d).catch(() => false);
      if (acked) return;
      await new Promise((res) => setTimeout(res, 1000 * 2 ** attempt).unref());
    }
  }
}
