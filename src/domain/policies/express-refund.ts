// Which route a paid order's cancellation takes: express refund (极速退款) without review, agent review,
// or warehouse interception, and which queue reviews it. Pure: the use case loads the facts.
//
// Business rule (the brief): a small, low-risk, anomaly-free payment is cancelled and refunded at once,
// without an agent: the order is paid and not yet packing, the amount is at or under the platform's
// threshold, no earlier refund to this customer failed, nothing is flagged, and the customer is not one
// who cancels often (N or more own cancellations in 90 days: those go to the priority channel instead).
import type { Order } from '../order.ts';
import type { Settings } from '../settings.ts';
import type { RequestQueue } from '../cancellation-request.ts';

export interface RiskFacts {
  /** The customer's own cancellations in the last 90 days, this one not counted. */
  recentCancellations: number;
  /** Refunds to this customer that failed before. */
  refundFailures: number;
  /** An open risk flag on the customer or on the order. */
  flagged: boolean;
}

export type ExpressRule = 'not_packing' | 'amount' | 'refund_history' | 'not_flagged' | 'cancellation_frequency';

export interface ExpressCheck {
  rule: ExpressRule;
  passed: boolean;
  /** The reason as the customer reads it. */
  text: string;
}

export interface ExpressVerdict {
  eligible: boolean;
  checks: ExpressCheck[];
}

const yuan = (fen: number) => (fen / 100).toFixed(2);

export const isPriorityCustomer = (facts: Pick<RiskFacts, 'recentCancellations'>, settings: Pick<Settings, 'priorityThreshold'>): boolean =>
  facts.recentCancellations >= settings.priorityThreshold;

/** Every rule is reported, passed or not, so the preview can say exactly why an order takes its route. */
export function expressRefundVerdict(order: Pick<Order, 'state' | 'amountFen' | 'paymentChannel'>, settings: Pick<Settings, 'expressRefundMaxFen' | 'priorityThreshold'>, facts: RiskFacts): ExpressVerdict {
  const checks: ExpressCheck[] = [
    // A free card was never paid through a channel, and has nothing to send back.
    order.state === 'paid' && (order.paymentChannel !== null || order.amountFen === 0)
      ? { rule: 'not_packing', passed: true, text: '订单已支付，尚未打包。' }
      : { rule: 'not_packing', passed: false, text: order.state === 'packing' ? '订单已进入打包环节，需要仓库拦截。' : '订单不在已支付未发货状态。' },
    settings.expressRefundMaxFen > 0 && order.amountFen <= settings.expressRefundMaxFen
      ? { rule: 'amount', passed: true, text: `金额 ¥${yuan(order.amountFen)} 不超过极速退款额度 ¥${yuan(settings.expressRefundMaxFen)}。` }
      : { rule: 'amount', passed: false, text: settings.expressRefundMaxFen > 0 ? `金额 ¥${yuan(order.amountFen)} 超过极速退款额度 ¥${yuan(settings.expressRefundMaxFen)}。` : '平台暂未开放极速退款。' },
    facts.refundFailures === 0
      ? { rule: 'refund_history', passed: true, text: '此前没有失败的退款。' }
      : { rule: 'refund_history', passed: false, text: '此前有退款未成功，需要客服核实收款账户。' },
    !facts.flagged
      ? { rule: 'not_flagged', passed: true, text: '支付无异常。' }
      : { rule: 'not_flagged', passed: false, text: '该订单需要人工核实。' },
    !isPriorityCustomer(facts, settings)
      ? { rule: 'cancellation_frequency', passed: true, text: '近 90 天取消次数正常。' }
      : { rule: 'cancellation_frequency', passed: false, text: `近 90 天已取消 ${facts.recentCancellations} 次，由绿色通道专人处理。` },
  ];
  return { eligible: checks.every((c) => c.passed), checks };
}

export type CancelPath = 'express' | 'review' | 'interception';

export interface CancelRoute {
  path: CancelPath;
  queue: RequestQueue;
  verdict: ExpressVerdict;
}

/** The route of a new request for a paid or packing order. */
export function cancelRoute(order: Pick<Order, 'state' | 'amountFen' | 'paymentChannel'>, settings: Pick<Settings, 'expressRefundMaxFen' | 'priorityThreshold'>, facts: RiskFacts): CancelRoute {
  const verdict = expressRefundVerdict(order, settings, facts);
  const queue: RequestQueue = isPriorityCustomer(facts, settings) ? 'priority' : 'standard';
  const path: CancelPath = verdict.eligible ? 'express' : order.state === 'packing' || order.state === 'shipped' ? 'interception' : 'review';
  return { path, queue, verdict };
}
