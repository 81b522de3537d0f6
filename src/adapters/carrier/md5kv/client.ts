// The carrier reached through its md5kv interface (protocol.ts): our requests signed with its secret, its answers
// read from the { result, msg, data } envelope, its status pushes verified (app id, signature, timestamp window,
// nonce) before they are believed. Releases and closures carry our idempotency keys (releaseNo, closeNo), so a
// call repeated after a timeout is answered as the first one was, never done twice.
import { fail, isError, type DomainError } from '../../../domain/errors.ts';
import { carrierPushBody, parsePush } from '../../../app/platform/push-schemas.ts';
import type { CarrierNotice, CarrierPort, Clock, LineStatus, NumberReleaseAnswer, NumberReleaseRequest } from '../../../app/platform/ports.ts';
import { CARRIER_METHODS, LINE_STATUSES, OPERATOR_OF, PUSH_MAX_AGE_MS, RELEASE_STATE, RESULT, callMd5kv, dataOf, verify, type Envelope, type Md5kvEndpoint } from './protocol.ts';

/** The carrier's address, our app id there and the shared secret. */
export type Md5kvCarrierOptions = Md5kvEndpoint;

type Obj = Record<string, unknown>;

export class Md5kvCarrier implements CarrierPort {
  constructor(private readonly o: Md5kvCarrierOptions) {}

  private call(path: string, fields: Obj): Promise<Envelope<Obj>> {
    return callMd5kv(this.o, 'the carrier', path, fields);
  }

  async releaseNumber(req: NumberReleaseRequest): Promise<NumberReleaseAnswer> {
    let env: Envelope<Obj>;
    try {
      env = await this.call(CARRIER_METHODS.release, { releaseNo: req.releaseNo, number: req.number, operator: OPERATOR_OF[req.carrier] });
    } catch (e) {
      // No answer: the release may or may not have happened; asking again under the same releaseNo is safe.
      return { status: 'failed', error: `no answer from the carrier: ${(e as Error).message}`, retryable: true };
    }
    if (env.result === RESULT.success) {
      const state = dataOf(env).status;
      if (state === RELEASE_STATE.done) return { status: 'released' };
      if (state === RELEASE_STATE.processing) return { status: 'pending' };
      return { status: 'failed', error: `the carrier answered the release with status ${JSON.stringify(state)}`, retryable: true };
    }
    const retryable = env.result !== RESULT.signError && env.result !== RESULT.appInvalid && env.result !== RESULT.paramsError;
    return { status: 'failed', error: `${env.result} ${env.msg}`, retryable };
  }

  async queryLine(number: string): Promise<LineStatus> {
    const env = await this.call(CARRIER_METHODS.query, { number });
    if (env.result !== RESULT.success) throw new Error(`the carrier refused the line query: ${env.result} ${env.msg}`);
    const status = dataOf(env).status;
    if (!LINE_STATUSES.includes(status as LineStatus)) throw new Error(`the carrier answered the line query with status ${JSON.stringify(status)}`);
    return status as LineStatus;
  }

  async closeLine(req: { closeNo: string; number: string }): Promise<{ status: 'closed' } | { status: 'failed'; error: string }> {
    let env: Envelope<Obj>;
    try {
      env = await this.call(CARRIER_METHODS.close, { closeNo: req.closeNo, number: req.number });
    } catch (e) {
      return { status: 'failed', error: `no answer from the carrier: ${(e as Error).message}` };
    }
    if (env.result === RESULT.success && dataOf(env).status === 'closed') return { status: 'closed' };
    return { status: 'failed', error: `${env.result} ${env.msg}` };
  }

  /**
   * A push is believed only with this carrier's app id, a good signature over its fields, a nonce, and a
   * timestamp within five minutes of ours; then its event is read by the declared shape (an unknown status or an
   * oversized reason is refused with its own code). The nonce is remembered by the platform (a byte-for-byte
   * replay is refused there); the event id makes a resend harmless.
   */
  verifyCallback(_headers: Record<string, string | string[] | undefined>, rawBody: string, now: number): CarrierNotice | DomainError {
    let b: Obj;
    try {
      b = JSON.parse(rawBody) as Obj;
    } catch {
      return fail('REQUEST.MALFORMED_JSON', 'The callback body is not JSON.');
    }
    if (typeof b !== 'object' || b === null || Array.isArray(b)) return fail('REQUEST.INVALID', 'The callback body is not an object.');
    if (typeof b.sign !== 'string' || typeof b.nonce !== 'string' || b.nonce.length < 8) return fail('CALLBACK.BAD_SIGNATURE', 'The callback is not signed.');
    if (b.appId !== this.o.appId || !verify(b, this.o.secret)) return fail('CALLBACK.BAD_SIGNATURE', 'The callback signature does not verify.');
    const ts = Number(b.timestamp) * 1000;
    if (!Number.isFinite(ts) || Math.abs(now - ts) > PUSH_MAX_AGE_MS) return fail('CALLBACK.REPLAYED', 'The callback is too old to be accepted.', { timestamp: b.timestamp });
    const p = parsePush(carrierPushBody, b);
    if (isError(p)) return p;
    return { nonce: b.nonce, eventId: p.eventId, number: p.number, status: p.status, occurredAt: p.occurTime, detail: p.reason };
  }
}
