// The staff desk over HTTP: operators edit each plan's rules (validated, audited, read by orders at once);
// agents list orders to fulfil (phones masked) and returns waiting for the card or its inspection;
// supervisors list whom a request can go to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveredOrder, pick } from '../fixtures/after-sales.ts';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

const put = (url: string, token: string, body: unknown) =>
  h.app.inject({ method: 'PUT', url, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });

describe('plan rules', () => {
  it('changes a plan\u2019s window, trial and penalty, audits each change with who and old -> new, and orders read the new rules', async () => {
    const operator = await h.staff('operator');
    const before = json(await h.get('/api/v1/operator/plans', operator)).plans.find((p: any) => p.id === 'cb-19');
    expect(before).toMatchObject({ activationWindowDays: 15, trialDays: 0, penalty: { kind: 'fixed', fen: 5000 } });
    const rules = { activationWindowDays: 21, trialDays: 10, penalty: { kind: 'remaining_share', percent: 20 } };
    const r = await put('/api/v1/operator/plans/cb-19/rules', operator, rules);
    expect(r.statusCode).toBe(200);
    expect(json(r)).toMatchObject({ id: 'cb-19', ...rules });

    const { changes } = json(await h.get('/api/v1/operator/plans', operator));
    const mine = changes.filter((c: any) => c.planId === 'cb-19');
    const who = { by: 'A-operator', byName: '运营 张三', at: h.clock.now() };
    expect(mine).toEqual(expect.arrayContaining([
      expect.objectContaining({ rule: 'activationWindowDays', from: 15, to: 21, ...who }),
      expect.objectContaining({ rule: 'trialDays', from: 0, to: 10, ...who }),
      expect.objectContaining({ rule: 'penalty', from: { kind: 'fixed', fen: 5000 }, to: { kind: 'remaining_share', percent: 20 }, ...who }),
    ]));
    expect(mine).toHaveLength(3);

    // Saving the same rules again writes no audit row.
    expect((await put('/api/v1/operator/plans/cb-19/rules', operator, rules)).statusCode).toBe(200);
    expect(json(await h.get('/api/v1/operator/plans', operator)).changes.filter((c: any) => c.planId === 'cb-19')).toHaveLength(3);

    const c = await h.customer();
    const placed = json(await h.placeOrder(c.token, { planId: 'cb-19', numberId: (await h.freeNumber('china_broadnet')).id }));
    expect(placed.plan).toMatchObject({ activationWindowDays: 21, trialDays: 10 });
  });

  it('refuses rules outside the brief\u2019s ranges with REQUEST.INVALID and writes nothing', async () => {
    const operator = await h.staff('operator');
    const bad = [
      { activationWindowDays: 6, trialDays: 0, penalty: { kind: 'fixed', fen: 0 } },
      { activationWindowDays: 31, trialDays: 0, penalty: { kind: 'fixed', fen: 0 } },
      { activationWindowDays: 15, trialDays: 3, penalty: { kind: 'fixed', fen: 0 } },
      { activationWindowDays: 15, trialDays: 16, penalty: { kind: 'fixed', fen: 0 } },
      { activationWindowDays: 15, trialDays: 0, penalty: { kind: 'fixed', fen: 10.5 } },
      { activationWindowDays: 15, trialDays: 0, penalty: { kind: 'remaining_share', percent: 0 } },
      { activationWindowDays: 15, trialDays: 0, penalty: { kind: 'remaining_share', percent: 101 } },
      { activationWindowDays: 15, trialDays: 0 },
    ];
    const plansBefore = json(await h.get('/api/v1/operator/plans', operator));
    for (const body of bad) {
      const r = await put('/api/v1/operator/plans/cm-58/rules', operator, body);
      expect([r.statusCode, json(r).error.code], JSON.stringify(body)).toEqual([400, 'REQUEST.INVALID']);
    }
    const missing = await put('/api/v1/operator/plans/nope/rules', operator, { activationWindowDays: 15, trialDays: 0, penalty: { kind: 'fixed', fen: 0 } });
    expect([missing.statusCode, json(missing).error.code]).toEqual([404, 'PLAN.NOT_FOUND']);
    expect(json(await h.get('/api/v1/operator/plans', operator))).toEqual(plansBefore);
  });

  it('lets only operators change rules', async () => {
    const agent = await h.staff('agent');
    const r = await put('/api/v1/operator/plans/cm-58/rules', agent, { activationWindowDays: 20, trialDays: 0, penalty: { kind: 'fixed', fen: 0 } });
    expect(r.statusCode).toBe(403);
  });
});

describe('desk lists', () => {
  it('lists paid orders to fulfil, oldest first, with the contact phone masked', async () => {
    const agent = await h.staff('agent');
    const c = await h.customer();
    const a = (await h.paidOrder(c.token)).order;
    h.clock.advance(1000);
    const b = (await h.paidOrder(c.token, { numberId: (await h.freeNumber('china_mobile', 1)).id })).order;
    const paid = json(await h.get('/api/v1/agent/orders?state=paid', agent));
    const ids = paid.orders.map((o: any) => o.id);
    expect(ids.indexOf(a.id)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(a.id)).toBeLessThan(ids.indexOf(b.id));
    expect(paid.orders.every((o: any) => o.state === 'paid' && /^\d{3}\*{4}\d{4}$/.test(o.contactPhone))).toBe(true);
    expect(paid).toMatchObject({ page: 1, pageSize: 20, total: ids.length });
    expect(json(await h.get('/api/v1/agent/orders?state=packing', agent)).orders.map((o: any) => o.id)).not.toContain(a.id);

    // Picked and packed, the order moves to the packing list with its card.
    await pick(h, a.id, agent);
    expect((await h.post(`/api/v1/agent/orders/${a.id}/start-packing`, agent)).statusCode).toBe(200);
    const packing = json(await h.get('/api/v1/agent/orders?state=packing', agent)).orders;
    expect(packing.find((o: any) => o.id === a.id)).toMatchObject({ state: 'packing', iccid: expect.stringMatching(/^89\d{17,18}$/) });
    expect(json(await h.get('/api/v1/agent/orders?state=paid', agent)).orders.map((o: any) => o.id)).not.toContain(a.id);
    const bad = await h.get('/api/v1/agent/orders?state=cancelled', agent);
    expect([bad.statusCode, json(bad).error.code]).toEqual([400, 'REQUEST.INVALID']);
  });

  it('lists returns waiting for the card, by state', async () => {
    const { c, agent, order } = await deliveredOrder(h);
    const ret = json(await h.post(`/api/v1/orders/${order.id}/returns`, c.token, { reasonCode: 'changed_mind' }));
    const open = json(await h.get('/api/v1/agent/returns', agent)).returns;
    expect(open.find((x: any) => x.id === ret.id)).toMatchObject({ orderId: order.id, orderNumber: order.number, state: 'awaiting_parcel', kind: 'unactivated' });
    expect(json(await h.get('/api/v1/agent/returns?state=received', agent)).returns.map((x: any) => x.id)).not.toContain(ret.id);
  });

  it('gives supervisors the agents a request can go to, with their queue', async () => {
    const { agents } = json(await h.get('/api/v1/supervisor/agents', await h.staff('supervisor')));
    expect(agents).toEqual(expect.arrayContaining([
      expect.objectContaining({ id: 'A-agent', group: 'standard', role: 'agent' }),
      expect.objectContaining({ id: 'A-priority', group: 'priority' }),
    ]));
  });
});
