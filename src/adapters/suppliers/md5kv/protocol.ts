// The md5kv supplier protocol, in the common style of 号卡 upstream open platforms (在线选号 / 号码预占 / 在线提单 /
// 查询订单 / 订单回调): JSON bodies POSTed to one path per method, every request and callback signed with
// sign = upper(md5(k1=v1&k2=v2&...&key=<secret>)) over the non-empty fields sorted by name (sign itself left out),
// and every answer in the envelope { result, msg, data } with the platform's result codes (20000 success,
// 40026 sign error, 40032 params error ...). Shared by the client and the fake supplier.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Carrier } from '../../../domain/order.ts';
import type { SupplierOrderState } from '../../../domain/suppliers/supplier-order.ts';
import { partnerCall } from '../../partner-http.ts';

/** Result codes: the platform's published table, and the business refusals of number and order methods. */
export const RESULT = {
  success: 20000,
  appInvalid: 40004,
  signError: 40026,
  ipBlocked: 40031,
  paramsError: 40032,
  otherError: 50000,
  numberTaken: 41001,
  occupyExpired: 41002,
  productOffSale: 41003,
  orderNotFound: 42004,
  alreadyShipped: 42005,
  cannotCancel: 42006,
} as const;

export interface Envelope<T = Record<string, unknown>> {
  result: number;
  msg: string;
  data: T | null;
}

type Fields = Record<string, unknown>;

/** The string signed: non-empty fields other than `sign`, sorted by name, as k=v joined by &, then &key=secret. */
export function signingString(fields: Fields, secret: string): string {
  const parts = Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k] !== undefined && fields[k] !== null && fields[k] !== '')
    .sort()
    .map((k) => `${k}=${typeof fields[k] === 'object' ? JSON.stringify(fields[k]) : String(fields[k])}`);
  return `${parts.join('&')}&key=${secret}`;
}

export const sign = (fields: Fields, secret: string): string => createHash('md5').update(signingString(fields, secret), 'utf8').digest('hex').toUpperCase();

export function signed<T extends Fields>(fields: T, secret: string): T & { sign: string } {
  return { ...fields, sign: sign(fields, secret) };
}

/** Where and as whom requests go: a partner's address, our app id there and the shared secret. */
export interface Md5kvEndpoint {
  url: string;
  appId: string;
  secret: string;
  clock: { now(): number };
  timeoutMs?: number;
}

/**
 * One signed request (appId and timestamp added, then signed) POSTed to `path`, and its envelope; throws when no
 * envelope comes back (HTTP error, timeout, no result code), naming the partner as `who`.
 */
export async function callMd5kv(e: Md5kvEndpoint, who: string, path: string, fields: Record<string, unknown>): Promise<Envelope<Record<string, unknown>>> {
  const body = signed({ appId: e.appId, timestamp: String(Math.floor(e.clock.now() / 1000)), ...fields }, e.secret);
  const res = await partnerCall(`${e.url}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json;charset=utf-8' }, body: JSON.stringify(body), timeoutMs: e.timeoutMs ?? 10_000,
  });
  if (res.status < 200 || res.status > 299) throw new Error(`${who} answered HTTP ${res.status} to ${path}`);
  const env = JSON.parse(res.text) as Envelope<Record<string, unknown>>;
  if (typeof env?.result !== 'number') throw new Error(`${who} answered ${path} without a result code`);
  return env;
}

/** An envelope's data as an object ({} when it carries none). */
export function dataOf(env: Envelope<Record<string, unknown>>): Record<string, unknown> {
  return env.data && typeof env.data === 'object' ? env.data : {};
}

/** A request body as the md5kv servers read it: a JSON object, or null (answered 40032). */
export function readBody(raw: string): Record<string, unknown> | null {
  try {
    const b = JSON.parse(raw) as unknown;
    return typeof b === 'object' && b !== null && !Array.isArray(b) ? (b as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Constant-time check of a body's sign field. */
export function verify(fields: Fields, secret: string): boolean {
  const given = typeof fields.sign === 'string' ? fields.sign : '';
  const want = sign(fields, secret);
  return given.length === want.length && timingSafeEqual(Buffer.from(given), Buffer.from(want));
}

/** 运营商 codes. */
export const OPERATORS: Record<string, Carrier> = { CMCC: 'china_mobile', CUCC: 'china_unicom', CTCC: 'china_telecom', CBN: 'china_broadnet' };
export const OPERATOR_OF: Record<Carrier, string> = { china_mobile: 'CMCC', china_unicom: 'CUCC', china_telecom: 'CTCC', china_broadnet: 'CBN' };

/** 订单状态说明: the supplier's order status codes and ours. */
export const ORDER_STATUS: Record<string, SupplierOrderState> = {
  '1': 'submitted', // 已提交
  '2': 'reviewing', // 审核中
  '3': 'photos_needed', // 待上传证件照
  '4': 'awaiting_shipment', // 待发货
  '5': 'shipped', // 已发货
  '6': 'activated', // 已激活
  '7': 'first_top_up', // 已首充
  '-1': 'rejected', // 审核不通过
  '-2': 'cancelled', // 已取消
};
export const STATUS_CODE: Record<SupplierOrderState, string> = Object.fromEntries(Object.entries(ORDER_STATUS).map(([k, v]) => [v, k])) as Record<SupplierOrderState, string>;
export const STATUS_DESC: Record<SupplierOrderState, string> = {
  submitted: '已提交', reviewing: '审核中', photos_needed: '待上传证件照', awaiting_shipment: '待发货', shipped: '已发货', activated: '已激活', first_top_up: '已首充', rejected: '审核不通过', cancelled: '已取消',
};

/** Amounts travel as yuan with two decimals ("29.00"); we hold fen. */
export function yuanToFen(v: unknown): number | null {
  const s = typeof v === 'number' ? v.toFixed(2) : typeof v === 'string' ? v.trim() : '';
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}
export const fenToYuan = (fen: number): string => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

/** Times travel as "yyyy-MM-dd HH:mm:ss" in Beijing time. */
export function beijingTime(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}
export function parseBeijingTime(s: unknown): number | null {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(s)) return null;
  const ms = Date.parse(`${s.replace(' ', 'T')}+08:00`);
  return Number.isFinite(ms) ? ms : null;
}

/** Method paths. */
export const METHODS = {
  products: '/product/list',
  searchNumbers: '/number/search',
  occupy: '/number/occupy',
  release: '/number/release',
  submit: '/order/submit',
  query: '/order/query',
  cancel: '/order/cancel',
  afterSale: '/order/aftersale',
} as const;

/** What the supplier expects as the answer to a callback it sent: the plain word, or it resends. */
export const CALLBACK_ACK = 'success';
export const CALLBACK_NACK = 'fail';
