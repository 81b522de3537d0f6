// What the platform needs from an upstream supplier (上游供应商): its catalog, its number pool and reservations,
// orders with the customer's real-name details, their status (callbacks and queries) and cancellation at the source.
// Each protocol (adapters/suppliers/<name>/) implements it; the registry holds the configured ones.
import type { DomainError } from '../../domain/errors.ts';
import type { Address, Carrier } from '../../domain/order.ts';
import type { PlanDisclosure } from '../../domain/suppliers/disclosure.ts';
import type { SupplierUpdate } from '../../domain/suppliers/supplier-order.ts';

/** One plan in a supplier's catalog, in our units (fen, MB, minutes). */
export interface SupplierPlan {
  /** The supplier's product id. */
  supplierPlanId: string;
  carrier: Carrier;
  name: string;
  monthlyFeeFen: number;
  dataMb: number;
  voiceMinutes: number;
  /** What the customer pays for the card (0: a free card). */
  priceFen: number;
  disclosure: PlanDisclosure;
  /** The supplier's age band for the plan, when it states one (an eligibility rule). */
  ageBand?: { min: number; max: number };
}

/** A number in a supplier's pool; `supplierPriceFen` is the supplier's own surcharge, when it publishes one. */
export interface PoolNumber {
  number: string;
  province: string;
  city: string;
  supplierPriceFen: number;
}

export interface PoolQuery {
  supplierPlanId: string;
  /** Digits the number contains. */
  contains?: string;
  /** Digits the number ends with (靓号 searches). */
  tail?: string;
  limit: number;
}

export type ReserveAnswer =
  | { status: 'reserved'; reservationId: string; expiresAt: number }
  | { status: 'unavailable'; reason: string }
  | { status: 'failed'; error: string };

export type ReleaseAnswer = { status: 'released' } | { status: 'failed'; error: string };

export interface SubmitRequest {
  /** Our order id: the supplier's idempotency key for the order (a resubmission is answered with the same order). */
  orderId: string;
  supplierPlanId: string;
  number: string;
  reservationId: string | null;
  name: string;
  residentId: string;
  phone: string;
  address: Address;
}

/** `refused`: the supplier will not take this order (its words in `reason`); `failed`: try again later. */
export type SubmitAnswer =
  | { status: 'accepted'; supplierOrderId: string }
  | { status: 'refused'; code: string; reason: string }
  | { status: 'failed'; error: string; retryable: boolean };

/** Asking the supplier to cancel: it lets go of an unshipped order, or says it already shipped (with the waybill). */
export type CancelAnswer =
  | { status: 'cancelled' }
  | { status: 'already_shipped'; waybill: string | null }
  | { status: 'refused'; reason: string }
  | { status: 'failed'; error: string };

/** A status report about one of our orders, from a verified callback or a query. */
export interface SupplierReport extends SupplierUpdate {
  /** The supplier's id of this report (a resent callback carries the same one); queries make one from the state. */
  eventId: string;
  orderId: string;
  supplierOrderId: string | null;
}

/** What the supplier must receive as the answer to its callback (each protocol has its own words). */
export interface CallbackAck {
  contentType: string;
  body: string;
}

export interface SupplierPort {
  /** The configured supplier's id (our name for it). */
  readonly id: string;
  catalog(): Promise<SupplierPlan[]>;
  searchNumbers(q: PoolQuery): Promise<PoolNumber[]>;
  /** Holds a number for a short while; `reserveNo` makes a repeat return the same hold. */
  reserve(req: { reserveNo: string; supplierPlanId: string; number: string }): Promise<ReserveAnswer>;
  release(req: { reservationId: string; number: string }): Promise<ReleaseAnswer>;
  submit(req: SubmitRequest): Promise<SubmitAnswer>;
  /** The order as the supplier sees it now (the poll behind callbacks); null: it does not know the order. Throws when it does not answer. */
  query(orderId: string): Promise<SupplierReport | null>;
  cancel(req: { orderId: string; reason: string }): Promise<CancelAnswer>;
  /** Tells the supplier the card came back (a return or an intercepted parcel) or the line was closed. */
  reportAfterSale(req: { orderId: string; kind: 'returned' | 'closed'; at: number }): Promise<{ status: 'accepted' } | { status: 'failed'; error: string }>;
  /** Checks a callback's signature and reads it; never trusts an unsigned body. */
  verifyCallback(headers: Record<string, string | string[] | undefined>, rawBody: string, now: number): SupplierReport | DomainError;
  ack(ok: boolean): CallbackAck;
}
