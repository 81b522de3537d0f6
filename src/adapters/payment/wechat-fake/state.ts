// The fake WeChat Pay's books: the simulated channel's engine (payments, refund ledger, bills, resends, journal
// in HAOKA_SIM_STATE_DIR) with WeChat Pay API v3's notifications on top. A notification is the real message: the
// trade or refund as JSON, sealed with AEAD_AES_256_GCM under the merchant's API v3 key, signed SHA256withRSA by
// the fake's own "platform" key and sent to the notify_url given with the order or the refund, resent on WeChat's
// schedule (15 s ... 6 h, over about 24 h) until it is acknowledged with a 2xx.
import { type KeyObject } from 'node:crypto';
import { fail, type DomainError } from '../../../domain/errors.ts';
import type { Clock } from '../../../app/platform/ports.ts';
import { WechatPaySimulator } from '../wechat.ts';
import type { SignedDelivery, SimRefund, SimulatorOptions } from '../simulator.ts';
import type { SimPayment } from '../sim-records.ts';
import { answerMessage, encryptResource, rsaSign } from '../wechat/signing.ts';
import { rfc3339Shanghai } from '../wechat/messages.ts';

/** What the fake knows of the one merchant it serves (as WeChat knows it once the merchant has registered). */
export interface FakeMerchant {
  mchId: string;
  appId: string;
  certSerial: string;
  merchantPublicKey: KeyObject;
  apiV3Key: string;
  /** The id under which the fake's public key is given to the merchant (Wechatpay-Serial). */
  publicKeyId: string;
  platformPrivateKey: KeyObject;
}

/** A payment as the fake keeps it: the engine's record and what the H5 order said. */
export type FakePayment = SimPayment & { notifyUrl?: string; description?: string; createdAt?: number; prepayId?: string };
export type FakeRefund = SimRefund & { notifyUrl?: string };

/** A notification on its way: the signed message and where it goes. */
export interface GatewayDelivery extends SignedDelivery {
  url: string;
}

/** Scripting the gateway: lost answers and busy refusals. */
export interface GatewayScript {
  /** The next calls whose path matches lose their answer: before the fake acts on them, or after. */
  drop: { path: RegExp; after: boolean }[];
  /** The next call whose path matches each entry answers 429 FREQUENCY_LIMITED. */
  busy: RegExp[];
}

/** Refund notifications share the resend schedule with payments under this prefix (":" never appears in an out_trade_no). */
const REFUND_KEY = 'R:';

export class FakeWechatState extends WechatPaySimulator {
  /** How a notification reaches the merchant: an HTTP POST by default; true when it answered 2xx. */
  transport: (d: GatewayDelivery) => Promise<boolean> = postNotification;
  readonly script: GatewayScript = { drop: [], busy: [] };

  constructor(readonly merchant: FakeMerchant, clock: Clock, opts: SimulatorOptions = {}) {
    super('fake-wechat-gateway', clock, { ...opts, apiV3Key: merchant.apiV3Key });
    this.deliver = (d) => this.transport(d as GatewayDelivery);
  }

  /** The fake's clock (WeChat's time: answers are signed with it, requests' timestamps checked against it). */
  now(): number {
    return this.clock.now();
  }

  payment(no: string): FakePayment | undefined {
    this.sync();
    return this.payments.get(no) as FakePayment | undefined;
  }

  refundRecord(no: string): FakeRefund | undefined {
    this.sync();
    return this.refunds.get(no) as FakeRefund | undefined;
  }

  /** Adds the H5 order's own fields to the engine's payment record (kept in the journal with it). */
  describe(no: string, fields: Pick<FakePayment, 'notifyUrl' | 'description' | 'createdAt' | 'prepayId'>): void {
    const p = this.payments.get(no) as FakePayment | undefined;
    if (!p || p.prepayId) return;
    Object.assign(p, fields);
    this.persist();
  }

  setRefundNotifyUrl(no: string, url: string | undefined): void {
    const r = this.refunds.get(no) as FakeRefund | undefined;
    if (!r || !url || r.notifyUrl) return;
    r.notifyUrl = url;
    this.persist();
  }

  /** A refund that ends owes its notification: written with the ending, so a restart still sends it. */
  protected override settle(r: SimRefund): void {
    const before = r.status;
    super.settle(r);
    if (before === 'PROCESSING' && r.status !== 'PROCESSING' && (r as FakeRefund).notifyUrl) {
      const key = `${REFUND_KEY}${r.refundNo}`;
      this.resends.set(key, { paymentNo: key, attempts: 0, nextAt: this.clock.now(), done: false });
    }
  }

  /** One pass of the fake's own time: refunds that are due settle, and notifications that are due go out. */
  async tick(): Promise<number> {
    this.settleRefunds();
    return this.resendDue();
  }

  private ticker: NodeJS.Timeout | null = null;

  /** The fake keeps its own time once a second (demo); tests that move a clock by hand call `tick` themselves. */
  startTicking(): void {
    if (this.ticker) return;
    this.ticker = setInterval(() => void this.tick().catch(() => 0), 1000);
    this.ticker.unref();
  }

  stopTicking(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  /** A paid trade's TRANSACTION.SUCCESS (or, under the refund prefix, a refund's REFUND.*), freshly signed. */
  override notification(key: string, opts: { amountFen?: number; at?: number } = {}): GatewayDelivery | DomainError {
    if (key.startsWith(REFUND_KEY)) return this.refundNotification(key.slice(REFUND_KEY.length), opts);
    this.sync();
    const p = this.payments.get(key) as FakePayment | undefined;
    if (!p || p.status !== 'paid' || !p.tradeNo || !p.notifyUrl) return fail('PAYMENT.NOT_FOUND', 'No paid payment to notify.', { paymentNo: key });
    const resource = { ...this.transactionOf(key, p), amount: { total: opts.amountFen ?? p.amountFen, payer_total: opts.amountFen ?? p.amountFen, currency: 'CNY', payer_currency: 'CNY' } };
    return this.envelope(p.notifyUrl, `EV-${p.tradeNo}`, 'TRANSACTION.SUCCESS', '支付成功', 'transaction', resource, p.paidAt ?? this.clock.now(), opts.at);
  }

  override refundNotification(refundNo: string, opts: { at?: number } = {}): GatewayDelivery | DomainError {
    this.sync();
    const r = this.refunds.get(refundNo) as FakeRefund | undefined;
    if (!r || r.status === 'PROCESSING' || r.settledAt === null || !r.notifyUrl) return fail('REFUND.NOT_FOUND', 'No settled refund to notify.', { refundNo });
    const event = r.status === 'SUCCESS' ? ['REFUND.SUCCESS', '退款成功'] : r.status === 'CLOSED' ? ['REFUND.CLOSED', '退款关闭'] : ['REFUND.ABNORMAL', '退款异常'];
    const p = this.payments.get(r.paymentNo);
    const resource = {
      mchid: this.merchant.mchId, out_trade_no: r.paymentNo, transaction_id: p?.tradeNo ?? '', out_refund_no: r.refundNo, refund_id: r.channelRefundNo,
      refund_status: r.status === 'FAILED' ? 'ABNORMAL' : r.status, ...(r.status === 'SUCCESS' ? { success_time: rfc3339Shanghai(r.settledAt) } : {}),
      user_received_account: '招商银行信用卡0403',
      amount: { total: p?.amountFen ?? 0, refund: r.amountFen, payer_total: p?.amountFen ?? 0, payer_refund: r.amountFen },
    };
    return this.envelope(r.notifyUrl, `EV-${r.channelRefundNo}`, event[0]!, event[1]!, 'refund', resource, r.settledAt, opts.at);
  }

  /** The trade as WeChat's query answer and payment notification show it. */
  transactionOf(no: string, p: FakePayment): Record<string, unknown> {
    const state = p.status === 'paid' ? (p.refundedFen > 0 ? 'REFUND' : 'SUCCESS') : p.status === 'closed' ? 'CLOSED' : 'NOTPAY';
    const desc = { SUCCESS: '支付成功', REFUND: '转入退款', CLOSED: '已关闭', NOTPAY: '未支付' }[state];
    return {
      appid: this.merchant.appId, mchid: this.merchant.mchId, out_trade_no: no, trade_state: state, trade_state_desc: desc,
      ...(p.tradeNo ? { transaction_id: p.tradeNo, trade_type: 'MWEB', bank_type: 'OTHERS', payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' } } : {}),
      ...(p.paidAt ? { success_time: rfc3339Shanghai(p.paidAt) } : {}),
      amount: p.tradeNo ? { total: p.amountFen, payer_total: p.amountFen, currency: 'CNY', payer_currency: 'CNY' } : { total: p.amountFen, currency: 'CNY' },
    };
  }

  /** The answer headers WeChat Pay signs every message with. */
  signAnswer(body: string, at = this.clock.now()): Record<string, string> {
    const timestamp = String(Math.floor(at / 1000));
    const nonce = this.rnd.hex(32).toUpperCase();
    return {
      'wechatpay-timestamp': timestamp, 'wechatpay-nonce': nonce, 'wechatpay-serial': this.merchant.publicKeyId,
      'wechatpay-signature': rsaSign(this.merchant.platformPrivateKey, answerMessage(timestamp, nonce, body)), 'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
    };
  }

  private envelope(url: string, id: string, eventType: string, summary: string, type: string, resource: unknown, createdAt: number, at?: number): GatewayDelivery {
    const nonce = this.rnd.hex(12);
    const body = JSON.stringify({
      id, create_time: rfc3339Shanghai(createdAt), resource_type: 'encrypt-resource', event_type: eventType, summary,
      resource: { original_type: type, algorithm: 'AEAD_AES_256_GCM', ciphertext: encryptResource(this.merchant.apiV3Key, JSON.stringify(resource), nonce, type), associated_data: type, nonce },
    });
    this.persist();
    return { url, body, headers: { 'content-type': 'application/json', ...this.signAnswer(body, at) } };
  }
}

/** WeChat Pay's delivery: a POST to the notify_url; anything but 2xx (or no answer within 5 s) is a failure to resend. */
async function postNotification(d: GatewayDelivery): Promise<boolean> {
  try {
    const res = await fetch(d.url, { method: 'POST', headers: d.headers, body: d.body, signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    return res.status >= 200 && res.status < 300;
  } catch {
    return false;
  }
}
