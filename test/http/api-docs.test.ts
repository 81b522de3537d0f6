import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

describe('the API describes itself', () => {
  it('serves an OpenAPI 3.1 document naming the order and cancellation endpoints', async () => {
    const doc = json(await h.get('/openapi.json', null));
    expect(doc.openapi).toBe('3.1.0');
    for (const path of ['/api/v1/orders', '/api/v1/orders/{id}', '/api/v1/orders/{id}/cancellation', '/api/v1/orders/{id}/cancel', '/api/v1/orders/{id}/events', '/api/v1/orders/{id}/payments', '/api/v1/payments/callback/{channel}', '/api/v1/plans', '/api/v1/numbers']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });

  it('serves a docs page', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
  });

  it('reports health and readiness', async () => {
    expect(json(await h.get('/healthz', null))).toEqual({ status: 'ok' });
    expect(json(await h.get('/readyz', null))).toEqual({ status: 'ready', store: 'ok', migrations: 'current', simulatorRoutes: 'mounted', mode: 'demo' });
  });
});

describe('signing in with a one-time code', () => {
  it('sends a code by SMS and exchanges it for a token; a wrong code is refused and counted', async () => {
    const phone = '13712345678';
    expect((await h.post('/api/v1/auth/code', null, { phone })).statusCode).toBe(200);
    const sms = h.haoka.sims.notifier.smsTo(phone)[0]!;
    const code = /(\d{6})/.exec(sms.body)![1]!;
    const wrong = await h.post('/api/v1/auth/customer', null, { phone, code: code === '000000' ? '111111' : '000000' });
    expect(json(wrong).error).toMatchObject({ code: 'AUTH.INVALID_CODE', details: { attemptsLeft: 4 } });
    const ok = await h.post('/api/v1/auth/customer', null, { phone, code });
    expect(ok.statusCode).toBe(200);
    const me = json(await h.get('/api/v1/me', json(ok).token));
    expect(me).toMatchObject({ role: 'customer', phone });
    expect((await h.post('/api/v1/auth/customer', null, { phone, code })).statusCode).toBe(401);
  });

  it('does not send a second code within a minute', async () => {
    const phone = '13712345679';
    await h.post('/api/v1/auth/code', null, { phone });
    const again = await h.post('/api/v1/auth/code', null, { phone });
    expect(json(again).error.code).toBe('AUTH.TOO_MANY_ATTEMPTS');
  });

  it('signs staff in with a password and refuses a wrong one', async () => {
    expect(json(await h.post('/api/v1/auth/agent', null, { username: 'operator', password: 'ops123' })).agent.role).toBe('operator');
    expect(json(await h.post('/api/v1/auth/agent', null, { username: 'operator', password: 'nope' })).error.code).toBe('AUTH.INVALID_CREDENTIALS');
  });
});

describe('metrics for operations', () => {
  it('exposes request counts, orders by state, timers and outbox backlog in Prometheus format', async () => {
    const c = await h.customer();
    await h.placeOrder(c.token);
    const res = await h.get('/metrics', null);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/haoka_http_requests_total\{method="POST",route="\/api\/v1\/orders",status="201"\} \d+/);
    expect(res.body).toMatch(/haoka_orders\{state="pending_payment"\} [1-9]/);
    expect(res.body).toMatch(/haoka_outbox_backlog [1-9]/);
    expect(res.body).toContain('haoka_timers_due 0');
  });
});
