// What the customer (and an agent) sees of an order's refunds: each attempt's state in words, the money,
// the request number, when it is expected to arrive, and its history.
import type { RefundEventRow, RefundRow } from '../../adapters/store/refund-repo.ts';
import { isRetryable, REFUND_STATE_TEXT, type RefundState } from '../../domain/refund.ts';
import type { Repos } from '../../adapters/store/store.ts';
import type { PaymentChannel } from '../../domain/order.ts';

export interface RefundView {
  refundNo: string;
  paymentNo: string;
  orderId: string;
  channel: PaymentChannel;
  attempt: number;
  /** The attempt this one redoes, and the one that redid this one. */
  previousRefundNo: string | null;
  retriedAs: string | null;
  state: RefundState;
  stateText: string;
  amountFen: number;
  feeFen: number;
  penaltyFen: number;
  reason: string;
  express: boolean;
  /** Asia/Shanghai dates 'YYYY-MM-DD'. */
  expectedArrival: { earliest: string; latest: string } | null;
  /** Whether an agent may redo it under a new request number (it ended without paying, nobody redid it yet). */
  retryable: boolean;
  failureReason: string | null;
  createdAt: number;
  updatedAt: number;
  succeededAt: number | null;
  finishedAt: number | null;
  history: { at: number; action: string; fromState: string | null; toState: string; actorType: string; actorId: string; note: string | null }[];
}

export function toRefundView(r: RefundRow, all: RefundRow[], events: RefundEventRow[]): RefundView {
  const state = r.state as RefundState;
  const retriedAs = all.find((x) => x.previous_refund_id === r.id)?.id ?? null;
  return {
    refundNo: r.id,
    paymentNo: r.payment_id,
    orderId: r.order_id,
    channel: r.channel as PaymentChannel,
    attempt: r.attempt,
    previousRefundNo: r.previous_refund_id,
    retriedAs,
    state,
    stateText: REFUND_STATE_TEXT[state],
    amountFen: r.amount_fen,
    feeFen: r.fee_fen,
    penaltyFen: r.penalty_fen,
    reason: r.reason,
    express: r.express === 1,
    expectedArrival: r.eta_earliest && r.eta_latest ? { earliest: r.eta_earliest, latest: r.eta_latest } : null,
    retryable: isRetryable(state) && retriedAs === null,
    failureReason: isRetryable(state) ? r.last_error : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    succeededAt: r.succeeded_at,
    finishedAt: r.finished_at,
    history: events.filter((e) => e.refund_id === r.id).map((e) => ({
      at: e.at, action: e.action, fromState: e.from_state, toState: e.to_state, actorType: e.actor_type, actorId: e.actor_id, note: e.note,
    })),
  };
}

export async function listRefundViews(r: Repos, orderId: string): Promise<RefundView[]> {
  const [rows, events] = await Promise.all([r.refunds.listRefunds(orderId), r.refunds.listEventsOfOrder(orderId)]);
  return rows.map((x) => toRefundView(x, rows, events));
}
