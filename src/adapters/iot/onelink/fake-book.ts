// What the fake OneLink platform knows and remembers: the cards it issued to our customer account (ICCID and
// number ranges, as the carrier delivered them), each card's state and activation date, the tokens it handed
// out and until when, and the batch change jobs with their outcomes. Kept in a journal file of its own when
// given one (HAOKA_SIM_STATE_DIR), written before the platform answers, so a demo restarted, or another of its
// processes, finds the same cards active and the same jobs. A job is carried out `activationDelayMs` (platform
// clock) after it was taken. Scriptable: cards it refuses to activate, busy answers, fixed daily usage.
import { luhnCheckDigit } from '../../../domain/iccid.ts';
import type { Clock } from '../../../app/platform/ports.ts';
import { SimJournal } from '../../sim/journal.ts';
import { SeededRandom } from '../../sim/random.ts';
import { CARD_STATUS, JOB_STATUS, ONELINK_CODES, OPER_TYPE } from './protocol.ts';

export interface IssuedRange {
  /** The first ICCID's body (every digit but the check digit). */
  firstBody: string;
  firstNumber: string;
  size: number;
}

export interface FakeCard {
  iccid: string;
  msisdn: string;
  status: string;
  activeAt: number | null;
  stoppedAt: number | null;
  lastChangeAt: number;
  /** When a change was last asked for (the platform refuses the same card again within 3 minutes). */
  lastRequestAt: number | null;
  /** How many times the platform really activated it. */
  activations: number;
}

export interface FakeJob {
  jobId: string;
  iccids: string[];
  operType: string;
  takenAt: number;
  dueAt: number;
  results: { iccid: string; resultCode: string; message: string }[] | null;
}

export interface FakeOneLinkOptions {
  journalPath?: string | null;
  /** How long after it was taken a batch change is carried out (platform clock). */
  activationDelayMs?: number;
  seed?: number;
}

/** Activation changes and the state each starts from. */
const ACTIVATES: Record<string, string> = { [OPER_TYPE.awaitingToActive]: CARD_STATUS.awaiting, [OPER_TYPE.testableToActive]: CARD_STATUS.testable, [OPER_TYPE.stockToActive]: CARD_STATUS.stock };
export const CHANGE_TYPES = [OPER_TYPE.stop, OPER_TYPE.resume, ...Object.keys(ACTIVATES)];
const STATE_FORBIDS = '该卡片不是待激活、已激活、已停机,无法进行操作';

export class FakeOneLinkBook {
  private readonly cards = new Map<string, FakeCard>();
  private readonly jobs = new Map<string, FakeJob>();
  private readonly open = new Set<string>();
  private readonly tokens = new Map<string, number>();
  private readonly journal: SimJournal | null;
  private readSeq = 0;
  private jobSeq = 0;
  private tokenSeq = 0;
  readonly activationDelayMs: number;
  readonly seed: number;
  /** Scripting: cards whose activation the platform refuses, with the code and message it answers. */
  readonly refusals = new Map<string, { code: string; message: string }>();
  /** Scripting: the next N calls answer 500 (internal error) and change nothing. */
  busyNext = 0;
  /** Scripting: every active card used this many MB a day; otherwise seeded up to `maxDailyMb`. */
  dailyMb: number | null = null;
  maxDailyMb = 60;

  constructor(readonly clock: Clock, private readonly ranges: IssuedRange[], opts: FakeOneLinkOptions = {}) {
    this.activationDelayMs = opts.activationDelayMs ?? 0;
    this.seed = opts.seed ?? 1;
    this.journal = opts.journalPath ? new SimJournal(opts.journalPath) : null;
    this.catchUp();
  }

  /** Reads what other processes wrote since, then carries out the jobs now due. */
  catchUp(): void {
    for (const r of this.journal?.changesSince(this.readSeq) ?? []) {
      this.readSeq = Math.max(this.readSeq, r.seq);
      const [kind, id] = [r.key.slice(0, r.key.indexOf(':')), r.key.slice(r.key.indexOf(':') + 1)];
      if (kind === 'card') this.cards.set(id, JSON.parse(r.json) as FakeCard);
      else if (kind === 'token') this.tokens.set(id, JSON.parse(r.json) as number);
      else if (kind === 'job') {
        const job = JSON.parse(r.json) as FakeJob;
        this.jobs.set(id, job);
        if (job.results) this.open.delete(id);
        else this.open.add(id);
      }
    }
    this.settleDue();
  }

  private save(cards: FakeCard[], jobs: FakeJob[] = []): void {
    for (const c of cards) this.cards.set(c.iccid, c);
    for (const j of jobs) this.jobs.set(j.jobId, j);
    this.journal?.write([...cards.map((c) => ({ key: `card:${c.iccid}`, json: JSON.stringify(c) })), ...jobs.map((j) => ({ key: `job:${j.jobId}`, json: JSON.stringify(j) }))]);
  }

  // --- tokens ---
  issueToken(ttlMs: number): string {
    const n = this.journal ? this.journal.next('token') : ++this.tokenSeq;
    const token = new SeededRandom((this.seed * 2654435761 + n) >>> 0).hex(32);
    const until = this.clock.now() + ttlMs;
    this.tokens.set(token, until);
    this.journal?.write([{ key: `token:${token}`, json: JSON.stringify(until) }]);
    return token;
  }

  /** Scripting: the platform forgets every token it handed out (callers get 12021 and take a new one). */
  forgetTokens(): void {
    this.catchUp();
    this.tokens.clear();
  }

  tokenValid(token: string): boolean {
    const until = this.tokens.get(token);
    return until !== undefined && this.clock.now() < until;
  }

  // --- cards ---
  /** The card as the platform knows it: a card of our ranges is waiting for activation until changed. */
  card(iccid: string): FakeCard | null {
    const known = this.cards.get(iccid);
    if (known) return known;
    const body = iccid.slice(0, -1);
    if (!/^\d{19,20}$/.test(iccid) || String(luhnCheckDigit(body)) !== iccid.slice(-1)) return null;
    for (const r of this.ranges) {
      if (body.length !== r.firstBody.length) continue;
      const offset = BigInt(body) - BigInt(r.firstBody);
      if (offset < 0n || offset >= BigInt(r.size)) continue;
      const msisdn = (BigInt(r.firstNumber) + offset).toString().padStart(r.firstNumber.length, '0');
      return { iccid, msisdn, status: CARD_STATUS.awaiting, activeAt: null, stoppedAt: null, lastChangeAt: 0, lastRequestAt: null, activations: 0 };
    }
    return null;
  }

  /** Why the platform will not speak of a card: 12009 a China Mobile card of someone else, 12010 none it knows. */
  static unknownCode(iccid: string): string {
    return /^8986(00|02|04|07|08)/.test(iccid) ? ONELINK_CODES.cardNotOurs : ONELINK_CODES.cardUnknown;
  }

  activationsOf(iccid: string): number {
    return this.cards.get(iccid)?.activations ?? 0;
  }

  isStopped(iccid: string): boolean {
    return this.cards.get(iccid)?.status === CARD_STATUS.stopped;
  }

  /** A card changed at once (单卡状态变更); the error code and message when the card's state forbids it. */
  changeNow(card: FakeCard, operType: string): { code: string; message: string } | null {
    const now = this.clock.now();
    const next = applyChange(card, operType, now);
    if (!next) return { code: ONELINK_CODES.cardStateForbids, message: STATE_FORBIDS };
    this.save([{ ...next, lastRequestAt: now }]);
    return null;
  }

  /** True when a change for the card was asked within the last 3 minutes. */
  askedTooSoon(card: FakeCard): boolean {
    return card.lastRequestAt !== null && this.clock.now() - card.lastRequestAt < 180_000;
  }

  // --- batch jobs ---
  takeJob(cards: FakeCard[], operType: string): FakeJob {
    const now = this.clock.now();
    const n = this.journal ? this.journal.next('job') : ++this.jobSeq;
    const job: FakeJob = { jobId: `${20_000_000_000 + n}`, iccids: cards.map((c) => c.iccid), operType, takenAt: now, dueAt: now + this.activationDelayMs, results: null };
    this.open.add(job.jobId);
    this.save(cards.map((c) => ({ ...c, lastRequestAt: now })), [job]);
    this.settleDue();
    return this.jobs.get(job.jobId)!;
  }

  job(jobId: string): FakeJob | null {
    return this.jobs.get(jobId) ?? null;
  }

  jobStatus(job: FakeJob): string {
    if (!job.results) return this.clock.now() === job.takenAt ? JOB_STATUS.waiting : JOB_STATUS.running;
    const failed = job.results.filter((r) => r.resultCode !== ONELINK_CODES.ok).length;
    return failed === 0 ? JOB_STATUS.done : failed === job.results.length ? JOB_STATUS.failed : JOB_STATUS.doneWithFailures;
  }

  /** Jobs whose time has come are carried out, each card on its own: changed, or refused with its reason. */
  private settleDue(): void {
    const now = this.clock.now();
    for (const id of [...this.open]) {
      const job = this.jobs.get(id)!;
      if (job.dueAt > now) continue;
      const changed: FakeCard[] = [];
      const results = job.iccids.map((iccid) => {
        const card = this.cards.get(iccid) ?? this.card(iccid)!;
        const refused = this.refusals.get(iccid);
        if (refused) return { iccid, resultCode: refused.code, message: refused.message };
        const next = applyChange(card, job.operType, job.dueAt);
        if (!next) return { iccid, resultCode: ONELINK_CODES.cardStateForbids, message: STATE_FORBIDS };
        changed.push(next);
        return { iccid, resultCode: ONELINK_CODES.ok, message: '成功' };
      });
      this.open.delete(id);
      this.save(changed, [{ ...job, results }]);
    }
  }

  // --- usage ---
  /** A card's data that Beijing day (from `dayStart` for 24 h), in KB: nothing unless active some of that day. */
  usageKb(card: FakeCard, day: string, dayStart: number): number {
    if (card.activeAt === null || card.activeAt >= dayStart + 86_400_000) return 0;
    if (card.stoppedAt !== null && card.stoppedAt <= dayStart) return 0;
    if (this.dailyMb !== null) return this.dailyMb * 1024;
    // One generator per card and day: the same day asked again reports the same figure.
    let h = this.seed;
    for (const ch of `${card.iccid}|${day}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    return Math.floor(new SeededRandom(h).next() * (this.maxDailyMb * 1024 + 1));
  }

  close(): void {
    this.journal?.close();
  }
}

/** The card after a change, or null when its state does not allow it. */
function applyChange(card: FakeCard, operType: string, at: number): FakeCard | null {
  const from = ACTIVATES[operType];
  if (from !== undefined) {
    if (card.status !== from) return null;
    return { ...card, status: CARD_STATUS.active, activeAt: card.activeAt ?? at, stoppedAt: null, lastChangeAt: at, activations: card.activations + 1 };
  }
  if (operType === OPER_TYPE.stop) return card.status === CARD_STATUS.active ? { ...card, status: CARD_STATUS.stopped, stoppedAt: at, lastChangeAt: at } : null;
  if (operType === OPER_TYPE.resume) return card.status === CARD_STATUS.stopped ? { ...card, status: CARD_STATUS.active, stoppedAt: null, lastChangeAt: at } : null;
  return null;
}
