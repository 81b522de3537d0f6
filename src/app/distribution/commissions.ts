// Commissions follow the order: after every decision on an attributed order (payment, activation, any cancellation,
// return or closure) its ledger is brought to what the rules say, in the decision's own transaction. The ledger's
// reconciliation writes only what is missing, so a path seen twice adjusts nothing twice. No platform imports: the
// platform's commit calls in here.
import type { Order } from '../../domain/order.ts';
import { isTerminal } from '../../domain/order.ts';
import { reconcileOrder, type LedgerEntry } from '../../domain/distribution/ledger.ts';
import type { LineFacts } from '../../domain/distribution/rules.ts';
import type { Attribution, Seller } from '../../adapters/store/distribution/distribution-repo.ts';
import type { Repos } from '../../adapters/store/store.ts';

export function factsOf(order: Order, topUp: { amountFen: number; at: number } | undefined): LineFacts {
  return {
    paidAt: order.paidAt,
    activatedAt: order.activatedAt,
    firstTopUpFen: topUp?.amountFen ?? null,
    firstTopUpAt: topUp?.at ?? null,
    endedAt: isTerminal(order.state) ? (order.closedAt ?? order.updatedAt) : null,
  };
}

/** Brings the ledger of these orders to what their rules as sold say at `now`; returns the entries written. */
export async function adjustCommissions(r: Repos, atts: readonly Attribution[], orders: ReadonlyMap<string, Order>, now: number): Promise<LedgerEntry[]> {
  // An order never paid has no commission and no entries: nothing to read or lock (most unpaid cancels and deadline closes).
  const paying = atts.filter((a) => orders.get(a.orderId)?.paidAt != null && a.rule && a.shares.length > 0);
  if (paying.length === 0) return [];
  const ids = paying.map((a) => a.orderId);
  // An accrual pass and a cancellation may look at one order at once: they take turns, the second sees the first's entries.
  for (const id of [...ids].sort()) await r.lockKey(`commission:${id}`);
  const entries = await r.distribution.entriesOfOrders(ids);
  const topUps = await r.distribution.getTopUps(ids);
  const out: LedgerEntry[] = [];
  for (const a of paying) {
    const order = orders.get(a.orderId)!;
    out.push(...reconcileOrder(a.orderId, a.rule!, a.shares, factsOf(order, topUps.get(a.orderId)), entries.filter((e) => e.orderId === a.orderId), now));
  }
  await r.distribution.insertEntries(out);
  return out;
}

/** One order's commissions brought to its rule after a fact the platform's commit does not see (a first top-up). */
export async function adjustOrderCommissions(r: Repos, order: Order, now: number): Promise<void> {
  await adjustCommissions(r, await r.distribution.getAttributions([order.id]), new Map([[order.id, order]]), now);
}

/** The hook the platform's commit runs after decisions: commissions first, then the push-backs of state changes. */
export async function afterOrderChanges(r: Repos, changes: readonly { before: Order | null; after: Order }[], now: number): Promise<void> {
  if (changes.length === 0) return;
  const ids = changes.map((c) => c.after.id);
  // Unpaid orders earn nothing: their sellers (for the push-backs) are all that is read, not the terms they were sold under.
  const paid = changes.some((c) => c.after.paidAt != null);
  let atts: Seller[];
  if (paid) {
    const full = await r.distribution.attributionsWithPushUrl(ids);
    if (full.length) await adjustCommissions(r, full, new Map(changes.map((c) => [c.after.id, c.after])), now);
    atts = full;
  } else {
    atts = await r.distribution.sellersOf(ids);
  }
  if (atts.length === 0) return;
  const byOrder = new Map(atts.map((a) => [a.orderId, a]));
  for (const c of changes) {
    const a = byOrder.get(c.after.id);
    if (a?.pushUrl && c.before?.state !== c.after.state) await queuePushBack(r, a, c.before?.state ?? null, c.after, now);
  }
}

/**
 * One push-back (订单回传) per state change, for a distributor that gave a URL; the outbox delivers it (reading the URL
 * then). Each carries the state it left and its time, so a receiver can order pushes that a retry delivered late.
 */
export async function queuePushBack(r: Repos, a: Pick<Seller, 'distributorId'>, from: string | null, order: Order, now: number): Promise<void> {
  const body = JSON.stringify({ event: 'order.state_changed', orderId: order.id, fromState: from, state: order.state, closeReason: order.closeReason, at: now });
  const pushId = await r.exchanges.insertPush({ distributor_id: a.distributorId, order_id: order.id, body, state: 'pending', attempts: 0, last_error: null, created_at: now, delivered_at: null });
  await r.queue.insertOutbox([{ order_id: order.id, topic: 'distributor_push', payload: JSON.stringify({ pushId }), attempts: 0, next_attempt_at: now, created_at: now }]);
}

/** Unpaid orders closed in a batch at their deadline (set-based, no decision per order): their push-backs. */
export async function afterBatchClose(r: Repos, closedIds: readonly string[], sampleAfter: Order, fromState: string, now: number): Promise<void> {
  if (closedIds.length === 0) return;
  for (const a of await r.distribution.sellersOf(closedIds)) if (a.pushUrl) await queuePushBack(r, a, fromState, { ...sampleAfter, id: a.orderId }, now);
}
