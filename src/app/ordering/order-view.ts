// What a customer or agent sees of an order: its facts, its label, and the consequences of cancelling.
import { CANCEL_CONFIRMATION_TEXT } from '../../domain/decide.ts';
import { fail, type DomainError } from '../../domain/errors.ts';
import { planAsSold, type Order, type OrderTerms, type Plan } from '../../domain/order.ts';
import { cancellationLabel, type CancellationLabel } from '../../domain/policies/cancel-label.ts';
import type { Settings } from '../../domain/settings.ts';
import type { Deps } from '../platform/deps.ts';
import type { Repos } from '../../adapters/store/store.ts';
import type { Principal } from '../platform/secrets.ts';
import { requestProgress, type CancellationRequest, type RequestProgressStage } from '../../domain/cancellation-request.ts';
import { cancelRoute, type ExpressCheck, type RiskFacts } from '../../domain/policies/express-refund.ts';
import { effectiveSlaMs } from '../../domain/policies/review-sla.ts';
import { refundEta, type RefundEta } from '../../domain/policies/refund-eta.ts';
import { loadRiskFacts } from '../cancellation/risk-facts.ts';
import { earlyTerminationPenalty } from '../../domain/policies/penalty.ts';

/** The order as its owner and staff see it: the order's own fields, the plan as sold, and where cancelling stands. */
export interface OrderView extends Pick<Order, 'id' | 'state' | 'number' | 'carrier' | 'amountFen' | 'terms' | 'contactName' | 'contactPhone'
  | 'address' | 'paymentDeadline' | 'paymentChannel' | 'closeReason' | 'keepsReorderDiscount' | 'createdAt' | 'updatedAt' | 'paidAt'
  | 'closedAt' | 'trackingNo' | 'deliveredAt' | 'activatedAt' | 'iccid' | 'pickedAt'> {
  /** The plan as sold: its name and allowances, with the fee, contract, window and trial from the order's terms. */
  plan: Pick<Plan, 'id' | 'name' | 'monthlyFeeFen' | 'dataMb' | 'voiceMinutes' | 'contractMonths' | 'activationWindowDays' | 'trialDays'>;
  /** The resident ID as shown: masked. */
  residentId: string;
  /** The label, plus where a cancellation request stands: "cancelling" until the number is released and the refund arrived. */
  cancellation: CancellationLabel & { progress: { stage: RequestProgressStage; text: string } | null; requestId: string | null };
}

export interface CancellationPreview {
  orderId: string;
  state: Order['state'];
  cancellation: CancellationLabel;
  /** Whether `POST /cancel` would cancel right now, in one step. */
  oneStep: boolean;
  consequences: {
    chargedFen: number;
    refundFen: number;
    penaltyFen: number;
    number: 'released' | 'kept';
    numberText: string;
    reorderDiscount: { keeps: boolean; text: string };
  } | null;
  confirmationText: string | null;
  /** Why a one-step cancel is not possible, and what to do instead. */
  explanation: string;
  /**
   * Which route a cancel takes now: one_step (unpaid), express / review / interception (paid, packing: the
   * express-refund policy decides, `checks` say why), in_progress (a request is open), else the label's action.
   */
  path: string;
  checks: ExpressCheck[];
  refund: { amountFen: number; channel: NonNullable<Order['paymentChannel']>; express: boolean; expected: RefundEta } | null;
  openRequestId: string | null;
}

/** What the preview of a paid or packing order needs beyond the order: the risk facts and any open request. */
export interface PreviewFacts {
  risk: RiskFacts;
  openRequest: CancellationRequest | null;
}

export async function loadPreviewFacts(deps: Deps, order: Order): Promise<PreviewFacts | undefined> {
  if (order.state !== 'paid' && order.state !== 'packing') return undefined;
  const [risk, openRequest] = await Promise.all([loadRiskFacts(deps.store, order, deps.clock.now()), deps.store.requests.getOpenForOrder(order.id)]);
  return { risk, openRequest: openRequest ?? null };
}

const maskPhone = (p: string) => `${p.slice(0, 3)}****${p.slice(-4)}`;

/**
 * Loads an order the principal may see; anyone else's order is reported as not found. Its plan comes as the
 * order was sold (planAsSold), so the FAQ, the assistant and the previews read the order's terms, not today's rules.
 */
export async function loadVisibleOrder(deps: Deps, orderId: string, who: Principal): Promise<{ order: Order; plan: Plan } | DomainError> {
  const order = await deps.store.orders.getOrder(orderId);
  if (!order || (who.role === 'customer' && order.customerId !== who.sub)) return fail('ORDER.NOT_FOUND', 'No such order.', { orderId });
  const plan = await deps.store.orders.getPlan(order.planId);
  if (!plan) throw new Error(`order ${order.id} refers to missing plan ${order.planId}`);
  return { order, plan: planAsSold(plan, order.terms) };
}

export function toView(order: Order, plan: Plan, now: number, who: Principal, request: CancellationRequest | null = null): OrderView {
  const customerSees = who.role === 'customer';
  return {
    id: order.id,
    state: order.state,
    number: order.number,
    carrier: order.carrier,
    plan: {
      id: plan.id, name: plan.name, monthlyFeeFen: order.terms.monthlyFeeFen, dataMb: plan.dataMb, voiceMinutes: plan.voiceMinutes,
      contractMonths: order.terms.contractMonths, activationWindowDays: order.terms.activationWindowDays, trialDays: order.terms.trialDays,
    },
    amountFen: order.amountFen,
    terms: order.terms,
    contactName: order.contactName,
    // The customer typed these; agents see them masked unless a task needs them.
    contactPhone: customerSees ? order.contactPhone : maskPhone(order.contactPhone),
    residentId: order.idMasked,
    address: order.address,
    paymentDeadline: order.paymentDeadline,
    paymentChannel: order.paymentChannel,
    closeReason: order.closeReason,
    keepsReorderDiscount: order.keepsReorderDiscount,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    paidAt: order.paidAt,
    closedAt: order.closedAt,
    trackingNo: order.trackingNo,
    deliveredAt: order.deliveredAt,
    activatedAt: order.activatedAt,
    iccid: order.iccid,
    pickedAt: order.pickedAt,
    cancellation: { ...cancellationLabel(order, now, labelFacts(order)), progress: request ? requestProgress(request) : null, requestId: request?.id ?? null },
  };
}

/** The facts that make the activation window and the trial exact. */
export const labelFacts = (order: Order) => ({ deliveredAt: order.deliveredAt, activatedAt: order.activatedAt });

export function previewCancellation(order: Order, settings: Settings, now: number, facts?: PreviewFacts): CancellationPreview {
  const label = cancellationLabel(order, now, labelFacts(order));
  if (order.state === 'activated') return previewLine(order, label, settings, now);
  if ((order.state === 'paid' || order.state === 'packing') && facts && order.paymentChannel) return previewPaid(order, label, settings, now, facts, order.paymentChannel);
  if (label.action === 'cancel') {
    const keeps = settings.reorderDiscount.afterCustomerAbandoned;
    return {
      orderId: order.id,
      state: order.state,
      cancellation: label,
      oneStep: true,
      consequences: {
        chargedFen: 0,
        refundFen: 0,
        penaltyFen: 0,
        number: 'released',
        numberText: `号码 ${order.number} 将立即释放，其他人可以选购。`,
        reorderDiscount: { keeps, text: keeps ? '取消后再次下单仍可享受首单优惠。' : '主动取消后再次下单将不再享受首单优惠。' },
      },
      confirmationText: CANCEL_CONFIRMATION_TEXT,
      explanation: '订单尚未支付，取消后不会产生任何费用。',
      path: 'one_step',
      checks: [],
      refund: null,
      openRequestId: null,
    };
  }
  return {
    orderId: order.id, state: order.state, cancellation: label, oneStep: false, consequences: null, confirmationText: null, explanation: label.reason,
    path: label.action, checks: [], refund: null, openRequestId: null,
  };
}

/**
 * Activated lines: inside the trial, free unsubscription with the whole amount back; after it, account closure
 * with the early-termination penalty the order's terms give for the contract months left.
 */
function previewLine(order: Order, label: CancellationLabel, settings: Settings, now: number): CancellationPreview {
  const keeps = settings.reorderDiscount.afterCustomerAbandoned;
  const base = { orderId: order.id, state: order.state, cancellation: label, oneStep: false, checks: [], openRequestId: null };
  if (label.action === 'unsubscribe_trial') {
    const channel = order.paymentChannel;
    return {
      ...base,
      consequences: {
        chargedFen: order.amountFen, refundFen: order.amountFen, penaltyFen: 0, number: 'released',
        numberText: `退订后运营商关闭号码 ${order.number} 并回收号码。`,
        reorderDiscount: { keeps, text: keeps ? '退订后再次下单仍可享受首单优惠。' : '退订后再次下单将不再享受首单优惠。' },
      },
      confirmationText: '试用期内免费退订，号码将被回收',
      explanation: label.reason,
      path: 'unsubscribe_trial',
      refund: channel && order.amountFen > 0 ? { amountFen: order.amountFen, channel, express: false, expected: refundEta(channel, now) } : null,
    };
  }
  const penalty = order.activatedAt !== null ? earlyTerminationPenalty(order.terms, order.activatedAt, now) : null;
  return {
    ...base,
    consequences: {
      chargedFen: order.amountFen, refundFen: 0, penaltyFen: penalty?.penaltyFen ?? 0, number: 'released',
      numberText: `销户后号码 ${order.number} 停止使用，由运营商回收，一段时间后可能重新放号。`,
      reorderDiscount: { keeps, text: '销户不影响再次下单。' },
    },
    confirmationText: penalty ? `确认销户并支付违约金 ${(penalty.penaltyFen / 100).toFixed(2)} 元` : null,
    explanation: penalty ? `${label.reason}${penalty.text}` : label.reason,
    path: 'close_account',
    refund: null,
  };
}

/** Paid and packing orders: which route the request will take and why, the refund, its channel and expected date. */
function previewPaid(order: Order, label: CancellationLabel, settings: Settings, now: number, facts: PreviewFacts, channel: NonNullable<Order['paymentChannel']>): CancellationPreview {
  const base = { orderId: order.id, state: order.state, cancellation: label, oneStep: false, confirmationText: null };
  if (facts.openRequest) {
    return { ...base, consequences: null, explanation: requestProgress(facts.openRequest).text, path: 'in_progress', checks: [], refund: null, openRequestId: facts.openRequest.id };
  }
  const route = cancelRoute(order, settings, facts.risk);
  const express = route.path === 'express';
  const keeps = settings.reorderDiscount.afterCustomerAbandoned;
  const hours = Math.round(effectiveSlaMs(settings) / 3_600_000);
  const explanation = express
    ? '符合极速退款条件：提交后立即取消，无需审核，款项原路退回，预计今天到账。'
    : route.path === 'interception'
      ? `订单正在打包：提交申请后客服将在 ${hours} 小时内审核，通过后通知仓库拦截发货，拦截成功即原路退款；若包裹已发出，将转为快递拦截或签收后退货。`
      : `提交申请后客服将在 ${hours} 小时内审核，通过后释放号码并原路退款。`;
  return {
    ...base,
    consequences: {
      chargedFen: order.amountFen,
      refundFen: order.amountFen,
      penaltyFen: 0,
      number: 'released',
      numberText: `号码 ${order.number} 将在运营商处释放，释放后其他人可以选购。`,
      reorderDiscount: { keeps, text: keeps ? '取消后再次下单仍可享受首单优惠。' : '主动取消后再次下单将不再享受首单优惠。' },
    },
    explanation: route.queue === 'priority' ? `${explanation}您的申请将由绿色通道专人处理。` : explanation,
    path: route.path,
    checks: route.verdict.checks,
    refund: { amountFen: order.amountFen, channel, express, expected: refundEta(channel, now, { express }) },
    openRequestId: null,
  };
}

/**
 * The view of an order a use case has just returned: its plan and its latest cancellation request read
 * here, the label computed now. Every route answers with this, so a view never lacks its request.
 */
export async function viewOrder(deps: Deps, order: Order, who: Principal): Promise<OrderView> {
  return viewOrderWith(deps.store, order, who, deps.clock.now());
}

/** The same view read through `r`: inside a use case's transaction, to write it as the answer with the effect. */
export async function viewOrderWith(r: Repos, order: Order, who: Principal, now: number): Promise<OrderView> {
  const plan = await r.orders.getPlan(order.planId);
  if (!plan) throw new Error(`order ${order.id} refers to missing plan ${order.planId}`);
  // Cancellation requests are only opened on paid orders: an order never paid has none to read.
  const latest = order.paidAt === null ? null : (await r.requests.latestForOrders([order.id])).get(order.id) ?? null;
  return toView(order, plan, now, who, latest);
}
