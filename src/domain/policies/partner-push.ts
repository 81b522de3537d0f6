// A partner's push (courier scan, carrier status, payment or refund notice) is a claim, checked before it
// changes anything: its kind is one the partner's protocol knows, its time falls between the start of the
// order's current state and a moment from now, its text is short and printable, and it fits the state the
// order is in (the moves below, as data). Pure: the use case loads the order and when its state began.
import { fail, type DomainError } from '../errors.ts';
import type { Order, OrderState } from '../order.ts';

/**
 * The courier's scans and interception answers. `exception` is trouble on the way (Kuaidi100's 疑难, 拒签): shown
 * on the tracking page, it does not move the order.
 */
export const COURIER_EVENT_KINDS = ['picked_up', 'in_transit', 'out_for_delivery', 'delivered', 'returned_to_sender', 'exception', 'interception_accepted', 'interception_refused'] as const;
export type CourierEventKind = (typeof COURIER_EVENT_KINDS)[number];

/** The carrier's line statuses it pushes. */
export const CARRIER_EVENT_KINDS = ['activated', 'real_name_failed', 'suspended', 'closed', 'recycled'] as const;
export type CarrierEventKind = (typeof CARRIER_EVENT_KINDS)[number];

/** A payment notice's trade state: only a success is a notice we act on. */
export const PAYMENT_TRADE_STATES = ['SUCCESS'] as const;
/** A refund-result notice's status (WeChat Pay's refund_status). */
export const REFUND_NOTICE_STATES = ['SUCCESS', 'ABNORMAL', 'CLOSED'] as const;

/** A partner's clock may run a little ahead of ours; more than this is a claim about the future. */
export const PUSH_CLOCK_SKEW_MS = 5 * 60_000;
/** Event times outside these years are not times at all (2020-01-01 .. 2100-01-01 UTC). */
export const PUSH_TIME_MIN_MS = 1_577_836_800_000;
export const PUSH_TIME_MAX_MS = 4_102_444_800_000;
/** Free text a partner sends (a scan's detail, a failure reason): what the tracking page has room for. */
export const PUSH_TEXT_MAX = 200;
/** Ids and references (event id, tracking number, trade number). */
export const PUSH_REF_MAX = 64;
/** An amount no number-card order comes near (10 million yuan): anything above is garbage, not money. */
export const PUSH_MAX_FEN = 1_000_000_000;

/**
 * In which order states each push is accepted. A push from a state the order has left (a late scan after
 * delivery, a second activation) would move it backwards; one for a state it has not reached (an activation
 * while the card is still packing) would skip a step: both are refused. Activation proves the card arrived,
 * so it is accepted while `shipped` and applies the delivery first (the courier's delivered scan is often
 * slower than the customer). The carrier's closures, recyclings and suspensions never move the order: on a
 * line the order still holds live they open a task for an agent, so they are accepted in every state after payment.
 */
export const PUSH_ACCEPTED_IN: {
  readonly courier: Readonly<Record<CourierEventKind, readonly OrderState[]>>;
  readonly carrier: Readonly<Record<CarrierEventKind, readonly OrderState[]>>;
} = {
  courier: {
    picked_up: ['shipped'],
    in_transit: ['shipped'],
    out_for_delivery: ['shipped'],
    delivered: ['shipped'],
    returned_to_sender: ['shipped'],
    exception: ['shipped'],
    interception_accepted: ['shipped'],
    // The courier refuses an interception because the parcel was delivered; its delivered scan may come first.
    interception_refused: ['shipped', 'delivered'],
  },
  carrier: {
    // A cancelled or closed order's line activated is a contradiction for an agent (a task), not a move.
    activated: ['shipped', 'delivered', 'cancelled', 'account_closed'],
    real_name_failed: ['shipped', 'delivered'],
    suspended: ['paid', 'packing', 'shipped', 'delivered', 'activated', 'cancelled', 'account_closed'],
    closed: ['paid', 'packing', 'shipped', 'delivered', 'activated', 'cancelled', 'account_closed'],
    recycled: ['paid', 'packing', 'shipped', 'delivered', 'activated', 'cancelled', 'account_closed'],
  },
};

export function checkPushFits(source: 'courier', kind: CourierEventKind, state: OrderState): DomainError | null;
export function checkPushFits(source: 'carrier', kind: CarrierEventKind, state: OrderState): DomainError | null;
export function checkPushFits(source: 'courier' | 'carrier', kind: string, state: OrderState): DomainError | null {
  const table = PUSH_ACCEPTED_IN[source] as Readonly<Record<string, readonly OrderState[]>>;
  const accepted = table[kind];
  if (!accepted) return fail('CALLBACK.UNKNOWN_KIND', `The ${source} sends no event of this kind.`, { kind });
  if (accepted.includes(state)) return null;
  return fail('CALLBACK.OUT_OF_ORDER', `A ${kind} push does not fit an order that is ${state}.`, { kind, state });
}

/**
 * When the order's current state began, as the world saw it. Delivery and activation are dated by the
 * partner that reported them (the courier's scan time, the carrier's activation time), so a carrier that
 * activates before our copy of the delivered scan arrived is still in order; other states begin when we
 * recorded the move (`enteredAt`, the audit event that brought the order there).
 */
export function stateSince(order: Pick<Order, 'state' | 'deliveredAt' | 'activatedAt'>, enteredAt: number): number {
  if (order.state === 'delivered' && order.deliveredAt !== null) return order.deliveredAt;
  if (order.state === 'activated' && order.activatedAt !== null) return order.activatedAt;
  return enteredAt;
}

/**
 * An event dated before the order's current state began cannot be about it (an activation three years back
 * would make the contract look over), and one dated more than a clock skew ahead has not happened (a delivery
 * 300 days ahead would keep the return window open for a year).
 */
export function checkPushTime(since: number, eventAt: number, now: number): DomainError | null {
  if (!Number.isFinite(eventAt) || eventAt < since) {
    return fail('CALLBACK.TIME_OUT_OF_RANGE', 'The event is dated before the order reached its current state.', { occurredAt: eventAt, stateSince: since });
  }
  if (eventAt > now + PUSH_CLOCK_SKEW_MS) {
    return fail('CALLBACK.TIME_OUT_OF_RANGE', 'The event is dated in the future.', { occurredAt: eventAt, latest: now + PUSH_CLOCK_SKEW_MS });
  }
  return null;
}

// C0 and C1 control characters (tab, newline and friends included): a scan's detail is one line of text.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * A partner's free text as we keep it: trimmed, empty as null, at most `max` characters, no control
 * characters. Text that breaks a rule is refused rather than cut or cleaned: the push is signed, and a
 * partner sending a 100 kB detail or escape sequences is sending something other than a scan.
 */
export function checkPushText(field: string, text: string | null, max = PUSH_TEXT_MAX): { text: string | null } | DomainError {
  if (text === null) return { text: null };
  const t = text.trim();
  if (t.length > max) return fail('CALLBACK.INVALID_FIELD', `${field} is longer than ${max} characters.`, { field, max });
  if (CONTROL.test(t)) return fail('CALLBACK.INVALID_FIELD', `${field} holds control characters.`, { field });
  return { text: t === '' ? null : t };
}

export const isPushText = (s: string, max = PUSH_TEXT_MAX): boolean => s.trim().length <= max && !CONTROL.test(s.trim());
