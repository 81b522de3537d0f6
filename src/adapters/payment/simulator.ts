// What the three simulated channels share: payments that the customer completes at the channel and that
// the channel notifies (signed, resent until acknowledged), and the refund ledger (request numbers the
// channel has seen, money reserved and paid out). Each channel's refund behaviour is in its own file:
// alipay.ts (synchronous answer), wechat.ts (accepted, then notified), bank.ts (settled in batches).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { fail, type DomainError } from '../../domain/errors.ts';
import type { PaymentChannel } from '../../domain/order.ts';
import type { Clock, CreatePaymentRequest, PaymentNotice, PaymentPort, RefundAnswer, RefundRequest, RefundStatus } from '../../app/platform/ports.ts';
import { SeededRandom } from '../sim/random.ts';
import type { SimJournal } from '../sim/journal.ts';
import { KEEP_FINISHED, Retention } from '../sim/retention.ts';

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
  /** Refunded or reserved by refunds in flight: the channel never refunds more than was paid. */
  refundedFen: number;
  /** Whether the platform acknowledged the paid notification; until it does, the channel keeps resending. */
  acknowledged?: boolean;
}

/** The channel's own record of one refund request number. */
export interface SimRefund {
  refundNo: string;
  paymentNo: string;
  amountFen: number;
  status: 'PROCESSING' | 'SUCCESS' | 'FAILED' | 'CLOSED';
  channelRefundNo: string;
  acceptedAt: number;
  /** When a PROCESSING refund settles (WeChat Pay); null when it waits for something else (a bank batch). */
  settleAt: number | null;
  /** How it will end, decided when it is accepted (scripted) and applied when it settles. */
  planned: { status: 'SUCCESS' | 'FAILED' | 'CLOSED'; error: string | null };
  error: string | null;
  settledAt: number | null;
}

export interface SimulatorOptions {
  seed?: number;
  /** Keeps the channel's state across our restarts (a real channel outlives our process). */
  journal?: SimJournal | null;
  /** Finished refunds kept in full (see retention.ts); older ones are known by request number only. */
  keepFinished?: number;
}

/** Refund calls kept for inspection, newest last. */
const KEEP_CALLS = 1000;

export abstract class PaymentChannelSimulator implements PaymentPort {
  readonly payments = new Map<string, SimPayment>();
  /** Refunds by request number: those in progress, and the newest finished ones (see retention.ts). */
  readonly refunds = new Map<string, SimRefund>();
  /** How many times money actually left for a refund request number (tests assert 1). */
  readonly refundPayouts = new Map<string, number>();
  /** The latest refund requests received, in order, including repeats of a request number (bounded). */
  readonly refundCalls: RefundRequest[] = [];
  /** Request numbers of the refunds still processing: what can settle. */
  protected readonly processing = new Set<string>();
  private readonly finished: Retention;
  /** Scripting: the next N refund calls answer SYSTEM_ERROR (busy; retry the same number) and change nothing. */
  failNextRefunds = 0;
  /** Scripting: share of refund calls that answer SYSTEM_ERROR at random (seeded). */
  transientFailureRate = 0;
  /** Scripting: the next refunds are refused for good with these codes (e.g. a frozen account). */
  refuseNextRefunds: string[] = [];
  /** Set by the composition root: how a payment or refund notification reaches the platform; true when acknowledged. */
  deliver: ((d: SignedDelivery, kind?: 'payment' | 'refund') => Promise<boolean>) | null = null;
  protected rnd: SeededRandom;
  protected counter = 0;
  private readonly journal: SimJournal | null;
  /** The journal's last record this process has read, and what it last wrote or read per record. */
  private seen = 0;
  private readonly known = new Map<string, string>();

  constructor(readonly channel: PaymentChannel, protected readonly secret: string, protected readonly clock: Clock, opts: SimulatorOptions = {}) {
    this.journal = opts.journal ?? null;
    this.finished = new Retention(opts.keepFinished ?? KEEP_FINISHED, (no) => {
      this.refunds.delete(no);
      this.refundPayouts.delete(no);
      this.known.delete(`r:${no}`);
      this.known.delete(`o:${no}`);
    });
    // A journaled channel is shared by several processes, or one restarted: each draws its own nonces,
    // so that no two deliveries are ever signed with the same one.
    this.rnd = new SeededRandom(this.journal ? (opts.seed ?? 1) ^ (process.pid * 2654435761) : (opts.seed ?? 1));
    this.sync();
  }

  /** Reads what other processes (or an earlier life of this one) wrote since the last look. */
  protected sync(): void {
    if (!this.journal) return;
    for (const r of this.journal.changesSince(this.seen)) {
      this.seen = r.seq;
      this.known.set(r.key, r.json);
      const value = JSON.parse(r.json);
      const id = r.key.slice(2);
      if (r.key.startsWith('p:')) this.payments.set(id, value as SimPayment);
      else if (r.key.startsWith('r:')) this.track(value as SimRefund);
      else if (r.key.startsWith('o:')) this.refundPayouts.set(id, value as number);
    }
  }

  /** Writes the records this operation changed, and only those. */
  protected persist(): void {
    if (!this.journal) return;
    const changed: { key: string; json: string }[] = [];
    const collect = (prefix: string, m: Map<string, unknown>) => {
      for (const [id, v] of m) {
        const key = `${prefix}${id}`;
        const json = JSON.stringify(v);
        if (this.known.get(key) !== json) {
          changed.push({ key, json });
          this.known.set(key, json);
        }
      }
    };
    collect('p:', this.payments);
    collect('r:', this.refunds);
    collect('o:', this.refundPayouts);
    this.journal.write(changed);
  }

  protected nextNo(prefix: string, width = 12): string {
    const n = this.journal ? this.journal.next(prefix) : ++this.counter;
    return `${prefix}${String(n).padStart(width, '0')}`;
  }

  // ---- payments
  async createPayment(req: CreatePaymentRequest): Promise<{ payUrl: string }> {
    this.sync();
    if (!this.payments.has(req.paymentNo)) {
      this.payments.set(req.paymentNo, { amountFen: req.amountFen, status: 'open', tradeNo: null, expiresAt: req.expiresAt, refundedFen: 0 });
      this.persist();
    }
    return { payUrl: `/sim/pay/${this.channel}/${req.paymentNo}` };
  }

  /** The customer pays at the channel. Returns the signed notification the channel sends. */
  pay(paymentNo: string): SignedDelivery | DomainError {
    this.sync();
    const p = this.payments.get(paymentNo);
    if (!p) return fail('PAYMENT.NOT_FOUND', 'The channel knows no such payment.', { paymentNo });
    if (p.status === 'open') {
      p.status = 'paid';
      p.tradeNo = this.nextNo(this.channel.toUpperCase());
      p.acknowledged = false;
      this.persist();
    }
    const delivery = this.notification(paymentNo);
    if (this.deliver && !('kind' in delivery)) void this.deliverWithRetries(paymentNo);
    return delivery;
  }

  /** One delivery of a paid payment's notification: fresh timestamp and nonce, as each real retry has. */
  notification(paymentNo: string, opts: { amountFen?: number; at?: number } = {}): SignedDelivery | DomainError {
    this.sync();
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
    if (!sameText(this.sign(rawBody, ts, nonce).headers['x-pay-signature']!, sig)) return fail('PAYMENT.BAD_SIGNATURE', 'The notification signature does not verify.');
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

  /** Like the real channels: resend until acknowledged, backing off (here 1s, 2s, 4s, 8s). */
  private async deliverWithRetries(paymentNo: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const d = this.notification(paymentNo);
      if ('kind' in d) return;
      const acked = await this.deliver!(d).catch(() => false);
      if (acked) {
        this.sync();
        const p = this.payments.get(paymentNo);
        if (p && p.acknowledged === false) {
          p.acknowledged = true;
          this.persist();
        }
        return;
      }
      await new Promise((res) => setTimeout(res, 1000 * 2 ** attempt).unref());
    }
  }

  /**
   * A channel keeps resending a paid notification until the platform acknowledges it, whatever happens to the
   * platform meanwhile. The simulator runs inside our process and its resends die with it, so when it starts
   * again with its journal it takes them up: the payments paid and never acknowledged are notified again.
   */
  async resendUnacknowledged(): Promise<void> {
    this.sync();
    if (!this.deliver) return;
    const owed = [...this.payments].filter(([, p]) => p.status === 'paid' && p.acknowledged === false).map(([no]) => no);
    await Promise.all(owed.map((no) => this.deliverWithRetries(no)));
  }

  // ---- refunds
  /** Each channel's own refund behaviour; it starts from `receive`, which handles what all channels share. */
  abstract refund(req: RefundRequest): Promise<RefundAnswer>;

  async queryRefund(req: { refundNo: string; paymentNo: string }): Promise<RefundStatus> {
    this.sync();
    this.settleDue();
    const r = this.refunds.get(req.refundNo);
    if (!r || r.paymentNo !== req.paymentNo) return { status: 'not_found' };
    return statusOf(r);
  }

  /** Refunds whose time has come settle; a channel with its own rhythm (a bank batch) overrides this. */
  protected settleDue(): string[] {
    this.sync();
    const now = this.clock.now();
    const settled: string[] = [];
    for (const no of this.processing) {
      const r = this.refunds.get(no)!;
      if (r.settleAt !== null && r.settleAt <= now) {
        this.settle(r);
        settled.push(r.refundNo);
      }
    }
    if (settled.length) this.persist();
    return settled;
  }

  /**
   * What every channel does first with a refund request: a known request number gets its first outcome
   * back and pays nothing more; scripted outages answer SYSTEM_ERROR; the payment must exist and have
   * enough left. Returns the answer to give, or the new refund (reserved, not yet paid) to carry on with.
   */
  protected receive(req: RefundRequest, plannedStatus: () => SimRefund['planned']): { answer: RefundAnswer } | { refund: SimRefund } {
    this.called(req);
    this.sync();
    const known = this.refunds.get(req.refundNo);
    if (known) return { answer: answerOf(known) };
    if (this.finished.forgotten(req.refundNo)) {
      return { answer: { status: 'failed', error: 'REFUND_RECORD_EXPIRED: this request number was settled long ago', retryable: false } };
    }
    if (this.failNextRefunds > 0 || (this.transientFailureRate > 0 && this.rnd.next() < this.transientFailureRate)) {
      if (this.failNextRefunds > 0) this.failNextRefunds--;
      return { answer: { status: 'failed', error: 'SYSTEM_ERROR: channel busy, retry with the same request number', retryable: true } };
    }
    const refused = this.refuseNextRefunds.shift();
    if (refused) return { answer: { status: 'failed', error: refused, retryable: false } };
    const p = this.payments.get(req.paymentNo);
    if (!p || p.status !== 'paid') return { answer: { status: 'failed', error: 'TRADE_NOT_EXIST', retryable: false } };
    if (!Number.isInteger(req.amountFen) || req.amountFen <= 0 || p.refundedFen + req.amountFen > p.amountFen) {
      return { answer: { status: 'failed', error: 'REFUND_AMOUNT_EXCEEDED', retryable: false } };
    }
    p.refundedFen += req.amountFen;
    const refund: SimRefund = {
      refundNo: req.refundNo, paymentNo: req.paymentNo, amountFen: req.amountFen, status: 'PROCESSING',
      channelRefundNo: this.nextNo(`${this.channel.toUpperCase()}RF`, 16), acceptedAt: this.clock.now(), settleAt: null,
      planned: plannedStatus(), error: null, settledAt: null,
    };
    this.track(refund);
    return { refund };
  }

  /** A refund's record, new or changed: in progress, or finished and kept for a while. */
  private track(r: SimRefund): void {
    this.refunds.set(r.refundNo, r);
    if (r.status === 'PROCESSING') this.processing.add(r.refundNo);
    else {
      this.processing.delete(r.refundNo);
      this.finished.finished(r.refundNo);
    }
  }

  /** Keeps a refund call for inspection; the oldest go first. */
  protected called(req: RefundRequest): void {
    this.refundCalls.push({ ...req });
    if (this.refundCalls.length > KEEP_CALLS) this.refundCalls.shift();
  }

  /** Ends a refund as planned: money leaves exactly here, once per request number. */
  protected settle(r: SimRefund): void {
    if (r.status !== 'PROCESSING') return;
    r.status = r.planned.status;
    r.error = r.planned.error;
    r.settledAt = this.clock.now();
    if (r.status === 'SUCCESS') this.refundPayouts.set(r.refundNo, (this.refundPayouts.get(r.refundNo) ?? 0) + 1);
    else this.payments.get(r.paymentNo)!.refundedFen -= r.amountFen;
    this.track(r);
  }

  /** Total payouts over all request numbers of a payment: what the customer actually got back, in count. */
  payoutsFor(paymentNo: string): number {
    this.sync();
    let n = 0;
    for (const r of this.refunds.values()) if (r.paymentNo === paymentNo) n += this.refundPayouts.get(r.refundNo) ?? 0;
    return n;
  }
}

export function answerOf(r: SimRefund): RefundAnswer {
  switch (r.status) {
    case 'SUCCESS': return { status: 'succeeded', channelRefundNo: r.channelRefundNo };
    case 'PROCESSING': return { status: 'processing', channelRefundNo: r.channelRefundNo };
    default: return { status: 'failed', error: r.error ?? r.status, retryable: false };
  }
}

export function statusOf(r: SimRefund): RefundStatus {
  switch (r.status) {
    case 'SUCCESS': return { status: 'succeeded', channelRefundNo: r.channelRefundNo };
    case 'PROCESSING': return { status: 'processing', channelRefundNo: r.channelRefundNo };
    case 'FAILED': return { status: 'failed', error: r.error ?? 'FAILED' };
    case 'CLOSED': return { status: 'closed', error: r.error ?? 'CLOSED' };
  }
}

export function sameText(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
