// Settlement: the accrual pass (days in service go by without any event on the order) and the settlement run that
// makes eligible commissions payable. A run has an id (a month such as 2026-11, or any on-demand name): running an id
// again settles nothing and answers with the same CSV.
import { settleLines, type LedgerEntry } from '../../domain/distribution/ledger.ts';
import type { Deps } from '../platform/deps.ts';
import { adjustCommissions } from './commissions.ts';
import type { StoredEntry } from '../../adapters/store/distribution/distribution-repo.ts';

/** Brings every line still pending to where the rules now put it; returns how many entries were written. */
export async function accrueCommissions(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  const ids = await deps.store.distribution.ordersWithPendingLines();
  let written = 0;
  for (let i = 0; i < ids.length; i += 100) {
    const batch = ids.slice(i, i + 100);
    written += await deps.store.tx(async (r) => {
      // The per-order locks first, then the orders: a cancellation committing meanwhile is either seen whole or
      // waits; the order rows are not locked, so this pass never holds an order's row against a decision on it.
      for (const id of [...batch].sort()) await r.lockKey(`commission:${id}`);
      const atts = await r.distribution.getAttributions(batch);
      const orders = new Map<string, NonNullable<Awaited<ReturnType<typeof r.orders.getOrder>>>>();
      for (const id of batch) {
        const o = await r.orders.getOrder(id);
        if (o) orders.set(id, o);
      }
      return (await adjustCommissions(r, atts, orders, now)).length;
    });
  }
  return written;
}

export interface SettlementResult { runId: string; created: boolean; lines: number; amountFen: number; csv: string }

export async function settleCommissions(deps: Deps, runId: string, by: string): Promise<SettlementResult> {
  await accrueCommissions(deps);
  const now = deps.clock.now();
  const out = await deps.store.tx(async (r) => {
    await r.lockKey('commission-settlement');
    const existing = await r.distribution.getSettlementRun(runId);
    if (existing) return { created: false, entries: await r.distribution.entriesOfRef(runId) as LedgerEntry[] };
    // Each order's commission lock, as a cancellation takes it: a line is settled or reversed, never both.
    const ids = [...new Set((await r.distribution.eligibleLines()).map((l) => l.orderId))].sort();
    for (const id of ids) await r.lockKey(`commission:${id}`);
    const locked = new Set(ids);
    const lines = (await r.distribution.eligibleLines()).filter((l) => locked.has(l.orderId)).map((l) => ({ ...l, state: 'eligible' as const }));
    const entries = settleLines(lines, runId, now);
    await r.distribution.insertEntries(entries);
    await r.distribution.insertSettlementRun({ id: runId, started_by: by, at: now, lines: entries.length, amount_fen: entries.reduce((s, e) => s + e.amountFen, 0) });
    return { created: true, entries };
  });
  const names = new Map((await deps.store.distribution.listDistributors()).map((d) => [d.id, d.name]));
  return { runId, created: out.created, lines: out.entries.length, amountFen: out.entries.reduce((s, e) => s + e.amountFen, 0), csv: settlementCsv(out.entries, names) };
}

const cell = (v: string | number) => {
  const s = String(v);
  // A leading = + - @ would be read as a formula by a spreadsheet.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

/** One line per distributor: how many commissions the run settled and their sum (fen and yuan). */
export function settlementCsv(entries: readonly (LedgerEntry | StoredEntry)[], names: ReadonlyMap<string, string>): string {
  const per = new Map<string, { lines: number; fen: number }>();
  for (const e of entries) {
    const p = per.get(e.distributorId) ?? { lines: 0, fen: 0 };
    p.lines += 1;
    p.fen += e.amountFen;
    per.set(e.distributorId, p);
  }
  const rows = [['distributor_id', 'distributor_name', 'lines', 'amount_fen', 'amount_yuan'].join(',')];
  for (const [id, p] of [...per].sort(([a], [b]) => a.localeCompare(b))) {
    rows.push([cell(id), cell(names.get(id) ?? ''), p.lines, p.fen, (p.fen / 100).toFixed(2)].join(','));
  }
  return `${rows.join('\n')}\n`;
}

/** The CSV of a run already made (null: no such run); settles nothing. */
export async function settlementCsvOf(deps: Deps, runId: string): Promise<string | null> {
  if (!(await deps.store.distribution.getSettlementRun(runId))) return null;
  const names = new Map((await deps.store.distribution.listDistributors()).map((d) => [d.id, d.name]));
  return settlementCsv(await deps.store.distribution.entriesOfRef(runId), names);
}
