import { placementEffects, type Actor } from '../../domain/decide.ts';
import { fail, type DomainError } from '../../domain/errors.ts';
import { termsOf, type Address, type Order } from '../../domain/order.ts';
import { isValidResidentId, maskResidentId, normaliseResidentId } from '../../domain/resident-id.ts';
import { applyEffects, commitDecisions } from '../platform/commit.ts';
import { confirmFree } from '../../domain/suppliers/supplier-order.ts';
import { eventRow } from '../platform/rows.ts';
import { inTx, newId, type Deps, type Receipt } from '../platform/deps.ts';
import { attributeOrder } from '../distribution/attribution.ts';
import { isError } from '../../domain/errors.ts';

export interface PlaceOrderInput {
  customerId: string;
  planId: string;
  numberId: string;
  contactName: string;
  contactPhone: string;
  residentId: string;
  address: Address;
  /** A distributor's promotion code (?ref=), or the distributor placing it through the open API. */
  ref?: string;
  distributorId?: string;
}

/** Places an order: the number is locked in the same transaction, the countdown starts, the customer is told. */
export async function placeOrder(deps: Deps, input: PlaceOrderInput, receipt?: Receipt<Order>): Promise<Order | DomainError> {
  const residentId = normaliseResidentId(input.residentId);
  if (!isValidResidentId(residentId)) {
    return fail('CUSTOMER.INVALID_RESIDENT_ID', 'The resident ID number is not valid (18 characters with a correct check digit).', { field: 'residentId' });
  }
  const settings = await deps.settings.get();
  const now = deps.clock.now();
  const idHash = deps.secrets.hash('resident-id', residentId);
  return inTx(deps.store, async (r) => {
    const plan = await r.orders.getPlan(input.planId);
    if (!plan || !plan.active) return fail('PLAN.NOT_FOUND', 'No such plan is on sale.', { planId: input.planId });
    const number = await r.orders.getNumber(input.numberId);
    if (!number) return fail('NUMBER.NOT_FOUND', 'No such number.', { numberId: input.numberId });
    if (number.carrier !== plan.carrier) {
      return fail('PLAN.CARRIER_MISMATCH', 'The number belongs to another carrier than the plan.', { planCarrier: plan.carrier, numberCarrier: number.carrier });
    }
    // A supplier's plan is ordered on a number held at its supplier (app/suppliers), and only such a plan takes one.
    const fromSupplier = (await r.suppliers.getPlan(plan.id)) !== undefined;
    if (fromSupplier !== number.id.startsWith('S-')) {
      return fail('SUPPLIER.HOLD_REQUIRED', 'This plan\u2019s numbers come from its supplier: pick one from the supplier\u2019s pool for this plan.', { planId: plan.id, numberId: number.id });
    }
    const id = newId('HK', now);
    if (!(await r.orders.lockNumber(number.id, id, now))) {
      return fail('NUMBER.UNAVAILABLE', 'This number has just been taken; please choose another.', { numberId: number.id, number: number.number });
    }
    // Real-name rule: concurrent orders under one ID must count each other, so they take turns here.
    await r.lockKey(`real-name:${idHash}:${plan.carrier}`);
    const live = await r.orders.countLiveOrders(idHash, plan.carrier);
    if (live >= settings.realNameLimitPerCarrier) {
      return fail('CUSTOMER.REAL_NAME_LIMIT', `One resident ID may hold at most ${settings.realNameLimitPerCarrier} cards of one carrier.`, { limit: settings.realNameLimitPerCarrier, carrier: plan.carrier });
    }
    const order: Order = {
      id,
      customerId: input.customerId,
      planId: plan.id,
      numberId: number.id,
      number: number.number,
      carrier: plan.carrier,
      state: 'pending_payment',
      amountFen: plan.priceFen + number.priceFen,
      // Terms as sold: the plan's rules today are what this order keeps, whatever the operator changes later.
      terms: termsOf(plan),
      contactName: input.contactName,
      contactPhone: input.contactPhone,
      idHash,
      idMasked: maskResidentId(residentId),
      address: input.address,
      paymentDeadline: now + settings.paymentTimeoutMs,
      paymentChannel: null,
      closeReason: null,
      keepsReorderDiscount: null,
      createdAt: now,
      updatedAt: now,
      paidAt: null,
      closedAt: null,
      trackingNo: null,
      deliveredAt: null,
      activatedAt: null,
      iccid: null,
      pickedAt: null,
      version: 1,
    };
    await r.orders.insertOrder(order);
    if (input.ref !== undefined || input.distributorId !== undefined) {
      const attributed = await attributeOrder(r, order, input.ref !== undefined ? { ref: input.ref } : { distributorId: input.distributorId! }, now);
      if (isError(attributed)) return attributed;
    }
    const actor: Actor = { type: 'customer', id: input.customerId };
    await r.orders.insertEvents([eventRow(order, { event: { action: 'order.placed', fromState: null, toState: 'pending_payment', reason: null, automatic: false } }, actor, now)]);
    // A card that costs nothing needs no payment: confirmed at once, without a countdown or a "please pay" notice
    // (a supplier's free card is confirmed once its supplier order is kept, in app/suppliers).
    if (order.amountFen === 0 && !fromSupplier) {
      const free = confirmFree(order, { now, settings });
      if (isError(free)) return free;
      await commitDecisions(r, [{ before: order, decision: free, actor }], now);
      return free.order;
    }
    await applyEffects(r, [{ order, effects: placementEffects(order, settings) }], now);
    return order;
  }, receipt);
}
