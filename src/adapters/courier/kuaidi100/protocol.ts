// Kuaidi100's published protocol, as data and pure functions: its signatures, its tracking states and
// sub-states (resultv2) read as our scan kinds, its push body (form field `param`, JSON) and its answers.
// Kuaidi100 keeps no Node SDK (its nodejs-demo repository is a set of scripts, not a package), so the client
// beside this file is written by hand against these definitions; the fake Kuaidi100 speaks them back.
// Sources: api.kuaidi100.com documents 订阅推送 (poll), 推送接口 (callback), 实时快递查询 (poll/query.do),
// 拦截改址 (label/order, method=interceptOrder) and 电子面单下单 (label/order, method=order).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { CourierEventKind } from '../../../domain/policies/partner-push.ts';

/** MD5 as Kuaidi100 signs: 32 hexadecimal digits, upper case. */
export const md5Upper = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();

/** A tracking push's signature (推送接口): MD5(param + salt), the salt we gave when subscribing. */
export const pushSign = (param: string, salt: string): string => md5Upper(param + salt);
/** The real-time query's signature (实时快递查询): MD5(param + key + customer). */
export const querySign = (param: string, key: string, customer: string): string => md5Upper(param + key + customer);
/** The label API's signature (电子面单, 拦截改址): MD5(param + t + key + secret). */
export const labelSign = (param: string, t: string, key: string, secret: string): string => md5Upper(param + t + key + secret);

/**
 * Kuaidi100's main states (lastResult.state) as our scan kinds. 6 退回 is a parcel on its way back, not yet
 * back: a scan of the journey; 4 退签 is the sender signing for it again, i.e. back at our warehouse.
 * 2 疑难 and 14 拒签 are trouble on the way (the parcel usually comes back next): kept and shown, they do not
 * move the order. Customs states (8, 10-13) do not occur for domestic parcels and read as in transit.
 */
export const KUAIDI100_STATES: Readonly<Record<string, { kind: CourierEventKind; name: string }>> = {
  '0': { kind: 'in_transit', name: '在途' },
  '1': { kind: 'picked_up', name: '揽收' },
  '2': { kind: 'exception', name: '疑难' },
  '3': { kind: 'delivered', name: '签收' },
  '4': { kind: 'returned_to_sender', name: '退签' },
  '5': { kind: 'out_for_delivery', name: '派件' },
  '6': { kind: 'in_transit', name: '退回' },
  '7': { kind: 'in_transit', name: '转投' },
  '8': { kind: 'in_transit', name: '清关' },
  '10': { kind: 'in_transit', name: '待清关' },
  '11': { kind: 'in_transit', name: '清关中' },
  '12': { kind: 'in_transit', name: '已清关' },
  '13': { kind: 'exception', name: '清关异常' },
  '14': { kind: 'exception', name: '拒签' },
};

/**
 * The sub-states a subscription with resultv2 gets (three or four digits, the main state first). Where a
 * sub-state says more than its main state it decides: 101 已下单 / 102 待揽收 are not yet picked up, 401 已销单
 * is a cancelled waybill (trouble, not a parcel back at the warehouse), 501 投柜或驿站 is out for delivery.
 */
export const KUAIDI100_SUBSTATES: Readonly<Record<string, { kind: CourierEventKind | null; name: string }>> = {
  '101': { kind: null, name: '已下单' },
  '102': { kind: null, name: '待揽收' },
  '103': { kind: 'picked_up', name: '已揽收' },
  '1001': { kind: 'in_transit', name: '到达派件城市' },
  '1002': { kind: 'in_transit', name: '干线' },
  '1003': { kind: 'in_transit', name: '转递' },
  '501': { kind: 'out_for_delivery', name: '投柜或驿站' },
  '301': { kind: 'delivered', name: '本人签收' },
  '302': { kind: 'delivered', name: '派件异常后签收' },
  '303': { kind: 'delivered', name: '代签' },
  '304': { kind: 'delivered', name: '投柜或站签收' },
  '401': { kind: 'exception', name: '已销单' },
  '201': { kind: 'exception', name: '超时未签收' },
  '202': { kind: 'exception', name: '超时未更新' },
  '203': { kind: 'exception', name: '拒收' },
  '204': { kind: 'exception', name: '派件异常' },
  '205': { kind: 'exception', name: '柜或驿站超时未取' },
  '206': { kind: 'exception', name: '无法联系' },
  '207': { kind: 'exception', name: '超区' },
  '208': { kind: 'exception', name: '滞留' },
  '209': { kind: 'exception', name: '破损' },
  '210': { kind: 'exception', name: '销单' },
};

/** Our scan kind for a Kuaidi100 state (and sub-state); null: nothing we track yet (an e-waybill not picked up). */
export function kindOfState(state: string, subState?: string | null): CourierEventKind | null | undefined {
  if (subState && subState in KUAIDI100_SUBSTATES) return KUAIDI100_SUBSTATES[subState]!.kind;
  return KUAIDI100_STATES[state]?.kind;
}

/** Kuaidi100 writes times as Beijing wall-clock text, to the second: "2012-08-28 16:33:19". */
export function parseBeijingTime(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h - 8, mi, s);
  const back = new Date(ms + 8 * 3_600_000);
  // 2026-02-30 is no date: Date.UTC would roll it into March.
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return ms;
}

export function formatBeijingTime(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

const scan = z.object({
  context: z.string().max(2_000),
  time: z.string().max(40).optional(),
  ftime: z.string().max(40),
  status: z.string().max(40).optional(),
  statusCode: z.string().max(8).optional(),
  areaCode: z.string().max(40).nullish(),
  areaName: z.string().max(100).nullish(),
}).loose();

/** lastResult, as the push and the real-time query both carry it: the whole track, newest scan first. */
export const lastResultSchema = z.object({
  message: z.string().max(200).optional(),
  state: z.string().regex(/^\d{1,2}$/),
  status: z.string().max(8).optional(),
  condition: z.string().max(16).optional(),
  ischeck: z.string().max(2).optional(),
  com: z.string().min(1).max(32),
  nu: z.string().min(1).max(32),
  data: z.array(scan).max(500),
}).loose();

/** The push's `param` (推送接口): monitoring status (polling, shutdown, abort, updateall) and the track. */
export const pushParamSchema = z.object({
  status: z.enum(['polling', 'shutdown', 'abort', 'updateall']),
  billstatus: z.string().max(16).optional(),
  message: z.string().max(200).optional(),
  autoCheck: z.string().max(2).optional(),
  comOld: z.string().max(32).optional(),
  comNew: z.string().max(32).optional(),
  lastResult: lastResultSchema,
}).loose();

/**
 * The interception result (拦截改址 callback), sent to the callbackUrl given with the request and signed like a
 * tracking push, MD5(param + salt). Kuaidi100 documents that every courier's interception status comes back
 * by callback; the body's field names below are this adapter's reading of it (the fake sends the same).
 */
export const interceptResultSchema = z.object({
  kuaidicom: z.string().min(1).max(32),
  kuaidinum: z.string().min(1).max(32),
  orderid: z.string().max(64).optional(),
  taskId: z.string().min(1).max(64),
  interceptType: z.enum(['RETURN_SEND_STATION', 'RETURN_SEND_ADDR', 'MODIFY_ADDR']),
  /** success: the courier turned the parcel; fail: it could not (already out for delivery, already signed). */
  status: z.enum(['success', 'fail']),
  message: z.string().max(200),
  time: z.string().max(40),
}).loose();

export type PushParam = z.output<typeof pushParamSchema>;
export type LastResult = z.output<typeof lastResultSchema>;
export type InterceptResult = z.output<typeof interceptResultSchema>;

/** What our callback answers so that Kuaidi100 stops resending (anything else is retried, 30 minutes later). */
export const CALLBACK_ACK = { result: true, returnCode: '200', message: '成功' } as const;
/** What it answers to a push it refuses (a bad signature, a parcel that is not ours): Kuaidi100 tries again later. */
export const callbackRefusal = (message: string) => ({ result: false, returnCode: '500', message });

/** The subscription's answer codes (订阅接口 返回码). */
export const SUBSCRIBE_CODES = {
  ok: { result: true, returnCode: '200', message: '提交成功' },
  duplicate: { result: false, returnCode: '501', message: '重复订阅' },
  badKey: { result: false, returnCode: '600', message: '您不是合法的订阅者（即授权Key出错）' },
  keyExpired: { result: false, returnCode: '601', message: 'POLL:KEY已过期' },
  badData: { result: false, returnCode: '700', message: '订阅方的订阅数据存在错误（如不支持的快递公司、单号为空、单号超长等）或错误的回调地址' },
  refusedCompany: { result: false, returnCode: '701', message: '拒绝订阅的快递公司' },
  serverError: { result: false, returnCode: '500', message: '服务器错误' },
} as const;

export const subscribeAnswerSchema = z.object({ result: z.boolean(), returnCode: z.string(), message: z.string() }).loose();
