// Random sequences of orders, payments, activations, top-ups, cancellations in every state, closures and
// settlement runs: the ledger's balances always equal what the rules say, and nothing is written twice.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { balances, distributorBalances, lineState, reconcileOrder, settleLines, type LedgerEntry } from '../../../src/domain/distribution/ledger.ts';
import { DAY_MS, shares, type CommissionRule, type LineFacts, type Share } from '../../../src/domain/distribution/rules.ts';
import { chainOf, type Distributor } from '../../../src/domain/distribution/tree.ts';

const T0 = Date.UTC(2026, 0, 1);
const TREE: Distributor[] = [
  { id: 'D1', name: 'top', parentId: null, level: 1, state: 'active', createdAt: T0 },
  { id: 'D2', name: 'middle', parentId: 'D1', level: 2, state: 'active', createdAt: T0 },
  { id: 'D3', name: 'bottom', parentId: 'D2', level: 3, state: 'active', createdAt: T0 },
  { id: 'D4', name: 'alone', parentId: null, level: 1, state: 'active', createdAt: T0 },
];
const byId = (id: string) => TREE.find((d) => d.id === id);

const rule: fc.Arbitrary<CommissionRule> = fc.tuple(fc.nat(5000), fc.nat(5000), fc.nat(5000), fc.constantFrom(0, 1000, 5000), fc.nat(40), fc.nat(120))
  .map(([a, b, c, minFirstTopUpFen, daysInService, probationDays]) => {
    const [l1, l2, l3] = [a, b, c].sort((x, y) => y - x) as [number, number, number];
    return { levelFen: [l1, l2, l3], requireActivation: true, minFirstTopUpFen, daysInService, probationDays };
  });

type Step =
  | { t: 'place'; seller: number }
  | { t: 'pay' | 'activate' | 'cancel' | 'close'; o: number }
  | { t: 'top_up'; o: number; fen: number }
  | { t: 'tick'; ms: number }
  | { t: 'settle' }
  | { t: 'redeliver'; o: number };

const o = fc.nat(7);
const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.nat(3).map((seller) => ({ t: 'place' as const, seller })), weight: 3 },
  { arbitrary: o.map((x) => ({ t: 'pay' as const, o: x })), weight: 3 },
  { arbitrary: o.map((x) => ({ t: 'activate' as const, o: x })), weight: 3 },
  { arbitrary: fc.tuple(o, fc.constantFrom(500, 1000, 8000)).map(([x, fen]) => ({ t: 'top_up' as const, o: x, fen })), weight: 2 },
  { arbitrary: o.map((x) => ({ t: 'cancel' as const, o: x })), weight: 1 },
  { arbitrary: o.map((x) => ({ t: 'close' as const, o: x })), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 50 * DAY_MS }).map((ms) => ({ t: 'tick' as const, ms })), weight: 3 },
  { arbitrary: fc.constant({ t: 'settle' as const }), weight: 2 },
  { arbitrary: o.map((x) => ({ t: 'redeliver' as const, o: x })), weight: 1 },
);

interface ModelOrder { id: string; shares: Share[]; facts: LineFacts; expected: Map<string, string> }

/** The oracle, written from the rules' words rather than from the ledger's code. */
function met(r: CommissionRule, f: LineFacts, at: number): boolean {
  if (f.paidAt === null || f.activatedAt === null) return false;
  if (at < f.activatedAt + r.daysInService * DAY_MS) return false;
  if (r.minFirstTopUpFen === 0) return true;
  return f.firstTopUpFen !== null && f.firstTopUpFen >= r.minFirstTopUpFen && f.firstTopUpAt !== null && f.firstTopUpAt <= at;
}

function play(r: CommissionRule, steps: Step[]) {
  const ledger: LedgerEntry[] = [];
  const orders: ModelOrder[] = [];
  let now = T0;
  const reconcile = (m: ModelOrder) => ledger.push(...reconcileOrder(m.id, r, m.shares, m.facts, ledger.filter((e) => e.orderId === m.id), now));
  const advanceOracle = () => {
    for (const m of orders) for (const [d, s] of m.expected) if (s === 'pending' && m.facts.endedAt === null && met(r, m.facts, now)) m.expected.set(d, 'eligible');
  };
  const end = (m: ModelOrder) => {
    m.facts.endedAt = now;
    const f = m.facts;
    const kept = met(r, f, now) && f.activatedAt !== null && now - f.activatedAt >= r.probationDays * DAY_MS;
    for (const [d, s] of m.expected) {
      if (s === 'pending') m.expected.set(d, kept ? 'eligible' : 'voided');
      if (s === 'eligible' && !kept) m.expected.set(d, 'reversed');
      if (s === 'settled' && !kept) m.expected.set(d, 'clawed_back');
    }
  };
  for (const s of steps) {
    const before = JSON.stringify(ledger);
    const m = 'o' in s ? orders[s.o % Math.max(1, orders.length)] : undefined;
    const live = m && m.facts.endedAt === null;
    switch (s.t) {
      case 'place': {
        const chain = chainOf(TREE[s.seller]!.id, byId);
        orders.push({ id: `HK${orders.length}`, shares: shares(r, chain), facts: { paidAt: null, activatedAt: null, firstTopUpFen: null, firstTopUpAt: null, endedAt: null }, expected: new Map() });
        break;
      }
      case 'pay':
        if (live && m.facts.paidAt === null) { m.facts.paidAt = now; for (const sh of m.shares) m.expected.set(sh.distributorId, 'pending'); }
        break;
      case 'activate':
        if (live && m.facts.paidAt !== null && m.facts.activatedAt === null) m.facts.activatedAt = now;
        break;
      case 'top_up':
        if (live && m.facts.activatedAt !== null && m.facts.firstTopUpAt === null) { m.facts.firstTopUpAt = now; m.facts.firstTopUpFen = s.fen; }
        break;
      case 'cancel':
        if (live) end(m);
        break;
      case 'close':
        if (live && m.facts.activatedAt !== null) end(m);
        break;
      case 'tick':
        now += s.ms;
        break;
      case 'settle': {
        for (const x of orders) reconcile(x);
        advanceOracle();
        const lines = orders.flatMap((x) => x.shares.map((sh) => ({ orderId: x.id, distributorId: sh.distributorId, amountFen: sh.amountFen, state: lineState(ledger.filter((e) => e.orderId === x.id && e.distributorId === sh.distributorId)) })));
        ledger.push(...settleLines(lines, `RUN${now}`, now));
        for (const x of orders) for (const [d, st] of x.expected) if (st === 'eligible') x.expected.set(d, 'settled');
        break;
      }
      case 'redeliver':
        break;
    }
    advanceOracle();
    // The hook runs for the order touched; a delivery seen twice must change nothing the second time.
    if (m) { reconcile(m); reconcile(m); }
    for (const x of orders) reconcile(x);

    expect(ledger.slice(0, JSON.parse(before).length)).toEqual(JSON.parse(before));
    const all = balances(ledger);
    expect([...all.values()].reduce((a, b) => a + b, 0)).toBe(0);
    for (const d of TREE) {
      const want = { pending: 0, eligible: 0, settled: 0, paid_out: 0 };
      for (const x of orders) {
        const sh = x.shares.find((y) => y.distributorId === d.id);
        const st = x.expected.get(d.id);
        if (sh && (st === 'pending' || st === 'eligible' || st === 'settled')) want[st] += sh.amountFen;
      }
      expect(distributorBalances(all, d.id)).toEqual(want);
    }
    for (const x of orders) for (const sh of x.shares) {
      const mine = ledger.filter((e) => e.orderId === x.id && e.distributorId === sh.distributorId);
      expect(lineState(mine)).toBe(x.expected.get(sh.distributorId) ?? 'none');
      const kinds = mine.map((e) => e.kind);
      expect(new Set(kinds).size).toBe(kinds.length);
      expect(kinds.filter((k) => k === 'void' || k === 'reverse' || k === 'clawback').length).toBeLessThanOrEqual(1);
    }
  }
}

describe('the commission ledger under random histories', () => {
  it('keeps balances equal to what the rules say, never changes an entry, never settles or takes back twice', () => {
    fc.assert(fc.property(rule, fc.array(step, { minLength: 5, maxLength: 80 }), (r, steps) => play(r, steps)), { numRuns: 300 });
  });
});

describe('级差 shares', () => {
  it('gives the seller its level amount and each level above the difference to the one below', () => {
    const r: CommissionRule = { levelFen: [10000, 8000, 5000], requireActivation: true, minFirstTopUpFen: 0, daysInService: 0, probationDays: 0 };
    expect(shares(r, chainOf('D3', byId))).toEqual([
      { distributorId: 'D3', level: 3, amountFen: 5000 },
      { distributorId: 'D2', level: 2, amountFen: 3000 },
      { distributorId: 'D1', level: 1, amountFen: 2000 },
    ]);
    expect(shares(r, chainOf('D2', byId)).map((s) => s.amountFen)).toEqual([8000, 2000]);
    expect(shares(r, chainOf('D4', byId)).map((s) => s.amountFen)).toEqual([10000]);
  });
});
