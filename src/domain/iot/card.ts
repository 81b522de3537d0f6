// An IoT card (物联网卡) of a business's batch. Each card lives the life of a phone card's order (the same states
// and the same transition table, domain/transitions.ts), so every rule about a state reads the same for both.
import type { Carrier, OrderState, OrderTerms, PenaltyRule } from '../order.ts';

export interface IotPlan {
  id: string;
  carrier: Carrier;
  name: string;
  /** Data only: the monthly quota each card brings to a pool. */
  quotaMb: number;
  monthlyFeeFen: number;
  contractMonths: number;
  /** What one card costs in a batch order (the card and its first month). */
  cardFeeFen: number;
  penaltyRule: PenaltyRule;
  activationWindowDays: number;
  active: boolean;
}

/** The plan's terms a card was sold with, in the shape the phone-card rules read. */
export const iotTerms = (plan: Pick<IotPlan, 'cardFeeFen' | 'monthlyFeeFen' | 'contractMonths' | 'penaltyRule' | 'activationWindowDays'>): OrderTerms => ({
  planPriceFen: plan.cardFeeFen,
  monthlyFeeFen: plan.monthlyFeeFen,
  contractMonths: plan.contractMonths,
  penaltyRule: plan.penaltyRule,
  activationWindowDays: plan.activationWindowDays,
  // IoT plans have no trial: an activated card ends by closure.
  trialDays: 0,
});

/** A cancellation left the card waiting for it to come back (interception, return) before its refund. */
export type PendingReturn = 'intercept' | 'return' | null;

export interface IotCard {
  id: string;
  batchId: string;
  businessId: string;
  iccid: string;
  msisdn: string;
  state: OrderState;
  /** The card's share of the batch payment (shares.ts): what its refund is. */
  shareFen: number;
  quotaMb: number;
  terms: OrderTerms;
  paymentDeadline: number;
  trackingNo: string | null;
  deliveredAt: number | null;
  activatedAt: number | null;
  poolId: string | null;
  pendingReturn: PendingReturn;
}
