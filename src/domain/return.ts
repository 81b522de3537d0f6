// A card coming back (未激活退货, or an intercepted parcel back at the warehouse) and its inspection (验卡).
// Pure: the use cases load the return and the order; this module says what may happen.
import type { Actor } from './decide.ts';
import { fail, type DomainError } from './errors.ts';
import type { Order } from './order.ts';
import { addWorkingDays } from './policies/working-days.ts';

export const RETURN_STATES = ['awaiting_parcel', 'in_transit', 'received', 'passed', 'refused', 'closed_unreceived'] as const;
export type ReturnState = (typeof RETURN_STATES)[number];
export type ReturnKind = 'unactivated' | 'intercepted';

/**
 * `awaiting_parcel`: the customer has the instructions; `in_transit`: they gave the return tracking number;
 * `received`: the card is at the warehouse, waiting for inspection (an intercepted parcel starts here).
 * `passed` starts the refund; `refused` sends the card back; a parcel that never comes is closed.
 */
export const RETURN_TRANSITIONS: Readonly<Record<ReturnState, readonly ReturnState[]>> = {
  awaiting_parcel: ['in_transit', 'received', 'closed_unreceived'],
  in_transit: ['received', 'closed_unreceived'],
  received: ['passed', 'refused'],
  passed: [],
  refused: [],
  closed_unreceived: [],
};

export const OPEN_RETURN_STATES: readonly ReturnState[] = ['awaiting_parcel', 'in_transit', 'received'];

export interface Return {
  id: string;
  orderId: string;
  customerId: string;
  kind: ReturnKind;
  state: ReturnState;
  requestId: string | null;
  returnTrackingNo: string | null;
  checklist: Checklist | null;
  notes: string | null;
  rejectionReason: string | null;
  inspectedBy: string | null;
  inspectedAt: number | null;
  /** Asia/Shanghai dates between which the refund must arrive (3-7 working days after passing). */
  refundEarliest: string | null;
  refundLatest: string | null;
  /** Why the customer sends an unactivated card back: a cancellation reason code and their words; null for intercepted parcels. */
  reasonCode: string | null;
  reasonText: string | null;
  createdAt: number;
  updatedAt: number;
  version: number;
}

/** The inspection checklist (验卡): every item must hold for the return to pass. */
export interface Checklist {
  cardIntact: boolean;
  pinAreaUnscratched: boolean;
  idCopyEnclosed: boolean;
  orderNumberMatches: boolean;
}
export const CHECKLIST_ITEMS: readonly (keyof Checklist)[] = ['cardIntact', 'pinAreaUnscratched', 'idCopyEnclosed', 'orderNumberMatches'];

/** Where the card goes and what goes with it (shown once the customer applies). */
export const RETURN_ADDRESS = { name: '号卡售后仓', phone: '400-800-1234', address: '广东省东莞市松山湖高新区工业北路 6 号 号卡售后仓 3 号门' };
export const RETURN_ENCLOSURES = ['号卡（卡片完好，PIN 码区域未刮开）', '订单号（写在纸条上）', '身份证复印件（下单人本人）'];

/** The refund of a passed return must arrive within 3 to 7 working days (mainland calendar). */
export const RETURN_REFUND_WORKING_DAYS = [3, 7] as const;
const DAY = 86_400_000;

export const canReturnMove = (from: ReturnState, to: ReturnState): boolean => RETURN_TRANSITIONS[from].includes(to);

function moveReturn(ret: Return, to: ReturnState, now: number, patch: Partial<Return>): Return | DomainError {
  if (!canReturnMove(ret.state, to)) return fail('RETURN.INVALID_TRANSITION', `A return that is ${ret.state} cannot become ${to}.`, { from: ret.state, to });
  return { ...ret, ...patch, state: to, updatedAt: now, version: ret.version + 1 };
}

/** Whether a delivered card may still be returned: inside the activation window it was sold with, from delivery. */
export function returnWindow(order: Pick<Order, 'state' | 'deliveredAt' | 'terms'>, now: number): { open: boolean; endsAt: number | null } {
  const endsAt = order.deliveredAt !== null ? order.deliveredAt + order.terms.activationWindowDays * DAY : null;
  return { open: order.state === 'delivered' && endsAt !== null && now < endsAt, endsAt };
}

export function openReturn(order: Order, id: string, reason: { code: string; text: string | null }, now: number): Return | DomainError {
  if (order.state !== 'delivered') {
    return fail('ORDER.NOT_CANCELLABLE', 'An unactivated return applies to a delivered card that is not activated.', { state: order.state });
  }
  const w = returnWindow(order, now);
  const days = order.terms.activationWindowDays;
  if (!w.open) {
    return fail('RETURN.WINDOW_EXPIRED', `已超过 ${days} 天激活有效期，无法退货。`, { activationWindowDays: days, windowEndedAt: w.endsAt });
  }
  return { ...blank(order, id, 'unactivated', 'awaiting_parcel', null, now), reasonCode: reason.code, reasonText: reason.text };
}

/** An intercepted (or returned-to-sender) parcel is back at the warehouse: it waits for inspection. */
export function arrivedParcel(order: Order, id: string, requestId: string | null, now: number): Return {
  return blank(order, id, 'intercepted', 'received', requestId, now);
}

function blank(order: Order, id: string, kind: ReturnKind, state: ReturnState, requestId: string | null, now: number): Return {
  return {
    id, orderId: order.id, customerId: order.customerId, kind, state, requestId, returnTrackingNo: null, checklist: null, notes: null,
    rejectionReason: null, inspectedBy: null, inspectedAt: null, refundEarliest: null, refundLatest: null, reasonCode: null, reasonText: null,
    createdAt: now, updatedAt: now, version: 1,
  };
}

export type ReturnCommand =
  | { type: 'ship_back'; trackingNo: string }
  | { type: 'receive' }
  | { type: 'inspect'; by: Actor; checklist: Checklist; notes: string | null; reason: string | null }
  | { type: 'close_unreceived' };

export function decideReturn(ret: Return, command: ReturnCommand, now: number): Return | DomainError {
  switch (command.type) {
    case 'ship_back':
      // Corrected while still on its way: the customer may fix a mistyped number.
      if (ret.state === 'in_transit') return { ...ret, returnTrackingNo: command.trackingNo, updatedAt: now, version: ret.version + 1 };
      return moveReturn(ret, 'in_transit', now, { returnTrackingNo: command.trackingNo });
    case 'receive':
      return moveReturn(ret, 'received', now, {});
    case 'inspect': {
      const passed = CHECKLIST_ITEMS.every((k) => command.checklist[k]);
      const base = { checklist: command.checklist, notes: command.notes, inspectedBy: command.by.id, inspectedAt: now };
      if (passed) {
        return moveReturn(ret, 'passed', now, {
          ...base, refundEarliest: addWorkingDays(now, RETURN_REFUND_WORKING_DAYS[0]), refundLatest: addWorkingDays(now, RETURN_REFUND_WORKING_DAYS[1]),
        });
      }
      const reason = command.reason?.trim() ?? '';
      if (reason.length < 2) return fail('RETURN.REASON_REQUIRED', 'Say why the card fails inspection; the customer reads it.', { field: 'reason' });
      return moveReturn(ret, 'refused', now, { ...base, rejectionReason: reason });
    }
    case 'close_unreceived':
      return moveReturn(ret, 'closed_unreceived', now, {});
  }
}
