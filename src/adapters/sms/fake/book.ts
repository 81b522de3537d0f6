// The message book a fake SMS provider keeps: what it accepted, for which phone, the text the phone shows, and
// what the carrier later reported (delivered, or failed with a code). Kept in a journal file of its own when
// given one (HAOKA_SIM_STATE_DIR), so a demo restarted still shows the texts and their reports. Scriptable:
// refuse the next sends with a code, swallow the next answers (the caller times out), fail delivery to a phone.
import { SimJournal } from '../../sim/journal.ts';
import type { Clock } from '../../../app/platform/ports.ts';

export interface FakeSms {
  /** The message's own id in the book: its bizId, or `bizId#n` for the n-th of a batch sent under one BizId. */
  id: string;
  bizId: string;
  phone: string;
  signName: string;
  /** The provider's template code or id. */
  template: string;
  /** The text the phone shows, signature first (【签名】...). */
  text: string;
  /** What the caller gave to find it again (Aliyun OutId, Tencent SessionContext). */
  ref: string;
  sentAt: number;
  state: 'sending' | 'delivered' | 'failed';
  code: string | null;
  reportedAt: number | null;
  /** Tencent hands each report out once (PullSmsSendStatus). */
  pulled: boolean;
}

/** What a provider hands the book for a message it took; `id` only for the messages of a batch. */
export type FakeSmsSent = Omit<FakeSms, 'id' | 'sentAt' | 'state' | 'code' | 'reportedAt' | 'pulled'> & { id?: string };

export type FakeScript = { kind: 'refuse'; code: string; message: string } | { kind: 'hang' };

export interface FakeBookOptions {
  journalPath?: string | null;
  /** How long after it was accepted the carrier reports a message (fake clock). */
  deliverAfterMs?: number;
  /** Messages to one phone per Beijing day before the provider's flow control refuses. */
  dailyLimit?: number;
}

const KEEP = 10_000;

const dayOf = (ms: number) => Math.floor((ms + 8 * 3_600_000) / 86_400_000);

export class FakeSmsBook {
  private readonly messages = new Map<string, FakeSms>();
  /** The same messages by phone, oldest first: a send's daily count and a query look at one phone's only. */
  private readonly byPhone = new Map<string, FakeSms[]>();
  /** Messages whose report has not come in, oldest first (every one is reported the same time after it was sent). */
  private sending: FakeSms[] = [];
  /** Reports not yet handed out by a pull (Tencent), oldest first. */
  private unpulled: FakeSms[] = [];
  private readonly scripts: FakeScript[] = [];
  private readonly failing = new Map<string, string>();
  private readonly journal: SimJournal | null;
  private seq = 0;
  /** The journal's last record this process has read (other processes of the demo write to it too). */
  private readSeq = 0;
  readonly deliverAfterMs: number;
  readonly dailyLimit: number;

  constructor(readonly clock: Clock, opts: FakeBookOptions = {}) {
    this.deliverAfterMs = opts.deliverAfterMs ?? 2000;
    this.dailyLimit = opts.dailyLimit ?? 1000;
    this.journal = opts.journalPath ? new SimJournal(opts.journalPath) : null;
    this.catchUp();
  }

  private catchUp(): void {
    const records = this.journal?.changesSince(this.readSeq) ?? [];
    if (records.length === 0) return;
    let changed = false;
    for (const r of records) {
      const m = JSON.parse(r.json) as FakeSms;
      m.id ??= m.bizId;
      const known = this.messages.get(m.id);
      this.readSeq = Math.max(this.readSeq, r.seq);
      // This process's own writes come back too: only what another process changed moves the queues.
      if (known && known.state === m.state && known.pulled === m.pulled) continue;
      if (known) Object.assign(known, m);
      else this.index(m);
      changed = true;
    }
    if (!changed) return;
    // Another process's messages arrive in its own order: the queues are rebuilt from what is now known.
    const all = [...this.messages.values()].sort((a, b) => a.sentAt - b.sentAt);
    this.sending = all.filter((m) => m.state === 'sending');
    this.unpulled = all.filter((m) => m.state !== 'sending' && !m.pulled);
  }

  private index(m: FakeSms): void {
    this.messages.set(m.id, m);
    const list = this.byPhone.get(m.phone);
    if (list) list.push(m);
    else this.byPhone.set(m.phone, [m]);
  }

  /** The next `times` sends are refused with the provider's `code`. */
  refuseNext(code: string, message: string, times = 1): void {
    for (let i = 0; i < times; i++) this.scripts.push({ kind: 'refuse', code, message });
  }

  /** The next `times` sends are taken (the phone gets the text) but never answered: the caller times out. */
  hangNext(times = 1): void {
    for (let i = 0; i < times; i++) this.scripts.push({ kind: 'hang' });
  }

  /** Messages to `phone` end failed with the carrier's `code` (MN:0001 empty number, ...); null: delivered again. */
  failDeliveryTo(phone: string, code: string | null): void {
    if (code === null) this.failing.delete(phone);
    else this.failing.set(phone, code);
  }

  takeScript(): FakeScript | undefined {
    return this.scripts.shift();
  }

  /** A sequence number for ids: from the journal when kept (never repeats across restarts), else in memory. */
  nextSeq(): number {
    return this.journal ? this.journal.next('sms') : ++this.seq;
  }

  /** Messages to `phone` accepted on the Beijing day of `at`. */
  sentOnDay(phone: string, at: number): number {
    this.catchUp();
    const day = dayOf(at);
    let n = 0;
    for (const m of this.byPhone.get(phone) ?? []) if (dayOf(m.sentAt) === day) n++;
    return n;
  }

  accept(m: FakeSmsSent): FakeSms {
    return this.acceptAll([m])[0]!;
  }

  /** Messages taken in one request (a batch): one write to the journal. */
  acceptAll(ms: FakeSmsSent[]): FakeSms[] {
    // Reports due first, so that what is forgotten past KEEP can include them.
    this.settle();
    const now = this.clock.now();
    const out = ms.map((m): FakeSms => ({ ...m, id: m.id ?? m.bizId, sentAt: now, state: 'sending', code: null, reportedAt: null, pulled: false }));
    for (const sms of out) {
      this.index(sms);
      this.sending.push(sms);
    }
    this.save(out);
    this.trim();
    return out;
  }

  /** The carrier's reports come in once their time has come (on the fake clock). */
  settle(): void {
    this.catchUp();
    const now = this.clock.now();
    let due = 0;
    while (due < this.sending.length && this.sending[due]!.sentAt + this.deliverAfterMs <= now) due++;
    if (due === 0) return;
    const changed = this.sending.splice(0, due).filter((m) => m.state === 'sending');
    for (const m of changed) {
      const code = this.failing.get(m.phone);
      m.state = code ? 'failed' : 'delivered';
      m.code = code ?? null;
      m.reportedAt = m.sentAt + this.deliverAfterMs;
      this.unpulled.push(m);
    }
    this.save(changed);
  }

  /** A message by its id in the book (its bizId when it was sent alone). */
  get(id: string): FakeSms | undefined {
    this.settle();
    return this.messages.get(id);
  }

  /** Every message, oldest first, after the reports due have come in. */
  all(): FakeSms[] {
    this.settle();
    return [...this.messages.values()];
  }

  /** One phone's messages, oldest first, after the reports due have come in. */
  toPhone(phone: string): FakeSms[] {
    this.settle();
    return [...(this.byPhone.get(phone) ?? [])];
  }

  /** Up to `limit` reports no pull has handed out yet, oldest first; they are handed out once. */
  pullReports(limit: number): FakeSms[] {
    this.settle();
    const ready = this.unpulled.splice(0, limit);
    for (const m of ready) m.pulled = true;
    this.save(ready);
    return ready;
  }

  /** The texts a phone received, newest first (the demo's inbox page). */
  inbox(phone: string): FakeSms[] {
    return this.toPhone(phone).reverse();
  }

  close(): void {
    this.journal?.close();
  }

  private save(ms: FakeSms[]): void {
    this.journal?.write(ms.map((m) => ({ key: m.id, json: JSON.stringify(m) })));
  }

  /** The oldest reported messages are forgotten past KEEP (a message still sending is kept until reported). */
  private trim(): void {
    if (this.messages.size <= KEEP) return;
    const dropped = new Set<FakeSms>();
    for (const [id, m] of this.messages) {
      if (this.messages.size <= KEEP) break;
      if (m.state === 'sending') continue;
      this.messages.delete(id);
      dropped.add(m);
    }
    for (const m of dropped) {
      const list = this.byPhone.get(m.phone)!.filter((x) => !dropped.has(x));
      if (list.length) this.byPhone.set(m.phone, list);
      else this.byPhone.delete(m.phone);
    }
    if (this.unpulled.some((m) => dropped.has(m))) this.unpulled = this.unpulled.filter((m) => !dropped.has(m));
  }
}
