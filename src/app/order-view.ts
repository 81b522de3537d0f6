// What a customer or agent sees of an order: its facts, its label, and the consequences of cancelling.
import { CANCEL_CONFIRMATION_TEXT } from '../domain/decide.ts';
import { fail, type DomainError } from '../domain/errors.ts';
import type { Order, Plan } from '../domain/order.ts';
import { cancellationLabel, type CancellationLabel } from '../domain/policies/cancel-label.ts';
import type { Settings } from '../domain/settings.ts';
import type { Deps } from './deps.ts';
import type { Principal } from './secrets.ts';

export interface OrderView {
  id: string;
  state: Order['state'];
  number: string;
  carrier: Order['carrier'];
  plan: Pick<Plan, 'id' | 'name' | 'monthlyFeeFen' | 'dataMb' | 'voiceMinutes' | 'contractMonths' | 'activationWindowDays' | 'trialDays'>;
  amountFen: number;
  contactName: string;
  contactPhone: string;
  residentId: string;
  address: Order['address'];
  paymentDeadline: number;
  paymentChannel: Order['paymentChannel'];
  closeReason: Order['closeReason'];
  keepsReorderDiscount: boolean | null;
  createdAt: number;
  updatedAt: number;
  paidAt: number | null;
  closedAt: number | null;
  cancellation: CancellationLabel;
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
}

const maskPhone = (p: string) => `${p.slice(0, 3)}****${p.slice(-4)}`;

/** Loads an order the principal may see; anyone else's order is reported as not found. */
export async function loadVisibleOrder(deps: Deps, orderId: string, who: Principal): Promise<{ order: Order; plan: Plan } | DomainError> {
  const order = await deps.store.orders.getOrder(orderId);
  if (!order || (who.role === 'customer' && order.customerId !== who.sub)) return fail('ORDER.NOT_FOUND', 'No such order.', { orderId });
  const plan = await deps.store.orders.getPlan(order.planId);
  if (!plan) throw new Error(`order ${order.id} refers to missing plan ${order.planId}`);
  return { order, plan };
}

export function toView(order: Order, plan: Plan, now: number, who: Principal): OrderView {
  const customerSees = who.role === 'customer';
  return {
    id: order.id,
    state: order.state,
    number: order.number,
    carrier: order.carrier,
    plan: {
      id: plan.id, name: plan.name, monthlyFeeFen: plan.monthlyFeeFen, dataMb: plan.dataMb, voiceMinutes: plan.voiceMinutes,
      contractMonths: plan.contractMonths, activationWindowDays: plan.activationWindowDays, trialDays: plan.trialDays,
    },
    amountFen: order.amountFen,
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
    cancellation: cancellationLabel(order, plan, now),
  };
}

export function previewCancellation(order: Order, plan: Plan, settings: Settings, now: number): CancellationPreview {
  const label = cancellationLabel(order, plan, now);
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
    };
  }
  return { orderId: order.id, state: order.state, cancellation: label, oneStep: false, consequences: null, confirmationText: null, explanation: label.reason };
}
