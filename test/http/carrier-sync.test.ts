// Carrier status synchronisation over HTTP with the carrier simulator: the poll asks again with backoff while the
// carrier has not confirmed the order's state, stops when its answer settles it, and leaves an agent task after
// the set number of polls; agents resolve carrier tasks by following the carrier or keeping ours.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants } from '../../src/app/platform/check-invariants.ts';
import { activatedOrder, deliveredOrder } from '../fixtures/after-sales.ts';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

let h: Harness;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MAX_POLLS = 3;

beforeAll(async () => {
  h = await startHarness();
  const patched = await h.app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: { authorization: `Bearer ${await h.staff('operator')}`, 'content-type': 'application/json' }, payload: JSON.stringify({ carrierSyncMaxPolls: MAX_POLLS }) });
  expect([patched.statusCode, json(patched).carrierSyncMaxPolls]).toEqual([200, MAX_POLLS]);
});
afterAll(async () => { await h?.close(); });

const syncTimers = async (orderId: string) => (await h.haoka.deps.store.queue.listTimers(orderId)).filter((t) => t.kind === 'carrier_sync').map((t) => t.due_at);
// Tokens expire while the clock moves days ahead: each call signs the agent in again.
const events = async (orderId: string) => json(await h.get(`/api/v1/orders/${orderId}/events`, await h.staff('agent'))).events as any[];
const tasksOf = async (orderId: string, state?: 'open' | 'resolved') =>
  json(await h.get(`/api/v1/agent/carrier-tasks${state ? `?state=${state}` : ''}`, await h.staff('agent'))).tasks.filter((t: any) => t.orderId === orderId);
const resolve = async (taskId: number, body: unknown, token?: string | null) =>
  h.post(`/api/v1/agent/carrier-tasks/${taskId}/resolve`, token === undefined ? await h.staff('agent') : token, body);

describe('the carrier poll keeps polling an unconfirmed line', () => {
  it('asks again with a growing wait while a delivered card stays inactive, then opens an agent task instead of polling forever', async () => {
    const { order } = await deliveredOrder(h);
    expect(await syncTimers(order.id)).toEqual([h.clock.now() + DAY]);
    const waits = [DAY, 6 * HOUR, 12 * HOUR];
    for (const [i, wait] of waits.entries()) {
      h.clock.advance(wait);
      await h.haoka.worker.drain();
      const polled = (await events(order.id)).filter((e) => e.action === 'carrier.polled');
      expect(polled).toHaveLength(i + 1);
      expect(polled.at(-1)).toMatchObject({ fromState: 'delivered', toState: 'delivered', reason: `poll ${i + 1}: line inactive` });
      if (i + 1 < MAX_POLLS) expect(await syncTimers(order.id)).toEqual([h.clock.now() + waits[i + 1]!]);
    }
    expect(await syncTimers(order.id)).toEqual([]);
    expect(await tasksOf(order.id)).toEqual([expect.objectContaining({ kind: 'activation_unconfirmed', state: 'open', resolution: null })]);
    // Nothing is left to fire: time passing changes nothing more.
    h.clock.advance(7 * DAY);
    await h.haoka.worker.drain();
    expect((await events(order.id)).filter((e) => e.action === 'carrier.polled')).toHaveLength(MAX_POLLS);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, await h.staff('agent'))).state).toBe('delivered');
  });

  it('stops as soon as the carrier\u2019s answer settles it: a lost activation push is picked up by the next poll', async () => {
    const { order } = await deliveredOrder(h);
    h.clock.advance(DAY);
    await h.haoka.worker.drain();
    expect(await syncTimers(order.id)).toHaveLength(1);
    const activatedAt = h.clock.now();
    await h.haoka.sims.carrier!.activate(order.number, { send: false });
    h.clock.advance(6 * HOUR);
    await h.haoka.worker.drain();
    expect(json(await h.get(`/api/v1/orders/${order.id}`, await h.staff('agent')))).toMatchObject({ state: 'activated' });
    expect(await syncTimers(order.id)).toEqual([]);
    expect(await tasksOf(order.id)).toEqual([]);
    expect((await events(order.id)).filter((e) => e.action === 'carrier.polled')).toHaveLength(1);
    expect(activatedAt).toBeLessThan(h.clock.now());
    expect((await checkInvariants(h.haoka.deps.store)).violations).toEqual([]);
  });

  it('polls a closed account until the carrier shows the line closed; "keep ours" asks again with a fresh count', async () => {
    const { c, order } = await activatedOrder(h, 'ct-29');
    const closure = json(await h.post(`/api/v1/orders/${order.id}/account-closure`, c.token, { confirmPenaltyFen: 0 }));
    expect(json(await h.post(`/api/v1/agent/account-closures/${closure.id}/complete`, await h.staff('agent'))).order.state).toBe('account_closed');
    await h.haoka.worker.drain();
    // The carrier's system still shows the line live: the closure went out but is not confirmed.
    await h.haoka.sims.carrier!.setLine(order.number, 'activated', { push: false });
    h.clock.advance(HOUR);
    await h.haoka.worker.drain();
    for (const wait of [6 * HOUR, 12 * HOUR]) {
      expect(await syncTimers(order.id)).toEqual([h.clock.now() + wait]);
      h.clock.advance(wait);
      await h.haoka.worker.drain();
    }
    expect(await syncTimers(order.id)).toEqual([]);
    const [task] = await tasksOf(order.id);
    expect(task).toMatchObject({ kind: 'closure_unconfirmed', state: 'open' });

    const kept = await resolve(task.id, { resolution: 'keep_ours', note: '运营商工单已催办' });
    expect(kept.statusCode, kept.body).toBe(200);
    expect(json(kept)).toMatchObject({ id: task.id, state: 'resolved', resolution: 'keep_ours', note: '运营商工单已催办', resolvedBy: 'A-agent', resolvedAt: h.clock.now() });
    expect(await syncTimers(order.id)).toEqual([h.clock.now() + HOUR]);
    const again = await resolve(task.id, { resolution: 'follow_carrier', note: 'second thoughts' });
    expect([again.statusCode, json(again).error.code]).toEqual([409, 'CARRIER_TASK.ALREADY_RESOLVED']);

    await h.haoka.sims.carrier!.setLine(order.number, 'closed', { push: false });
    h.clock.advance(HOUR);
    await h.haoka.worker.drain();
    const trail = await events(order.id);
    expect(trail.at(-1)).toMatchObject({ action: 'carrier.closure_confirmed', toState: 'account_closed' });
    expect(trail.find((e) => e.action === 'carrier_task.resolved')).toMatchObject({ actorType: 'agent', actorId: 'A-agent', reason: expect.stringContaining('运营商工单已催办') });
    expect(await syncTimers(order.id)).toEqual([]);
    expect(await tasksOf(order.id, 'open')).toEqual([]);
    expect(await tasksOf(order.id, 'resolved')).toEqual([expect.objectContaining({ id: task.id, resolution: 'keep_ours' })]);
  });
});

describe('resolving carrier tasks', () => {
  it('follows the carrier: a line closed at the carrier closes the account here and releases the number through the usual path', async () => {
    const { c, order } = await activatedOrder(h, 'cm-58');
    await h.haoka.sims.carrier!.setLine(order.number, 'closed');
    const [task] = await tasksOf(order.id);
    expect(task).toMatchObject({ kind: 'closed_while_live', state: 'open' });
    h.clock.advance(60_000);
    const r = await resolve(task.id, { resolution: 'follow_carrier', note: '客户已在营业厅销户' });
    expect(r.statusCode, r.body).toBe(200);
    expect(json(r)).toMatchObject({ state: 'resolved', resolution: 'follow_carrier', resolvedBy: 'A-agent', resolvedAt: h.clock.now() });
    const view = json(await h.get(`/api/v1/orders/${order.id}`, c.token));
    expect(view).toMatchObject({ state: 'account_closed', closedAt: h.clock.now(), cancellation: { label: 'not_cancellable' } });
    const trail = await events(order.id);
    expect(trail.map((e) => e.action)).toEqual(expect.arrayContaining(['order.closed_by_carrier', 'carrier_task.resolved']));
    expect(trail.find((e) => e.action === 'order.closed_by_carrier')).toMatchObject({ actorType: 'agent', fromState: 'activated', toState: 'account_closed', reason: expect.stringContaining('客户已在营业厅销户') });
    await h.haoka.worker.drain();
    expect((await h.haoka.deps.store.orders.getNumber(`N${order.number}`))?.state).toBe('free');
    expect(await tasksOf(order.id, 'open')).toEqual([]);
    expect((await tasksOf(order.id, 'resolved')).map((t: any) => t.id)).toEqual([task.id]);
    const twice = await resolve(task.id, { resolution: 'follow_carrier', note: 'again' });
    expect([twice.statusCode, json(twice).error.code]).toEqual([409, 'CARRIER_TASK.ALREADY_RESOLVED']);
    expect((await checkInvariants(h.haoka.deps.store)).violations).toEqual([]);
  });

  it('refuses to follow the carrier where the transition table has no way, writing nothing; keeping ours asks the carrier again', async () => {
    const { order } = await deliveredOrder(h);
    await h.haoka.sims.carrier!.setLine(order.number, 'closed');
    const [task] = await tasksOf(order.id);
    expect(task).toMatchObject({ kind: 'closed_while_live' });
    const before = await h.snapshot();
    const refused = await resolve(task.id, { resolution: 'follow_carrier', note: 'follow' });
    expect([refused.statusCode, json(refused).error.code, json(refused).error.details]).toEqual([409, 'CARRIER_TASK.CANNOT_FOLLOW', { state: 'delivered', carrierStatus: 'closed' }]);
    expect(await h.snapshot()).toEqual(before);
    await h.haoka.deps.store.queue.deleteTimers([order.id], ['carrier_sync']);
    const kept = json(await resolve(task.id, { resolution: 'keep_ours', note: '卡片已签收，等待激活' }));
    expect(kept).toMatchObject({ state: 'resolved', resolution: 'keep_ours' });
    expect(await syncTimers(order.id)).toEqual([h.clock.now() + HOUR]);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, await h.staff('agent'))).state).toBe('delivered');
  });

  it('answers bad input with a stable code and writes nothing', async () => {
    const agent = await h.staff('agent');
    const { order } = await activatedOrder(h, 'cm-58');
    await h.haoka.sims.carrier!.setLine(order.number, 'suspended');
    const c = await h.customer();
    const before = await h.snapshot();
    const cases: [string, unknown, string | null, number, string][] = [
      ['99999999', { resolution: 'keep_ours', note: 'x' }, agent, 404, 'CARRIER_TASK.NOT_FOUND'],
      ['abc', { resolution: 'keep_ours', note: 'x' }, agent, 400, 'REQUEST.INVALID'],
      ['1', { resolution: 'ignore', note: 'x' }, agent, 400, 'REQUEST.INVALID'],
      ['1', { resolution: 'keep_ours', note: '' }, agent, 400, 'REQUEST.INVALID'],
      ['1', { resolution: 'keep_ours', note: 'x'.repeat(501) }, agent, 400, 'REQUEST.INVALID'],
      ['1', { resolution: 'keep_ours', note: 'x' }, c.token, 403, 'AUTH.FORBIDDEN'],
      ['1', { resolution: 'keep_ours', note: 'x' }, null, 401, 'AUTH.REQUIRED'],
    ];
    for (const [id, body, token, status, code] of cases) {
      const r = await resolve(id as unknown as number, body, token);
      expect({ id, status: r.statusCode, code: json(r).error?.code }).toEqual({ id, status, code });
    }
    const list = await h.get('/api/v1/agent/carrier-tasks?state=closed', agent);
    expect([list.statusCode, json(list).error.code]).toEqual([400, 'REQUEST.INVALID']);
    expect(await h.snapshot()).toEqual(before);
  });
});
