// Several real processes on one database, and processes killed at random moments: nothing is lost,
// nothing happens twice, and `haoka check` finds the database consistent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/store/db.ts';
import { Store } from '../../src/adapters/store/store.ts';
import { ENGINE, freshDatabase, type TestDatabase } from '../fixtures/engine.ts';
import { call, kill, runCheck, signIn, startProcess, type Proc } from '../fixtures/processes.ts';
import { ADDRESS, residentId } from '../fixtures/harness.ts';
import { SeededRandom } from '../../src/adapters/sim/random.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SECRET = 'process-test-secret-0123456789';

/** Waits for the system (not for time): polls until no order is waiting for payment and the outbox is empty. */
async function settled(store: Store, limitMs: number) {
  const until = Date.now() + limitMs;
  for (;;) {
    const pending = await store.database.db.selectFrom('orders').select('id').where('state', '=', 'pending_payment').limit(1).execute();
    if (pending.length === 0 && (await store.queue.outboxBacklog()) === 0) return;
    if (Date.now() > until) throw new Error('the system did not settle');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe(`several haoka processes on one ${ENGINE} database`, () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let store: Store;
  const procs: Proc[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    // The simulated channels keep one state for all processes, as a real channel is one system.
    const simDir = mkdtempSync(join(tmpdir(), 'haoka-sim-'));
    env = { HAOKA_DATABASE_URL: db.url, HAOKA_SECRET: SECRET, HAOKA_SIM_STATE_DIR: simDir, HAOKA_PAYMENT_TIMEOUT: '8s', HAOKA_REMINDER_BEFORE: '2s', HAOKA_LOG_LEVEL: 'warn' };
    // Servers without their own worker, and one worker process doing all timers and outbox rows.
    procs.push(await startProcess('serve', { ...env, HAOKA_WORKER: 'off', HAOKA_LOG_LEVEL: 'info' }));
    procs.push(await startProcess('serve', { ...env, HAOKA_WORKER: 'off', HAOKA_LOG_LEVEL: 'info' }));
    procs.push(await startProcess('worker', { ...env, HAOKA_LOG_LEVEL: 'info' }));
    store = new Store(openDatabase(db.url));
  }, 90_000);

  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null) await kill(p, 'SIGTERM');
    await store?.close();
    await db?.drop();
  });

  it('serve orders on both servers while the worker closes each unpaid one exactly once', async () => {
    const [a, b] = [procs[0]!.url!, procs[1]!.url!];
    const placed: { id: string; token: string; base: string }[] = [];
    for (let i = 0; i < 30; i++) {
      const base = i % 2 ? b : a;
      const token = await signIn(base, `1360000${String(1000 + i)}`);
      const numbers = (await call(base, 'GET', `/api/v1/numbers?carrier=china_mobile&limit=1&offset=${i}`)).body.numbers;
      const r = await call(base, 'POST', '/api/v1/orders', token, { planId: 'cm-129', numberId: numbers[0].id, contactName: '赵六', contactPhone: '13600000000', residentId: residentId(500 + i), address: ADDRESS });
      if (r.status !== 201) {
        expect(r.body.error.code).toBe('NUMBER.UNAVAILABLE');
        continue;
      }
      // A third cancel at once, a third pay through the simulated channel, the rest time out.
      const o = { id: r.body.id, token, base };
      if (placed.length % 3 === 0) expect((await call(base, 'POST', `/api/v1/orders/${o.id}/cancel`, token, { confirm: true })).status).toBe(200);
      if (placed.length % 3 === 1) {
        const pay = await call(base, 'POST', `/api/v1/orders/${o.id}/payments`, token, { channel: 'wechat' });
        expect((await call(base, 'POST', pay.body.payUrl)).status).toBe(200);
      }
      placed.push(o);
    }
    expect(placed.length).toBeGreaterThan(20);
    await settled(store, 30_000);
    const orders = await store.orders.getOrders(placed.map((o) => o.id));
    const byOutcome = orders.map((o) => o.closeReason ?? o.state).sort();
    expect(new Set(byOutcome)).toEqual(new Set(['customer_abandoned', 'paid', 'payment_timeout']));
    const closes = await store.database.db.selectFrom('order_events').select('order_id').where('action', '=', 'order.closed_unpaid').execute();
    expect(closes.length).toBe(orders.filter((o) => o.closeReason === 'payment_timeout').length);
    expect(new Set(closes.map((c) => c.order_id)).size).toBe(closes.length);
    // Every outbox row was claimed once and delivered once.
    const rows = await store.database.db.selectFrom('outbox').select(['attempts', 'delivered_at']).execute();
    expect(rows.every((r) => r.attempts === 1 && r.delivered_at !== null)).toBe(true);
    expect((await runCheck(env)).code).toBe(0);
  }, 120_000);

  it('loses nothing when processes are killed at random moments and restarted', async () => {
    const rnd = new SeededRandom(2026);
    const customers: { token: string }[] = [];
    for (let i = 0; i < 8; i++) customers.push({ token: await signIn(procs[0]!.url!, `1350000${String(1000 + i)}`) });
    // Traffic runs until the chaos has killed and restarted at least four processes (a slow machine
    // restarts slowly, so the count, not the clock, decides), within a bounded time.
    const giveUpAt = Date.now() + 90_000;
    let seq = 0;
    let killed = 0;
    let chaosDone = false;
    const traffic = (async () => {
      while (!chaosDone) {
        const live = procs.filter((p) => p.url && p.child.exitCode === null);
        if (live.length === 0) { await new Promise((r) => setTimeout(r, 50)); continue; }
        const base = live[Math.floor(rnd.next() * live.length)]!.url!;
        const c = customers[seq % customers.length]!;
        const n = seq++;
        try {
          const numbers = (await call(base, 'GET', `/api/v1/numbers?carrier=china_unicom&limit=1&offset=${n % 40}`)).body?.numbers;
          if (!numbers?.length) continue;
          const r = await call(base, 'POST', '/api/v1/orders', c.token, { planId: 'cu-39', numberId: numbers[0].id, contactName: '钱七', contactPhone: '13500000000', residentId: residentId(900 + n), address: ADDRESS }, `soak-${n}`);
          if (r.status !== 201) continue;
          const roll = rnd.next();
          if (roll < 0.4) await call(base, 'POST', `/api/v1/orders/${r.body.id}/cancel`, c.token, { confirm: true }, `soak-c-${n}`);
          else if (roll < 0.7) {
            const pay = await call(base, 'POST', `/api/v1/orders/${r.body.id}/payments`, c.token, { channel: 'alipay' }, `soak-p-${n}`);
            if (pay.status === 201) await call(base, 'POST', pay.body.payUrl);
          }
        } catch {
          // The process behind `base` was killed mid-request; the client moves on as a real one would.
        }
      }
    })();
    const chaos = (async () => {
      while (killed < 4 && Date.now() < giveUpAt) {
        await new Promise((r) => setTimeout(r, 800 + rnd.next() * 1200));
        const i = Math.floor(rnd.next() * procs.length);
        const p = procs[i]!;
        await kill(p);
        killed++;
        procs[i] = await startProcess(i === 2 ? 'worker' : 'serve', { ...env, ...(i === 2 ? {} : { HAOKA_WORKER: 'off' }), HAOKA_LOG_LEVEL: 'info' });
      }
      chaosDone = true;
    })();
    await Promise.all([traffic, chaos]);
    expect(killed).toBe(4);
    expect(seq).toBeGreaterThan(20);
    await settled(store, 60_000);
    const check = await runCheck(env);
    expect(check.output).toContain('0 violation(s)');
    expect(check.code).toBe(0);
  }, 180_000);
});
