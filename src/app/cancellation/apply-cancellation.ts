// A customer applies to cancel a paid or packing order (申请取消). Low-risk paid orders are cancelled and
// refunded at once (极速退款); the rest wait for an agent, inside the review SLA, in their queue.
import { decide, SYSTEM, type Actor } from '../../domain/decide.ts';
import { decideRequest, openRequest, type CancellationRequest } from '../../domain/cancellation-request.ts';
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import type { Order } from '../../domain/order.ts';
import { cancelRoute, type CancelPath, type ExpressCheck } from '../../domain/policies/express-refund.ts';
import { commitDecisions } from '../platform/commit.ts';
import { inTx, newId, type Deps, type Receipt } from '../platform/deps.ts';
import { commitRequest, requestEventRow } from './request-commit.ts';
import { loadRiskFacts } from './risk-facts.ts';
import { pickedReason } from '../ordering/cancel-reasons.ts';

export interface ApplyInput {
  reasonCode: string;
  reasonText?: string | undefined;
  urgent?: boolean | undefined;
}

export interface Applied {
  request: CancellationRequest;
  order: Order;
  path: CancelPath;
  checks: ExpressCheck[];
}

export async function applyForCancellation(deps: Deps, orderId: string, customerId: string, input: ApplyInput, receipt?: Receipt<Applied>): Promise<Applied | DomainError> {
  const settings = await deps.settings.get();
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const order = await r.orders.getOrder(orderId, true);
    if (!order || order.customerId !== customerId) return fail('ORDER.NOT_FOUND', 'No such order.', { orderId });
    if (order.state === 'pending_payment') {
      return fail('ORDER.NOT_CANCELLABLE', 'An unpaid order needs no request: cancel it in one step.', { state: order.state, action: 'cancel' });
    }
    if (order.state !== 'paid' && order.state !== 'packing' && order.state !== 'shipped') {
      return fail('ORDER.NOT_CANCELLABLE', 'A cancellation request applies to paid, packing and shipped orders only.', { state: order.state });
    }
    const reason = await pickedReason(r, input.reasonCode, input.reasonText);
    if (isError(reason)) return reason;
    const reasonText = reason.text;
    const open = await r.requests.getOpenForOrder(order.id, true);
    if (open) return fail('CANCEL_REQUEST.ALREADY_OPEN', 'This order already has a cancellation request in progress.', { requestId: open.id, state: open.state });

    const route = cancelRoute(order, settings, await loadRiskFacts(r, order, now));
    const opened = openRequest(order, {
      id: newId('CR', now), reasonCode: reason.code, reasonText, urgent: input.urgent ?? false, queue: route.queue, express: route.path === 'express',
    }, { now, settings });
    if (isError(opened)) return opened;
    const customer: Actor = { type: 'customer', id: customerId };
    if (route.path !== 'express') {
      await commitRequest(r, null, opened, order, customer, now);
      return { request: opened.request, order, path: route.path, checks: route.verdict.checks };
    }
    // Express: the system decides at once; both decisions are computed before anything is written.
    const cancel = decide(order, { type: 'cancel_paid', requestId: opened.request.id, express: true }, { now, settings });
    if (isError(cancel)) return cancel;
    const approved = decideRequest(opened.request, cancel.order, { type: 'approve', by: SYSTEM, path: 'express' }, { now });
    if (isError(approved)) return approved;
    // Written as it ends (approved), with the trail and effects of its opening and approval beside the cancellation's:
    // the same rows as opening, cancelling and approving one after the other, in fewer statements.
    await r.requests.insert(approved.request);
    await commitDecisions(r, [{ before: order, decision: cancel, actor: SYSTEM }], now, {
      eventsBefore: [requestEventRow(order, opened.event, customer, now)],
      eventsAfter: [requestEventRow(cancel.order, approved.event, SYSTEM, now)],
      effects: [{ order, effects: opened.effects }, { order: cancel.order, effects: approved.effects }],
    });
    return { request: approved.request, order: cancel.order, path: route.path, checks: route.verdict.checks };
  }, receipt);
}
