// Row <-> domain mapping, kept apart so that the store's queries read cleanly.
import type { Selectable } from 'kysely';
import type { Address, Carrier, CloseReason, NumberResource, NumberState, Order, OrderState, OrderTerms, PaymentChannel, PenaltyRule, Plan } from '../../domain/order.ts';
import type { NumbersTable, OrdersTable, PlansTable } from './schema.ts';
import { readOrderPhone, type PhoneVault } from './personal-data.ts';

export const toPlan = (r: Selectable<PlansTable>): Plan => ({
  id: r.id,
  carrier: r.carrier as Carrier,
  name: r.name,
  monthlyFeeFen: r.monthly_fee_fen,
  dataMb: r.data_mb,
  voiceMinutes: r.voice_minutes,
  contractMonths: r.contract_months,
  activationWindowDays: r.activation_window_days,
  trialDays: r.trial_days,
  priceFen: r.price_fen,
  active: r.active === 1,
  penaltyRule: toPenaltyRule(r.penalty_kind, r.penalty_value),
});

export const toPenaltyRule = (kind: string, value: number): PenaltyRule =>
  kind === 'fixed' ? { kind: 'fixed', fen: value } : { kind: 'remaining_share', percent: value };

export const fromPlan = (p: Plan, now: number): PlansTable => ({
  id: p.id,
  carrier: p.carrier,
  name: p.name,
  monthly_fee_fen: p.monthlyFeeFen,
  data_mb: p.dataMb,
  voice_minutes: p.voiceMinutes,
  contract_months: p.contractMonths,
  activation_window_days: p.activationWindowDays,
  trial_days: p.trialDays,
  price_fen: p.priceFen,
  active: p.active ? 1 : 0,
  created_at: now,
  penalty_kind: p.penaltyRule.kind,
  penalty_value: penaltyValue(p.penaltyRule),
});

const penaltyValue = (rule: PenaltyRule): number => (rule.kind === 'fixed' ? rule.fen : rule.percent);

export const toNumber = (r: Selectable<NumbersTable>): NumberResource => ({
  id: r.id,
  carrier: r.carrier as Carrier,
  number: r.number,
  vanityLevel: r.vanity_level,
  priceFen: r.price_fen,
  state: r.state as NumberState,
  orderId: r.order_id,
});

/** Without a vault (tools that hold no key) the contact phone reads as its masked form. */
export const toOrder = (r: Selectable<OrdersTable>, vault: PhoneVault | null = null): Order => ({
  id: r.id,
  customerId: r.customer_id,
  planId: r.plan_id,
  numberId: r.number_id,
  number: r.number,
  carrier: r.carrier as Carrier,
  state: r.state as OrderState,
  amountFen: r.amount_fen,
  contactName: r.contact_name,
  contactPhone: readOrderPhone(r, vault),
  idHash: r.id_hash,
  idMasked: r.id_masked,
  address: JSON.parse(r.address) as Address,
  paymentDeadline: r.payment_deadline,
  paymentChannel: r.payment_channel as PaymentChannel | null,
  closeReason: r.close_reason as CloseReason | null,
  keepsReorderDiscount: r.keeps_reorder_discount === null ? null : r.keeps_reorder_discount === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  paidAt: r.paid_at,
  closedAt: r.closed_at,
  trackingNo: r.tracking_no ?? null,
  deliveredAt: r.delivered_at ?? null,
  activatedAt: r.activated_at ?? null,
  iccid: r.iccid ?? null,
  pickedAt: r.picked_at ?? null,
  terms: toTerms(r),
  version: r.version,
});

function toTerms(r: Selectable<OrdersTable>): OrderTerms {
  // Every writer stores the terms and migration 013 filled older rows: a row without them is a bug, not a default.
  if (r.terms_contract_months == null || r.terms_activation_window_days == null || r.terms_trial_days == null || r.terms_penalty_kind == null) {
    throw new Error(`order ${r.id} has no terms as sold`);
  }
  return {
    planPriceFen: r.terms_plan_price_fen,
    monthlyFeeFen: r.terms_monthly_fee_fen,
    contractMonths: r.terms_contract_months,
    penaltyRule: toPenaltyRule(r.terms_penalty_kind, r.terms_penalty_value),
    activationWindowDays: r.terms_activation_window_days,
    trialDays: r.terms_trial_days,
  };
}

/** contact_phone comes out as given: the repository seals it (orderPhoneColumns) before writing. */
export const fromOrder = (o: Order): Omit<OrdersTable, 'contact_phone_hash' | 'contact_phone_enc'> => ({
  id: o.id,
  customer_id: o.customerId,
  plan_id: o.planId,
  number_id: o.numberId,
  number: o.number,
  carrier: o.carrier,
  state: o.state,
  amount_fen: o.amountFen,
  contact_name: o.contactName,
  contact_phone: o.contactPhone,
  id_hash: o.idHash,
  id_masked: o.idMasked,
  address: JSON.stringify(o.address),
  payment_deadline: o.paymentDeadline,
  payment_channel: o.paymentChannel,
  close_reason: o.closeReason,
  keeps_reorder_discount: o.keepsReorderDiscount === null ? null : o.keepsReorderDiscount ? 1 : 0,
  created_at: o.createdAt,
  updated_at: o.updatedAt,
  paid_at: o.paidAt,
  closed_at: o.closedAt,
  tracking_no: o.trackingNo,
  delivered_at: o.deliveredAt,
  activated_at: o.activatedAt,
  iccid: o.iccid,
  picked_at: o.pickedAt,
  terms_plan_price_fen: o.terms.planPriceFen,
  terms_monthly_fee_fen: o.terms.monthlyFeeFen,
  terms_contract_months: o.terms.contractMonths,
  terms_penalty_kind: o.terms.penaltyRule.kind,
  terms_penalty_value: penaltyValue(o.terms.penaltyRule),
  terms_activation_window_days: o.terms.activationWindowDays,
  terms_trial_days: o.terms.trialDays,
  version: o.version,
});
