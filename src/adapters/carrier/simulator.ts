// A carrier's number-release interface as the platform meets it: idempotent by release number, sometimes
// busy (a transient failure), sometimes slow (accepted, done later). Deterministic and scriptable.
import type { CarrierPort, Clock, NumberReleaseAnswer, NumberReleaseRequest } from '../../app/ports.ts';

export class CarrierSimulator implements CarrierPort {
  /** Release numbers the carrier has completed, with when. */
  readonly released = new Map<string, { number: string; at: number }>();
  /** How many times each number really went back to the pool (a test asserts 1 however often we ask). */
  readonly releasesOf = new Map<string, number>();
  /** Every call, by release number: retries and repeated questions show here. */
  readonly calls = new Map<string, number>();
  /** Scripting: the next N calls fail as a busy carrier system does. */
  failNext = 0;
  /** Scripting: a release completes this long (clock time) after the carrier first hears of it; until then it is pending. */
  delayMs = 0;
  private readonly firstSeen = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  async releaseNumber(req: NumberReleaseRequest): Promise<NumberReleaseAnswer> {
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
    this.released.set(req.releaseNo, { number: req.number, at: now });
    this.releasesOf.set(req.number, (this.releasesOf.get(req.number) ?? 0) + 1);
    return { status: 'released' };
  }
}
