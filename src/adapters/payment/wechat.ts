// WeChat-Pay-style refunds (API v3, POST /v3/refund/domestic/refunds): the request is accepted
// (status PROCESSING) and the result arrives later as a notification to our callback. The notification
// is signed over "timestamp\nnonce\nbody\n" (Wechatpay-Timestamp/-Nonce/-Signature headers) and carries
// its content encrypted with AEAD_AES_256_GCM under the merchant's API v3 key. WeChat resends it until
// it is acknowledged, with the same notification id, so the platform sees duplicates and, across refunds,
// any order. The real signature is RSA with the platform certificate; the simulator signs with HMAC.
import { createCipheriv, createDecipheriv, createHash, createHmac } from 'node:crypto';
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import { parsePush, refundNoticeBody, refundNoticeContent } from '../../app/platform/push-schemas.ts';
import type { Clock, RefundAnswer, RefundNotice, RefundRequest } from '../../app/platform/ports.ts';
import { NOTIFICATION_MAX_AGE_MS, PaymentChannelSimulator, sameText, type SignedDelivery, type SimRefund, type SimulatorOptions } from './simulator.ts';

const EVENT_OF: Record<'SUCCESS' | 'FAILED' | 'CLOSED', { event: string; status: string; summary: string }> = {
  SUCCESS: { event: 'REFUND.SUCCESS', status: 'SUCCESS', summary: '退款成功' },
  FAILED: { event: 'REFUND.ABNORMAL', status: 'ABNORMAL', summary: '退款异常' },
  CLOSED: { event: 'REFUND.CLOSED', status: 'CLOSED', summary: '退款关闭' },
};

export class WechatPaySimulator extends PaymentChannelSimulator {
  /** Scripting: how long after acceptance a refund settles (the channel's own pace). */
  settleDelayMs = 0;
  /** Scripting: how the next accepted refunds end, one entry each; SUCCESS when empty. */
  nextOutcomes: ('SUCCESS' | 'ABNORMAL' | 'CLOSED')[] = [];
  /** Scripting: extra copies of each notification that `notifyRefunds` pushes (WeChat resends). */
  duplicates = 0;
  private readonly apiV3Key: Buffer;

  /** `apiV3Key`: the merchant's 32-character API v3 key from configuration; without it (demo) one derived from `secret`. */
  constructor(secret: string, clock: Clock, opts: SimulatorOptions & { apiV3Key?: string | null } = {}) {
    super('wechat', secret, clock, { closePaid: 'ORDERPAID: 订单已支付, the order is paid and cannot be closed; refund it instead', payClosed: 'ORDERCLOSED: 订单已关闭, the order was closed' }, opts);
    this.apiV3Key = opts.apiV3Key ? Buffer.from(opts.apiV3Key, 'utf8') : createHash('sha256').update(`${secret}:apiv3`).digest();
  }

  async refund(req: RefundRequest): Promise<RefundAnswer> {
    const got = this.receive(req, () => {
      const next = this.nextOutcomes.shift() ?? 'SUCCESS';
      if (next === 'ABNORMAL') return { status: 'FAILED', error: 'ABNORMAL: the buyer\'s card is frozen or closed' };
      if (next === 'CLOSED') return { status: 'CLOSED', error: 'CLOSED: the refund was closed by the channel' };
      return { status: 'SUCCESS', error: null };
    });
    if ('refund' in got) got.refund.settleAt = this.clock.now() + this.settleDelayMs;
    this.persist();
    if ('answer' in got) return got.answer;
    return { status: 'processing', channelRefundNo: got.refund.channelRefundNo };
  }

  /**
   * Settles the refunds whose time has come, or (scripting) the ones named, whatever the time. Returns the
   * request numbers settled; each now has a notification.
   */
  settleRefunds(refundNos?: string[]): string[] {
    if (!refundNos) return this.settleDue();
    this.sync();
    const settled = refundNos.filter((no) => this.refunds.get(no)?.status === 'PROCESSING');
    for (const no of settled) this.settle(this.refunds.get(no)!);
    this.persist();
    return settled;
  }

  /** Pushes the notification of each settled refund (and `duplicates` copies) through `deliver`. */
  async notifyRefunds(refundNos: string[]): Promise<number> {
    let acked = 0;
    if (!this.deliver) return acked;
    for (const no of refundNos) {
      for (let i = 0; i <= this.duplicates; i++) {
        const d = this.refundNotification(no);
        if (!('kind' in d) && (await this.deliver(d, 'refund').catch(() => false))) acked++;
      }
    }
    return acked;
  }

  /**
   * One delivery of a settled refund's notification. Every delivery has a fresh timestamp and nonce but the
   * same notification id, as WeChat's resends do.
   */
  refundNotification(refundNo: string, opts: { at?: number } = {}): SignedDelivery | DomainError {
    this.sync();
    const r = this.refunds.get(refundNo);
    if (!r || r.status === 'PROCESSING' || r.settledAt === null) return fail('REFUND.NOT_FOUND', 'No settled refund to notify.', { refundNo });
    const kind = EVENT_OF[r.status];
    const resource = {
      mchid: '1900000100', out_trade_no: r.paymentNo, transaction_id: this.payments.get(r.paymentNo)?.tradeNo ?? '',
      out_refund_no: r.refundNo, refund_id: r.channelRefundNo, refund_status: kind.status,
      success_time: r.status === 'SUCCESS' ? isoShanghai(r.settledAt) : undefined, user_received_account: '招商银行信用卡0403',
      amount: { total: this.payments.get(r.paymentNo)?.amountFen ?? 0, refund: r.amountFen, payer_total: this.payments.get(r.paymentNo)?.amountFen ?? 0, payer_refund: r.amountFen },
    };
    const body = JSON.stringify({
      id: notifyIdOf(r), create_time: isoShanghai(r.settledAt), resource_type: 'encrypt-resource', event_type: kind.event, summary: kind.summary,
      resource: { original_type: 'refund', algorithm: 'AEAD_AES_256_GCM', associated_data: 'refund', ...this.encrypt(JSON.stringify(resource), 'refund') },
    });
    const delivery = this.signV3(body, Math.floor((opts.at ?? this.clock.now()) / 1000), this.rnd.hex(32));
    this.persist();
    return delivery;
  }

  signV3(body: string, timestampSec: number, nonce: string): SignedDelivery {
    const signature = createHmac('sha256', this.secret).update(`${timestampSec}\n${nonce}\n${body}\n`).digest('base64');
    return {
      headers: { 'content-type': 'application/json', 'wechatpay-timestamp': String(timestampSec), 'wechatpay-nonce': nonce, 'wechatpay-signature': signature, 'wechatpay-serial': 'SIMULATED-PLATFORM-CERT' },
      body,
    };
  }

  verifyRefundNotification(headers: Record<string, string | string[] | undefined>, rawBody: string, now: number): RefundNotice | DomainError {
    const ts = Number(headers['wechatpay-timestamp']);
    const nonce = headers['wechatpay-nonce'];
    const sig = headers['wechatpay-signature'];
    if (!Number.isInteger(ts) || typeof nonce !== 'string' || typeof sig !== 'string' || nonce.length < 8) {
      return fail('PAYMENT.BAD_SIGNATURE', 'The notification is not signed.');
    }
    if (!sameText(this.signV3(rawBody, ts, nonce).headers['wechatpay-signature']!, sig)) return fail('PAYMENT.BAD_SIGNATURE', 'The notification signature does not verify.');
    if (Math.abs(now - ts * 1000) > NOTIFICATION_MAX_AGE_MS) return fail('PAYMENT.REPLAYED', 'The notification is too old to be accepted.', { timestamp: ts });
    let raw: unknown;
    try {
      raw = JSON.parse(rawBody);
    } catch {
      return fail('REQUEST.MALFORMED_JSON', 'The notification body is not JSON.');
    }
    const b = parsePush(refundNoticeBody, raw);
    if (isError(b)) return b;
    const res = b.resource;
    let plain: unknown;
    try {
      plain = JSON.parse(this.decrypt(res.ciphertext, res.nonce, res.associated_data));
    } catch {
      return fail('PAYMENT.BAD_SIGNATURE', 'The notification content does not decrypt with our key.');
    }
    const c = parsePush(refundNoticeContent, plain);
    if (isError(c)) return c;
    const status = c.refund_status === 'SUCCESS' ? 'succeeded' : c.refund_status === 'ABNORMAL' ? 'failed' : 'closed';
    return {
      notifyId: b.id, refundNo: c.out_refund_no, paymentNo: c.out_trade_no, channelRefundNo: c.refund_id, amountFen: c.amount.refund,
      status, error: status === 'succeeded' ? null : c.refund_status,
    };
  }

  private encrypt(plain: string, aad: string): { ciphertext: string; nonce: string } {
    const nonce = this.rnd.hex(12);
    const c = createCipheriv('aes-256-gcm', this.apiV3Key, Buffer.from(nonce, 'utf8'));
    c.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([c.update(plain, 'utf8'), c.final(), c.getAuthTag()]);
    return { ciphertext: ct.toString('base64'), nonce };
  }

  private decrypt(ciphertext: string, nonce: string, aad: string): string {
    const all = Buffer.from(ciphertext, 'base64');
    const d = createDecipheriv('aes-256-gcm', this.apiV3Key, Buffer.from(nonce, 'utf8'));
    d.setAAD(Buffer.from(aad, 'utf8'));
    d.setAuthTag(all.subarray(all.length - 16));
    return Buffer.concat([d.update(all.subarray(0, all.length - 16)), d.final()]).toString('utf8');
  }
}

/** One notification per settled refund: its id stays the same on every resend. */
const notifyIdOf = (r: SimRefund) => `EV-${r.channelRefundNo}`;

const isoShanghai = (ms: number) => `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
