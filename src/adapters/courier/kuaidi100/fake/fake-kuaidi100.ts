// A fake Kuaidi100 for tests and the demo: the same forms, signatures, answer codes and pushes as the real one,
// with parcels kept in state (in a journal of its own under HAOKA_SIM_STATE_DIR, so a restart keeps them).
// It issues e-waybills, takes subscriptions (refusing a wrong key, an expired key, bad data, a repeat while
// the waybill is still tracked), pushes each parcel's whole track to the subscribed callback signed with the
// subscriber's salt, answers the real-time query, and takes interceptions whose result it sends by callback:
// refused once the parcel is out for delivery or signed for, as couriers refuse them.
import type { TrackingKind } from '../../../../app/platform/ports.ts';
import { SimJournal } from '../../../sim/journal.ts';
import { SeededRandom } from '../../../sim/random.ts';
import { sameText } from '../../../payment/simulator.ts';
import { formatBeijingTime, labelSign, pushSign, querySign, SUBSCRIBE_CODES } from '../protocol.ts';

export interface FakeKuaidi100Keys {
  key: string;
  customer: string;
  secret: string;
}

interface Scan { context: string; time: string; ftime: string; status: string; statusCode: string; areaCode: string; areaName: string }

interface Interception { taskId: string; orderid: string; interceptType: string; callbackUrl: string; salt: string; answered: 'success' | 'fail' | null }

export interface FakeParcel {
  nu: string;
  com: string;
  orderId: string | null;
  /** Kuaidi100's main state now, and the scans, newest first (as lastResult carries them). */
  state: string;
  scans: Scan[];
  subscription: { callbackurl: string; salt: string; status: 'polling' | 'shutdown' } | null;
  interception: Interception | null;
  returning: boolean;
}

/** A form the fake sent to a callback, and whether it was acknowledged with Kuaidi100's expected answer. */
export interface SentPush { url: string; body: string; acknowledged: boolean }

/** Our scan kinds as a courier writes them at Kuaidi100: main state, sub-state, the words of the scan. */
const SCAN_OF: Record<TrackingKind | 'exception', { state: string; statusCode: string; status: string; context: string }> = {
  picked_up: { state: '1', statusCode: '103', status: '揽收', context: '【北京顺义集散中心】快递员已揽收' },
  in_transit: { state: '0', statusCode: '1002', status: '干线', context: '快件已发往【北京朝阳集散中心】' },
  out_for_delivery: { state: '5', statusCode: '5', status: '派件', context: '【北京朝阳营业点】快递员正在派送' },
  delivered: { state: '3', statusCode: '301', status: '签收', context: '快件已签收，签收人：本人' },
  returned_to_sender: { state: '4', statusCode: '4', status: '退签', context: '退回件已由寄件人签收' },
  exception: { state: '2', statusCode: '206', status: '疑难', context: '派件异常：收件人电话无法接通' },
};

export class FakeKuaidi100 {
  readonly parcels = new Map<string, FakeParcel>();
  readonly sent: SentPush[] = [];
  /** Scripting: the next N API calls answer 500 服务器错误, as a busy Kuaidi100 does. */
  failNext = 0;
  /** Scripting: the next N interceptions are refused by the courier's branch although the parcel is still on its way. */
  refuseNextInterception = 0;
  /** Keys Kuaidi100 holds as expired (601). */
  readonly expiredKeys = new Set<string>();
  /** How a push reaches a callback; set by the composition root (in-process) or left to HTTP. */
  deliver: ((url: string, body: string) => Promise<boolean>) | null = null;
  private readonly journal: SimJournal | null;
  private seq = 0;
  private seen = 0;
  private readonly rnd: SeededRandom;

  constructor(readonly keys: FakeKuaidi100Keys, private readonly clock: { now(): number }, opts: { journalPath?: string | null; seed?: number } = {}) {
    this.rnd = new SeededRandom((opts.seed ?? 1) ^ 0x4b443130);
    this.journal = opts.journalPath ? new SimJournal(opts.journalPath) : null;
    this.sync();
  }

  /** Parcels changed by another process sharing the journal (a separate `haoka worker` runs a fake of its own). */
  private sync(): void {
    for (const r of this.journal?.changesSince(this.seen) ?? []) {
      this.parcels.set(r.key, JSON.parse(r.json) as FakeParcel);
      this.seen = Math.max(this.seen, r.seq);
    }
  }

  private save(p: FakeParcel): void {
    this.parcels.set(p.nu, p);
    this.journal?.write([{ key: p.nu, json: JSON.stringify(p) }]);
  }

  private busy(): boolean {
    if (this.failNext <= 0) return false;
    this.failNext--;
    return true;
  }

  /** 电子面单下单 (label/order, method=order): a new waybill under the configured company. */
  labelOrder(param: Record<string, unknown>): Record<string, unknown> {
    this.sync();
    const com = String(param.kuaidicom ?? '');
    if (!/^[a-z0-9]{2,32}$/.test(com)) return { success: false, code: 400, message: 'kuaidicom 参数错误' };
    const n = this.journal ? this.journal.next('waybill') : ++this.seq;
    const nu = `${com === 'shunfeng' ? 'SF' : com.slice(0, 2).toUpperCase()}${String(1_000_000_000_000 + n).slice(1)}`;
    this.save({ nu, com, orderId: typeof param.orderId === 'string' ? param.orderId : null, state: '1', scans: [], subscription: null, interception: null, returning: false });
    return { success: true, code: 200, message: 'success', data: { taskId: this.rnd.hex(32).toUpperCase(), kuaidicom: com, kuaidinum: nu } };
  }

  /** The label API's form: key, t, sign = MD5(param + t + key + secret), method, param. */
  label(form: URLSearchParams): Record<string, unknown> {
    this.sync();
    if (this.busy()) return { success: false, code: 500, message: '服务器错误' };
    const param = form.get('param') ?? '';
    const t = form.get('t') ?? '';
    if (form.get('key') !== this.keys.key) return { success: false, code: 600, message: '您不是合法的用户（即授权Key出错）' };
    if (this.expiredKeys.has(this.keys.key)) return { success: false, code: 601, message: 'KEY已过期' };
    if (!sameText(labelSign(param, t, this.keys.key, this.keys.secret), (form.get('sign') ?? '').toUpperCase())) return { success: false, code: 400, message: '签名错误' };
    let p: Record<string, unknown>;
    try {
      p = JSON.parse(param) as Record<string, unknown>;
    } catch {
      return { success: false, code: 400, message: 'param 参数错误' };
    }
    switch (form.get('method')) {
      case 'order': return this.labelOrder(p);
      case 'interceptOrder': return this.interceptOrder(p);
      default: return { success: false, code: 400, message: 'method 参数错误' };
    }
  }

  /** 拦截改址: the task is taken at once (the same task for the same order id); the courier answers later. */
  private interceptOrder(p: Record<string, unknown>): Record<string, unknown> {
    const parcel = this.parcels.get(String(p.kuaidinum ?? ''));
    if (!parcel || parcel.com !== p.kuaidicom) return { success: false, code: 400, message: '快递单号不存在或与快递公司不匹配' };
    const type = String(p.interceptType ?? '');
    if (!['RETURN_SEND_STATION', 'RETURN_SEND_ADDR', 'MODIFY_ADDR'].includes(type)) return { success: false, code: 400, message: 'interceptType 参数错误' };
    if (parcel.interception) {
      if (parcel.interception.orderid === p.orderid) return { success: true, code: 200, message: '提交成功', data: { taskId: parcel.interception.taskId } };
      return { success: false, code: 400, message: '该运单已存在拦截任务' };
    }
    parcel.interception = { taskId: this.rnd.hex(16).toUpperCase(), orderid: String(p.orderid ?? ''), interceptType: type, callbackUrl: String(p.callbackUrl ?? ''), salt: String(p.salt ?? ''), answered: null };
    this.save(parcel);
    return { success: true, code: 200, message: '提交成功', data: { taskId: parcel.interception.taskId } };
  }

  /** 订阅 (poll): schema=json, param={company, number, key, parameters:{callbackurl, salt, resultv2}}. */
  async subscribe(form: URLSearchParams): Promise<Record<string, unknown>> {
    this.sync();
    if (this.busy()) return SUBSCRIBE_CODES.serverError;
    let p: { company?: unknown; number?: unknown; key?: unknown; parameters?: { callbackurl?: unknown; salt?: unknown } };
    try {
      p = JSON.parse(form.get('param') ?? '') as typeof p;
    } catch {
      return SUBSCRIBE_CODES.badData;
    }
    if (p.key !== this.keys.key) return SUBSCRIBE_CODES.badKey;
    if (this.expiredKeys.has(this.keys.key)) return SUBSCRIBE_CODES.keyExpired;
    const company = String(p.company ?? '');
    const nu = String(p.number ?? '');
    const callbackurl = String(p.parameters?.callbackurl ?? '');
    if (!/^[a-z0-9]{2,32}$/.test(company) || !/^[A-Za-z0-9]{1,32}$/.test(nu) || !/^https?:\/\//.test(callbackurl)) return SUBSCRIBE_CODES.badData;
    const known = this.parcels.get(nu);
    if (known && known.com !== company) return SUBSCRIBE_CODES.badData;
    if (known?.subscription?.status === 'polling') return SUBSCRIBE_CODES.duplicate;
    // Kuaidi100 tracks any waybill it is asked to; one it did not issue starts with no scan.
    const parcel: FakeParcel = known ?? { nu, com: company, orderId: null, state: '1', scans: [], subscription: null, interception: null, returning: false };
    parcel.subscription = { callbackurl, salt: String(p.parameters?.salt ?? ''), status: 'polling' };
    this.save(parcel);
    // The first push carries the whole track so far (scans made before the subscription included).
    if (parcel.scans.length > 0) await this.push(parcel);
    return SUBSCRIBE_CODES.ok;
  }

  /** 实时快递查询 (poll/query.do): customer, sign = MD5(param + key + customer), param={com, num}. */
  query(form: URLSearchParams): Record<string, unknown> {
    this.sync();
    if (this.busy()) return { result: false, returnCode: '501', message: '服务器错误' };
    const param = form.get('param') ?? '';
    if (form.get('customer') !== this.keys.customer) return { result: false, returnCode: '600', message: '您不是合法的用户（即授权Key出错）' };
    if (!sameText(querySign(param, this.keys.key, this.keys.customer), (form.get('sign') ?? '').toUpperCase())) return { result: false, returnCode: '503', message: '验证签名失败' };
    let p: { com?: unknown; num?: unknown };
    try {
      p = JSON.parse(param) as typeof p;
    } catch {
      return { result: false, returnCode: '400', message: '找不到对应公司' };
    }
    const parcel = this.parcels.get(String(p.num ?? ''));
    if (!parcel || parcel.com !== p.com || parcel.scans.length === 0) return { result: false, returnCode: '500', message: '查询无结果，请隔段时间再查' };
    return this.lastResult(parcel);
  }

  private lastResult(p: FakeParcel): Record<string, unknown> {
    return { message: 'ok', nu: p.nu, ischeck: p.state === '3' ? '1' : '0', condition: 'F00', com: p.com, status: '200', state: p.state, data: p.scans };
  }

  /**
   * Something happens to the parcel: the courier scans it and Kuaidi100 pushes the whole track to the subscriber.
   * A parcel turned back by an interception is not delivered to the customer any more: its scans are 退回 (6).
   */
  async event(nu: string, kind: TrackingKind | 'exception', opts: { at?: number; context?: string } = {}): Promise<SentPush | null> {
    this.sync();
    const parcel = this.parcels.get(nu);
    if (!parcel) return null;
    if (parcel.returning && (kind === 'delivered' || kind === 'out_for_delivery')) return null;
    const s = SCAN_OF[kind];
    const back = parcel.returning && kind === 'in_transit';
    const ftime = formatBeijingTime(opts.at ?? this.clock.now());
    const scanned: Scan = {
      context: opts.context ?? (back ? '快件已被拦截，正在退回寄件人' : s.context), time: ftime, ftime,
      status: back ? '退回' : s.status, statusCode: back ? '6' : s.statusCode, areaCode: 'CN110000000000', areaName: '北京市',
    };
    // Newest first, by scan time (a backdated scan takes its place in the track).
    const at = parcel.scans.findIndex((x) => x.ftime <= ftime);
    parcel.scans.splice(at === -1 ? parcel.scans.length : at, 0, scanned);
    parcel.state = back ? '6' : s.state;
    this.save(parcel);
    return this.push(parcel);
  }

  /** The pushes of the parcel's current track, as Kuaidi100 sends them: form `sign` + `param`. */
  private async push(parcel: FakeParcel): Promise<SentPush | null> {
    const sub = parcel.subscription;
    if (!sub) return null;
    const ended = parcel.state === '3' || parcel.state === '4';
    if (ended) sub.status = 'shutdown';
    this.save(parcel);
    const param = JSON.stringify({ status: ended ? 'shutdown' : 'polling', billstatus: 'got', message: '', lastResult: this.lastResult(parcel) });
    return this.send(sub.callbackurl, param, sub.salt);
  }

  /**
   * The courier answers the interceptions it holds: refused once the parcel is out for delivery (派件) or signed
   * for (签收), turned back otherwise. Each result goes to the callbackUrl given with the interception.
   */
  async answerInterceptions(): Promise<SentPush[]> {
    this.sync();
    const out: SentPush[] = [];
    for (const parcel of this.parcels.values()) {
      const i = parcel.interception;
      if (!i || i.answered) continue;
      const tooLate = parcel.state === '3' ? '快件已签收，无法拦截' : parcel.state === '5' ? '快件派送中，无法拦截' : null;
      const refused = tooLate ?? (this.refuseNextInterception > 0 ? '网点拒绝拦截' : null);
      if (refused && !tooLate) this.refuseNextInterception--;
      i.answered = refused ? 'fail' : 'success';
      if (!refused) parcel.returning = true;
      this.save(parcel);
      const param = JSON.stringify({
        kuaidicom: parcel.com, kuaidinum: parcel.nu, orderid: i.orderid, taskId: i.taskId, interceptType: i.interceptType,
        status: i.answered, message: refused ?? '拦截成功，快件将退回寄件地址', time: formatBeijingTime(this.clock.now()),
      });
      out.push(await this.send(i.callbackUrl, param, i.salt));
    }
    return out;
  }

  /** A push sent again byte for byte, as Kuaidi100 does when it did not hear 成功. */
  async resend(p: SentPush): Promise<SentPush> {
    const acknowledged = await this.post(p.url, p.body);
    const again = { url: p.url, body: p.body, acknowledged };
    this.sent.push(again);
    return again;
  }

  private async send(url: string, param: string, salt: string): Promise<SentPush> {
    const body = new URLSearchParams({ sign: pushSign(param, salt), param }).toString();
    const p = { url, body, acknowledged: await this.post(url, body) };
    this.sent.push(p);
    if (this.sent.length > 1000) this.sent.splice(0, this.sent.length - 1000);
    return p;
  }

  /** Acknowledged only by Kuaidi100's expected answer: {"result":true,"returnCode":"200",...}. */
  private async post(url: string, body: string): Promise<boolean> {
    if (this.deliver) return this.deliver(url, body);
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, signal: AbortSignal.timeout(10_000) });
      const a = (await res.json()) as { result?: unknown; returnCode?: unknown };
      return a.result === true && a.returnCode === '200';
    } catch {
      return false;
    }
  }

  close(): void {
    this.journal?.close();
  }
}
