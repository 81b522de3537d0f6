// The distributors' open API (signature good, bad, stale, replayed) and order push-back (订单回传) to a receiver on
// 127.0.0.1: signed, retried with backoff, given up after five attempts, listed for operators and sent again.
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedHeaders, verify } from '../../../src/app/distribution/signature.ts';
import { ADDRESS, json, residentId, startHarness, type Harness } from '../../fixtures/harness.ts';
import { aDistributor, aRule } from './fixtures.ts';

interface Received { path: string; headers: Record<string, string>; body: string }
let h: Harness;
let receiver: Server;
let base = '';
const received: Received[] = [];
let answer = 200;
let seller: Awaited<ReturnType<typeof aDistributor>>;
let other: Awaited<ReturnType<typeof aDistributor>>;
let rid = 7000;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers as Record<string, string>, body });
      res.writeHead(answer).end(answer === 200 ? 'ok' : 'busy');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const addr = receiver.address() as { port: number };
  base = `http://127.0.0.1:${addr.port}`;
  h = await startHarness();
  seller = await aDistributor(h, null, `${base}/haoka/push?shop=1`);
  other = await aDistributor(h);
  await aRule(h, 'cm-58');
});
afterAll(async () => {
  await h?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

function call(method: 'GET' | 'POST', url: string, body: unknown, who = seller, over: { timestamp?: number; nonce?: string; sign?: string; key?: string } = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers = signedHeaders(who.appKey, who.appSecret, { method, path: url, timestamp: over.timestamp ?? h.clock.now(), nonce: over.nonce ?? randomBytes(9).toString('base64url'), body: over.sign ?? text });
  return h.app.inject({ method, url, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(over.key ? { 'idempotency-key': over.key } : {}) }, ...(body === undefined ? {} : { payload: text }) });
}

async function orderBody() {
  const n = await h.freeNumber();
  return { planId: 'cm-58', numberId: n.id, customerPhone: '13912345678', contactName: '李四', contactPhone: '13912345678', residentId: residentId(rid++), address: ADDRESS };
}

describe('the open API signature', () => {
  it('places an order on a customer\u2019s behalf, attributed to the caller, the customer masked', async () => {
    const res = await call('POST', '/open/v1/orders', await orderBody());
    expect(res.statusCode, res.body).toBe(201);
    const o = json(res);
    expect(o).toMatchObject({ state: 'pending_payment', contactPhone: '139****5678' });
    const [a] = await h.haoka.deps.store.distribution.getAttributions([o.id]);
    // The secret is kept sealed, never in clear.
    expect((await h.haoka.deps.store.distribution.getDistributor(seller.id))!.app_secret).not.toContain(seller.appSecret);
    expect(a).toMatchObject({ distributorId: seller.id, channel: 'open_api', promotionCode: null });
    expect(json(await call('GET', `/open/v1/orders/${o.id}`, undefined)).id).toBe(o.id);
    expect(json(await call('GET', `/open/v1/orders/${o.id}`, undefined, other)).error.code).toBe('ORDER.NOT_FOUND');
  });

  it('refuses a body that is not the one signed, and writes nothing', async () => {
    const before = await h.snapshot();
    const res = await call('POST', '/open/v1/orders', await orderBody(), seller, { sign: '{"planId":"cm-58"}' });
    expect(res.statusCode).toBe(401);
    expect(json(res).error.code).toBe('OPEN_API.BAD_SIGNATURE');
    expect(await h.snapshot()).toEqual(before);
  });

  it('refuses a stale timestamp, an unknown key and a replayed nonce with their own codes', async () => {
    const stale = await call('GET', '/open/v1/orders/HK1', undefined, seller, { timestamp: h.clock.now() - 6 * 60_000 });
    expect([stale.statusCode, json(stale).error.code]).toEqual([401, 'OPEN_API.STALE_TIMESTAMP']);
    const unknown = await call('GET', '/open/v1/orders/HK1', undefined, { ...seller, appKey: 'ak_nobody' });
    expect([unknown.statusCode, json(unknown).error.code]).toEqual([401, 'OPEN_API.UNKNOWN_KEY']);
    const body = await orderBody();
    const first = await call('POST', '/open/v1/orders', body, seller, { nonce: 'nonce-once-1' });
    expect(first.statusCode).toBe(201);
    const again = await call('POST', '/open/v1/orders', body, seller, { nonce: 'nonce-once-1' });
    expect([again.statusCode, json(again).error.code]).toEqual([409, 'OPEN_API.REPLAYED_NONCE']);
    const unsigned = await h.app.inject({ method: 'GET', url: '/open/v1/orders/HK1' });
    expect(json(unsigned).error.code).toBe('OPEN_API.BAD_SIGNATURE');
  });

  it('answers a retry with the same Idempotency-Key (fresh nonce) with the first order, placing no second', async () => {
    const body = await orderBody();
    const first = await call('POST', '/open/v1/orders', body, seller, { key: 'retry-1' });
    expect(first.statusCode).toBe(201);
    const before = await h.snapshot();
    const retry = await call('POST', '/open/v1/orders', body, seller, { key: 'retry-1' });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(json(retry).id).toBe(json(first).id);
    expect((await h.snapshot()).orders).toBe(before.orders);
  });
});

describe('order push-back', () => {
  it('posts each state change to the distributor\u2019s URL, signed with its secret', async () => {
    const o = json(await call('POST', '/open/v1/orders', await orderBody()));
    received.length = 0;
    const cancelled = await call('POST', `/open/v1/orders/${o.id}/cancel`, { reasonCode: 'changed_mind' });
    expect(json(cancelled).order.state).toBe('cancelled');
    await h.haoka.worker.drain();
    expect(received).toHaveLength(1);
    const got = received[0]!;
    expect(got.path).toBe('/haoka/push?shop=1');
    expect(JSON.parse(got.body)).toMatchObject({ event: 'order.state_changed', orderId: o.id, fromState: 'pending_payment', state: 'cancelled', closeReason: 'customer_abandoned' });
    expect(verify(seller.appSecret, { method: 'POST', path: got.path, timestamp: got.headers['x-haoka-timestamp']!, nonce: got.headers['x-haoka-nonce']!, body: got.body }, got.headers['x-haoka-signature']!)).toBe(true);
  });

  it('retries with backoff, gives up after five attempts, lists the push for operators, and sends it again', async () => {
    const o = json(await call('POST', '/open/v1/orders', await orderBody()));
    answer = 500;
    received.length = 0;
    await call('POST', `/open/v1/orders/${o.id}/cancel`, {});
    for (let i = 0; i < 8; i++) {
      await h.haoka.worker.drain();
      h.clock.advance(60_000);
    }
    expect(received).toHaveLength(5);
    const operator = await h.staff('operator');
    const listed = json(await h.get('/api/v1/operator/distributor-pushes', operator)).pushes.filter((p: any) => p.orderId === o.id);
    expect(listed).toMatchObject([{ state: 'undelivered', attempts: 5, lastError: 'HTTP 500', distributorId: seller.id }]);
    answer = 200;
    const resent = await h.post(`/api/v1/operator/distributor-pushes/${listed[0].id}/resend`, operator);
    expect(json(resent)).toEqual({ pushId: listed[0].id, state: 'pending' });
    await h.haoka.worker.drain();
    expect(received).toHaveLength(6);
    expect((await h.haoka.deps.store.exchanges.getPush(listed[0].id))?.state).toBe('delivered');
    expect(json(await h.get('/api/v1/operator/distributor-pushes', operator)).pushes.some((p: any) => p.orderId === o.id)).toBe(false);
  });

  it('pushes an unpaid order closed at its payment deadline', async () => {
    const o = json(await call('POST', '/open/v1/orders', await orderBody()));
    received.length = 0;
    h.clock.advance(2 * 3_600_000);
    await h.haoka.worker.drain();
    await h.haoka.worker.drain();
    expect(received.map((r) => JSON.parse(r.body))).toContainEqual(expect.objectContaining({ orderId: o.id, fromState: 'pending_payment', state: 'cancelled', closeReason: 'payment_timeout' }));
  });
});
