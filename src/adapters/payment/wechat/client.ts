// The HTTP side of WeChat Pay API v3: every request signed with the merchant's key, every answer's signature
// checked against the WeChat Pay public key before a byte of it is believed. An answer that does not verify is
// treated like no answer at all (the call's outcome is unknown), never as a refusal.
import type { KeyObject } from 'node:crypto';
import type { Clock } from '../../../app/platform/ports.ts';
import { partnerCall, type PartnerAnswer } from '../../partner-http.ts';
import { answerMessage, authorizationHeader, nonceStr, privateKeyOf, publicKeyOf, rsaVerify } from './signing.ts';
import type { WechatConfig } from './config.ts';

/** A signed answer older or newer than this is not taken (WeChat's SDKs allow the same 5 minutes). */
export const MAX_CLOCK_OFFSET_MS = 5 * 60_000;
/** Past this a call is abandoned: its outcome is unknown. */
export const CALL_TIMEOUT_MS = 10_000;

/** A verified answer: the status and the parsed JSON (null for 204 or a file). */
export interface WechatAnswer {
  status: number;
  body: string;
  json: Record<string, unknown> | null;
}

/** WeChat Pay's error body: `{ "code": "ORDER_NOT_EXIST", "message": "…" }`. */
export function errorCodeOf(a: WechatAnswer): { code: string; message: string } {
  const code = typeof a.json?.code === 'string' ? a.json.code : `HTTP_${a.status}`;
  const message = typeof a.json?.message === 'string' ? a.json.message : '';
  return { code, message };
}

/** The call could not be completed or its answer cannot be trusted: nothing is known of what the channel did. */
export class WechatUnanswered extends Error {}

export class WechatPayClient {
  private readonly key: KeyObject;
  private readonly wechatKey: KeyObject;

  constructor(private readonly cfg: Pick<WechatConfig, 'mchId' | 'certSerial' | 'privateKeyPem' | 'publicKeyPem' | 'publicKeyId' | 'gateway'>, private readonly clock: Clock, private readonly timeoutMs = CALL_TIMEOUT_MS) {
    this.key = privateKeyOf(cfg.privateKeyPem);
    this.wechatKey = publicKeyOf(cfg.publicKeyPem);
  }

  get mchId(): string {
    return this.cfg.mchId;
  }

  /** Sends a signed request; returns the verified answer or throws WechatUnanswered. `signedAnswer: false` for bill files. */
  async call(method: 'GET' | 'POST', pathAndQuery: string, body?: unknown, opts: { signedAnswer?: boolean; absoluteUrl?: string } = {}): Promise<WechatAnswer> {
    const text = body === undefined ? '' : JSON.stringify(body);
    const url = opts.absoluteUrl ?? `${this.cfg.gateway}${pathAndQuery}`;
    const signedPath = opts.absoluteUrl ? pathOf(opts.absoluteUrl) : pathAndQuery;
    const timestamp = String(Math.floor(this.clock.now() / 1000));
    const auth = authorizationHeader({ mchId: this.cfg.mchId, serialNo: this.cfg.certSerial, key: this.key, method, pathAndQuery: signedPath, body: text, timestamp, nonce: nonceStr() });
    let res: PartnerAnswer;
    try {
      res = await partnerCall(url, {
        method,
        headers: { authorization: auth, accept: 'application/json', 'user-agent': 'haoka-wechatpay/1', ...(body === undefined ? {} : { 'content-type': 'application/json' }), 'wechatpay-serial': this.cfg.publicKeyId },
        ...(body === undefined ? {} : { body: text }),
        timeoutMs: this.timeoutMs,
      });
    } catch (e) {
      throw new WechatUnanswered(`WeChat Pay did not answer ${method} ${pathOf(url)}: ${(e as Error).message}`);
    }
    const answer = res.text;
    if (opts.signedAnswer !== false) this.verifyAnswer(res.header, answer, `${method} ${pathOf(url)}`);
    let json: Record<string, unknown> | null = null;
    if (answer !== '' && opts.signedAnswer !== false) {
      try {
        json = JSON.parse(answer) as Record<string, unknown>;
      } catch {
        throw new WechatUnanswered(`WeChat Pay's answer to ${method} ${pathOf(url)} is not JSON.`);
      }
    }
    return { status: res.status, body: answer, json };
  }

  /** Checks the Wechatpay-* headers of an answer: the right key id, a fresh time, a signature over the exact bytes. */
  private verifyAnswer(header: (name: string) => string | undefined, body: string, what: string): void {
    const problem = this.signatureProblem(header, body, this.clock.now());
    if (problem) throw new WechatUnanswered(`WeChat Pay's answer to ${what} is not trusted: ${problem}`);
  }

  /** Why a signed message (answer or notification) is not WeChat Pay's, or null when it is. */
  signatureProblem(header: (name: string) => string | undefined, body: string, now: number): string | null {
    const ts = header('wechatpay-timestamp');
    const nonce = header('wechatpay-nonce');
    const sig = header('wechatpay-signature');
    const serial = header('wechatpay-serial');
    if (!ts || !nonce || !sig || !serial || !/^\d{1,12}$/.test(ts)) return 'unsigned';
    if (serial !== this.cfg.publicKeyId) return `signed with another key (${serial.slice(0, 64)})`;
    if (!rsaVerify(this.wechatKey, answerMessage(ts, nonce, body), sig)) return 'bad signature';
    if (Math.abs(now - Number(ts) * 1000) > MAX_CLOCK_OFFSET_MS) return 'stale timestamp';
    return null;
  }
}

function pathOf(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}
