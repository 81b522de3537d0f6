// What the logs say, and what they never say: a request id that follows an order into the outbox, and no
// phone number, resident ID or token in any line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { Writable } from 'node:stream';
import { logOptions } from '../../src/adapters/log.ts';
import { json, residentId, startHarness, type Harness } from '../fixtures/harness.ts';

let h: Harness;
const lines: string[] = [];
const sink = new Writable({ write(chunk, _enc, done) { lines.push(...chunk.toString().split('\n').filter(Boolean)); done(); } });

beforeAll(async () => { h = await startHarness({}, { log: pino(logOptions('debug'), sink) }); });
afterAll(async () => { await h?.close(); });

describe('logs', () => {
  it('never print a phone number, resident ID or token through sign-in, an order and its cancellation', async () => {
    const phone = '13712345678';
    const contactPhone = '13687654321';
    const id = residentId(424_242);
    expect((await h.post('/api/v1/auth/code', null, { phone })).statusCode).toBe(200);
    const code = /(\d{6})/.exec(h.haoka.sims.notifier.smsTo(phone)[0]!.body)![1];
    const signedIn = await h.post('/api/v1/auth/customer', null, { phone, code });
    expect(signedIn.statusCode).toBe(200);
    const token = json(signedIn).token as string;
    const placed = await h.placeOrder(token, { contactPhone, residentId: id });
    expect(placed.statusCode).toBe(201);
    const cancelled = await h.post(`/api/v1/orders/${json(placed).id}/cancel`, token, { confirm: true });
    expect(cancelled.statusCode).toBe(200);
    await h.haoka.worker.drain();
    // The flow was logged (request lines and outbox deliveries), and none of it leaks.
    expect(lines.some((l) => l.includes('"msg":"request done"'))).toBe(true);
    expect(lines.some((l) => l.includes('"msg":"outbox row delivered"'))).toBe(true);
    const all = lines.join('\n');
    for (const secret of [phone, contactPhone, id, token, token.split('.')[2]!, code!]) expect(all).not.toContain(secret);
  });

  it('censor personal fields wherever a log call puts them', () => {
    const out: string[] = [];
    const log = pino(logOptions('info'), new Writable({ write(c, _e, done) { out.push(c.toString()); done(); } }));
    log.info({ phone: '13800138000', body: { contactPhone: '13800138000', residentId: '11010519900101123X' }, req: { headers: { authorization: 'Bearer v1.abc.def' } }, token: 'v1.abc.def' }, 'careless');
    expect(out.join('')).not.toMatch(/13800138000|11010519900101123X|v1\.abc\.def/);
    expect(out.join('')).toContain('[redacted]');
  });

  it('carry the request id of the call that placed an order onto its outbox deliveries', async () => {
    const c = await h.customer();
    const placed = await h.post('/api/v1/orders', c.token, {
      planId: 'cm-58', numberId: (await h.freeNumber()).id, contactName: '李四', contactPhone: '13500001111', residentId: residentId(424_243),
      address: { province: '北京市', city: '北京市', district: '朝阳区', detail: '建国路 88 号' },
    }, { 'x-request-id': 'req-follow-me' });
    expect(placed.statusCode).toBe(201);
    expect(placed.headers['x-request-id']).toBe('req-follow-me');
    const orderId = json(placed).id as string;
    const rows = await h.haoka.deps.store.queue.listOutbox(orderId);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.request_id === 'req-follow-me')).toBe(true);
    // The request's own line carries the id once (no second copy bound by a per-request logger).
    const own = lines.filter((l) => l.includes('"msg":"request done"') && l.includes('req-follow-me'));
    expect(own).toHaveLength(1);
    expect(own[0]!.match(/"reqId"/g)).toHaveLength(1);
    expect(JSON.parse(own[0]!)).toMatchObject({ reqId: 'req-follow-me', route: '/api/v1/orders', status: 201 });

    lines.length = 0;
    await h.haoka.worker.drain();
    const deliveries = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'outbox row delivered' && l.orderId === orderId);
    expect(deliveries.length).toBe(rows.length);
    for (const d of deliveries) expect(d).toMatchObject({ requestId: 'req-follow-me', reqId: 'req-follow-me' });
  });
});
