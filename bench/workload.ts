// What the i-th cycle of each scenario sends, the same whether it goes over HTTP or straight to the use cases.
import type { PlaceOrderInput } from '../src/app/ordering/place-order.ts';
import { ADDRESS, BENCH_PLAN, benchNumberId, residentId } from './fixtures.ts';

export type Scenario = 'place-cancel' | 'place-pay' | 'place-pay-cancel' | 'place-pay-review' | 'place-cancel-link' | 'place-pay-cancel-link' | 'hold-place-cancel';
/** The scenarios measured against the ceiling; place-pay-review (an agent approves) runs over HTTP only. */
export const SCENARIOS: Scenario[] = ['place-cancel', 'place-pay', 'place-pay-cancel'];
/**
 * The same cycles placed through a distributor's promotion link (?ref=), measured in rounds alternating with their
 * plain twin: the difference in server CPU per cycle is what attribution and the commission ledger cost.
 */
export const THROUGH_LINK: Partial<Record<Scenario, Scenario>> = { 'place-cancel': 'place-cancel-link', 'place-pay-cancel': 'place-pay-cancel-link' };
/** The cycle a scenario runs, leaving aside whether its orders come through a link. */
export const cycleOf = (s: Scenario): Exclude<Scenario, `${string}-link`> => (s === 'place-cancel-link' ? 'place-cancel' : s === 'place-pay-cancel-link' ? 'place-pay-cancel' : s);

export interface Customer {
  token: string;
  customerId: string;
  phone: string;
  residentId: string;
}

export interface Workload {
  /** Place+cancel customers: each has one live order at a time, far under the real-name limit of 5. */
  customers: Customer[];
  /**
   * Customers who pay. A paid cancellation is refunded at once only for a customer with fewer than 3 own
   * cancellations in 90 days (the priority-channel rule), so paid cycles spread over many of them.
   */
  payers: Customer[];
  /** Place+cancel cycles reuse these numbers (a cancel releases the number), well apart in time. */
  cancelPool: number;
  /** Paid cycles (of both paid scenarios, one index space) each take a fresh number after the cancel pool. */
  paidCycles: number;
  /** Review cycles each take a number priced over the express-refund amount, after the paid cycles' numbers. */
  reviewCycles?: number;
  /**
   * Customers of the review cycles, two cycles each: a third own cancellation in 90 days would send their
   * request to the priority queue, which the bench's standard-queue agent does not serve.
   */
  reviewers?: Customer[];
  /** The standard-queue agent who claims and approves review requests. */
  agentToken?: string;
  /** A general promotion code of a second-level distributor, on whose plan a commission rule is set. */
  ref?: string;
  /** Hold+place+cancel cycles at a supplier: our plan of its product, and its pool's numbers (one per cycle). */
  supplier?: { planId: string; numbers: string[] };
}

/** Resident IDs of the supplier cycles: born from 1990 on, inside the supplier plan's age band (18-55). */
const SUPPLIER_IDS_FROM = 11_000_000;

/** The reason every bench cancellation gives (不想要了). */
export const CANCEL_REASON = 'changed_mind';

export type PlaceBody = Omit<PlaceOrderInput, 'customerId'>;

export function cycleInput(w: Workload, scenario: Scenario, i: number): { customer: Customer; body: PlaceBody } {
  const x = plainInput(w, cycleOf(scenario), i);
  if (scenario === cycleOf(scenario)) return x;
  if (!w.ref) throw new Error('this workload has no promotion code');
  return { customer: x.customer, body: { ...x.body, ref: w.ref } };
}

function plainInput(w: Workload, scenario: Scenario, i: number): { customer: Customer; body: PlaceBody } {
  if (scenario === 'place-cancel') {
    const customer = w.customers[i % w.customers.length]!;
    return { customer, body: { planId: BENCH_PLAN, numberId: benchNumberId(i % w.cancelPool), contactName: '张三', contactPhone: customer.phone, residentId: customer.residentId, address: ADDRESS } };
  }
  if (scenario === 'hold-place-cancel') {
    // A hold is counted per customer (20 in 10 minutes) and each order keeps its number: one of each per cycle.
    const number = w.supplier?.numbers[i];
    if (!number) throw new Error(`supplier cycles ran out of numbers after ${w.supplier?.numbers.length ?? 0}`);
    const customer = w.payers[i % w.payers.length]!;
    return { customer, body: { planId: w.supplier!.planId, numberId: number, contactName: '王五', contactPhone: customer.phone, residentId: residentId(SUPPLIER_IDS_FROM + i), address: ADDRESS } };
  }
  if (scenario === 'place-pay-review') {
    if (i >= (w.reviewCycles ?? 0)) throw new Error(`review cycles ran out of numbers after ${w.reviewCycles ?? 0}; raise reviewCycles`);
    const customer = w.reviewers![i % w.reviewers!.length]!;
    return { customer, body: { planId: BENCH_PLAN, numberId: benchNumberId(w.cancelPool + w.paidCycles + i), contactName: '孙七', contactPhone: customer.phone, residentId: residentId(2_000_000 + i), address: ADDRESS } };
  }
  if (i >= w.paidCycles) throw new Error(`paid cycles ran out of numbers after ${w.paidCycles}; raise paidCycles`);
  // Paid orders stay live, so each cycle names a new resident ID (the real-name limit counts per ID).
  const customer = w.payers[i % w.payers.length]!;
  return { customer, body: { planId: BENCH_PLAN, numberId: benchNumberId(w.cancelPool + i), contactName: '李四', contactPhone: customer.phone, residentId: residentId(1_000_000 + i), address: ADDRESS } };
}
