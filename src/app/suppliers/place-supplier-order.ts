// An order for a supplier's plan, on the number held for it: placed as any order (terms as sold, real-name limit,
// payment countdown), and in the same transaction tied to its hold, with the customer's real-name details sealed
// for the submission and the plan's disclosure as sold. A free card needs no payment: it is confirmed at once and
// goes to the supplier on the worker's next pass.
import { SYSTEM } from '../../domain/decide.ts';
import { fail, isError, Rejection, type DomainError } from '../../domain/errors.ts';
import type { Order } from '../../domain/order.ts';
import { confirmFree } from '../../domain/suppliers/supplier-order.ts';
import { vanityOf } from '../../domain/suppliers/vanity.ts';
import { commitDecisions } from '../platform/commit.ts';
import type { Deps, Receipt } from '../platform/deps.ts';
import { placeOrder, type PlaceOrderInput } from '../ordering/place-order.ts';
import { vanityRules } from './vanity-rules.ts';
import { evaluate } from './eligibility.ts';
import { refusalError } from '../../domain/suppliers/eligibility.ts';

export const REAL_NAME_PURPOSE = 'supplier-real-name';

export type SupplierOrderInput = Omit<PlaceOrderInput, 'numberId'> & { reservationId: string };

/** The local row that locks a supplier's number for one order (the `numbers` table is where orders take numbers). */
export const localNumberId = (supplierId: string, number: string): string => `S-${supplierId}-${number}`;

export async function placeSupplierOrder(deps: Deps, input: SupplierOrderInput, outer?: Receipt<Order>): Promise<Order | DomainError> {
  const now = deps.clock.now();
  const hold = await deps.store.suppliers.getReservation(input.reservationId);
  const plan = await deps.store.suppliers.getPlan(input.planId);
  if (!plan) return fail('PLAN.NOT_FOUND', 'No such plan is on sale.', { planId: input.planId });
  if (!hold || hold.plan_id !== input.planId || hold.state !== 'held' || hold.order_id !== null || hold.expires_at <= now) {
    return fail('SUPPLIER.RESERVATION_EXPIRED', 'The hold on this number has ended; please pick the number again.', { reservationId: input.reservationId });
  }
  // Eligibility again on the server: a refused order never reaches payment, and its number goes back at once.
  const refusals = await evaluate(deps, { planId: input.planId, customerId: input.customerId, residentId: input.residentId, contactPhone: input.contactPhone, address: input.address });
  const refused = isError(refusals) ? refusals : refusalError(refusals);
  if (refused) {
    await giveBack(deps, hold.id, hold.supplier_id, hold.reservation_id, hold.number);
    return refused;
  }
  const carrier = (await deps.store.orders.getPlan(input.planId))?.carrier;
  if (!carrier) return fail('PLAN.NOT_FOUND', 'No such plan is on sale.', { planId: input.planId });
  const numberId = localNumberId(hold.supplier_id, hold.number);
  const vanity = vanityOf(hold.number, await vanityRules(deps.store));
  const local = await deps.store.tx(async (r) => {
    const row = await r.orders.getNumber(numberId);
    if (!row) {
      await r.orders.insertNumbers([{ id: numberId, carrier, number: hold.number, vanity_level: vanity.level, price_fen: vanity.priceFen, state: 'free', order_id: null, updated_at: now }]);
      return true;
    }
    return row.state === 'free';
  });
  if (!local) return fail('NUMBER.UNAVAILABLE', 'This number has just been taken; please choose another.', { number: hold.number });
  const sealed = deps.secrets.seal(REAL_NAME_PURPOSE, JSON.stringify({ name: input.contactName, residentId: input.residentId, phone: input.contactPhone }));
  let placed: Order | null = null;
  const receipt: Receipt<Order> = {
    ...(outer?.claim ? { claim: outer.claim.bind(outer) } : {}),
    ...(outer?.refused ? { refused: outer.refused.bind(outer) } : {}),
    async keep(r, order) {
      if (!(await r.suppliers.attachReservation(hold.id, order.id, now))) {
        throw new Rejection(fail('SUPPLIER.RESERVATION_EXPIRED', 'The hold on this number has ended; please pick the number again.', { reservationId: hold.id }));
      }
      await r.suppliers.insertOrder({
        order_id: order.id, supplier_id: hold.supplier_id, plan_id: plan.plan_id, supplier_plan_id: plan.supplier_plan_id, reservation: hold.id, real_name_enc: sealed,
        disclosure: plan.disclosure, submission: 'waiting', submit_error: null, supplier_order_id: null, state: null, waybill: null, iccid: null, produced_number: null,
        activated_at: null, first_top_up_fen: null, first_top_up_at: null, reason: null, polled_at: null, after_sale: null, updated_at: now, created_at: now,
      });
      placed = order;
      if (order.amountFen === 0) {
        const settings = await deps.settings.get();
        const d = confirmFree(order, { now, settings });
        if (isError(d)) throw new Rejection(d);
        await commitDecisions(r, [{ before: order, decision: d, actor: SYSTEM }], now);
        placed = d.order;
      }
      if (outer) await outer.keep(r, placed);
    },
  };
  const r = await placeOrder(deps, { ...input, numberId }, receipt);
  return isError(r) ? r : (placed ?? r);
}

/** A hold whose order was refused goes back to the supplier now; one the supplier does not take back runs out there. */
async function giveBack(deps: Deps, id: string, supplierId: string, reservationId: string, number: string): Promise<void> {
  const port = deps.suppliers?.get(supplierId);
  if (!port || isError(port)) return;
  const a = await port.release({ reservationId, number }).catch((e: unknown) => ({ status: 'failed' as const, error: String(e) }));
  if (a.status === 'released') await deps.store.tx((r) => r.suppliers.setReservationState(id, 'released', deps.clock.now()));
  else deps.log.warn({ supplierId, reservationId: id, error: a.error }, 'hold of a refused order not given back; it runs out at the supplier');
}
