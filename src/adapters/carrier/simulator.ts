// A carrier's number-release interface as the platform meets it: idempotent by release number, sometimes
// busy (a transient failure), sometimes slow (accepted, done later). Deterministic and scriptable.
import { isError, type DomainError } from '../../domain/errors.ts';
import { carrierPushBody, parsePush } from '../../app/platform/push-schemas.ts';
import type { CarrierNotice, CarrierPort, Clock, LineStatus, NumberReleaseAnswer, NumberReleaseRequest } from '../../app/platform/ports.ts';
import type { SignedDelivery } from '../payment/simulator.ts';
import { SeededRandom } from '../sim/random.ts';
import { signCallback, verifyCallback } from '../sim/signed-callback.ts';
import { KEEP_FINISHED, Retention } from '../sim/retention.ts';
import { DEMO_PARTNER_KEYS } from '../sim/demo-keys.ts';

export class CarrierSimulator implements CarrierPort {
  /** Release numbers the carrier has completed, with when: the newest (see retention.ts). */
  readonly released = new Map<string, { number: string; at: number }>();
  /** How many times each number really went back to the pool (a test asserts 1 however often we ask). */
  readonly releasesOf = new Map<string, number>();
  /** Calls by release number: retries and repeated questions show here (kept as long as the release). */
  readonly calls = new Map<string, number>();
  /** Scripting: the next N calls fail as a busy carrier system does. */
  failNext = 0;
  /** Scripting: a release completes this long (clock time) after the carrier first hears of it; until then it is pending. */
  delayMs = 0;
  /** Releases still pending (delayMs), by release number: when the carrier first heard of each. */
  private readonly firstSeen = new Map<string, number>();
  private readonly done: Retention;
  /** Each line as the carrier's own system sees it (the truth the platform synchronises with). */
  readonly lines = new Map<string, LineStatus>();
  /** Set by the composition root: how a signed status push reaches the platform; true when acknowledged. */
  deliver: ((d: SignedDelivery) => Promise<boolean>) | null = null;
  private pushes = 0;
  private readonly rnd: SeededRandom;

  constructor(private readonly clock: Clock, private readonly secret: string = DEMO_PARTNER_KEYS.carrier, seed = 1, keepFinished = KEEP_FINISHED) {
    this.rnd = new SeededRandom(seed ^ 0x2545f491);
    this.done = new Retention(keepFinished, (no) => {
      this.released.delete(no);
      this.calls.delete(no);
    });
  }

  /**
   * The customer inserts the card and the carrier runs the real-name check (实名制): it activates the line,
   * or reports the check failed (the line stays inactive and the customer may try again).
   */
  async activate(number: string, opts: { realNameFails?: boolean; send?: boolean; at?: number } = {}): Promise<SignedDelivery> {
    if (opts.realNameFails) return this.push(number, 'real_name_failed', opts, 'ID_PHOTO_MISMATCH');
    this.lines.set(number, 'activated');
    return this.push(number, 'activated', opts);
  }

  /** The carrier changes a line on its own (arrears suspension, closure at a shop, recycling) and pushes it. */
  async setLine(number: string, status: Exclude<LineStatus, 'inactive'>, opts: { send?: boolean; at?: number; push?: boolean } = {}): Promise<SignedDelivery | null> {
    this.lines.set(number, status);
    return opts.push === false ? null : this.push(number, status, opts);
  }

  /** The same push sent again (same event, fresh signature and nonce), as a carrier retries until acknowledged. */
  async resend(d: SignedDelivery, opts: { send?: boolean } = {}): Promise<SignedDelivery> {
    const again = signCallback(this.secret, 'carrier', d.body, this.clock.now(), this.rnd.hex(32));
    if (opts.send !== false && this.deliver) await this.deliver(again);
    return again;
  }

  async queryLine(number: string): Promise<LineStatus> {
    return this.lines.get(number) ?? 'inactive';
  }

  /** Closing a line at the carrier (销户): the line closes and its number goes back to the carrier's pool. */
  async closeLine(req: { closeNo: string; number: string }): Promise<{ status: 'closed' } | { status: 'failed'; error: string }> {
    if (this.failNext > 0) {
      this.failNext--;
      return { status: 'failed', error: 'SYSTEM_BUSY: carrier system unavailable' };
    }
    this.lines.set(req.number, 'closed');
    return { status: 'closed' };
  }

  private async push(number: string, status: CarrierNotice['status'], opts: { send?: boolean; at?: number }, detail: string | null = null): Promise<SignedDelivery> {
    const body = JSON.stringify({ event_id: `CE${String(++this.pushes).padStart(10, '0')}`, number, status, occurred_at: opts.at ?? this.clock.now(), detail });
    const d = signCallback(this.secret, 'carrier', body, this.clock.now(), this.rnd.hex(32));
    if (opts.send !== false && this.deliver) await this.deliver(d);
    return d;
  }

  verifyCallback(headers: Record<string, string | string[] | undefined>, rawBody: string, now: number): CarrierNotice | DomainError {
    const v = verifyCallback(this.secret, 'carrier', headers, rawBody, now);
    if ('kind' in v) return v;
    const b = parsePush(carrierPushBody, v.body);
    if (isError(b)) return b;
    return { nonce: v.nonce, eventId: b.event_id, number: b.number, status: b.status, occurredAt: b.occurred_at, detail: b.detail };
  }

  async releaseNumber(req: NumberReleaseRequest): Promise<NumberReleaseAnswer> {
    if (this.done.forgotten(req.releaseNo)) return { status: 'released' };
    this.calls.set(req.releaseNo, (this.calls.get(req.releaseNo) ?? 0) + 1);
    if (this.released.has(req.releaseNo)) return { status: 'released' };
    if (this.failNext > 0) {
      this.failNext--;
      return { status: 'failed', error: 'SYSTEM_BUSY: carrier system unavailable', retryable: true };
    }
    const now = this.clock.now();
    const seen = this.firstSeen.get(req.releaseNo) ?? now;
    this.firstSeen.set(req.releaseNo, seen);
    if (now < seen + this.delayMs) return { status: 'pending' };
    this.firstSeen.delete(req.releaseNo);
    this.released.set(req.releaseNo, { number: req.number, at: now });
    this.done.finished(req.releaseNo);
    if (this.lines.has(req.number)) this.lines.set(req.number, 'recycled');
    this.releasesOf.set(req.number, (this.releasesOf.get(req.number) ?? 0) + 1);
    return { status: 'released' };
  }
}
