// Loads what the assistant and the alternatives read about one order: the same preview the page shows,
// the plans it could switch to, its refunds, and the rules in force.
import type { Order, Plan } from '../../domain/order.ts';
import { repriced } from '../../domain/order-changes.ts';
import type { OrderFacts, RefundFact } from '../../assistant/answers.ts';
import type { PaymentChannel } from '../../domain/order.ts';
import { previewCancellation } from '../ordering/order-view.ts';
import type { Deps } from '../platform/deps.ts';

/** What the number itself costs, read from the number resource (the order only keeps the total). */
export async function numberPriceFen(deps: Deps, order: Order, plan: Plan): Promise<number> {
  const n = await deps.store.orders.getNumber(order.numberId);
  return n ? n.priceFen : order.amountFen - order.terms.planPriceFen;
}

/** Plans of the order's carrier on sale, other than its own, each with the price the order would have. */
export async function switchablePlans(deps: Deps, order: Order, plan: Plan): Promise<{ id: string; name: string; amountFen: number }[]> {
  if (order.state !== 'pending_payment') return [];
  const numberFen = await numberPriceFen(deps, order, plan);
  return (await deps.store.orders.listPlans(true))
    .filter((p) => p.carrier === order.carrier && p.id !== plan.id)
    .map((p) => ({ id: p.id, name: p.name, amountFen: repriced(p, numberFen) }));
}

export async function loadOrderFacts(deps: Deps, order: Order, plan: Plan): Promise<OrderFacts> {
  const settings = await deps.settings.get();
  const now = deps.clock.now();
  const preview = previewCancellation(order, settings, now);
  const refunds: RefundFact[] = (await deps.store.refunds.listRefunds(order.id)).map((r) => ({
    state: r.state,
    channel: r.channel as PaymentChannel,
    amountFen: r.amount_fen,
    createdAt: r.created_at,
    succeededAt: r.succeeded_at,
    express: r.express === 1,
    etaEarliest: r.eta_earliest,
    etaLatest: r.eta_latest,
  }));
  return {
    order,
    plan,
    cancellation: preview.cancellation,
    oneStep: preview.oneStep,
    penaltyFen: preview.consequences ? preview.consequences.penaltyFen : null,
    switchablePlans: await switchablePlans(deps, order, plan),
    refunds,
    rules: { reviewSlaMs: settings.reviewSlaMs, expressRefundMaxFen: settings.expressRefundMaxFen },
    now,
  };
}
