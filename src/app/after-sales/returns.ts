// Unactivated returns (未激活退货) and the inspection (验卡) of every card that comes back. The customer applies
// inside the activation window the order was sold with, with a reason, gets the instructions and gives the return tracking number; an agent
// receives and inspects the card against the checklist, with notes and photos. A pass closes the order and
// starts the refund (due within 3-7 working days); a fail is refused with its reason and the card goes back.
import { decide, type Actor } from '../../domain/decide.ts';
import { fail, isError, Rejection, type DomainError } from '../../domain/errors.ts';
import { decideReturn, openReturn, RETURN_ADDRESS, RETURN_ENCLOSURES, type Checklist, type Return } from '../../domain/return.ts';
import type { Order } from '../../domain/order.ts';
import type { Repos } from '../../adapters/store/store.ts';
import { applyEffects, commitDecisions } from '../platform/commit.ts';
import { notifyRow } from '../platform/rows.ts';
import { inTx, newId, type Deps } from '../platform/deps.ts';
import { requestEventRow } from '../cancellation/request-commit.ts';
import type { Principal } from '../platform/secrets.ts';
import { parseScreenshot, type ScreenshotInput } from '../cancellation/verify-identity.ts';
import { pickedReason } from '../ordering/cancel-reasons.ts';

export interface ReturnInstructions {
  address: typeof RETURN_ADDRESS;
  enclose: string[];
  orderId: string;
  /** The return is closed if the card has not arrived by then. */
  closesAt: number;
}

export const instructionsFor = (ret: Return, closeMs: number): ReturnInstructions => ({ address: RETURN_ADDRESS, enclose: [...RETURN_ENCLOSURES], orderId: ret.orderId, closesAt: ret.createdAt + closeMs });

async function saveReturn(r: Repos, before: Return, after: Return): Promise<void> {
  if (!(await r.afterSales.updateReturn(before, after))) throw new Rejection(fail('RETURN.INVALID_TRANSITION', 'The return changed meanwhile; reload it.', { returnId: before.id }));
}

export interface ReturnReasonInput {
  /** One of the cancellation reasons (GET /cancellation-reasons), as for any other cancellation. */
  reasonCode: string;
  reasonText?: string | undefined;
}

export async function applyForReturn(deps: Deps, orderId: string, customerId: string, input: ReturnReasonInput): Promise<{ ret: Return; instructions: ReturnInstructions } | DomainError> {
  const settings = await deps.settings.get();
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const order = await r.orders.getOrder(orderId, true);
    if (!order || order.customerId !== customerId) return fail('ORDER.NOT_FOUND', 'No such order.', { orderId });
    const open = await r.afterSales.openReturnFor(order.id, true);
    if (open) return fail('RETURN.ALREADY_OPEN', 'This order already has a return in progress.', { returnId: open.id, state: open.state });
    const reason = await pickedReason(r, input.reasonCode, input.reasonText);
    if (isError(reason)) return reason;
    // The window is the one the order was sold with (its terms), not the plan's current one.
    const ret = openReturn(order, newId('RT', now), reason, now);
    if (isError(ret)) return ret;
    await r.afterSales.insertReturn(ret);
    const customer: Actor = { type: 'customer', id: customerId };
    const why = `${ret.id} ${reason.code}${reason.text ? `: ${reason.text}` : ''}`;
    await r.orders.insertEvents([requestEventRow(order, { action: 'return.requested', reason: why, automatic: false }, customer, now)]);
    const instructions = instructionsFor(ret, settings.returnCloseMs);
    await applyEffects(r, [{ order, effects: [
      { type: 'schedule', kind: 'return_follow_up', dueAt: now + settings.returnFollowUpMs },
      { type: 'schedule', kind: 'return_close', dueAt: now + settings.returnCloseMs },
      { type: 'notify', template: 'return_instructions', data: { orderId: order.id, returnId: ret.id, address: RETURN_ADDRESS.address, closesAt: instructions.closesAt } },
    ] }], now);
    return { ret, instructions };
  });
}

export async function giveReturnTracking(deps: Deps, returnId: string, customerId: string, trackingNo: string): Promise<Return | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const peek = await r.afterSales.getReturn(returnId);
    if (!peek || peek.customerId !== customerId || peek.kind !== 'unactivated') return fail('RETURN.NOT_FOUND', 'No such return.', { returnId });
    const order = (await r.orders.getOrder(peek.orderId, true))!;
    const ret = (await r.afterSales.getReturn(returnId, true))!;
    const next = decideReturn(ret, { type: 'ship_back', trackingNo }, now);
    if (isError(next)) return next;
    await saveReturn(r, ret, next);
    await r.orders.insertEvents([requestEventRow(order, { action: 'return.shipped_back', reason: `${ret.id} ${trackingNo}`, automatic: false }, { type: 'customer', id: customerId }, now)]);
    return next;
  });
}

export interface InspectionInput {
  checklist: Checklist;
  notes?: string | undefined;
  reason?: string | undefined;
  photos?: ScreenshotInput[] | undefined;
}

/** Receipt and inspection in one step at the warehouse desk. */
export async function inspectReturn(deps: Deps, returnId: string, who: Principal, input: InspectionInput): Promise<{ ret: Return; order: Order } | DomainError> {
  const photos: Exclude<ReturnType<typeof parseScreenshot>, DomainError>[] = [];
  for (const p of input.photos ?? []) {
    const parsed = parseScreenshot(p);
    if (isError(parsed)) return parsed;
    photos.push(parsed);
  }
  const settings = await deps.settings.get();
  const now = deps.clock.now();
  const agent: Actor = { type: 'agent', id: who.sub };
  return inTx(deps.store, async (r) => {
    const peek = await r.afterSales.getReturn(returnId);
    if (!peek) return fail('RETURN.NOT_FOUND', 'No such return.', { returnId });
    const order = (await r.orders.getOrder(peek.orderId, true))!;
    const ret = (await r.afterSales.getReturn(returnId, true))!;
    const received = ret.state === 'received' ? ret : decideReturn(ret, { type: 'receive' }, now);
    if (isError(received)) return received;
    const inspected = decideReturn(received, { type: 'inspect', by: agent, checklist: input.checklist, notes: input.notes?.trim() || null, reason: input.reason ?? null }, now);
    if (isError(inspected)) return inspected;
    let after = order;
    if (inspected.state === 'passed') {
      const d = decide(order, { type: 'return_passed', returnId: ret.id, requestId: ret.requestId }, { now, settings });
      if (isError(d)) return d;
      await commitDecisions(r, [{ before: order, decision: d, actor: agent }], now);
      after = d.order;
    }
    await saveReturn(r, ret, inspected);
    await r.afterSales.insertPhotos(photos.map((p) => ({ return_id: ret.id, content_type: p.contentType, size_bytes: p.bytes.length, sha256: p.sha256, data: p.bytes, uploaded_by: who.sub, created_at: now })));
    const reason = inspected.state === 'passed'
      ? `${ret.id} passed; refund due ${inspected.refundEarliest}..${inspected.refundLatest}`
      : `${ret.id} refused: ${inspected.rejectionReason}`;
    await r.orders.insertEvents([requestEventRow(after, { action: `return.${inspected.state}`, reason, automatic: false }, agent, now)]);
    if (inspected.state === 'refused') {
      await r.queue.insertOutbox([notifyRow(after, 'return_refused', { orderId: order.id, returnId: ret.id, reason: inspected.rejectionReason }, now)]);
    } else {
      await r.queue.insertOutbox([notifyRow(after, 'return_refund_due', { orderId: order.id, returnId: ret.id, refundEarliest: inspected.refundEarliest, refundLatest: inspected.refundLatest, amountFen: order.amountFen }, now)]);
    }
    await r.queue.deleteTimers([order.id], ['return_follow_up', 'return_close']);
    return { ret: inspected, order: after };
  });
}

/** Timers of unactivated returns: a card that has not arrived is followed up, then the return closes. */
export async function returnTimers(r: Repos, timers: { order_id: string; kind: string }[], orders: Map<string, Order>, now: number): Promise<void> {
  for (const t of timers) {
    if (t.kind !== 'return_follow_up' && t.kind !== 'return_close') continue;
    const order = orders.get(t.order_id);
    const ret = order && (await r.afterSales.openReturnFor(order.id, true));
    if (!order || !ret || ret.state === 'received') continue;
    if (t.kind === 'return_follow_up') {
      await r.queue.insertOutbox([notifyRow(order, 'return_follow_up', { orderId: order.id, returnId: ret.id, trackingNo: ret.returnTrackingNo }, now)]);
      await r.orders.insertEvents([requestEventRow(order, { action: 'return.followed_up', reason: ret.id, automatic: true }, { type: 'system', id: 'system' }, now)]);
      continue;
    }
    const closed = decideReturn(ret, { type: 'close_unreceived' }, now);
    if (isError(closed)) continue;
    await saveReturn(r, ret, closed);
    await r.orders.insertEvents([requestEventRow(order, { action: 'return.closed_unreceived', reason: ret.id, automatic: true }, { type: 'system', id: 'system' }, now)]);
    await r.queue.insertOutbox([notifyRow(order, 'return_closed', { orderId: order.id, returnId: ret.id }, now)]);
  }
}
