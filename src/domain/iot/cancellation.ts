// Batch cancellation of IoT cards: every card follows its own state's rule, and the business sees them grouped by
// state and route, with totals, before anything happens. Pure: the use case loads the cards, pools and settings.
//   unpaid               released (the batch is not paid: nothing to refund)
//   paid, packing        cancelled, the card's share of the batch payment refunded
//   shipped              intercepted at the courier; its share refunded once the parcel is back
//   delivered, in window returned unactivated (one parcel for all); its share refunded once received
//   delivered, too late  kept: the activation window is over
//   activated            closed (销户) with the card's early-termination penalty
import type { OrderState } from '../order.ts';
import { canTransition } from '../transitions.ts';
import { cancellationLabel, type CancelLabel } from '../policies/cancel-label.ts';
import { earlyTerminationPenalty } from '../policies/penalty.ts';
import type { IotCard } from './card.ts';
import { poolAfterRemovals, type PoolFigures, type PoolMember } from './pool.ts';

export const CARD_ROUTES = ['release', 'refund', 'intercept', 'return', 'close', 'keep'] as const;
export type CardRoute = (typeof CARD_ROUTES)[number];

/**
 * Where a route takes a card once it is done: cancelled at once (release, refund), cancelled once back (intercept,
 * return: the card keeps its state until received), closed (close). Every move is one the order table allows.
 */
export function routeTarget(route: CardRoute, from: OrderState): OrderState {
  switch (route) {
    case 'release':
    case 'refund':
    case 'intercept':
    case 'return': return 'cancelled';
    case 'close': return 'account_closed';
    case 'keep': return from;
  }
}

/** Whether the order transition table (domain/transitions.ts) allows a card in `from` to take `route`. */
export const routeAllowed = (route: CardRoute, from: OrderState): boolean => route === 'keep' || canTransition(from, routeTarget(route, from));

export interface CardPlan {
  cardId: string;
  iccid: string;
  state: OrderState;
  route: CardRoute;
  /** Refunded by the cancellation: at once (refund) or once the card is back (intercept, return). */
  refundFen: number;
  refundWhen: 'now' | 'on_receipt' | null;
  penaltyFen: number;
  /** Why the card takes its route, as the business reads it. */
  reason: string;
}

/** The route of one card, its refund share and penalty. */
export function planCard(card: IotCard, now: number): CardPlan {
  const base = { cardId: card.id, iccid: card.iccid, state: card.state, refundFen: 0, refundWhen: null, penaltyFen: 0 } as const;
  if (card.pendingReturn) return { ...base, route: 'keep', reason: '该卡已在取消中，等待退回。' };
  const label = cardLabel(card, now);
  switch (card.state) {
    case 'pending_payment':
      return { ...base, route: 'release', reason: '批次尚未支付，取消后号码立即释放。' };
    case 'paid':
    case 'packing':
      return { ...base, route: 'refund', refundFen: card.shareFen, refundWhen: 'now', reason: '已支付未发货，取消后按该卡分摊金额原路退款。' };
    case 'shipped':
      return { ...base, route: 'intercept', refundFen: card.shareFen, refundWhen: 'on_receipt', reason: '已发货，申请快递拦截，卡片退回后退款。' };
    case 'delivered':
      return label.label === 'not_cancellable'
        ? { ...base, route: 'keep', reason: label.reason }
        : { ...base, route: 'return', refundFen: card.shareFen, refundWhen: 'on_receipt', reason: '已签收未激活，请将卡片寄回，验卡通过后退款。' };
    case 'activated': {
      const penalty = earlyTerminationPenalty(card.terms, card.activatedAt ?? now, now);
      return { ...base, route: 'close', penaltyFen: penalty.penaltyFen, reason: penalty.text };
    }
    case 'cancelled':
    case 'account_closed':
      return { ...base, route: 'keep', reason: label.reason };
  }
}

/** The card's label as a phone card in its state would show it (policies/cancel-label.ts). */
export function cardLabel(card: IotCard, now: number) {
  return cancellationLabel({ state: card.state, paymentDeadline: card.paymentDeadline, terms: card.terms }, now, { deliveredAt: card.deliveredAt, activatedAt: card.activatedAt });
}

const LABEL_TEXT: Record<CancelLabel, string> = { cancellable: '可取消', review_required: '需审核', not_cancellable: '不可取消' };

/** The label of a group: the money routes need review when the cancellation's refunds exceed the express amount. */
function groupLabel(route: CardRoute, needsReview: boolean): CancelLabel {
  switch (route) {
    case 'release': return 'cancellable';
    case 'refund': return needsReview ? 'review_required' : 'cancellable';
    case 'intercept':
    case 'return': return 'review_required';
    // An activated card cannot be cancelled, only closed with its penalty (the phone card's rule).
    case 'close':
    case 'keep': return 'not_cancellable';
  }
}

export interface PreviewGroup {
  state: OrderState;
  route: CardRoute;
  label: CancelLabel;
  labelText: string;
  cards: number;
  refundFen: number;
  penaltyFen: number;
  iccids: string[];
}

export interface PoolChange {
  poolId: string;
  before: PoolFigures;
  after: PoolFigures;
  removed: number;
}

export interface CancellationPreview {
  groups: PreviewGroup[];
  totals: { cards: number; affected: number; refundNowFen: number; refundOnReceiptFen: number; refundFen: number; penaltyFen: number };
  /** Above the express-refund amount: an agent reviews the whole cancellation first. */
  needsReview: boolean;
  pools: PoolChange[];
  /** Delivered cards go back in one parcel: what to enclose and where. */
  returnInstructions: string | null;
  plans: CardPlan[];
}

const ROUTE_ORDER: Record<CardRoute, number> = { release: 0, refund: 1, intercept: 2, return: 3, close: 4, keep: 5 };
const STATE_ORDER = ['pending_payment', 'paid', 'packing', 'shipped', 'delivered', 'activated', 'cancelled', 'account_closed'];

/**
 * The preview of a batch cancellation: cards grouped by state and route, with the refund, penalty and label of
 * each group, the totals, and every pool's quota and monthly fee after the cards leave it.
 */
export function previewCancellation(
  cards: readonly IotCard[],
  pools: ReadonlyMap<string, readonly PoolMember[]>,
  now: number,
  settings: { expressRefundMaxFen: number; returnAddress: string },
): CancellationPreview {
  const plans = cards.map((c) => planCard(c, now));
  const refundFen = plans.reduce((s, p) => s + p.refundFen, 0);
  const needsReview = refundFen > 0 && (settings.expressRefundMaxFen <= 0 || refundFen > settings.expressRefundMaxFen);
  const byKey = new Map<string, PreviewGroup>();
  for (const p of plans) {
    const key = `${p.state}|${p.route}`;
    let g = byKey.get(key);
    if (!g) {
      const label = groupLabel(p.route, needsReview);
      g = { state: p.state, route: p.route, label, labelText: LABEL_TEXT[label], cards: 0, refundFen: 0, penaltyFen: 0, iccids: [] };
      byKey.set(key, g);
    }
    g.cards += 1;
    g.refundFen += p.refundFen;
    g.penaltyFen += p.penaltyFen;
    g.iccids.push(p.iccid);
  }
  const groups = [...byKey.values()].sort((a, b) => ROUTE_ORDER[a.route] - ROUTE_ORDER[b.route] || STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state));
  const leaving = new Set(plans.filter((p) => p.route !== 'keep').map((p) => p.cardId));
  const poolIds = [...new Set(cards.filter((c) => c.poolId && leaving.has(c.id)).map((c) => c.poolId!))].sort();
  const returning = plans.filter((p) => p.route === 'return').length;
  return {
    groups,
    totals: {
      cards: plans.length,
      affected: leaving.size,
      refundNowFen: plans.filter((p) => p.refundWhen === 'now').reduce((s, p) => s + p.refundFen, 0),
      refundOnReceiptFen: plans.filter((p) => p.refundWhen === 'on_receipt').reduce((s, p) => s + p.refundFen, 0),
      refundFen,
      penaltyFen: plans.reduce((s, p) => s + p.penaltyFen, 0),
    },
    needsReview,
    pools: poolIds.map((poolId) => ({ poolId, ...poolAfterRemovals(pools.get(poolId) ?? [], leaving) })),
    returnInstructions: returning
      ? `请将 ${returning} 张未激活的卡片装入一个包裹寄回：${settings.returnAddress}。包裹内附批次号与卡片清单（ICCID），卡面完好、PIN 区未刮开；寄出后填写退货运单号。`
      : null,
    plans,
  };
}
