// A fake WeChat Pay API v3 gateway on 127.0.0.1: the endpoints Haoka calls, with WeChat's signatures both ways
// (the merchant's request checked against the merchant public key it was given, every answer signed with the
// fake's platform key), its refusals (SIGN_ERROR 401, PARAM_ERROR 400, ORDER_NOT_EXIST / RESOURCE_NOT_EXISTS 404,
// ORDERPAID, NOT_ENOUGH 403, FREQUENCY_LIMITED 429, SYSTEM_ERROR 500) and its books in FakeWechatState. It can
// be scripted to lose answers (the call times out before or after the work is done) and to be busy.
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { billDayEnd, parseBillDay } from '../../../domain/policies/bill-day.ts';
import { parseAuthorization, requestMessage, rsaVerify } from '../wechat/signing.ts';
import { rfc3339Shanghai } from '../wechat/messages.ts';
import { tradeBillCsv } from './bill-file.ts';
import type { FakeRefund, FakeWechatState, GatewayScript } from './state.ts';
import { closeLocal, listenLocal } from '../../sim/local-server.ts';

type Answer = { status: number; body?: unknown; raw?: string; signed?: boolean };
const refuse = (status: number, code: string, message: string): Answer => ({ status, body: { code, message } });

const OUT_NO = /^[A-Za-z0-9_\-|*]{6,64}$/;

export class FakeWechatGateway {
  private server: Server | null = null;
  baseUrl = '';

  constructor(readonly state: FakeWechatState) {}

  /** Scripting lives with the fake's books, so that a test holding only the state can script the gateway. */
  get script(): GatewayScript {
    return this.state.script;
  }

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.baseUrl = await listenLocal(this.server, port);
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await closeLocal(s);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const drop = this.script.drop.findIndex((d) => d.path.test(url.pathname));
    const dropped = drop >= 0 ? this.script.drop.splice(drop, 1)[0]! : null;
    if (dropped && !dropped.after) return void res.destroy();
    let answer: Answer;
    try {
      answer = await this.route(req.method ?? 'GET', url, req.headers.authorization, body);
    } catch {
      // The engine was scripted not to answer (a trade call timing out): the connection just ends.
      return void res.destroy();
    }
    if (dropped) return void res.destroy();
    const text = answer.raw ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
    const headers: Record<string, string> = { 'request-id': this.state.merchant.mchId + Date.now().toString(36) };
    if (text !== '') headers['content-type'] = answer.raw !== undefined ? 'text/plain; charset=utf-8' : 'application/json';
    if (answer.signed !== false) Object.assign(headers, this.state.signAnswer(text));
    res.writeHead(answer.status, headers).end(text);
  }

  private async route(method: string, url: URL, authorization: string | undefined, body: string): Promise<Answer> {
    const path = url.pathname;
    // The customer pays in the WeChat app (no merchant signature: it is the customer's phone, not the merchant).
    const pay = method === 'POST' ? /^\/sim\/pay\/([^/]+)$/.exec(path) : null;
    if (pay) {
      const r = this.state.pay(decodeURIComponent(pay[1]!));
      return 'kind' in r ? refuse(r.code === 'PAYMENT.NOT_FOUND' ? 404 : 400, r.code === 'PAYMENT.NOT_FOUND' ? 'ORDER_NOT_EXIST' : 'ORDER_CLOSED', r.message) : { status: 200, body: { paid: true } };
    }
    const signError = this.checkSignature(method, `${path}${url.search}`, authorization, body);
    if (signError) return signError;
    const busy = this.script.busy.findIndex((b) => b.test(path));
    if (busy >= 0) {
      this.script.busy.splice(busy, 1);
      return refuse(429, 'FREQUENCY_LIMITED', '频率超限');
    }
    let json: Record<string, any> = {};
    if (method === 'POST') {
      try {
        json = JSON.parse(body) as Record<string, any>;
      } catch {
        return refuse(400, 'PARAM_ERROR', '请求体不是合法的JSON');
      }
    }
    const m = this.state.merchant;
    let p: RegExpExecArray | null;
    if (method === 'POST' && path === '/v3/pay/transactions/h5') return this.order(json);
    if (method === 'GET' && (p = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/.exec(path))) {
      if (url.searchParams.get('mchid') !== m.mchId) return refuse(400, 'PARAM_ERROR', 'mchid与请求的商户号不一致');
      const no = decodeURIComponent(p[1]!);
      const t = await this.state.queryPayment(no);
      const rec = this.state.payment(no);
      return t.status === 'not_found' || !rec ? refuse(404, 'ORDER_NOT_EXIST', '订单不存在') : { status: 200, body: this.state.transactionOf(no, rec) };
    }
    if (method === 'POST' && (p = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/close$/.exec(path))) {
      if (json.mchid !== m.mchId) return refuse(400, 'PARAM_ERROR', 'mchid与请求的商户号不一致');
      const c = await this.state.closePayment(decodeURIComponent(p[1]!));
      if (c.status === 'not_found') return refuse(404, 'ORDER_NOT_EXIST', '订单不存在');
      if (c.status === 'refused') return refuse(400, 'ORDERPAID', '订单已支付');
      return { status: 204 };
    }
    if (method === 'POST' && path === '/v3/refund/domestic/refunds') return this.refund(json);
    if (method === 'GET' && (p = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(path))) {
      this.state.settleRefunds();
      const r = this.state.refundRecord(decodeURIComponent(p[1]!));
      return r ? { status: 200, body: this.refundBody(r) } : refuse(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
    }
    if (method === 'GET' && path === '/v3/bill/tradebill') return this.bill(url);
    if (method === 'GET' && path === '/v3/billdownload/file') return this.billFile(url);
    return refuse(404, 'NOT_FOUND', '接口不存在');
  }

  /** The merchant's Authorization: its merchant id and certificate, a signature over the exact request, a fresh time. */
  private checkSignature(method: string, pathAndQuery: string, authorization: string | undefined, body: string): Answer | null {
    const a = parseAuthorization(authorization);
    const m = this.state.merchant;
    if (!a) return refuse(401, 'SIGN_ERROR', 'Http头Authorization值格式错误');
    if (a.mchid !== m.mchId) return refuse(401, 'SIGN_ERROR', '商户号与签名不一致');
    if (a.serial_no !== m.certSerial) return refuse(401, 'SIGN_ERROR', '商户证书序列号有误');
    if (Math.abs(this.state.now() - Number(a.timestamp) * 1000) > 5 * 60_000) return refuse(401, 'SIGN_ERROR', '请求时间戳过期');
    if (!rsaVerify(m.merchantPublicKey, requestMessage(method, pathAndQuery, a.timestamp, a.nonce_str, body), a.signature)) return refuse(401, 'SIGN_ERROR', '签名错误');
    return null;
  }

  private async order(b: Record<string, any>): Promise<Answer> {
    const m = this.state.merchant;
    if (b.mchid !== m.mchId) return refuse(400, 'MCH_NOT_EXISTS', '商户号不存在');
    if (b.appid !== m.appId) return refuse(400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');
    const total = b.amount?.total;
    const expires = typeof b.time_expire === 'string' ? Date.parse(b.time_expire) : NaN;
    // WeChat names the first field it refuses, as a JSON pointer into the body.
    const bad = [
      ['/out_trade_no', typeof b.out_trade_no === 'string' && OUT_NO.test(b.out_trade_no)],
      ['/description', typeof b.description === 'string' && b.description.length > 0 && b.description.length <= 127],
      ['/amount/total', Number.isInteger(total) && total >= 1],
      ['/notify_url', typeof b.notify_url === 'string' && /^https?:\/\//.test(b.notify_url)],
      ['/scene_info/payer_client_ip', typeof b.scene_info?.payer_client_ip === 'string'],
      ['/time_expire', Number.isFinite(expires)],
    ].find(([, ok]) => !ok);
    if (bad) return refuse(400, 'PARAM_ERROR', `输入源“/body${bad[0]}”映射到值字段不合法`);
    const known = this.state.payment(b.out_trade_no);
    if (known) {
      if (known.status === 'paid') return refuse(400, 'ORDERPAID', '该订单已支付');
      if (known.status === 'closed') return refuse(400, 'ORDER_CLOSED', '订单已关闭');
      if (known.amountFen !== total) return refuse(400, 'OUT_TRADE_NO_USED', '商户订单号重复');
    } else {
      await this.state.createPayment({ paymentNo: b.out_trade_no, amountFen: total, subject: b.description, expiresAt: expires });
      const prepayId = `wx${createHash('sha256').update(b.out_trade_no).digest('hex').slice(0, 30)}`;
      this.state.describe(b.out_trade_no, { notifyUrl: b.notify_url, description: b.description, createdAt: this.state.now(), prepayId });
    }
    const rec = this.state.payment(b.out_trade_no)!;
    return { status: 200, body: { h5_url: `${this.baseUrl}/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=${rec.prepayId}&package=${rec.amountFen}` } };
  }

  private async refund(b: Record<string, any>): Promise<Answer> {
    const no = b.out_refund_no;
    const refundFen = b.amount?.refund;
    if (typeof no !== 'string' || !OUT_NO.test(no) || typeof b.out_trade_no !== 'string' || !Number.isInteger(refundFen) || refundFen < 1 || !Number.isInteger(b.amount?.total) || b.amount?.currency !== 'CNY') {
      return refuse(400, 'PARAM_ERROR', '输入源“/body”映射到值字段不合法');
    }
    const known = this.state.refundRecord(no);
    // The same out_refund_no again is the same refund: its record is answered, nothing more is paid.
    if (known) return known.paymentNo === b.out_trade_no ? { status: 200, body: this.refundBody(known) } : refuse(400, 'INVALID_REQUEST', '退款单号已被其他订单使用');
    const p = this.state.payment(b.out_trade_no);
    if (!p) return refuse(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
    if (b.amount.total !== p.amountFen) return refuse(400, 'PARAM_ERROR', '订单金额与实际支付金额不一致');
    const a = await this.state.refund({ refundNo: no, paymentNo: b.out_trade_no, amountFen: refundFen, reason: String(b.reason ?? '') });
    if (a.status === 'failed') {
      const code = a.error.split(':')[0]!;
      if (code === 'SYSTEM_ERROR') return refuse(500, 'SYSTEM_ERROR', '系统超时，请使用相同参数稍后重新调用');
      if (code === 'TRADE_NOT_EXIST') return refuse(400, 'INVALID_REQUEST', '订单未支付，不能退款');
      if (code === 'REFUND_AMOUNT_EXCEEDED') return refuse(400, 'INVALID_REQUEST', '申请退款金额超过订单可退金额');
      if (code === 'NOT_ENOUGH') return refuse(403, 'NOT_ENOUGH', '基本账户余额不足，请充值后重新发起');
      const r = this.state.refundRecord(no);
      if (!r) return refuse(400, code, a.error);
    }
    this.state.setRefundNotifyUrl(no, typeof b.notify_url === 'string' ? b.notify_url : undefined);
    return { status: 200, body: this.refundBody(this.state.refundRecord(no)!) };
  }

  private refundBody(r: FakeRefund): Record<string, unknown> {
    const p = this.state.payment(r.paymentNo);
    const status = r.status === 'FAILED' ? 'ABNORMAL' : r.status;
    return {
      refund_id: r.channelRefundNo, out_refund_no: r.refundNo, transaction_id: p?.tradeNo ?? '', out_trade_no: r.paymentNo, channel: 'ORIGINAL',
      user_received_account: '招商银行信用卡0403', create_time: rfc3339Shanghai(r.acceptedAt), status, funds_account: 'AVAILABLE',
      ...(r.status === 'SUCCESS' && r.settledAt ? { success_time: rfc3339Shanghai(r.settledAt) } : {}),
      amount: { total: p?.amountFen ?? 0, refund: r.amountFen, payer_total: p?.amountFen ?? 0, payer_refund: r.amountFen, settlement_refund: r.amountFen, settlement_total: p?.amountFen ?? 0, discount_refund: 0, currency: 'CNY', refund_fee: 0 },
    };
  }

  private async bill(url: URL): Promise<Answer> {
    const day = parseBillDay(url.searchParams.get('bill_date') ?? '');
    if (!day) return refuse(400, 'PARAM_ERROR', 'bill_date格式不正确');
    const s = await this.state.statement(day);
    if (s.status !== 'ready' || this.state.now() < billDayEnd(day)) return refuse(400, 'STATEMENT_CREATING', '账单生成中');
    if (s.lines.length === 0) return refuse(400, 'NO_STATEMENT_EXIST', '账单不存在');
    const csv = tradeBillCsv(this.state, s.lines);
    return { status: 200, body: { hash_type: 'SHA1', hash_value: createHash('sha1').update(csv, 'utf8').digest('hex'), download_url: `${this.baseUrl}/v3/billdownload/file?token=${this.billToken(day)}` } };
  }

  private async billFile(url: URL): Promise<Answer> {
    const token = url.searchParams.get('token') ?? '';
    const day = parseBillDay(token.slice(0, 10));
    if (!day || token !== this.billToken(day)) return refuse(400, 'PARAM_ERROR', 'token无效');
    const s = await this.state.statement(day);
    if (s.status !== 'ready') return refuse(400, 'STATEMENT_CREATING', '账单生成中');
    return { status: 200, raw: tradeBillCsv(this.state, s.lines), signed: false };
  }

  /** A download token names its day and cannot be made up by someone without the fake's API v3 key. */
  private billToken(day: string): string {
    return `${day}${createHmac('sha256', this.state.merchant.apiV3Key).update(day).digest('hex').slice(0, 24)}`;
  }
}
