// A worker really killed between sending a refund and recording the channel's answer, then restarted:
// the customer is refunded once, and the refund completes.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/adapters/clock.ts';
import { openDatabase } from '../../src/adapters/store/db.ts';
import { Store } from '../../src/adapters/store/store.ts';
import { AlipaySimulator } from '../../src/adapters/payment/alipay.ts';
import { SimJournal } from '../../src/adapters/sim/journal.ts';
import { SIM_CHANNEL_SECRET } from '../../src/main.ts';
import { OUTBOX_LEASE_MS } from '../../src/app/platform/dispatch-outbox.ts';
import { checkInvariants } from '../../src/app/platform/check-invariants.ts';
import { ENGINE, freshDatabase, type TestDatabase } from '../fixtures/engine.ts';
import { json, startHarness } from '../fixtures/harness.ts';
import type { SignedDelivery } from '../../src/adapters/payment/simulator.ts';

const WORKER = fileURLToPath(new URL('../fixtures/refund-crash-worker.ts', import.meta.url));
const SECRET = 'crash-test-secret-0123456789';

function runWorker(env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
  return new Promise((res) => child.on('exit', (code, signal) => res({ code, signal, output })));
}

describe(`a worker killed mid-refund on ${ENGINE}`, () => {
  let db: TestDatabase;
  let simDir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await freshDatabase();
    simDir = mkdtempSync(join(tmpdir(), 'haoka-channels-'));
    env = { HAOKA_DATABASE_URL: db.url, HAOKA_SECRET: SECRET, HAOKA_SIM_STATE_DIR: simDir, HAOKA_LOG_LEVEL: 'silent' };
  });
  afterAll(async () => {
    await db?.drop();
    if (simDir) rmSync(simDir, { recursive: true, force: true });
  });

  it('pays the refund once after a restart, and the refund completes', async () => {
    // The customer's money arrives after the order closed: Haoka owes a refund and has written it down.
    const clock = new FakeClock();
    const h = await startHarness({ HAOKA_SECRET: SECRET, HAOKA_SIM_STATE_DIR: simDir }, { db, clock });
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token, { planId: 'cm-129' }));
    const payment = json(await h.post(`/api/v1/orders/${order.id}/payments`, c.token, { channel: 'alipay' }));
    // Cancelled, then paid in the channel app still open (a deadline close would have closed the trade there).
    expect((await h.post(`/api/v1/orders/${order.id}/cancel`, c.token, { confirm: true })).statusCode).toBe(200);
    await h.haoka.worker.drain();
    h.haoka.sims.payments.alipay.deliver = null;
    const late = h.haoka.sims.payments.alipay.pay(payment.paymentNo) as SignedDelivery;
    expect(json(await h.app.inject({ method: 'POST', url: '/api/v1/payments/callback/alipay', headers: late.headers, payload: late.body })).outcome).toBe('refunded_late_payment');
    const [pending] = json(await h.get(`/api/v1/orders/${order.id}/refunds`, c.token)).refunds;
    expect(pending.state).toBe('pending');
    await h.haoka.close();

    const channel = () => new AlipaySimulator(SIM_CHANNEL_SECRET, clock, { journal: new SimJournal(join(simDir, 'alipay.db')) });
    const store = new Store(openDatabase(db.url));
    try {
      const crashed = await runWorker({ ...env, CRASH_AFTER_REFUND_SENT: '1', CRASH_TEST_NOW: String(clock.now()) });
      expect(crashed.signal).toBe('SIGKILL');
      expect(crashed.output).toContain(`channel answered ${pending.refundNo}: succeeded`);
      // The channel paid; Haoka died before it could record that.
      expect(channel().refundPayouts.get(pending.refundNo)).toBe(1);
      expect(await store.refunds.getRefund(pending.refundNo)).toMatchObject({ state: 'pending' });
      // Not lost: the refund is still owed and its outbox row will send it again.
      expect((await checkInvariants(store)).violations).toEqual([]);

      // Restarted once the dead worker's claim on the outbox row has run out.
      const restarted = await runWorker({ ...env, CRASH_TEST_NOW: String(clock.now() + OUTBOX_LEASE_MS + 1000) });
      expect([restarted.code, restarted.output]).toEqual([0, 'drained\n']);

      const refunds = await store.refunds.listRefunds(order.id);
      expect(refunds.map((r) => [r.id, r.state])).toEqual([[pending.refundNo, 'succeeded']]);
      const after = channel();
      expect(after.refundPayouts.get(pending.refundNo)).toBe(1);
      expect(after.payoutsFor(payment.paymentNo)).toBe(1);
      expect([...after.refunds.values()].filter((r) => r.paymentNo === payment.paymentNo)).toHaveLength(1);
      const outbox = await store.queue.listOutbox(order.id);
      expect(outbox.filter((o) => o.topic === 'refund').map((o) => [o.attempts, o.delivered_at !== null])).toEqual([[2, true]]);
      const arrived = outbox.filter((o) => o.topic === 'notify' && JSON.parse(o.payload).template === 'refund_arrived');
      expect(arrived).toHaveLength(1);
      expect(arrived[0]!.delivered_at).not.toBeNull();
      expect((await checkInvariants(store)).violations).toEqual([]);
    } finally {
      await store.close();
    }
  }, 60_000);
});
