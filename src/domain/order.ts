// The order and the values it carries. Money is integer fen (分); times are UTC epoch milliseconds.

export const ORDER_STATES = [
  'pending_payment',
  'paid',
  'packing',
  'shipped',
  'delivered',
  'activated',
  'cancelled',
  'account_closed',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export const CARRIERS = ['china_mobile', 'china_unicom', 'china_telecom', 'china_broadnet'] as const;
export type Carrier = (typeof CARRIERS)[number];

export const PAYMENT_CHANNELS = ['alipay', 'wechat', 'bank'] as const;
export type PaymentChannel = (typeof PAYMENT_CHANNELS)[number];

/** Why an order ended up `cancelled`. The first two are the brief's unpaid-order outcomes and stay distinct. */
export const CLOSE_REASONS = ['customer_abandoned', 'payment_timeout', 'customer_cancelled', 'intercepted', 'returned', 'trial_unsubscribed', 'supplier_rejected'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

export type Fen = number;

export interface Plan {
  id: string;
  carrier: Carrier;
  name: string;
  monthlyFeeFen: Fen;
  dataMb: number;
  voiceMinutes: number;
  contractMonths: number;
  activationWindowDays: number;
  trialDays: number;
  priceFen: Fen;
  active: boolean;
  /** Early-termination penalty (违约金) when the line closes inside the contract period. */
  penaltyRule: PenaltyRule;
}

/** Per plan: a fixed sum, or a share (percent) of the monthly fees still due for the rest of the contract. */
export type PenaltyRule = { kind: 'fixed'; fen: Fen } | { kind: 'remaining_share'; percent: number };

/**
 * The plan's terms as sold: copied into the order when it is placed (or its plan switched before payment), so that
 * an operator's later edit of the plan's rules applies to new orders only. Every rule about an existing order
 * (label, return window, trial, penalty) reads these, never the plan.
 */
export interface OrderTerms {
  /** The plan's price at placement (the order's amount adds the number's price). */
  planPriceFen: Fen;
  /** Monthly fee: the remaining-share penalty is a share of the fees still due at this rate. */
  monthlyFeeFen: Fen;
  contractMonths: number;
  penaltyRule: PenaltyRule;
  activationWindowDays: number;
  trialDays: number;
}

export const termsOf = (plan: Plan): OrderTerms => ({
  planPriceFen: plan.priceFen,
  monthlyFeeFen: plan.monthlyFeeFen,
  contractMonths: plan.contractMonths,
  penaltyRule: plan.penaltyRule,
  activationWindowDays: plan.activationWindowDays,
  trialDays: plan.trialDays,
});

/** The plan as an order was sold: its name and allowances, with the price and rules from the order's terms. */
export const planAsSold = (plan: Plan, terms: OrderTerms): Plan => ({
  ...plan,
  priceFen: terms.planPriceFen,
  monthlyFeeFen: terms.monthlyFeeFen,
  contractMonths: terms.contractMonths,
  penaltyRule: terms.penaltyRule,
  activationWindowDays: terms.activationWindowDays,
  trialDays: terms.trialDays,
});

export type NumberState = 'free' | 'locked' | 'sold';

export interface NumberResource {
  id: string;
  carrier: Carrier;
  number: string;
  vanityLevel: number;
  priceFen: Fen;
  state: NumberState;
  orderId: string | null;
}

export interface Address {
  province: string;
  city: string;
  district: string;
  detail: string;
}

export interface Order {
  id: string;
  customerId: string;
  planId: string;
  numberId: string;
  number: string;
  carrier: Carrier;
  state: OrderState;
  /** Plan price + number price, what the customer pays. */
  amountFen: Fen;
  /** The plan's terms when the order was placed: what every later rule reads. */
  terms: OrderTerms;
  contactName: string;
  contactPhone: string;
  /** Resident ID is kept only as a keyed hash (matching) and a masked form (display). */
  idHash: string;
  idMasked: string;
  address: Address;
  paymentDeadline: number;
  paymentChannel: PaymentChannel | null;
  closeReason: CloseReason | null;
  /** Whether a later order by this customer still gets the first-order discount. */
  keepsReorderDiscount: boolean | null;
  createdAt: number;
  updatedAt: number;
  paidAt: number | null;
  closedAt: number | null;
  /** Courier tracking number of the outgoing parcel, set when it leaves. */
  trackingNo: string | null;
  /** When the courier delivered the card: the activation window counts from here. */
  deliveredAt: number | null;
  /** When the carrier activated the line: the trial counts from here. */
  activatedAt: number | null;
  /** The SIM card picked from stock for this order (its ICCID) and when: packing starts from a picked card. */
  iccid: string | null;
  pickedAt: number | null;
  version: number;
}

export const isTerminal = (s: OrderState): boolean => s === 'cancelled' || s === 'account_closed';
