// China Mobile's IoT open platform (中国移动物联网开放平台, OneLink, API v5) as both sides of it read the wire. Every
// call is an HTTP request to https://api.iot.10086.cn/v5/ec/<verb>/<thing> with its parameters in the query;
// every answer is JSON `{ status, message, result: [...] }`, `status` "0" (message 正确) on success and the
// platform's error code otherwise. A token is taken with appid + password + transid and carried with transid
// on each call; transid is appid + yyyyMMddHHmmss (Beijing) + an 8-digit sequence of our own.
//
// Published (OneLink API documentation, echoed by integrators' code): the paths below, the parameter names
// (`iccid`, `iccids` joined by `_`, at most 100; `operType`; `queryDate` yyyyMMdd within the last 7 days),
// the status-change types (0 stop, 1 resume, 2 stock→active, 3 testable→stock, 4 testable→awaiting, 5
// testable→active, 6 awaiting→active), the batch change answering a `jobId`, the daily usage in KB, and the
// error codes 12021 (token expired: take a new one), 12022 (appid or password refused), 12004 (transid, appid
// or token refused), 12009 (card not this customer's), 12010 (card unknown), 12089 (card in no state to change).
// Modelled where the published pages we hold are silent (docs/IOT.md says so too): the card states' codes in
// `cardStatus`, the shape of `sim-batch-result` (jobStatus 0-4 and a per-card resultList), the code of the
// same-card-within-3-minutes refusal, and that closure goes as 停机 (no 销户 call is published for customers).
import { z } from 'zod';

export const ONELINK_PATHS = {
  token: '/v5/ec/get/token',
  simStatus: '/v5/ec/query/sim-status',
  simBasicInfo: '/v5/ec/query/sim-basic-info',
  changeSimStatus: '/v5/ec/change/sim-status',
  changeSimStatusBatch: '/v5/ec/change/sim-status/batch',
  batchResult: '/v5/ec/query/sim-batch-result',
  dataUsageDaily: '/v5/ec/query/sim-data-usage-daily/batch',
} as const;

export const ONELINK_CODES = {
  ok: '0',
  internal: '500',
  badParameter: '11000',
  authFailed: '12004',
  cardNotOurs: '12009',
  cardUnknown: '12010',
  tokenExpired: '12021',
  badAppOrPassword: '12022',
  cardStateForbids: '12089',
  /** Modelled code for 同一卡号3分钟内不得重复调用 (the rule is published, its code is not in our pages). */
  sameCardTooSoon: '12090',
} as const;

/** `cardStatus` of sim-status (modelled codes). */
export const CARD_STATUS = { awaiting: '1', active: '2', stopped: '4', testable: '6', stock: '7', preClosed: '8' } as const;

export const OPER_TYPE = { stop: '0', resume: '1', stockToActive: '2', testableToActive: '5', awaitingToActive: '6' } as const;

/** `jobStatus` of sim-batch-result (modelled): waiting, running, done, done with failed cards, failed. */
export const JOB_STATUS = { waiting: '0', running: '1', done: '2', doneWithFailures: '3', failed: '4' } as const;

/** At most this many cards a batch call. */
export const BATCH_MAX = 100;
/** Daily usage is kept this many days back (yesterday the newest). */
export const USAGE_DAYS_KEPT = 7;

const BEIJING_MS = 8 * 3_600_000;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function beijingParts(ms: number) {
  const d = new Date(ms + BEIJING_MS);
  return { y: d.getUTCFullYear(), mo: pad(d.getUTCMonth() + 1), d: pad(d.getUTCDate()), h: pad(d.getUTCHours()), mi: pad(d.getUTCMinutes()), s: pad(d.getUTCSeconds()) };
}

/** `yyyy-MM-dd HH:mm:ss` in Beijing time, as the platform writes dates. */
export function beijingStamp(ms: number): string {
  const p = beijingParts(ms);
  return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}:${p.s}`;
}

/** The instant of a platform date (`yyyy-MM-dd HH:mm:ss` or `yyyyMMddHHmmss`, Beijing); null when it is not one. */
export function parseBeijingStamp(s: string): number | null {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})[ T]?(\d{2}):?(\d{2}):?(\d{2})$/.exec(s.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, se] = m.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, se!) - BEIJING_MS;
}

/** A transid: appid, the Beijing time to the second, and an 8-digit sequence. */
export function transid(appid: string, now: number, seq: number): string {
  const p = beijingParts(now);
  return `${appid}${p.y}${p.mo}${p.d}${p.h}${p.mi}${p.s}${pad(seq % 100_000_000, 8)}`;
}

/** Our day (YYYY-MM-DD, Beijing) as the platform's queryDate (yyyyMMdd), and back. */
export const toQueryDate = (day: string): string => day.replaceAll('-', '');
export const fromQueryDate = (q: string): string => `${q.slice(0, 4)}-${q.slice(4, 6)}-${q.slice(6, 8)}`;

// The answers, as the client reads them (unknown fields are let through: the platform adds some over time).
export const envelopeSchema = z.object({ status: z.string(), message: z.string(), result: z.array(z.unknown()).optional() });
export const tokenResult = z.object({ token: z.string().min(1), ttl: z.string().optional() });
export const simStatusResult = z.object({ cardStatus: z.string(), lastChangeDate: z.string().optional() });
export const basicInfoResult = z.object({ msisdn: z.string(), iccid: z.string(), imsi: z.string().optional(), activeDate: z.string().optional(), openDate: z.string().optional() });
export const jobIdResult = z.object({ jobId: z.string().min(1) });
export const batchResultEntry = z.object({
  jobId: z.string(),
  jobStatus: z.string(),
  resultList: z.array(z.object({ iccid: z.string().optional(), msisdn: z.string().optional(), resultCode: z.string(), message: z.string().optional() })).default([]),
});
export const dailyUsageResult = z.object({
  dataAmountList: z.array(z.object({ iccid: z.string().optional(), msisdn: z.string().optional(), imsi: z.string().optional(), dataAmount: z.string() })),
});

export type OneLinkEnvelope = z.infer<typeof envelopeSchema>;
