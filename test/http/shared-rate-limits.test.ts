// Two serve processes on one store: the limits on guessing count hits of both together.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

let one: Harness;
let two: Harness;
beforeAll(async () => {
  one = await startHarness();
  two = await startHarness({}, { db: one.db, clock: one.clock });
});
afterAll(async () => {
  await two?.close();
  await one?.close();
});

const signIn = (h: Harness, phone: string) => h.post('/api/v1/auth/customer', null, { phone, code: '000000' });

describe('rate limits shared by every server on the store', () => {
  it('stops sign-in guesses spread over two servers at the one limit, and lets the phone in again after the window', async () => {
    const phone = '13700001234';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await signIn(one, phone)).statusCode);
      statuses.push((await signIn(two, phone)).statusCode);
    }
    expect(statuses.slice(0, 10).every((s) => s !== 429)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    const limited = await signIn(one, phone);
    expect(json(limited).error).toMatchObject({ code: 'REQUEST.RATE_LIMITED', details: { limit: 'sign-ins-per-phone' } });
    // Another phone is not held back.
    expect((await signIn(two, '13700005678')).statusCode).not.toBe(429);
    one.clock.advance(15 * 60_000);
    expect((await signIn(two, phone)).statusCode).not.toBe(429);
  });

  it('keeps no phone number in the clear in the shared windows', async () => {
    const rows = await one.haoka.deps.store.database.db.selectFrom('rate_limits').selectAll().execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.key.includes('13700001234'))).toBe(false);
  });

  it('the worker deletes windows that ran out, and idempotency keys past their day', async () => {
    const db = one.haoka.deps.store.database.db;
    expect((await one.post('/api/v1/auth/code', null, { phone: '13700009999' }, { 'idempotency-key': 'old' })).statusCode).toBe(200);
    expect((await db.selectFrom('rate_limits').select('key').execute()).length).toBeGreaterThan(0);
    expect((await db.selectFrom('idempotency_keys').select('key').where('key', '=', 'old').execute())).toHaveLength(1);
    one.clock.advance(25 * 3_600_000);
    await one.haoka.worker.runOnce();
    expect(await db.selectFrom('rate_limits').select('key').execute()).toEqual([]);
    expect(await db.selectFrom('idempotency_keys').select('key').where('key', '=', 'old').execute()).toEqual([]);
  });

  it('counts one hit per request in one row: the window starts again once it has run out', async () => {
    const store = one.haoka.deps.store.platform;
    const t = 1_000_000;
    expect(await store.hitRateLimit('k', t, 1000)).toEqual({ windowStart: t, hits: 1 });
    expect(await store.hitRateLimit('k', t + 500, 1000)).toEqual({ windowStart: t, hits: 2 });
    expect(await store.hitRateLimit('k', t + 1000, 1000)).toEqual({ windowStart: t + 1000, hits: 1 });
    const concurrent = await Promise.all(Array.from({ length: 20 }, () => store.hitRateLimit('k2', t, 1000)));
    expect(concurrent.map((w) => w.hits).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
