// The carrier's IoT platform as the product meets it: activation and closure idempotent by request number, a
// card the carrier refuses (real-name of the business not on file for it, a card reported lost), a busy system,
// and a daily usage report per active card drawn from a seeded generator (the same day reports the same figures).
import type { Clock } from '../../app/platform/ports.ts';
import type { IotActivationAnswer, IotCarrierPort, IotUsageLine } from '../../app/iot/ports.ts';
import { SeededRandom } from '../sim/random.ts';

export class IotCarrierSimulator implements IotCarrierPort {
  /** Active lines by ICCID, with when they were activated. */
  readonly active = new Map<string, number>();
  readonly closed = new Set<string>();
  /** How many times each card was really activated (tests assert 1 however often it is asked). */
  readonly activationsOf = new Map<string, number>();
  /** Answers by request number: a request sent again gets the same answer. */
  private readonly answers = new Map<string, IotActivationAnswer>();
  readonly calls: string[] = [];
  /** Scripting: cards the carrier refuses to activate, for good. */
  readonly refuse = new Set<string>();
  /** Scripting: the next N calls answer busy (retryable) and change nothing. */
  failNext = 0;
  /** Scripting: fixed usage per card per day, in MB; otherwise seeded between 0 and `maxDailyMb`. */
  dailyMb: number | null = null;
  maxDailyMb = 60;

  constructor(private readonly clock: Clock, private readonly seed = 1) {}

  async activate(req: { activationNo: string; iccid: string; msisdn: string }): Promise<IotActivationAnswer> {
    this.calls.push(req.activationNo);
    const known = this.answers.get(req.activationNo);
    if (known) return known;
    if (this.failNext > 0) {
      this.failNext -= 1;
      return { status: 'failed', error: 'SYSTEM_BUSY', retryable: true };
    }
    let answer: IotActivationAnswer;
    if (this.refuse.has(req.iccid)) answer = { status: 'failed', error: 'CARD_NOT_ACTIVATABLE', retryable: false };
    else if (this.closed.has(req.iccid)) answer = { status: 'failed', error: 'LINE_CLOSED', retryable: false };
    else {
      const at = this.active.get(req.iccid) ?? this.clock.now();
      if (!this.active.has(req.iccid)) {
        this.active.set(req.iccid, at);
        this.activationsOf.set(req.iccid, (this.activationsOf.get(req.iccid) ?? 0) + 1);
      }
      answer = { status: 'activated', at };
    }
    this.answers.set(req.activationNo, answer);
    return answer;
  }

  async closeLine(req: { closeNo: string; iccid: string; msisdn: string }): Promise<{ status: 'closed' } | { status: 'failed'; error: string }> {
    this.calls.push(req.closeNo);
    if (this.failNext > 0) {
      this.failNext -= 1;
      return { status: 'failed', error: 'SYSTEM_BUSY' };
    }
    this.active.delete(req.iccid);
    this.closed.add(req.iccid);
    return { status: 'closed' };
  }

  async dailyUsage(day: string): Promise<IotUsageLine[]> {
    const out: IotUsageLine[] = [];
    for (const iccid of [...this.active.keys()].sort()) {
      if (this.dailyMb !== null) {
        out.push({ iccid, usedMb: this.dailyMb });
        continue;
      }
      // One generator per card and day: asking for the same day again reports the same figures.
      let h = this.seed;
      for (const ch of `${iccid}|${day}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
      out.push({ iccid, usedMb: Math.floor(new SeededRandom(h).next() * (this.maxDailyMb + 1)) });
    }
    return out;
  }
}
