// The carrier's open interface (号码回收 / 线路查询 / 销户 / 状态推送), spoken through the md5kv wire that the
// suppliers use (adapters/suppliers/md5kv/protocol.ts): JSON bodies POSTed to one path per method, each carrying
// appId and timestamp (unix seconds) and signed with sign = upper(md5(sorted k=v&...&key=<secret>)); answers in
// the { result, msg, data } envelope with the same result codes. Status pushes to us are signed the same way and
// carry a nonce and an event id. Shared by the client and the fake carrier.
import type { LineStatus } from '../../../app/platform/ports.ts';

export { callMd5kv, dataOf, OPERATOR_OF, readBody, RESULT, sign, signed, verify, type Envelope, type Md5kvEndpoint } from '../../suppliers/md5kv/protocol.ts';

/** Method paths. */
export const CARRIER_METHODS = {
  /** 号码回收: a number goes back to the carrier's pool; idempotent by releaseNo. */
  release: '/number/recycle',
  /** 线路查询: a line's status now. */
  query: '/line/query',
  /** 销户: a line closes; idempotent by closeNo. */
  close: '/line/close',
} as const;

/** The fields each method takes besides appId, timestamp and sign; any other field is refused (40032). */
export const METHOD_FIELDS: Record<string, readonly string[]> = {
  [CARRIER_METHODS.release]: ['releaseNo', 'number', 'operator'],
  [CARRIER_METHODS.query]: ['number'],
  [CARRIER_METHODS.close]: ['closeNo', 'number'],
};

/** A release's state in the carrier's answer: DONE (back in the pool) or PROCESSING (batched, ask again). */
export const RELEASE_STATE = { done: 'DONE', processing: 'PROCESSING' } as const;

/** Line statuses in query answers: the carrier's words are ours (inactive, activated, suspended, closed, recycled). */
export const LINE_STATUSES: readonly LineStatus[] = ['inactive', 'activated', 'suspended', 'closed', 'recycled'];

// Status pushes carry activated, real_name_failed, suspended, closed or recycled (app/platform/push-schemas.ts).

/** A push older or newer than this (by its timestamp) is refused even with a good signature. */
export const PUSH_MAX_AGE_MS = 5 * 60_000;
/** Requests to the carrier older or newer than this (unix seconds) are refused by it. */
export const REQUEST_FRESH_S = 300;

/** The platform's answer that stops the carrier resending a push: HTTP 200 with { code: 'SUCCESS' }. */
export const PUSH_ACK_CODE = 'SUCCESS';
