// A fake carrier that behaves like one, behind its md5kv interface (server.ts): the lines as its own system sees
// them, number releases idempotent by release number (sometimes busy, sometimes batched and done later, the newest
// remembered in full and older ones by number only), line closures idempotent by closure number, and signed
// status pushes (activation, real-name failure, suspension, closure, recycling) sent to the platform and sent
// again until acknowledged. Deterministic (seeded) and scriptable by tests and the demo's /sim pages.
import type { CarrierNotice, Clock, LineStatus } from '../../../../app/platform/ports.ts';
import type { SignedDelivery } from '../../../payment/simulator.ts';
import { SeededRandom } from '../../../sim/random.ts';
import { KEEP_FINISHED, Retention } from '../../../sim/retention.ts';
import { RELEASE_STATE, RESULT, signed, type Envelope } from '../protocol.ts';

type Fields = Record<string, unknown>;

/** A push not yet acknowledged: resent on this schedule (after the first attempt), then given up. */
const RESEND_AFTER_MS = [15_000, 60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000];
interface Unacked { fields: Fields; attempts: number; nextAt: number }

const ok = (data: Fields): Envelope => ({ result: RESULT.success, msg: 'success', data });
const no = (result: number, msg: string): Envelope => ({ result, msg, data: null });
const BUSY = (): Envelope => no(RESULT.otherError, '系统繁忙，请稍后再试');

export class FakeCarrier {
  /** Release numbers the carrier has completed, with when: the newest (see retention.ts). */
  readonly released = new Map<string, { number: string; at: number }>();
  /** How many times each number really went back to the pool (a test asserts 1 however often we ask). */
  readonly releasesOf = new Map<string, number>();
  /** Calls by release number: retries and repeated questions show here (kept as long as the release). */
  readonly calls = new Map<string, number>();
  /** Closure numbers already done: a repeated closure is answered closed without closing anything again. */
  readonly closes = new Map<string, string>();
  /** Scripting: the next N releases or closures answer 50000 as a busy carrier system does. */
  failNext = 0;
  /** Scripting: a release completes this long (clock time) after the carrier first hears of it; until then PROCESSING. */
  delayMs = 0;
  /** Scripting: the next N requests are done but their answers never sent (the caller times out). */
  loseNext = 0;
  /** Each line as the carrier's own system sees it (the truth the platform synchronises with). */
  readonly lines = new Map<string, LineStatus>();
  /** How a signed push reaches the platform's callback address (set by the wiring); true when acknowledged. */
  deliver: ((body: string) => Promise<boolean>) | null = null;
  private readonly firstSeen = new Map<string, number>();
  private readonly done: Retention;
  private readonly unacked = new Map<string, Unacked>();
  private pushes = 0;
  private readonly rnd: SeededRandom;

  constructor(readonly appId: string, private readonly secret: string, private readonly clock: Clock, seed = 1, keepFinished = KEEP_FINISHED) {
    this.rnd = new SeededRandom(seed ^ 0x2545f491);
    this.done = new Retention(keepFinished, (no) => {
      this.released.delete(no);
      this.calls.delete(no);
    });
  }

  // ---- methods (the server calls these with a checked body)
  /** 号码回收. */
  release(b: Fields): Envelope {
    const releaseNo = String(b.releaseNo ?? '');
    const number = String(b.number ?? '');
    if (!releaseNo || !/^1\d{10}$/.test(number)) return no(RESULT.paramsError, '参数错误：releaseNo、number');
    const answer = (state: string) => ok({ releaseNo, status: state });
    if (this.done.forgotten(releaseNo)) return answer(RELEASE_STATE.done);
    this.calls.set(releaseNo, (this.calls.get(releaseNo) ?? 0) + 1);
    if (this.released.has(releaseNo)) return answer(RELEASE_STATE.done);
    if (this.failNext > 0) {
      this.failNext--;
      return BUSY();
    }
    const now = this.clock.now();
    const seen = this.firstSeen.get(releaseNo) ?? now;
    this.firstSeen.set(releaseNo, seen);
    if (now < seen + this.delayMs) return answer(RELEASE_STATE.processing);
    this.firstSeen.delete(releaseNo);
    this.released.set(releaseNo, { number, at: now });
    this.done.finished(releaseNo);
    if (this.lines.has(number)) this.lines.set(number, 'recycled');
    this.releasesOf.set(number, (this.releasesOf.get(number) ?? 0) + 1);
    return answer(RELEASE_STATE.done);
  }

  /** 线路查询. */
  query(b: Fields): Envelope {
    const number = String(b.number ?? '');
    if (!/^1\d{10}$/.test(number)) return no(RESULT.paramsError, '参数错误：number');
    return ok({ number, status: this.lines.get(number) ?? 'inactive' });
  }

  /** 销户: the line closes and its number goes back to the carrier's pool. */
  close(b: Fields): Envelope {
    const closeNo = String(b.closeNo ?? '');
    const number = String(b.number ?? '');
    if (!closeNo || !/^1\d{10}$/.test(number)) return no(RESULT.paramsError, '参数错误：closeNo、number');
    if (this.closes.get(closeNo) === number) return ok({ closeNo, status: 'closed' });
    if (this.failNext > 0) {
      this.failNext--;
      return BUSY();
    }
    this.closes.set(closeNo, number);
    this.lines.set(number, 'closed');
    return ok({ closeNo, status: 'closed' });
  }

  // ---- the carrier's own doings, driven by a test or the demo
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

  /**
   * A push sent again (same event, fresh timestamp, nonce and signature), as the carrier retries until it is
   * acknowledged. Tests also hand it a body of their own choosing to have it signed with the carrier's key.
   */
  async resend(d: { body: string }, opts: { send?: boolean } = {}): Promise<SignedDelivery> {
    const fields = this.sign(JSON.parse(d.body) as Fields);
    const body = JSON.stringify(fields);
    if (opts.send !== false) await this.send(fields);
    return delivery(body);
  }

  /** Sends again each unacknowledged push whose time has come; how many were acknowledged now. */
  async resendDue(): Promise<number> {
    const now = this.clock.now();
    let acked = 0;
    for (const [eventId, u] of [...this.unacked]) {
      if (u.nextAt > now) continue;
      u.attempts++;
      const fields = this.sign(u.fields);
      if (await this.post(fields)) {
        this.unacked.delete(eventId);
        acked++;
      } else if (u.attempts > RESEND_AFTER_MS.length) this.unacked.delete(eventId);
      else u.nextAt = now + RESEND_AFTER_MS[u.attempts - 1]!;
    }
    return acked;
  }

  /** Event ids of pushes still waiting for an acknowledgement. */
  get unacknowledged(): string[] {
    return [...this.unacked.keys()];
  }

  private async push(number: string, status: CarrierNotice['status'], opts: { send?: boolean; at?: number }, reason: string | null = null): Promise<SignedDelivery> {
    const fields = this.sign({ eventId: `CE${String(++this.pushes).padStart(10, '0')}`, number, status, occurTime: opts.at ?? this.clock.now(), reason });
    if (opts.send !== false) await this.send(fields);
    return delivery(JSON.stringify(fields));
  }

  private async send(fields: Fields): Promise<void> {
    if (await this.post(fields)) this.unacked.delete(String(fields.eventId));
    else this.unacked.set(String(fields.eventId), { fields, attempts: 1, nextAt: this.clock.now() + RESEND_AFTER_MS[0]! });
  }

  private async post(fields: Fields): Promise<boolean> {
    if (!this.deliver) return false;
    return this.deliver(JSON.stringify(fields)).catch(() => false);
  }

  /** The fields with this carrier's app id, a fresh timestamp and nonce, and its signature. */
  private sign(fields: Fields): Fields {
    const { sign: _s, ...rest } = fields;
    return signed({ ...rest, appId: rest.appId ?? this.appId, timestamp: String(Math.floor(this.clock.now() / 1000)), nonce: this.rnd.hex(32) }, this.secret);
  }
}

const delivery = (body: string): SignedDelivery => ({ headers: { 'content-type': 'application/json' }, body });
