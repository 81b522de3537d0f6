// /metrics for Prometheus: the process's own metrics beside the business gauges and request series that
// dashboards already use, under the same names and labels.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';
import { REFUND_STATES } from '../../src/domain/refund.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

async function scrape(): Promise<string> {
  const res = await h.get('/metrics', null);
  expect(res.statusCode).toBe(200);
  return res.body;
}

/**
 * The value of one series, or undefined when it is not exposed. Labels are matched as a set, in any order, as
 * Prometheus reads them.
 */
function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).sort().join(',');
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m && m[1] === name && (m[2] ?? '').split(',').filter(Boolean).sort().join(',') === want) return Number(m[3]);
  }
  return undefined;
}

describe('/metrics', () => {
  it('answers anyone in the Prometheus text format with the process metrics', async () => {
    const res = await h.get('/metrics', null);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = res.body;
    expect(value(text, 'process_resident_memory_bytes')).toBeGreaterThan(1024 * 1024);
    expect(value(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(value(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(value(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(value(text, 'nodejs_active_handles_total')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE nodejs_gc_duration_seconds histogram');
    expect(text).toContain('# TYPE haoka_http_request_duration_seconds histogram');
    expect(text).toContain('# TYPE haoka_http_requests_total counter');
  });

  it('counts orders by state, timers due and the outbox backlog as orders are placed, cancelled and closed', async () => {
    const state = (text: string, s: string) => value(text, 'haoka_orders', { state: s }) ?? 0;
    const before = await scrape();
    const c = await h.customer();
    const kept = json(await h.placeOrder(c.token));
    const cancelled = json(await h.placeOrder(c.token));
    const placed = await scrape();
    expect(state(placed, 'pending_payment')).toBe(state(before, 'pending_payment') + 2);
    expect(value(placed, 'haoka_outbox_backlog')).toBeGreaterThan(value(before, 'haoka_outbox_backlog')!);
    expect(value(placed, 'haoka_timers_due')).toBe(0);
    expect(value(placed, 'haoka_timers_lateness_seconds')).toBe(0);

    expect((await h.post(`/api/v1/orders/${cancelled.id}/cancel`, c.token, { confirm: true })).statusCode).toBe(200);
    const afterCancel = await scrape();
    expect(state(afterCancel, 'pending_payment')).toBe(state(before, 'pending_payment') + 1);
    expect(state(afterCancel, 'cancelled')).toBe(state(before, 'cancelled') + 1);

    // Past the payment deadline, before any worker pass: the deadline timer is due, and late by the time moved past it.
    h.clock.advance(31 * 60_000);
    const overdue = await scrape();
    expect(value(overdue, 'haoka_timers_due')).toBeGreaterThanOrEqual(1);
    expect(value(overdue, 'haoka_timers_lateness_seconds')).toBeGreaterThanOrEqual(60);

    await h.haoka.worker.drain();
    const closed = await scrape();
    expect(json(await h.get(`/api/v1/orders/${kept.id}`, c.token)).state).toBe('cancelled');
    expect(state(closed, 'pending_payment')).toBe(state(before, 'pending_payment'));
    expect(state(closed, 'cancelled')).toBe(state(before, 'cancelled') + 2);
    expect(value(closed, 'haoka_timers_due')).toBe(0);
    expect(value(closed, 'haoka_timers_lateness_seconds')).toBe(0);
    expect(value(closed, 'haoka_outbox_backlog')).toBe(0);
  });

  it('counts refunds by state as an express refund starts and arrives', async () => {
    const refunds = (text: string, s: string) => value(text, 'haoka_refunds', { state: s }) ?? 0;
    const c = await h.customer();
    const number = (await h.haoka.deps.store.orders.searchNumbers({ carrier: 'china_mobile', limit: 100 })).find((x) => x.priceFen === 0)!;
    // 50.00 yuan: under the default express threshold, so the refund starts without review.
    const { order } = await h.paidOrder(c.token, { planId: 'cm-129', numberId: number.id });
    const before = await scrape();
    const applied = await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'changed_mind' });
    expect(json(applied).path).toBe('express');
    const started = await scrape();
    const total = (text: string) => REFUND_STATES.reduce((n, s) => n + refunds(text, s), 0);
    expect(total(started)).toBe(total(before) + 1);
    await h.haoka.worker.drain();
    const arrived = await scrape();
    expect(refunds(arrived, 'succeeded')).toBe(refunds(before, 'succeeded') + 1);
    expect(total(arrived)).toBe(total(before) + 1);
  });

  it('keeps a latency histogram and a count by status for each route, under its pattern', async () => {
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token));
    const before = await scrape();
    const plans = { method: 'GET', route: '/api/v1/plans' };
    const one = { method: 'GET', route: '/api/v1/orders/:id' };
    for (let i = 0; i < 5; i++) expect((await h.get('/api/v1/plans', null)).statusCode).toBe(200);
    expect((await h.get(`/api/v1/orders/${order.id}`, c.token)).statusCode).toBe(200);
    expect((await h.get('/api/v1/orders/ORD-none', c.token)).statusCode).toBe(404);
    expect((await h.get('/api/v1/no/such/route', null)).statusCode).toBe(404);
    const after = await scrape();

    const grew = (name: string, labels: Record<string, string>) => (value(after, name, labels) ?? 0) - (value(before, name, labels) ?? 0);
    expect(grew('haoka_http_requests_total', { ...plans, status: '200' })).toBe(5);
    expect(grew('haoka_http_request_duration_seconds_count', plans)).toBe(5);
    expect(grew('haoka_http_request_duration_seconds_bucket', { ...plans, le: '+Inf' })).toBe(5);
    expect(grew('haoka_http_request_duration_seconds_sum', plans)).toBeGreaterThan(0);
    // Cumulative buckets, on the bounds dashboards were built on.
    const bounds = ['0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf'];
    const counts = bounds.map((le) => value(after, 'haoka_http_request_duration_seconds_bucket', { ...plans, le }));
    expect(counts.every((n) => n !== undefined)).toBe(true);
    expect(counts).toEqual([...counts].sort((a, b) => a! - b!));
    expect(grew('haoka_http_requests_total', { ...one, status: '200' })).toBe(1);
    expect(grew('haoka_http_requests_total', { ...one, status: '404' })).toBe(1);
    expect(grew('haoka_http_request_duration_seconds_count', one)).toBe(2);
    expect(grew('haoka_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
  });
});
