// What the three simulated channels share: payments that the customer completes at the channel and that
// the channel notifies (signed, resent until acknowledged), and the refund ledger (request numbers the
// channel has seen, money reserved and paid out). Each channel's refund behaviour is in its own file:
// alipay.ts (synchronous answer), wechat.ts (accepted, then notified), bank.ts (settled in batches).
import { fail, type DomainError } from '../../domain/errors.ts';
import type { PaymentChannel } from '../../domain/order.ts';
import type {
  Clock, CloseTradeAnswer, CreatePaymentRequest, PaymentNotice, PaymentPort, RefundAnswer, RefundRequest, RefundStatus, Statement, StatementLine, TradeStatus,
} from '../../app/platform/ports.ts';
import { billDayEnd, billDayOf } from '../../domain/policies/bill-day.ts';
import { SeededRandom } from '../sim/random.ts';
import type { SimJournal } from '../sim/journal.ts';
import { KEEP_FINISHED, Retention } from '../sim/retention.ts';
import { signPayNotice, verifyPayNotice } from './pay-notice.ts';

import {
  answerOf, RESEND_AFTER_MS, statusOf, type ChannelRefusals, type SignedDelivery, type SimPayment, type SimRefund, type SimResend, type SimulatorOptions,
} from './sim-records.ts';

export { answerOf, sameText, statusOf, NOTIFICATION_MAX_AGE_MS, RESEND_AFTER_MS, type ChannelRefusals, type SignedDelivery, type SimRefund, type SimulatorOptions } from './sim-records.ts';

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
  /** Scripting: the next N trade queries or closes get no answer (the call times out). */
  unansweredTradeCalls = 0;
  /** The channel's daily bills, by `day|kind|number`: kept as a real channel keeps its statements. */
  readonly bill = new Map<string, StatementLine>();
  /** Notifications not yet acknowledged, by payment number: resent on the channel's schedule, across restarts. */
  readonly resends = new Map<string, SimResend>();
  private resending = false;
  /** The channel's resend schedule after the first delivery (WeChat Pay's by default; Alipay's fake has its own). */
  protected resendSchedule: readonly number[] = RESEND_AFTER_MS;
  /** Set by the composition root: how a payment or refund notification reaches the platform; true when acknowledged. */
  deliver: ((d: SignedDelivery, kind?: 'payment' | 'refund') => Promise<boolean>) | null = null;
  protected rnd: SeededRandom;
  protected counter = 0;
  private readonly journal: SimJournal | null;
  /** The journal's last record this process has read, and what it last wrote or read per record. */
  private seen = 0;
  private readonly known = new Map<string, string>();

  constructor(readonly channel: PaymentChannel, protected readonly secret: string, protected readonly clock: Clock, private readonly refusals: ChannelRefusals, opts: SimulatorOptions = {}) {
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
      else if (r.key.startsWith('b:')) this.bill.set(id, value as StatementLine);
      else if (r.key.startsWith('n:')) {
        // Only resends still owed are kept: a finished one is in the journal and nowhere else.
        if ((value as SimResend).done) this.resends.delete(id);
        else this.resends.set(id, value as SimResend);
      }
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
    collect('b:', this.bill);
    collect('n:', this.resends);
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

  /** The customer pays at the channel. Returns the signed notification the channel sends. A closed trade refuses. */
  pay(paymentNo: string): SignedDelivery | DomainError {
    this.sync();
    const p = this.payments.get(paymentNo);
    if (!p) return fail('PAYMENT.NOT_FOUND', 'The channel knows no such payment.', { paymentNo });
    if (p.status === 'closed') return fail('PAYMENT.TRADE_CLOSED', this.refusals.payClosed, { paymentNo, channel: this.channel });
    if (p.status === 'open') {
      p.status = 'paid';
      p.tradeNo = this.nextNo(this.channel.toUpperCase());
      p.paidAt = this.clock.now();
      this.bill.set(`${billDayOf(p.paidAt)}|payment|${paymentNo}`, { kind: 'payment', paymentNo, tradeNo: p.tradeNo, amountFen: p.amountFen, at: p.paidAt });
      // Written before anyone hears of the payment: the channel resends until acknowledged, whatever happens to us.
      this.resends.set(paymentNo, { paymentNo, attempts: 0, nextAt: p.paidAt, done: false });
      this.persist();
    }
    const delivery = this.notification(paymentNo);
    if (this.deliver && !('kind' in delivery)) void this.resendDue();
    return delivery;
  }

  async queryPayment(paymentNo: string): Promise<TradeStatus> {
    this.answerOrTimeOut('query');
    this.sync();
    const p = this.payments.get(paymentNo);
    if (!p) return { status: 'not_found' };
    if (p.status === 'paid') return { status: 'paid', tradeNo: p.tradeNo!, amountFen: p.amountFen, paidAt: p.paidAt ?? 0 };
    return { status: p.status === 'closed' ? 'closed' : 'waiting' };
  }

  async closePayment(paymentNo: string): Promise<CloseTradeAnswer> {
    this.answerOrTimeOut('close');
    this.sync();
    const p = this.payments.get(paymentNo);
    if (!p) return { status: 'not_found' };
    if (p.status === 'paid') return { status: 'refused', error: this.refusals.closePaid };
    if (p.status === 'open') {
      p.status = 'closed';
      p.closedAt = this.clock.now();
      this.persist();
    }
    return { status: 'closed' };
  }

  private answerOrTimeOut(call: string): void {
    if (this.unansweredTradeCalls > 0) {
      this.unansweredTradeCalls--;
      throw new Error(`${this.channel}: no answer to the trade ${call} (timeout)`);
    }
  }

  /** The day's bill, once the day has ended in Beijing time: payments received and refunds paid out. */
  async statement(day: string): Promise<Statement> {
    if (this.clock.now() < billDayEnd(day)) return { status: 'not_ready', day };
    this.sync();
    const lines = [...this.bill].filter(([k]) => k.startsWith(`${day}|`)).map(([, l]) => l).sort((a, b) => a.at - b.at);
    return { status: 'ready', day, lines };
  }

  /** Scripting: the channel's books hold another amount for this payment (a reconciliation difference). */
  recordAmountAs(paymentNo: string, amountFen: number): void {
    this.sync();
    const p = this.payments.get(paymentNo);
    if (!p) throw new Error(`no payment ${paymentNo}`);
    p.amountFen = amountFen;
    for (const [k, l] of this.bill) if (l.kind === 'payment' && l.paymentNo === paymentNo) this.bill.set(k, { ...l, amountFen });
    this.persist();
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
    return signPayNotice(this.secret, body, timestamp, nonce);
  }

  verifyNotification(headers: Record<string, string | string[] | undefined>, rawBody: string, now: number): PaymentNotice | DomainError {
    return verifyPayNotice(this.secret, headers, rawBody, now);
  }

  /**
   * Sends the notifications that are due, as the channel's own resend loop does: each is claimed (its next time
   * written) before it is sent, acknowledged ones are done, and after the last resend the channel gives up. The
   * schedule is in the journal, so a restarted channel carries on where it was. Returns how many were acknowledged.
   */
  async resendDue(): Promise<number> {
    if (!this.deliver || this.resending) return 0;
    this.resending = true;
    let acked = 0;
    try {
      this.sync();
      const now = this.clock.now();
      const due = [...this.resends.values()].filter((x) => !x.done && x.nextAt <= now);
      for (const x of due) {
        const after = this.resendSchedule[x.attempts];
        this.resends.set(x.paymentNo, after === undefined ? { ...x, attempts: x.attempts + 1, done: true } : { ...x, attempts: x.attempts + 1, nextAt: now + after });
      }
      this.persist();
      this.forgetFinishedResends();
      for (const x of due) {
        const d = this.notification(x.paymentNo);
        if ('kind' in d) continue;
        if (await this.deliver(d).catch(() => false)) {
          acked++;
          const owed = this.resends.get(x.paymentNo);
          if (owed) this.resends.set(x.paymentNo, { ...owed, done: true });
          this.persist();
          this.forgetFinishedResends();
        }
      }
    } finally {
      this.resending = false;
    }
    return acked;
  }

  /**
   * A finished resend has been written to the journal as done: the map keeps only those still owed, so neither
   * memory nor the once-a-second pass grows with every payment the channel was ever notified of.
   */
  private forgetFinishedResends(): void {
    for (const [no, x] of this.resends) if (x.done) this.resends.delete(no);
  }

  /** Notifications the channel will still resend. */
  pendingResends(): string[] {
    this.sync();
    return [...this.resends.keys()];
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
    if (r.status === 'SUCCESS') {
      this.refundPayouts.set(r.refundNo, (this.refundPayouts.get(r.refundNo) ?? 0) + 1);
      this.bill.set(`${billDayOf(r.settledAt)}|refund|${r.refundNo}`, { kind: 'refund', paymentNo: r.paymentNo, refundNo: r.refundNo, channelRefundNo: r.channelRefundNo, amountFen: r.amountFen, at: r.settledAt });
    } else this.payments.get(r.paymentNo)!.refundedFen -= r.amountFen;
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

