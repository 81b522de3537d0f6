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
  it('slows sign-in guesses spread over two servers at the one count, and lets the phone in again after the wait', async () => {
    const phone = '13700001234';
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) {
      answers.push(json(await signIn(one, phone)).error.code);
      answers.push(json(await signIn(two, phone)).error.code);
    }
    expect(answers.slice(0, 5)).toEqual(Array(5).fill('AUTH.INVALID_CODE'));
    expect(answers.slice(5)).toEqual(Array(3).fill('AUTH.SIGN_IN_DELAYED'));
    const limited = await signIn(one, phone);
    expect(json(limited).error).toMatchObject({ code: 'AUTH.SIGN_IN_DELAYED', details: { scope: 'address', retryAfterMs: 30_000 } });
    // Another phone is not held back.
    expect(json(await signIn(two, '13700005678')).error.code).toBe('AUTH.INVALID_CODE');
    one.clock.advance(30_000);
    expect(json(await signIn(two, phone)).error.code).toBe('AUTH.INVALID_CODE');
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

  it('takes a hit back only from the window it was counted in', async () => {
    const store = one.haoka.deps.store.platform;
    const t = 2_000_000;
    await store.hitRateLimit('g', t, 1000);
    await store.hitRateLimit('g', t + 1, 1000);
    await store.giveBackRateLimit('g', t);
    expect(await store.hitRateLimit('g', t + 2, 1000)).toEqual({ windowStart: t, hits: 2 });
    // A window begun since is not touched, and a count never goes below nothing.
    await store.giveBackRateLimit('g', t - 1000);
    expect((await store.getRateLimits(['g'])).get('g')).toEqual({ windowStart: t, hits: 2 });
    for (let i = 0; i < 3; i++) await store.giveBackRateLimit('g', t);
    expect((await store.getRateLimits(['g'])).get('g')).toEqual({ windowStart: t, hits: 0 });
  });
});
