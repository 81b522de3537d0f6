// Distributors, rules and orders placed through their links, for the distribution suites.
import { expect } from 'vitest';
import { isError } from '../../../src/domain/errors.ts';
import { createDistributor, createPromotionCode, putCommissionRule } from '../../../src/app/distribution/manage.ts';
import { DEMO_PLANS } from '../../../src/seed/demo.ts';
import { json, type Harness } from '../../fixtures/harness.ts';
import { pick } from '../../fixtures/after-sales.ts';

let seq = 0;
export async function aDistributor(h: Harness, parentId: string | null = null, pushUrl: string | null = null) {
  const name = `代理${process.pid}-${seq++}`;
  const d = await createDistributor(h.haoka.deps, { name, password: 'secret-pass-1', parentId, pushUrl });
  if (isError(d)) throw new Error(d.message);
  return { ...d, name };
}

export async function aCode(h: Harness, distributorId: string, planId: string | null = null) {
  const c = await createPromotionCode(h.haoka.deps, distributorId, planId);
  if (isError(c)) throw new Error(c.message);
  return c.code;
}

export async function aRule(h: Harness, planId: string, rule: Partial<{ levelFen: number[]; minFirstTopUpFen: number; daysInService: number; probationDays: number }> = {}) {
  const r = await putCommissionRule(h.haoka.deps, planId, { levelFen: [10000, 8000, 5000], minFirstTopUpFen: 5000, daysInService: 0, probationDays: 30, ...rule }, 'A-operator');
  if (isError(r)) throw new Error(r.message);
}

/** A paid order placed through `ref`, of plan `planId`. */
export async function paidThrough(h: Harness, ref: string, planId = 'cu-39') {
  const c = await h.customer();
  const number = await h.freeNumber(DEMO_PLANS.find((p) => p.id === planId)!.carrier);
  const { order } = await h.paidOrder(c.token, { planId, numberId: number.id, ref } as never);
  expect(order.state).toBe('paid');
  return { c, order };
}

/** Paid through `ref`, shipped and delivered by the courier's push. */
export async function deliveredThrough(h: Harness, ref: string, planId = 'cu-39') {
  const { c, order } = await paidThrough(h, ref, planId);
  const agent = await h.staff('agent');
  await pick(h, order.id, agent);
  expect((await h.post(`/api/v1/agent/orders/${order.id}/start-packing`, agent)).statusCode).toBe(200);
  const shipped = json(await h.post(`/api/v1/agent/orders/${order.id}/hand-to-courier`, agent));
  await h.haoka.sims.courier.event(shipped.trackingNo, 'delivered');
  return { c, agent, order };
}

/** Paid through `ref`, shipped, delivered and activated by the carrier's push. */
export async function activatedThrough(h: Harness, ref: string, planId = 'cu-39') {
  const { c, order } = await deliveredThrough(h, ref, planId);
  await h.haoka.sims.carrier!.activate(order.number);
  const activated = json(await h.get(`/api/v1/orders/${order.id}`, c.token));
  expect(activated.state).toBe('activated');
  return { c, order: activated };
}

/** Each distributor's balances by bucket, as the ledger has them. */
export async function balancesOf(h: Harness, distributorId: string) {
  const all = await h.haoka.deps.store.distribution.accountBalances(`distributor:${distributorId}:`);
  const get = (b: string) => all.get(`distributor:${distributorId}:${b}`) ?? 0;
  return { pending: get('pending'), eligible: get('eligible'), settled: get('settled'), paid_out: get('paid_out') };
}

export async function kindsOf(h: Harness, orderId: string) {
  return (await h.haoka.deps.store.distribution.entriesOfOrders([orderId])).map((e) => `${e.distributorId}:${e.kind}:${e.amountFen}`);
}
