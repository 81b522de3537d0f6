// A fake Alipay open-platform gateway on 127.0.0.1 (…/gateway.do): the methods Haoka calls, with Alipay's
// signatures both ways (the application's request checked against the app public key it was given, every answer
// signed with the fake's own key inside Alipay's JSON envelope), its refusals (isv.invalid-signature,
// ACQ.TRADE_NOT_EXIST, ACQ.TRADE_STATUS_ERROR, ACQ.TRADE_HAS_CLOSE, ACQ.REFUND_AMT_NOT_EQUAL_TOTAL,
// ACQ.SYSTEM_ERROR, isp.bill_not_exist), the cashier page of H5 payments, and the bill centre's downloads.
// It can be scripted to lose answers (before or after the work is done) and to be busy.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { billDayEnd, billDayStart, parseBillDay } from '../../../domain/policies/bill-day.ts';
import { CODE, METHODS, OUT_NO, parseBeijingTime, responseKeyOf, rsa2Verify, signBase, SUB, yuanToFen, beijingTime, fenToYuan } from '../alipay/protocol.ts';
import { tradeBillZip } from './bill-file.ts';
import type { FakeAlipayState } from './state.ts';
import { closeLocal, listenLocal } from '../../sim/local-server.ts';

type Biz = Record<string, any>;
type Result = Record<string, unknown>;
const ok = (fields: Result = {}): Result => ({ code: CODE.ok, msg: 'Success', ...fields });
const refuse = (sub: string, subMsg: string, code: string = CODE.businessFailed): Result => ({
  code, msg: code === CODE.businessFailed ? 'Business Failed' : code === CODE.invalidParam ? 'Invalid Arguments' : code === CODE.unavailable ? 'Service Currently Unavailable' : 'Missing Required Arguments', sub_code: sub, sub_msg: subMsg,
});

/** The connection ends without an answer (a scripted loss, or an engine scripted not to answer). */
class NoAnswer extends Error {}

export class FakeAlipayGateway {
  private server: Server | null = null;
  baseUrl = '';

  constructor(readonly state: FakeAlipayState) {}

  /** The address the application is configured with (HAOKA_ALIPAY_GATEWAY). */
  get gatewayUrl(): string {
    return `${this.baseUrl}/gateway.do`;
  }

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.baseUrl = await listenLocal(this.server, port);
    return this.gatewayUrl;
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
    try {
      if (req.method === 'POST' && url.pathname.startsWith('/sim/pay/')) {
        // The customer pays in the Alipay app (no application signature: it is the customer's phone).
        const r = this.state.pay(decodeURIComponent(url.pathname.slice('/sim/pay/'.length)));
        const refused = 'kind' in r;
        return void res.writeHead(refused ? 400 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(refused ? { paid: false, error: r.message } : { paid: true }));
      }
      if (req.method === 'GET' && url.pathname === '/downloadBillFile.resource') return void await this.billFile(url, res);
      if (url.pathname !== '/gateway.do') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      const params: Record<string, string> = {};
      for (const [k, v] of url.searchParams) params[k] = v;
      if (req.method === 'POST') for (const [k, v] of new URLSearchParams(body)) params[k] = v;
      const method = params.method ?? '';
      if (method === METHODS.wapPay) return void await this.cashierPage(params, res);
      const key = responseKeyOf(method || 'error');
      const drop = this.state.script.drop.findIndex((d) => d.method === method);
      const dropped = drop >= 0 ? this.state.script.drop.splice(drop, 1)[0]! : null;
      if (dropped && !dropped.after) throw new NoAnswer();
      const answer = await this.api(method, params);
      if (dropped) throw new NoAnswer();
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8', trace_id: `0b${Date.now().toString(16)}` }).end(this.state.envelope(key, answer));
    } catch (e) {
      if (e instanceof NoAnswer || (e instanceof Error && /no answer/.test(e.message))) return void res.destroy();
      res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
    }
  }

  /** The application's signature (RSA2 over every parameter but `sign`), and its app id. */
  private signatureProblem(params: Record<string, string>): Result | null {
    if (params.app_id !== this.state.app.appId) return refuse(SUB.invalidAppId, '无效的AppID参数', CODE.invalidParam);
    if (!params.sign || (params.sign_type ?? 'RSA') !== 'RSA2') return refuse('isv.missing-signature', '缺少签名参数', CODE.missingParam);
    if (!rsa2Verify(this.state.app.appPublicKey, signBase(params), params.sign)) {
      return refuse(SUB.invalidSignature, `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${signBase(params)}`, CODE.invalidParam);
    }
    if (parseBeijingTime(params.timestamp ?? '') === null) return refuse('isv.invalid-timestamp', '非法的时间戳参数', CODE.invalidParam);
    return null;
  }

  private async api(method: string, params: Record<string, string>): Promise<Result> {
    const problem = this.signatureProblem(params);
    if (problem) return problem;
    let biz: Biz;
    try {
      biz = JSON.parse(params.biz_content ?? '{}') as Biz;
    } catch {
      return refuse('isv.invalid-biz-content', 'biz_content不是合法的JSON', CODE.invalidParam);
    }
    const busy = this.state.script.busy.indexOf(method);
    if (busy >= 0) {
      this.state.script.busy.splice(busy, 1);
      return refuse(SUB.systemError, '系统错误');
    }
    switch (method) {
      case METHODS.query: return this.query(biz);
      case METHODS.close: return this.close(biz);
      case METHODS.refund: return this.refund(biz);
      case METHODS.refundQuery: return this.refundQuery(biz);
      case METHODS.billUrl: return this.billUrl(biz);
      default: return refuse('isv.invalid-method', '不存在的方法名', CODE.invalidParam);
    }
  }

  /** The cashier page: the signed request opens the trade (WAIT_BUYER_PAY); the customer then pays in the app. */
  private async cashierPage(params: Record<string, string>, res: ServerResponse): Promise<void> {
    const problem = this.signatureProblem(params);
    const page = (status: number, text: string) => res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>支付宝</title><p>${text}</p>`);
    if (problem) return void page(400, `${String(problem.sub_code)}: ${String(problem.sub_msg)}`);
    let biz: Biz;
    try {
      biz = JSON.parse(params.biz_content ?? '{}') as Biz;
    } catch {
      return void page(400, 'biz_content不是合法的JSON');
    }
    let fen: number;
    try {
      fen = yuanToFen(String(biz.total_amount ?? ''));
    } catch {
      return void page(400, 'total_amount不合法');
    }
    if (typeof biz.out_trade_no !== 'string' || !OUT_NO.test(biz.out_trade_no) || fen < 1 || typeof biz.subject !== 'string' || biz.product_code !== 'QUICK_WAP_WAY') {
      return void page(400, 'ACQ.INVALID_PARAMETER: 参数无效');
    }
    const known = this.state.payment(biz.out_trade_no);
    if (known && known.amountFen !== fen) return void page(400, 'ACQ.CONTEXT_INCONSISTENT: 交易信息被篡改');
    if (known?.status === 'closed') return void page(400, `${SUB.tradeHasClose}: 交易已经关闭`);
    const expires = parseBeijingTime(String(biz.time_expire ?? '')) ?? this.state.now() + 15 * 24 * 3_600_000;
    await this.state.openTrade({ paymentNo: biz.out_trade_no, amountFen: fen, subject: biz.subject, expiresAt: expires, notifyUrl: params.notify_url });
    page(200, `${biz.subject} ￥${fenToYuan(fen)}`);
  }

  private async query(b: Biz): Promise<Result> {
    const no = String(b.out_trade_no ?? '');
    this.state.lapse(no);
    const t = await this.state.queryPayment(no);
    const p = this.state.payment(no);
    if (t.status === 'not_found' || !p) return refuse(SUB.tradeNotExist, '交易不存在');
    const status = p.status === 'paid' ? 'TRADE_SUCCESS' : p.status === 'closed' ? 'TRADE_CLOSED' : 'WAIT_BUYER_PAY';
    const yuan = fenToYuan(p.amountFen);
    return ok({
      out_trade_no: no, trade_status: status, total_amount: yuan,
      ...(p.tradeNo ? { trade_no: p.tradeNo, buyer_logon_id: '159****5620', buyer_user_id: '2088102177846880', buyer_pay_amount: yuan, receipt_amount: yuan, invoice_amount: yuan, point_amount: '0.00' } : {}),
      ...(p.paidAt && p.status === 'paid' ? { send_pay_date: beijingTime(p.paidAt) } : {}),
    });
  }

  private async close(b: Biz): Promise<Result> {
    const no = String(b.out_trade_no ?? '');
    const c = await this.state.closePayment(no);
    if (c.status === 'not_found') return refuse(SUB.tradeNotExist, '交易不存在');
    if (c.status === 'refused') return refuse(SUB.tradeStatusError, '交易状态不合法');
    return ok({ out_trade_no: no, ...(this.state.payment(no)?.tradeNo ? { trade_no: this.state.payment(no)!.tradeNo } : {}) });
  }

  private async refund(b: Biz): Promise<Result> {
    const no = String(b.out_trade_no ?? '');
    const requestNo = typeof b.out_request_no === 'string' ? b.out_request_no : no;
    let fen: number;
    try {
      fen = yuanToFen(String(b.refund_amount ?? ''));
    } catch {
      return refuse('ACQ.INVALID_PARAMETER', '参数无效');
    }
    if (!OUT_NO.test(requestNo) || fen < 1) return refuse('ACQ.INVALID_PARAMETER', '参数无效');
    const known = this.state.refundRecord(requestNo);
    if (known && known.paymentNo !== no) return refuse('ACQ.INVALID_PARAMETER', '退款请求号已被其他交易使用');
    const p = this.state.payment(no);
    if (!p) return refuse(SUB.tradeNotExist, '交易不存在');
    if (!known && p.status === 'closed') return refuse(SUB.tradeHasClose, '交易已经关闭');
    if (!known && p.status !== 'paid') return refuse(SUB.tradeStatusError, '交易状态不合法');
    const a = await this.state.refund({ refundNo: requestNo, paymentNo: no, amountFen: fen, reason: String(b.refund_reason ?? '') });
    if (a.status === 'unknown') throw new NoAnswer();
    if (a.status === 'failed') {
      const code = a.error.split(':')[0]!;
      if (code === 'SYSTEM_ERROR') return refuse(SUB.systemError, '系统错误');
      if (code === 'REFUND_AMOUNT_EXCEEDED') return refuse(SUB.refundAmountExceeded, '退款金额超限');
      if (code === 'TRADE_NOT_EXIST') return refuse(SUB.tradeNotExist, '交易不存在');
      return refuse(code.startsWith('ACQ.') ? code : `ACQ.${code}`, a.error.slice(code.length + 1).trim() || code);
    }
    // A request number seen before is answered as it was, and says no money moved this time.
    const settled = this.state.refundRecord(requestNo)!;
    return ok({
      trade_no: p.tradeNo, out_trade_no: no, buyer_logon_id: '159****5620', fund_change: known ? 'N' : 'Y',
      refund_fee: fenToYuan(p.refundedFen), gmt_refund_pay: beijingTime(settled.settledAt ?? this.state.now()), send_back_fee: fenToYuan(settled.amountFen),
    });
  }

  private async refundQuery(b: Biz): Promise<Result> {
    const no = String(b.out_trade_no ?? '');
    const requestNo = String(b.out_request_no ?? no);
    const p = this.state.payment(no);
    if (!p) return refuse(SUB.tradeNotExist, '交易不存在');
    const r = this.state.refundRecord(requestNo);
    // A request number Alipay never received (or refused): an answer with none of its fields.
    if (!r || r.paymentNo !== no || r.status !== 'SUCCESS') return ok({ out_trade_no: no, ...(p.tradeNo ? { trade_no: p.tradeNo } : {}) });
    return ok({
      trade_no: p.tradeNo, out_trade_no: no, out_request_no: requestNo, total_amount: fenToYuan(p.amountFen), refund_amount: fenToYuan(r.amountFen),
      refund_status: 'REFUND_SUCCESS', ...(r.settledAt ? { gmt_refund_pay: beijingTime(r.settledAt) } : {}),
    });
  }

  private async billUrl(b: Biz): Promise<Result> {
    const day = parseBillDay(String(b.bill_date ?? ''));
    if (b.bill_type !== 'trade' && b.bill_type !== 'signcustomer') return refuse('isv.invalid-bill-type', '账单类型不合法', CODE.invalidParam);
    if (!day) return refuse('isv.invalid-bill-date', '账单时间格式不正确', CODE.invalidParam);
    // The day's bill exists once the day is over in Beijing (Alipay: "当日数据一般于次日 9 点前生成").
    if (this.state.now() < billDayEnd(day)) return refuse(SUB.billNotExist, '账单不存在');
    const ymd = day.replaceAll('-', '');
    const q = new URLSearchParams({ bizType: 'trade', userId: this.state.app.sellerId, fileType: 'csv.zip', bizDates: ymd, downloadFileName: `${this.state.app.sellerId}0156_${ymd}.csv.zip`, fileId: `/trade/${this.state.app.sellerId}/${ymd}.txt.zip` });
    q.set('sign', this.downloadToken(q.toString()));
    return ok({ bill_download_url: `${this.baseUrl}/downloadBillFile.resource?${q.toString()}` });
  }

  private async billFile(url: URL, res: ServerResponse): Promise<void> {
    const sign = url.searchParams.get('sign') ?? '';
    const q = new URLSearchParams(url.searchParams);
    q.delete('sign');
    const ymd = q.get('bizDates') ?? '';
    const day = parseBillDay(`${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`);
    if (!day || sign !== this.downloadToken(q.toString())) return void res.writeHead(403, { 'content-type': 'text/plain' }).end('invalid download address');
    const s = await this.state.statement(day);
    if (s.status !== 'ready') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('bill not ready');
    const { name, zip } = tradeBillZip(this.state, day, billDayStart(day), s.lines);
    res.writeHead(200, { 'content-type': 'application/oct-stream', 'content-disposition': `attachment; filename="${encodeURIComponent(name)}"` }).end(zip);
  }

  /** A download address cannot be made up by someone without the fake's key. */
  private downloadToken(query: string): string {
    return createHmac('sha256', this.state.app.alipayPrivateKey.export({ type: 'pkcs8', format: 'der' })).update(query).digest('hex').slice(0, 32);
  }
}
