// The commission ledger: append-only and double-entry. Every entry moves an amount from one account to another, so
// the accounts always sum to zero; an entry is never changed, a correction is a reversing entry of its own.
import type { CommissionRule, LineFacts, Share, Target } from './rules.ts';
import { targetOf } from './rules.ts';

/**
 * accrue: the platform owes a pending commission (an order through a link was paid); qualify: its conditions are met;
 * settle: a settlement run makes it payable; void / reverse / clawback: the card was cancelled, returned or closed
 * (inside probation), taking back a pending, an eligible or a settled commission; withdraw: a payout to the distributor.
 */
export const ENTRY_KINDS = ['accrue', 'qualify', 'settle', 'void', 'reverse', 'clawback', 'withdraw'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export const BUCKETS = ['pending', 'eligible', 'settled', 'paid_out'] as const;
export type Bucket = (typeof BUCKETS)[number];

/** The platform's side of every commission. */
export const PLATFORM_ACCOUNT = 'platform:commission';
export const account = (distributorId: string, bucket: Bucket) => `distributor:${distributorId}:${bucket}`;

export interface LedgerEntry {
  /** Null for a withdrawal, which is not about one order. */
  orderId: string | null;
  distributorId: string;
  kind: EntryKind;
  amountFen: number;
  debit: string;
  credit: string;
  /** The settlement run that wrote a `settle` entry, the withdrawal of a `withdraw` one. */
  ref: string | null;
  at: number;
}

const MOVES: Record<EntryKind, (d: string) => [debit: string, credit: string]> = {
  accrue: (d) => [PLATFORM_ACCOUNT, account(d, 'pending')],
  qualify: (d) => [account(d, 'pending'), account(d, 'eligible')],
  settle: (d) => [account(d, 'eligible'), account(d, 'settled')],
  void: (d) => [account(d, 'pending'), PLATFORM_ACCOUNT],
  reverse: (d) => [account(d, 'eligible'), PLATFORM_ACCOUNT],
  clawback: (d) => [account(d, 'settled'), PLATFORM_ACCOUNT],
  withdraw: (d) => [account(d, 'settled'), account(d, 'paid_out')],
};

export function entry(kind: EntryKind, distributorId: string, orderId: string | null, amountFen: number, at: number, ref: string | null = null): LedgerEntry {
  const [debit, credit] = MOVES[kind](distributorId);
  return { orderId, distributorId, kind, amountFen, debit, credit, ref, at };
}

/** Where one distributor's commission on one order stands, read from its entries. */
export type LineState = 'none' | 'pending' | 'eligible' | 'settled' | 'voided' | 'reversed' | 'clawed_back';

export function lineState(entries: readonly Pick<LedgerEntry, 'kind'>[]): LineState {
  const has = (k: EntryKind) => entries.some((e) => e.kind === k);
  if (has('clawback')) return 'clawed_back';
  if (has('reverse')) return 'reversed';
  if (has('void')) return 'voided';
  if (has('settle')) return 'settled';
  if (has('qualify')) return 'eligible';
  if (has('accrue')) return 'pending';
  return 'none';
}

export const isFinal = (s: LineState) => s === 'voided' || s === 'reversed' || s === 'clawed_back';

/** The entries that bring a line from where it stands to where the rules put it; none when it is already there. */
export function movesTo(state: LineState, target: Target, share: Share, orderId: string, at: number): LedgerEntry[] {
  const e = (k: EntryKind) => entry(k, share.distributorId, orderId, share.amountFen, at);
  switch (state) {
    case 'none':
      if (target === 'pending') return [e('accrue')];
      if (target === 'eligible') return [e('accrue'), e('qualify')];
      return [];
    case 'pending':
      if (target === 'eligible') return [e('qualify')];
      if (target === 'taken_back') return [e('void')];
      return [];
    case 'eligible':
      return target === 'taken_back' ? [e('reverse')] : [];
    case 'settled':
      return target === 'taken_back' ? [e('clawback')] : [];
    default:
      return [];
  }
}

/**
 * The new entries for one attributed order, given every entry it already has. Running it again with the result
 * appended gives nothing: this is what makes every cancellation path adjust commissions exactly once.
 */
export function reconcileOrder(orderId: string, rule: CommissionRule, orderShares: readonly Share[], facts: LineFacts, existing: readonly LedgerEntry[], now: number): LedgerEntry[] {
  const target = targetOf(rule, facts, now);
  return orderShares.flatMap((s) => movesTo(lineState(existing.filter((x) => x.distributorId === s.distributorId && x.orderId === orderId)), target, s, orderId, now));
}

/** A settlement run: every eligible line becomes settled under `runId`. */
export function settleLines(lines: readonly { orderId: string; distributorId: string; amountFen: number; state: LineState }[], runId: string, now: number): LedgerEntry[] {
  return lines.filter((l) => l.state === 'eligible').map((l) => entry('settle', l.distributorId, l.orderId, l.amountFen, now, runId));
}

/** Every account's balance: credits minus debits. */
export function balances(entries: readonly LedgerEntry[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of entries) {
    out.set(e.credit, (out.get(e.credit) ?? 0) + e.amountFen);
    out.set(e.debit, (out.get(e.debit) ?? 0) - e.amountFen);
  }
  return out;
}

export type DistributorBalances = Record<Bucket, number>;

export function distributorBalances(all: Map<string, number>, distributorId: string): DistributorBalances {
  return Object.fromEntries(BUCKETS.map((b) => [b, all.get(account(distributorId, b)) ?? 0])) as DistributorBalances;
}
