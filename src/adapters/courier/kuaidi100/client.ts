// The courier through Kuaidi100 (快递100): waybills from its e-waybill API, tracking by subscription (poll)
// with signed pushes to our callback, the real-time query as a fallback, and interception (拦截改址) whose
// result comes back by callback. Written by hand: Kuaidi100 publishes no Node package, only documents and
// demo scripts. Everything it sends is a form (`param` JSON + `sign`), checked here before anything is read.
import { fail, isError, type DomainError } from '../../../domain/errors.ts';
import { isPushText, PUSH_REF_MAX, PUSH_TEXT_MAX, PUSH_TIME_MAX_MS, PUSH_TIME_MIN_MS } from '../../../domain/policies/partner-push.ts';
import type { CourierAcknowledgement, CourierInterceptAnswer, CourierNotice, CourierPort, CourierSubscribeAnswer } from '../../../app/platform/ports.ts';
import { pushRefusal } from '../../../app/platform/push-schemas.ts';
import { sameText } from '../../payment/simulator.ts';
import {
  interceptResultSchema, kindOfState, labelSign, lastResultSchema, parseBeijingTime, pushParamSchema, pushSign, querySign,
  subscribeAnswerSchema, type LastResult,
} from './protocol.ts';
import { partnerCall } from '../../partner-http.ts';

export interface Kuaidi100Settings {
  /** 授权码 key (企业版) and customer id, from Kuaidi100's 企业管理后台. */
  key: string;
  customer: string;
  /** The label API's secret (电子面单, 拦截改址); null: no waybills or interceptions through Kuaidi100. */
  secret: string | null;
  /** Our salt: Kuaidi100 signs its pushes to us with MD5(param + salt). */
  salt: string;
  /** https://poll.kuaidi100.com (subscription, real-time query) and https://api.kuaidi100.com (label API). */
  pollEndpoint: string;
  apiEndpoint: string;
  /** The courier company's code at Kuaidi100 (shunfeng, yuantong, zhongtong ...). */
  company: string;
  /** Our callback as Kuaidi100 reaches it (public HTTPS in production). */
  callbackUrl: string;
  /** 电子面单客户账户 / 月结账号, when the courier needs one for waybills and interceptions. */
  partnerId: string | null;
  timeoutMs?: number;
}

/** What the real-time query (poll/query.do) knows of a waybill. */
export type TrackQuery = { status: 'found'; track: LastResult } | { status: 'not_found'; message: string } | { status: 'failed'; error: string };

export class Kuaidi100Courier implements CourierPort {
  constructor(private readonly s: Kuaidi100Settings, private readonly clock: { now(): number }) {}

  private async post(url: string, form: Record<string, string>): Promise<unknown> {
    const res = await partnerCall(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
      body: new URLSearchParams(form).toString(),
      timeoutMs: this.s.timeoutMs ?? 10_000,
    });
    const text = res.text;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new Error(`Kuaidi100 answered ${res.status} without JSON`);
    }
  }

  /** The label API (api.kuaidi100.com/label/order): method, key, t, sign = MD5(param + t + key + secret), param. */
  private async label(method: string, param: Record<string, unknown>): Promise<{ ok: boolean; code: string; message: string; data: Record<string, unknown> }> {
    if (!this.s.secret) return { ok: false, code: 'NO_SECRET', message: 'HAOKA_KUAIDI100_SECRET is not configured', data: {} };
    const p = JSON.stringify(param);
    const t = String(this.clock.now());
    const a = (await this.post(`${this.s.apiEndpoint}/label/order`, { method, key: this.s.key, t, sign: labelSign(p, t, this.s.key, this.s.secret), param: p })) as Record<string, unknown>;
    const code = String(a.code ?? a.returnCode ?? '');
    return { ok: (a.success === true || a.result === true) && code === '200', code, message: String(a.message ?? ''), data: (a.data ?? {}) as Record<string, unknown> };
  }

  async createWaybill(req: { orderId: string }): Promise<{ trackingNo: string }> {
    const a = await this.label('order', { kuaidicom: this.s.company, partnerId: this.s.partnerId ?? undefined, orderId: req.orderId, printType: 'NON', count: 1, cargo: 'SIM卡' });
    const no = typeof a.data.kuaidinum === 'string' ? a.data.kuaidinum : '';
    if (!a.ok || !/^[A-Za-z0-9]{6,32}$/.test(no)) throw new Error(`Kuaidi100 e-waybill for ${req.orderId} refused: ${a.code} ${a.message}`);
    return { trackingNo: no };
  }

  /** 订阅 (poll): Kuaidi100 then pushes every change of the waybill's track to our callback, signed with our salt. */
  async subscribe(req: { trackingNo: string }): Promise<CourierSubscribeAnswer> {
    const param = JSON.stringify({
      company: this.s.company, number: req.trackingNo, key: this.s.key,
      parameters: { callbackurl: this.s.callbackUrl, salt: this.s.salt, resultv2: '4' },
    });
    let raw: unknown;
    try {
      raw = await this.post(`${this.s.pollEndpoint}/poll`, { schema: 'json', param });
    } catch (e) {
      return { status: 'failed', error: `KUAIDI100_UNREACHABLE ${(e as Error).message}`, retryable: true };
    }
    const a = subscribeAnswerSchema.safeParse(raw);
    if (!a.success) return { status: 'failed', error: 'KUAIDI100_BAD_ANSWER', retryable: true };
    // 501 重复订阅: the waybill is already being tracked (a retry after a lost answer): what we wanted.
    if (a.data.returnCode === '200' || a.data.returnCode === '501') return { status: 'subscribed' };
    // 700/701/702: this waybill or company cannot be tracked; asking again will not change that.
    const permanent = ['700', '701', '702'].includes(a.data.returnCode);
    return { status: 'failed', error: `KUAIDI100_${a.data.returnCode} ${a.data.message}`, retryable: !permanent };
  }

  /** 实时快递查询 (poll/query.do), signed MD5(param + key + customer): the track now, when a push is missing. */
  async query(trackingNo: string): Promise<TrackQuery> {
    const param = JSON.stringify({ com: this.s.company, num: trackingNo, resultv2: '4' });
    let raw: unknown;
    try {
      raw = await this.post(`${this.s.pollEndpoint}/poll/query.do`, { customer: this.s.customer, sign: querySign(param, this.s.key, this.s.customer), param });
    } catch (e) {
      return { status: 'failed', error: `KUAIDI100_UNREACHABLE ${(e as Error).message}` };
    }
    const track = lastResultSchema.safeParse(raw);
    if (track.success) return { status: 'found', track: track.data };
    const r = raw as { result?: unknown; returnCode?: unknown; message?: unknown };
    if (r.result === false && String(r.returnCode) === '500') return { status: 'not_found', message: String(r.message ?? '') };
    return { status: 'failed', error: `KUAIDI100_${String(r.returnCode ?? '?')} ${String(r.message ?? '')}` };
  }

  /**
   * 拦截改址, back to the sender's address (the card returns to our warehouse). Kuaidi100 takes the task at once
   * and tells the courier's answer later, by callback, signed with our salt. Our interception number travels
   * as `orderid`, so a repeat of the same interception is the same task at Kuaidi100.
   */
  async intercept(req: { interceptNo: string; trackingNo: string }): Promise<CourierInterceptAnswer> {
    try {
      const a = await this.label('interceptOrder', {
        kuaidicom: this.s.company, kuaidinum: req.trackingNo, interceptType: 'RETURN_SEND_ADDR', partnerId: this.s.partnerId ?? undefined,
        reason: '客户取消订单', orderid: req.interceptNo, salt: this.s.salt, callbackUrl: this.s.callbackUrl,
      });
      return a.ok ? { status: 'received' } : { status: 'failed', error: `KUAIDI100_${a.code} ${a.message}` };
    } catch (e) {
      return { status: 'failed', error: `KUAIDI100_UNREACHABLE ${(e as Error).message}` };
    }
  }

  /** A push (tracking or interception result): the form's sign checked over the exact `param` text first. */
  verifyCallback(_headers: Record<string, string | string[] | undefined>, rawBody: string, _now: number): CourierNotice | CourierAcknowledgement | DomainError {
    const form = new URLSearchParams(rawBody);
    const param = form.get('param');
    const sign = form.get('sign');
    if (param === null || sign === null) return fail('CALLBACK.BAD_SIGNATURE', 'The push is not signed.');
    if (!sameText(pushSign(param, this.s.salt), sign.toUpperCase())) return fail('CALLBACK.BAD_SIGNATURE', 'The push signature does not verify.');
    return readPush(param);
  }

  /** The track now, read as a push would be (no signature: it is the answer to our own HTTPS request). Null: none yet. */
  async queryTrack(trackingNo: string): Promise<CourierNotice | CourierAcknowledgement | DomainError | null> {
    const q = await this.query(trackingNo);
    if (q.status === 'found') return trackNotice(q.track);
    if (q.status === 'not_found') return null;
    throw new Error(`Kuaidi100 query of ${trackingNo} failed: ${q.error}`);
  }
}

/** A verified push's `param`, as a notice. Exported for the documentation's samples (test fixtures). */
export function readPush(param: string): CourierNotice | CourierAcknowledgement | DomainError {
  let body: unknown;
  try {
    body = JSON.parse(param);
  } catch {
    return fail('REQUEST.MALFORMED_JSON', 'The push param is not JSON.');
  }
  if (typeof body === 'object' && body !== null && 'lastResult' in body) {
    const p = pushParamSchema.safeParse(body);
    if (!p.success) return pushRefusal(p.error.issues);
    return trackNotice(p.data.lastResult, p.data.status === 'abort' ? p.data.message ?? 'abort' : null);
  }
  const r = interceptResultSchema.safeParse(body);
  if (!r.success) return pushRefusal(r.error.issues);
  const at = eventTime(r.data.time);
  if (isError(at)) return at;
  const accepted = r.data.status === 'success';
  return {
    nonce: null, eventId: ref(`${r.data.kuaidinum}:intercept:${r.data.taskId}`), trackingNo: r.data.kuaidinum,
    kind: accepted ? 'interception_accepted' : 'interception_refused', occurredAt: at, detail: courierText(r.data.message),
  };
}

function trackNotice(t: LastResult, aborted: string | null = null): CourierNotice | CourierAcknowledgement | DomainError {
  if (!/^[A-Za-z0-9]{6,32}$/.test(t.nu)) return fail('CALLBACK.INVALID_FIELD', 'The push names no waybill of ours.', { field: 'nu' });
  // Newest first, as documented; a courier that sends them in another order still gets its newest read.
  const scans = t.data.map((d) => ({ d, at: parseBeijingTime(d.ftime) })).filter((x): x is { d: typeof x.d; at: number } => x.at !== null);
  if (scans.length !== t.data.length) return fail('CALLBACK.INVALID_FIELD', 'A scan time is not a time.', { field: 'ftime' });
  const newest = scans.reduce<(typeof scans)[number] | null>((m, x) => (m === null || x.at > m.at ? x : m), null);
  // "3天查询无记录" / "60天无变化" (status abort), or an e-waybill nobody scanned yet: nothing happened to the parcel.
  if (!newest) return { kind: 'acknowledge', trackingNo: t.nu, reason: aborted ?? 'no scan yet' };
  const kind = kindOfState(t.state, newest.d.statusCode ?? null);
  if (kind === undefined) return fail('CALLBACK.UNKNOWN_KIND', 'Kuaidi100 sends no state of this kind.', { state: t.state });
  if (kind === null) return { kind: 'acknowledge', trackingNo: t.nu, reason: `state ${t.state}` };
  const at = eventTime(newest.d.ftime);
  if (isError(at)) return at;
  return {
    nonce: null, eventId: ref(`${t.nu}:${t.state}:${newest.d.ftime.replace(/\D/g, '')}`), trackingNo: t.nu, kind, occurredAt: at,
    detail: courierText([newest.d.areaName, newest.d.context].filter(Boolean).join(' ')), wholeTrack: true,
  };
}

/**
 * Kuaidi100 gives times to the second. Our own moves are kept to the millisecond, so a scan in the same second
 * as the shipment would look older than it: the scan is taken at the end of its second.
 */
function eventTime(text: string): number | DomainError {
  const at = parseBeijingTime(text);
  if (at === null || at < PUSH_TIME_MIN_MS || at > PUSH_TIME_MAX_MS) return fail('CALLBACK.INVALID_FIELD', 'The push time is not a time of one of our parcels.', { field: 'ftime', value: text.slice(0, 40) });
  return at + 999;
}

/** A courier's free text as one line: its tabs and line breaks are layout, not content; cut to what the page shows. */
function courierText(text: string): string | null {
  // eslint-disable-next-line no-control-regex
  const t = text.replace(/[\u0000-\u001f\u007f-\u009f\s]+/g, ' ').trim().slice(0, PUSH_TEXT_MAX);
  return t === '' || !isPushText(t) ? null : t;
}

const ref = (s: string): string => s.slice(0, PUSH_REF_MAX);
