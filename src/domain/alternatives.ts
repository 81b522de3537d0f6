// What can be offered instead of a cancel, and which offer fits which reason (the brief: "an alternative
// is offered (change the address, switch the plan) instead of a cancel"). Pure.
import { ADDRESS_CHANGEABLE_IN } from './order-changes.ts';
import { isTerminal, type Order } from './order.ts';

/** Why customers cancel: the codes the classifier assigns to a free-text reason. */
export const REASON_CODES = [
  'wrong_plan', 'wrong_address', 'price', 'found_cheaper', 'changed_mind', 'duplicate_order', 'delivery_too_slow', 'number_not_liked', 'other',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export const ALTERNATIVE_KINDS = ['change_address', 'switch_plan', 'choose_number', 'contact_agent'] as const;
export type AlternativeKind = (typeof ALTERNATIVE_KINDS)[number];

/** The offers that answer each reason; an offer that fits is shown first. */
export const FITTING: Readonly<Record<ReasonCode, readonly AlternativeKind[]>> = {
  wrong_address: ['change_address'],
  wrong_plan: ['switch_plan'],
  price: ['switch_plan'],
  found_cheaper: ['switch_plan', 'contact_agent'],
  number_not_liked: ['choose_number'],
  delivery_too_slow: ['contact_agent'],
  duplicate_order: [],
  changed_mind: [],
  other: ['contact_agent'],
};

/**
 * The alternatives possible right now. Only what the order can really do is offered: an address only
 * before packing, a plan or a number only while the order is unpaid and open, an agent while it lives.
 */
export function availableAlternatives(order: Order, now: number, switchablePlans: number): AlternativeKind[] {
  if (isTerminal(order.state)) return [];
  const open = order.state !== 'pending_payment' || now < order.paymentDeadline;
  if (!open) return [];
  const out: AlternativeKind[] = [];
  if (ADDRESS_CHANGEABLE_IN.includes(order.state)) out.push('change_address');
  if (order.state === 'pending_payment' && switchablePlans > 0) out.push('switch_plan');
  if (order.state === 'pending_payment') out.push('choose_number');
  out.push('contact_agent');
  return out;
}

/** Fitting offers first, in the order of FITTING, the rest as they came. */
export function orderByFit(kinds: AlternativeKind[], reason: ReasonCode | null): { kind: AlternativeKind; fits: boolean }[] {
  const fit = reason ? FITTING[reason] : [];
  const rankOf = (k: AlternativeKind) => (fit.includes(k) ? fit.indexOf(k) : fit.length + kinds.indexOf(k));
  return [...kinds].sort((a, b) => rankOf(a) - rankOf(b)).map((kind) => ({ kind, fits: fit.includes(kind) }));
}
