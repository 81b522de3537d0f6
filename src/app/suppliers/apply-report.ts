// A supplier's report on one of our orders, from a signed callback or a poll: recorded once per event, folded
// into what we know of the order at the supplier (forward only), and applied to our order where it moves it.
// A rejection cancels the order as `supplier_rejected`, refunds any payment and tells the customer what to do.
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import { advance, decideSupplierUpdate, NEW_PROGRESS, type SupplierOrderState, type SupplierProgress } from '../../domain/suppliers/supplier-order.ts';
import type { SupplierOrderRow } from '../../adapters/store/suppliers/supplier-repo.ts';
import type { Repos } from '../../adapters/store/store.ts';
import { commitDecisions } from '../platform/commit.ts';
import { adjustOrderCommissions } from '../distribution/commissions.ts';
import type { Deps } from '../platform/deps.ts';
import type { SupplierReport } from './ports.ts';

/** `duplicate`: this event was received before; `stale`: older than or equal to what we hold; `recorded`: kept, our order
 * unchanged (the supplier is still working, or our order is already past it); `applied`: our order moved. */
export type ReportOutcome = 'duplicate' | 'stale' | 'recorded' | 'applied';

export const progressOf = (row: SupplierOrderRow): SupplierProgress => row.state === null ? NEW_PROGRESS(row.updated_at) : {
  state: row.state as SupplierOrderState, waybill: row.waybill, iccid: row.iccid, producedNumber: row.produced_number, activatedAt: row.activated_at,
  firstTopUpFen: row.first_top_up_fen, firstTopUpAt: row.first_top_up_at, reason: row.reason, updatedAt: row.updated_at,
};

/** Folds a report in, inside the caller's transaction. */
export async function applyReportIn(r: Repos, deps: Deps, supplierId: string, report: SupplierReport, now: number): Promise<ReportOutcome | DomainError> {
  const row = await r.suppliers.getOrder(report.orderId, true);
  if (!row || row.supplier_id !== supplierId) return fail('ORDER.NOT_FOUND', 'No order of this supplier has that number.', { orderId: report.orderId, supplierId });
  const order = await r.orders.getOrder(report.orderId, true);
  if (!order) return fail('ORDER.NOT_FOUND', 'No such order.', { orderId: report.orderId });
  const { progress, changed } = advance(progressOf(row), report);
  if (!changed) return 'stale';
  await r.suppliers.updateOrder(row.order_id, {
    state: progress.state, waybill: progress.waybill, iccid: progress.iccid, produced_number: progress.producedNumber, activated_at: progress.activatedAt,
    first_top_up_fen: progress.firstTopUpFen, first_top_up_at: progress.firstTopUpAt, reason: progress.reason, updated_at: now,
    ...(report.supplierOrderId && !row.supplier_order_id ? { supplier_order_id: report.supplierOrderId } : {}),
    // A report before the submission's answer (the answer was lost) means the supplier has the order.
    ...(row.submission === 'queued' || row.submission === 'waiting' ? { submission: 'accepted', real_name_enc: null } : {}),
  });
  // The supplier's first top-up (首充) is the line's: commissions that wait for it follow, in this transaction.
  const toppedUp = progress.firstTopUpFen !== null && row.first_top_up_fen === null;
  if (toppedUp) await r.distribution.recordFirstTopUp(order.id, progress.firstTopUpFen!, progress.firstTopUpAt ?? now);
  const decision = decideSupplierUpdate(order, progress, { now, settings: await deps.settings.get() });
  if (isError(decision)) {
    if (toppedUp) await adjustOrderCommissions(r, order, now);
    await r.orders.insertEvents([{ order_id: order.id, actor_type: 'system', actor_id: `supplier:${supplierId}`, action: 'supplier.reported', from_state: order.state, to_state: order.state, reason: `${progress.state}${progress.reason ? `: ${progress.reason}` : ''}`, automatic: 1, at: now }]);
    return 'recorded';
  }
  await commitDecisions(r, [{ before: order, decision, actor: { type: 'system', id: `supplier:${supplierId}` } }], now);
  // The supplier frees a rejected order's number itself: our hold on it is over.
  if (decision.reject && row.reservation) await r.suppliers.setReservationState(row.reservation, 'released', now);
  return 'applied';
}

/** A verified callback: each event once (a resend answers as before and changes nothing). */
export async function applyCallback(deps: Deps, supplierId: string, report: SupplierReport): Promise<ReportOutcome | DomainError> {
  const now = deps.clock.now();
  try {
    return await deps.store.tx(async (r) => {
      const fresh = await r.suppliers.recordCallback({ supplier_id: supplierId, event_id: report.eventId, order_id: report.orderId, state: report.state, outcome: 'received', received_at: now });
      if (!fresh) return 'duplicate' as const;
      const outcome = await applyReportIn(r, deps, supplierId, report, now);
      if (isError(outcome)) throw new ReportRefused(outcome);
      await r.suppliers.setCallbackOutcome(supplierId, report.eventId, outcome);
      return outcome;
    });
  } catch (e) {
    if (e instanceof ReportRefused) return e.error;
    throw e;
  }
}

class ReportRefused extends Error {
  constructor(readonly error: DomainError) {
    super(error.message);
  }
}

/** The poll behind callbacks: what the supplier says now, applied as a callback would be (a lost callback is caught up). */
export async function pollOrder(deps: Deps, row: SupplierOrderRow): Promise<ReportOutcome | DomainError> {
  const port = deps.suppliers?.get(row.supplier_id);
  if (!port || isError(port)) return fail('SUPPLIER.NOT_FOUND', 'No such supplier is configured.', { supplierId: row.supplier_id });
  const now = deps.clock.now();
  let report: SupplierReport | null;
  try {
    report = await port.query(row.order_id);
  } catch (e) {
    await deps.store.suppliers.updateOrder(row.order_id, { polled_at: now });
    return fail('SUPPLIER.UNAVAILABLE', 'The supplier does not answer; asked again later.', { supplierId: row.supplier_id, error: String(e) });
  }
  return deps.store.tx(async (r) => {
    await r.suppliers.updateOrder(row.order_id, { polled_at: now });
    if (!report) return 'recorded' as const;
    const out = await applyReportIn(r, deps, row.supplier_id, report, now);
    return out;
  });
}

/** How long the supplier may stay silent about a live order before we ask. */
export const POLL_AFTER_MS = 30 * 60_000;

export async function pollSuppliers(deps: Deps, limit = 50): Promise<number> {
  if (!deps.suppliers) return 0;
  const due = await deps.store.suppliers.duePolls(deps.clock.now() - POLL_AFTER_MS, limit);
  for (const row of due) {
    const out = await pollOrder(deps, row);
    if (isError(out)) deps.log.warn({ orderId: row.order_id, supplierId: row.supplier_id, code: out.code }, 'supplier poll failed');
  }
  return due.length;
}
