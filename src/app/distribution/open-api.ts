// The distributors' open API: each call signed with the distributor's app key and secret (HMAC-SHA256 over method,
// path, timestamp, nonce and body). The signature is checked before anything else is read from the body; a stale
// timestamp and a nonce used before are refused with their own codes, so a captured request cannot be sent again.
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import type { Order } from '../../domain/order.ts';
import { maskPhone } from '../../domain/resident-id.ts';
import type { DistributorRow } from '../../adapters/store/distribution/distribution-repo.ts';
import { placeOrder, type PlaceOrderInput } from '../ordering/place-order.ts';
import { cancelUnpaidOrder } from '../ordering/cancel-order.ts';
import { applyForCancellation } from '../cancellation/apply-cancellation.ts';
import { newId, type Deps } from '../platform/deps.ts';
import { APP_SECRET_PURPOSE, FRESHNESS_MS, verify } from './signature.ts';

export interface SignedCall { appKey?: string; timestamp?: string; nonce?: string; signature?: string; method: string; path: string; body: string }

export async function authenticateCall(deps: Deps, c: SignedCall): Promise<DistributorRow | DomainError> {
  if (!c.appKey || !c.timestamp || !c.nonce || !c.signature) {
    return fail('OPEN_API.BAD_SIGNATURE', 'Sign the call: X-Haoka-App-Key, X-Haoka-Timestamp, X-Haoka-Nonce and X-Haoka-Signature are all needed.');
  }
  const d = await deps.store.distribution.getDistributorByAppKey(c.appKey);
  if (!d) return fail('OPEN_API.UNKNOWN_KEY', 'No distributor has this app key.');
  const now = deps.clock.now();
  const ts = Number(c.timestamp);
  if (!/^\d{13}$/.test(c.timestamp) || Math.abs(now - ts) > FRESHNESS_MS) {
    return fail('OPEN_API.STALE_TIMESTAMP', 'The timestamp is not within 5 minutes of our clock (milliseconds since 1970, UTC).', { serverTime: now });
  }
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(c.nonce)) return fail('OPEN_API.BAD_SIGNATURE', 'The nonce is 8 to 64 letters, digits, _ or -.');
  if (!/^[0-9a-f]{64}$/.test(c.signature) || !verify(deps.secrets.open(APP_SECRET_PURPOSE, d.app_secret), { method: c.method, path: c.path, timestamp: c.timestamp, nonce: c.nonce, body: c.body }, c.signature)) {
    return fail('OPEN_API.BAD_SIGNATURE', 'The signature does not match: HMAC-SHA256 with your app secret over METHOD\\nPATH\\nTIMESTAMP\\nNONCE\\nBODY, in lowercase hex.');
  }
  if (!(await deps.store.tx((r) => r.exchanges.useNonce(d.app_key, c.nonce!, now)))) {
    return fail('OPEN_API.REPLAYED_NONCE', 'This nonce was used before: every call takes a new one.');
  }
  if (d.state !== 'active') return fail('DISTRIBUTOR.SUSPENDED', 'This distributor is suspended.', { distributorId: d.id });
  return d;
}

/** What a distributor sees of an order it sold: no contact details but a masked phone. */
export const openOrderView = (o: Order) => ({
  id: o.id, planId: o.planId, number: o.number, state: o.state, closeReason: o.closeReason, amountFen: o.amountFen,
  contactPhone: maskPhone(o.contactPhone), createdAt: o.createdAt, paidAt: o.paidAt, activatedAt: o.activatedAt, closedAt: o.closedAt,
});

/** An order placed on a customer's behalf: the customer's account is found (or opened) by phone, the order attributed. */
export async function placeForCustomer(deps: Deps, d: DistributorRow, input: Omit<PlaceOrderInput, 'customerId' | 'ref' | 'distributorId'> & { customerPhone: string }) {
  const now = deps.clock.now();
  const customerId = await deps.store.accounts.ensureCustomer(newId('C', now), input.customerPhone, now);
  const { customerPhone: _p, ...rest } = input;
  return placeOrder(deps, { ...rest, customerId, distributorId: d.id });
}

async function ownOrder(deps: Deps, d: DistributorRow, orderId: string): Promise<Order | DomainError> {
  const [a] = await deps.store.distribution.getAttributions([orderId]);
  const order = a?.distributorId === d.id ? await deps.store.orders.getOrder(orderId) : undefined;
  return order ?? fail('ORDER.NOT_FOUND', 'No such order among yours.', { orderId });
}

export async function queryOwnOrder(deps: Deps, d: DistributorRow, orderId: string) {
  const o = await ownOrder(deps, d, orderId);
  return isError(o) ? o : openOrderView(o);
}

/**
 * Cancels on the customer's behalf, by the order's own rule: an unpaid order at once; a paid one through a
 * cancellation request (express or reviewed), as the customer's own request would.
 */
export async function cancelOwnOrder(deps: Deps, d: DistributorRow, orderId: string, reasonCode: string) {
  const o = await ownOrder(deps, d, orderId);
  if (isError(o)) return o;
  const reason = `via distributor ${d.id}`;
  if (o.state === 'pending_payment') {
    const r = await cancelUnpaidOrder(deps, orderId, { type: 'customer', id: o.customerId }, { confirm: true, reason: `${reasonCode} ${reason}` });
    return isError(r) ? r : { order: openOrderView(r), requestId: null };
  }
  const r = await applyForCancellation(deps, orderId, o.customerId, { reasonCode, reasonText: reason });
  return isError(r) ? r : { order: openOrderView(r.order), requestId: r.request.id };
}
