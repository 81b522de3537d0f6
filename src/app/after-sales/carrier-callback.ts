// The carrier's signed status pushes (activation, real-name failure, suspension, closure, recycling) and the
// poll that catches what a push missed. Applied once each, like the courier's. A status that contradicts the
// order and cannot be explained (a live line closed at a shop, a cancelled order's line activated) opens an
// agent task instead of guessing.
import { decide, type Actor, type Decision } from '../../domain/decide.ts';
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import type { Order } from '../../domain/order.ts';
import { nextCarrierPoll, pollSettles, POLLED_STATES } from '../../domain/policies/carrier-sync.ts';
import type { Repos } from '../../adapters/store/store.ts';
import type { CarrierNotice, LineStatus } from '../platform/ports.ts';
import { commitDecisions } from '../platform/commit.ts';
import { notifyRow } from '../platform/rows.ts';
import type { Deps } from '../platform/deps.ts';
import { requestEventRow } from '../cancellation/request-commit.ts';
import { applyCallbackOnce, type CallbackOutcome } from '../platform/signed-callback.ts';
import { refusePush } from '../platform/push-refusals.ts';
import { checkPushFits } from '../../domain/policies/partner-push.ts';

const CARRIER: Actor = { type: 'system', id: 'carrier' };

export async function applyCarrierNotice(deps: Deps, headers: Record<string, string | string[] | undefined>, rawBody: string): Promise<{ outcome: CallbackOutcome; orderId: string } | DomainError> {
  const notice = deps.carrier.verifyCallback(headers, rawBody, deps.clock.now());
  if (isError(notice)) return refusePush(deps.log, 'carrier', notice);
  return applyCallbackOnce(deps, notice, {
    source: 'carrier', ref: notice.number, kind: notice.status,
    findOrderId: (r) => r.afterSales.orderIdByNumber(notice.number),
    notFound: () => fail('ORDER.NOT_FOUND', 'No order holds this number.'),
    fits: (order) => checkPushFits('carrier', notice.status, order.state),
    apply: (r, order, ctx) => applyLineStatus(r, order, notice.status, notice.occurredAt, ctx.detail, ctx),
  });
}

/** Brings the order in line with what the carrier says; true when something changed. */
export async function applyLineStatus(r: Repos, order: Order, status: CarrierNotice['status'] | LineStatus, at: number, detail: string | null, ctx: { now: number; settings: Awaited<ReturnType<Deps['settings']['get']>> }): Promise<boolean> {
  const { now } = ctx;
  switch (status) {
    case 'activated': {
      if (order.state === 'activated') return false;
      // Activation proves delivery: a "delivered" scan still on its way is not waited for.
      let current = order;
      const steps: Decision[] = [];
      if (current.state === 'shipped') {
        const d = decide(current, { type: 'deliver', at }, ctx);
        if (!isError(d)) { steps.push(d); current = d.order; }
      }
      const a = decide(current, { type: 'activate', at }, ctx);
      if (isError(a)) {
        await r.afterSales.openTask(order.id, 'activated_but_' + order.state, `carrier reports ${order.number} activated while the order is ${order.state}`, now);
        return true;
      }
      steps.push(a);
      let before = order;
      for (const d of steps) {
        await commitDecisions(r, [{ before, decision: d, actor: CARRIER }], now);
        before = d.order;
      }
      return true;
    }
    case 'real_name_failed':
      if (order.state !== 'delivered' && order.state !== 'shipped') return false;
      await r.orders.insertEvents([requestEventRow(order, { action: 'carrier.real_name_failed', reason: detail, automatic: true }, CARRIER, now)]);
      await r.queue.insertOutbox([notifyRow(order, 'real_name_failed', { orderId: order.id, number: order.number, detail }, now)]);
      return true;
    case 'suspended':
      await r.orders.insertEvents([requestEventRow(order, { action: 'carrier.suspended', reason: detail, automatic: true }, CARRIER, now)]);
      if (order.state !== 'activated') await r.afterSales.openTask(order.id, 'suspended_while_' + order.state, `carrier suspended ${order.number} while the order is ${order.state}`, now);
      return true;
    case 'closed':
    case 'recycled':
      // Expected after an account closure or a cancellation; on a live line it is a disagreement for an agent.
      if (order.state === 'account_closed' || order.state === 'cancelled') return false;
      await r.afterSales.openTask(order.id, `${status}_while_live`, `carrier reports ${order.number} ${status} while the order is ${order.state}`, now);
      return true;
    case 'inactive':
      return false;
  }
}

/**
 * The poll: a delivered card still waiting for its activation push, or a closed account the carrier has not
 * shown closed yet, is asked about, so that a push the carrier never sent does not leave the label wrong.
 * An answer that does not settle it schedules the next question (backoff); after `carrierSyncMaxPolls`
 * unanswered ones an agent task is opened instead of polling forever. Polls count from the state's start,
 * or from the agent's last decision on a carrier task of the order (a "keep ours" asks again).
 */
export async function syncLine(deps: Deps, orderId: string): Promise<void> {
  const order = await deps.store.orders.getOrder(orderId);
  if (!order || !POLLED_STATES.includes(order.state)) return;
  const status = await deps.carrier.queryLine(order.number);
  const settings = await deps.settings.get();
  const now = deps.clock.now();
  await deps.store.tx(async (r) => {
    const current = await r.orders.getOrder(orderId, true);
    if (!current || current.state !== order.state) return;
    // A repeat of this poll (the worker died before marking it sent) finds the next question already scheduled.
    if ((await r.queue.listTimers(orderId)).some((t) => t.kind === 'carrier_sync')) return;
    if (pollSettles(current.state, status)) {
      if (current.state === 'delivered') await applyLineStatus(r, current, status, now, 'poll', { now, settings });
      else await r.orders.insertEvents([requestEventRow(current, { action: 'carrier.closure_confirmed', reason: `line ${status}`, automatic: true }, CARRIER, now)]);
      return;
    }
    const since = Math.max((current.state === 'delivered' ? current.deliveredAt : current.closedAt) ?? 0, (await r.afterSales.lastTaskResolvedAt(orderId)) ?? 0);
    const polls = (await r.afterSales.countPolls(orderId, since)) + 1;
    await r.orders.insertEvents([requestEventRow(current, { action: 'carrier.polled', reason: `poll ${polls}: line ${status}`, automatic: true }, CARRIER, now)]);
    const next = nextCarrierPoll(polls, now, settings.carrierSyncMaxPolls);
    if ('dueAt' in next) {
      await r.queue.insertTimers([{ order_id: orderId, kind: 'carrier_sync', due_at: next.dueAt, claimed_until: null, attempts: 0 }]);
      return;
    }
    const kind = current.state === 'delivered' ? 'activation_unconfirmed' : 'closure_unconfirmed';
    await r.afterSales.openTask(orderId, kind, `carrier still reports ${current.number} ${status} after ${polls} polls while the order is ${current.state}`, now);
  });
}
