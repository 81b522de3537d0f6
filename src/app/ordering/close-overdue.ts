// Payment-deadline closes for a whole batch at once. A backlog of overdue orders (the worker was down, a flash
// sale's orders all lapsed together) is closed with a few set-based statements instead of order by order, so
// that clearing it costs a small multiple of the plain SQL. The transition table still decides: `decide()`
// runs once on an order of the batch's shape (unpaid, overdue) and its decision is what every order gets;
// the store's guard (`state = 'pending_payment'` and the deadline passed) leaves alone orders that moved on.
import { decide, SYSTEM } from '../../domain/decide.ts';
import { isError } from '../../domain/errors.ts';
import type { Order } from '../../domain/order.ts';
import type { Settings } from '../../domain/settings.ts';
import type { BatchClose, ClosedRow } from '../../adapters/store/batch-close-repo.ts';
import type { Repos } from '../../adapters/store/store.ts';
import { eventRow, notifyRow } from '../platform/rows.ts';
import { afterBatchClose } from '../distribution/commissions.ts';

/** Stand-ins for each order's own values: a decision that copies one of them into its effects is per order. */
const MARK = '\u0000batch:';
const sample = (now: number): Order => ({
  id: `${MARK}id`, customerId: `${MARK}customer`, planId: `${MARK}plan`, numberId: `${MARK}numberId`, number: `${MARK}number`,
  carrier: 'china_mobile', state: 'pending_payment', amountFen: -7_777_777, contactName: `${MARK}name`, contactPhone: `${MARK}phone`,
  idHash: `${MARK}idHash`, idMasked: `${MARK}idMasked`, address: { province: MARK, city: MARK, district: MARK, detail: MARK },
  paymentDeadline: now - 1, paymentChannel: null, closeReason: null, keepsReorderDiscount: null, createdAt: -7_777_778, updatedAt: -7_777_779,
  paidAt: null, closedAt: null, trackingNo: null, deliveredAt: null, activatedAt: null, iccid: null, pickedAt: null, version: 1,
  terms: { planPriceFen: 0, monthlyFeeFen: 0, contractMonths: 0, penaltyRule: { kind: 'fixed', fen: 0 }, activationWindowDays: 0, trialDays: 0 },
});

/** Which column of a closed row stands in for which value of the sample. */
const FROM_ROW: Partial<Record<keyof Order, keyof ClosedRow>> = { id: 'id', customerId: 'customer_id', number: 'number', numberId: 'number_id' };

/**
 * The decision for an overdue unpaid order, as one write for the whole batch; null when the decision has a
 * shape the set-based path does not know (an effect that needs more than the order's row), and the caller
 * then decides order by order.
 */
export function deadlineCloseShape(now: number, settings: Settings): BatchClose | null {
  const before = sample(now);
  const d = decide(before, { type: 'close_unpaid' }, { now, settings });
  if (isError(d)) return null;
  if (Object.entries(d.order).some(([k, v]) => k !== 'version' && v !== before[k as keyof Order] && refersToSample(before, v))) return null;
  if (d.order.version !== before.version + 1) return null;
  let releaseNumber = false;
  const cancelTimerKinds: string[] = [];
  let notice: BatchClose['notice'] = null;
  for (const e of d.effects) {
    if (e.type === 'release_number' && e.numberId === before.numberId) releaseNumber = true;
    else if (e.type === 'cancel_timers') cancelTimerKinds.push(...e.kinds);
    else if (e.type === 'notify' && notice === null) {
      const data = perOrder(before, e.data);
      if (!data) return null;
      const template = e.template;
      notice = (row) => notifyRow({ ...before, id: row.id, customerId: row.customer_id }, template, data(row), now).payload as string;
    } else return null;
  }
  return {
    fromState: before.state,
    now,
    before,
    after: d.order,
    event: withoutOrder(eventRow(before, d, SYSTEM, now)),
    releaseNumber,
    cancelTimerKinds,
    notice,
  };
}

/** Closes the given orders that are still unpaid and overdue, in the caller's transaction; returns their ids. */
export async function closeOverdueOrders(r: Repos, orderIds: string[], shape: BatchClose): Promise<string[]> {
  if (orderIds.length === 0) return [];
  const closed = await r.closes.closeOverdue(orderIds, shape);
  await afterBatchClose(r, closed, shape.after, shape.fromState, shape.now);
  return closed;
}

function refersToSample(s: Order, v: unknown): boolean {
  if (typeof v === 'string') return v.includes(MARK);
  return Object.values(s).some((x) => x === v && typeof x === 'number');
}

/** The notice's data for one order: sample values are replaced by the order's own, the rest is shared. */
function perOrder(s: Order, data: Record<string, unknown>): ((row: ClosedRow) => Record<string, unknown>) | null {
  const fields: [string, keyof ClosedRow | null, unknown][] = [];
  for (const [k, v] of Object.entries(data)) {
    const field = (Object.keys(s) as (keyof Order)[]).find((f) => s[f] === v && (typeof v === 'string' || typeof v === 'number'));
    if (field) {
      const column = FROM_ROW[field];
      if (!column) return null;
      fields.push([k, column, null]);
    } else if (typeof v === 'string' && v.includes(MARK)) return null;
    else fields.push([k, null, v]);
  }
  return (row) => {
    const out: Record<string, unknown> = {};
    for (const [k, column, v] of fields) out[k] = column ? row[column] : v;
    return out;
  };
}

function withoutOrder<T extends { order_id: unknown }>(row: T): Omit<T, 'order_id'> {
  const { order_id: _o, ...rest } = row;
  return rest;
}
