// The fake Alipay's books: the simulated channel's engine (payments, refund ledger, bills, resends, journal in
// HAOKA_SIM_STATE_DIR) with Alipay's own messages on top. A notification is the real one: a form with the trade's
// fields (trade_status_sync), signed RSA2 by the fake's own "Alipay" key over its sorted fields (sign and
// sign_type left out), POSTed to the notify_url given with the payment and resent on Alipay's schedule (4m, 10m,
// 10m, 1h, 2h, 6h, 15h) until the merchant prints `success`.
import { createHash, type KeyObject } from 'node:crypto';
import { fail, type DomainError } from '../../../domain/errors.ts';
import type { Clock } from '../../../app/platform/ports.ts';
import { AlipaySimulator } from '../alipay.ts';
import type { SignedDelivery, SimulatorOptions } from '../simulator.ts';
import type { SimPayment, SimRefund } from '../sim-records.ts';
import { ALIPAY_RESEND_AFTER_MS, beijingTime, fenToYuan, NOTIFY_ACK, rsa2Sign, signBase } from '../alipay/protocol.ts';

/** What the fake knows of the one application it serves (as Alipay knows it once the app's public key is uploaded). */
export interface FakeAlipayApp {
  appId: string;
  /** The merchant's Alipay user id (seller_id). */
  sellerId: string;
  /** The application public key (应用公钥) the merchant uploaded: requests are verified with it. */
  appPublicKey: KeyObject;
  /** The fake's own private key: answers and notifications are signed with it (the merchant holds its public half). */
  alipayPrivateKey: KeyObject;
}

/** A payment as the fake keeps it: the engine's record and what the cashier page request said. */
export type FakeAlipayPayment = SimPayment & { notifyUrl?: string; subject?: string; createdAt?: number };

/** A notification on its way: the signed form and where it goes. */
export interface AlipayDelivery extends SignedDelivery {
  url: string;
}

/** Scripting the gateway: lost answers (before or after the work is done) and busy refusals (ACQ.SYSTEM_ERROR), by method. */
export interface AlipayGatewayScript {
  drop: { method: string; after: boolean }[];
  busy: string[];
}

export class FakeAlipayState extends AlipaySimulator {
  /** How a notification reaches the merchant: an HTTP POST by default; true when it printed `success`. */
  transport: (d: AlipayDelivery) => Promise<boolean> = postNotification;
  readonly script: AlipayGatewayScript = { drop: [], busy: [] };
  protected override resendSchedule = ALIPAY_RESEND_AFTER_MS;

  constructor(readonly app: FakeAlipayApp, clock: Clock, opts: SimulatorOptions = {}) {
    // The engine's HMAC secret signs nothing Alipay sends: every message of the fake is signed RSA2.
    super('fake-alipay-gateway', clock, opts);
    this.deliver = (d) => this.transport(d as AlipayDelivery);
  }

  /** Alipay's trade numbers are 28 digits, the Beijing date first (2016071921001003030200089909). */
  protected override nextNo(prefix: string, width = 12): string {
    const no = super.nextNo(prefix, width);
    if (prefix !== 'ALIPAY') return no;
    return `${beijingTime(this.clock.now()).slice(0, 10).replaceAll('-', '')}22001${no.slice(prefix.length).padStart(15, '0')}`;
  }

  /** Alipay's clock: answers and notifications carry its time. */
  now(): number {
    return this.clock.now();
  }

  payment(no: string): FakeAlipayPayment | undefined {
    this.sync();
    return this.payments.get(no) as FakeAlipayPayment | undefined;
  }

  refundRecord(no: string) {
    this.sync();
    return this.refunds.get(no);
  }

  /** Opens the trade when the customer's browser loads the cashier page (Alipay creates it then, WAIT_BUYER_PAY). */
  async openTrade(req: { paymentNo: string; amountFen: number; subject: string; expiresAt: number; notifyUrl: string | undefined }): Promise<void> {
    await this.createPayment({ paymentNo: req.paymentNo, amountFen: req.amountFen, subject: req.subject, expiresAt: req.expiresAt });
    const p = this.payments.get(req.paymentNo) as FakeAlipayPayment | undefined;
    if (!p || p.createdAt !== undefined) return;
    Object.assign(p, { notifyUrl: req.notifyUrl, subject: req.subject, createdAt: this.clock.now() });
    this.persist();
  }

  /** Alipay closes an unpaid trade at its time_expire (TRADE_CLOSED): from then on it can no longer be paid. */
  lapse(paymentNo: string): void {
    this.sync();
    const p = this.payments.get(paymentNo);
    if (!p || p.status !== 'open' || this.clock.now() < p.expiresAt) return;
    p.status = 'closed';
    p.closedAt = p.expiresAt;
    this.persist();
  }

  override pay(paymentNo: string) {
    this.lapse(paymentNo);
    return super.pay(paymentNo);
  }

  /** One pass of the fake's own time: notifications that are due go out. */
  async tick(): Promise<number> {
    return this.resendDue();
  }

  private ticker: NodeJS.Timeout | null = null;

  startTicking(): void {
    if (this.ticker) return;
    this.ticker = setInterval(() => void this.tick().catch(() => 0), 1000);
    this.ticker.unref();
  }

  stopTicking(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  /** A refund paid changes the trade's status, and Alipay notifies that too: written with the refund, resent like a payment's. */
  protected override settle(r: SimRefund): void {
    const before = r.status;
    super.settle(r);
    if (before === 'PROCESSING' && r.status === 'SUCCESS' && (this.payments.get(r.paymentNo) as FakeAlipayPayment | undefined)?.notifyUrl) {
      const key = `${REFUND_KEY}${r.refundNo}`;
      this.resends.set(key, { paymentNo: key, attempts: 0, nextAt: this.clock.now(), done: false });
    }
  }

  /**
   * A paid trade's TRADE_SUCCESS notification, freshly signed (its own notify_time); under the refund prefix, the
   * trade's notification after that refund (TRADE_SUCCESS with refund_fee, gmt_refund and out_biz_no; TRADE_CLOSED
   * once all of it is refunded).
   */
  override notification(key: string, opts: { amountFen?: number; at?: number } = {}): AlipayDelivery | DomainError {
    this.sync();
    const refund = key.startsWith(REFUND_KEY) ? this.refunds.get(key.slice(REFUND_KEY.length)) : undefined;
    const paymentNo = refund ? refund.paymentNo : key;
    const p = this.payments.get(paymentNo) as FakeAlipayPayment | undefined;
    if (!p || p.status !== 'paid' || !p.tradeNo || !p.notifyUrl || (key.startsWith(REFUND_KEY) && refund?.status !== 'SUCCESS')) {
      return fail('PAYMENT.NOT_FOUND', 'No paid payment to notify.', { paymentNo: key });
    }
    const yuan = fenToYuan(opts.amountFen ?? p.amountFen);
    const fields: Record<string, string> = {
      gmt_create: beijingTime(p.createdAt ?? p.paidAt ?? this.clock.now()), charset: 'utf-8', seller_email: 'merchant@example.com', subject: p.subject ?? '',
      buyer_id: '2088102177846880', invoice_amount: yuan, notify_id: notifyIdOf(refund ? `${p.tradeNo}${refund.refundNo}` : p.tradeNo),
      fund_bill_list: JSON.stringify([{ amount: yuan, fundChannel: 'ALIPAYACCOUNT' }]), notify_type: 'trade_status_sync', trade_status: 'TRADE_SUCCESS',
      receipt_amount: yuan, app_id: this.app.appId, buyer_pay_amount: yuan, sign_type: 'RSA2', seller_id: this.app.sellerId,
      gmt_payment: beijingTime(p.paidAt ?? this.clock.now()), notify_time: beijingTime(opts.at ?? this.clock.now()), version: '1.0', out_trade_no: paymentNo,
      total_amount: yuan, trade_no: p.tradeNo, auth_app_id: this.app.appId, buyer_logon_id: '159****5620', point_amount: '0.00',
    };
    if (refund) {
      // As the trade stood when this refund was paid: the refunds of the trade up to this one.
      let refunded = 0;
      for (const r of this.refunds.values()) if (r.paymentNo === paymentNo && r.status === 'SUCCESS' && r.channelRefundNo <= refund.channelRefundNo) refunded += r.amountFen;
      const at = beijingTime(refund.settledAt ?? this.clock.now());
      Object.assign(fields, {
        out_biz_no: refund.refundNo, refund_fee: fenToYuan(refunded), gmt_refund: at,
        trade_status: refunded >= p.amountFen ? 'TRADE_CLOSED' : 'TRADE_SUCCESS', ...(refunded >= p.amountFen ? { gmt_close: at } : {}),
      });
    }
    fields.sign = rsa2Sign(this.app.alipayPrivateKey, signBase(fields, ['sign', 'sign_type']));
    this.persist();
    return { url: p.notifyUrl, body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } };
  }

  /** An answer in Alipay's envelope: the method's response object, and the fake's signature over its exact text. */
  envelope(responseKey: string, response: Record<string, unknown>): string {
    const inner = JSON.stringify(response);
    return `{"${responseKey}":${inner},"sign":"${rsa2Sign(this.app.alipayPrivateKey, inner)}"}`;
  }
}

/** Refund notifications share the resend schedule with payments under this prefix (":" never appears in an out_trade_no). */
const REFUND_KEY = 'R:';

/** One notification id per trade (and per refund of it): every resend carries it. */
const notifyIdOf = (tradeNo: string) => `2026${createHash('sha256').update(tradeNo).digest('hex').slice(0, 30)}`;

/** Alipay's delivery: a form POSTed to the notify_url; anything but the text `success` (within 5 s) is a failure to resend. */
async function postNotification(d: AlipayDelivery): Promise<boolean> {
  try {
    const res = await fetch(d.url, { method: 'POST', headers: d.headers, body: d.body, signal: AbortSignal.timeout(5000) });
    return (await res.text()).trim() === NOTIFY_ACK;
  } catch {
    return false;
  }
}
