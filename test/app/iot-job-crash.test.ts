// A batch cancellation's job really killed mid-way (SIGKILL inside a chunk's transaction), then restarted: every
// card is handled exactly once, and the refunds add up to the preview, each paid once at the channel.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { FakeClock } from '../../src/adapters/clock.ts';
import { openDatabase } from '../../src/adapters/store/db.ts';
import { Store } from '../../src/adapters/store/store.ts';
import { iotRepos } from '../../src/adapters/store/iot/index.ts';
import { AlipaySimulator } from '../../src/adapters/payment/alipay.ts';
import { SimJournal } from '../../src/adapters/sim/journal.ts';
import { SIM_CHANNEL_SECRET } from '../../src/main.ts';
import { OUTBOX_LEASE_MS } from '../../src/app/platform/dispatch-outbox.ts';
import { IOT_JOB_CHUNK } from '../../src/app/iot/jobs.ts';
import { checkInvariants } from '../../src/app/platform/check-invariants.ts';
import { ENGINE, freshDatabase, type TestDatabase } from '../fixtures/engine.ts';
import { json, startHarness } from '../fixtures/harness.ts';
import { aBusiness, aPaidBatch } from '../fixtures/iot.ts';

const WORKER = fileURLToPath(new URL('../fixtures/iot-crash-worker.ts', import.meta.url));
const SECRET = 'iot-crash-test-secret-0123456789';
const CARDS = 2 * IOT_JOB_CHUNK + 100;

function runWorker(env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
  return new Promise((res) => child.on('exit', (code, signal) => res({ code, signal, output })));
}

describe(`a batch cancellation killed mid-way on ${ENGINE}`, () => {
  let db: TestDatabase;
  let simDir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await freshDatabase();
    simDir = mkdtempSync(join(tmpdir(), 'haoka-iot-channels-'));
    env = { HAOKA_DATABASE_URL: db.url, HAOKA_SECRET: SECRET, HAOKA_SIM_STATE_DIR: simDir, HAOKA_LOG_LEVEL: 'silent' };
  });
  afterAll(async () => {
    await db?.drop();
    if (simDir) rmSync(simDir, { recursive: true, force: true });
  });

  it('finishes after a restart with every card handled exactly once', async () => {
    const clock = new FakeClock();
    const h = await startHarness({ HAOKA_SECRET: SECRET, HAOKA_SIM_STATE_DIR: simDir }, { db, clock });
    const { token, agent } = await aBusiness(h);
    const { batchId, paymentNo, amountFen } = await aPaidBatch(h, token, CARDS);
    const selection = { batchId };
    const preview = json(await h.post('/api/v1/iot/cancellations/preview', token, { selection }));
    expect(preview.totals).toMatchObject({ cards: CARDS, refundFen: amountFen });
    const confirmed = json(await h.post('/api/v1/iot/cancellations', token, { selection, expect: { cards: CARDS, refundFen: preview.totals.refundFen, penaltyFen: 0 } }));
    expect(json(await h.post(`/api/v1/agent/iot/cancellations/${confirmed.id}/review`, agent, { decision: 'approve', note: '核实' })).state).toBe('running');
    await h.close();

    const store = new Store(openDatabase(db.url));
    try {
      // Killed inside the transaction of the second chunk: the first chunk is kept, the second never happened.
      const crashed = await runWorker({ ...env, CRASH_TEST_NOW: String(clock.now()), KILL_AT_DONE: String(2 * IOT_JOB_CHUNK), JOB_ID: confirmed.id });
      expect(crashed.signal).toBe('SIGKILL');
      expect(crashed.output).toContain(`killed with ${2 * IOT_JOB_CHUNK} cards done`);
      const iot = iotRepos(store);
      expect(await iot.jobs.getJob(confirmed.id)).toMatchObject({ state: 'running', done: IOT_JOB_CHUNK, failed: 0 });
      expect((await iot.jobs.items(confirmed.id)).filter((i) => i.outcome !== null)).toHaveLength(IOT_JOB_CHUNK);
      expect(await iot.jobs.refundsOf(confirmed.id)).toHaveLength(IOT_JOB_CHUNK);

      // Restarted once the dead worker's claim on the job's outbox row has run out.
      const restarted = await runWorker({ ...env, CRASH_TEST_NOW: String(clock.now() + OUTBOX_LEASE_MS + 1000) });
      expect([restarted.code, restarted.output]).toEqual([0, 'drained\n']);

      expect(await iot.jobs.getJob(confirmed.id)).toMatchObject({ state: 'done', done: CARDS, failed: 0 });
      const items = await iot.jobs.items(confirmed.id);
      expect(items.every((i) => i.outcome === 'done')).toBe(true);
      // Each card cancelled once, in its own trail.
      const counts = await sql<{ card_id: string; n: number }>`select card_id, count(*) as n from iot_card_events where action = 'card.cancelled' group by card_id`.execute(store.database.db);
      expect(counts.rows).toHaveLength(CARDS);
      expect(counts.rows.every((r) => Number(r.n) === 1)).toBe(true);
      const cards = await iot.cards.listCards({ businessId: (await iot.cards.getBatch(batchId))!.business_id, batchId });
      expect(cards.every((c) => c.state === 'cancelled')).toBe(true);
      // One refund per card, adding up to the preview; each paid once at the channel.
      const refunds = await iot.jobs.refundsOf(confirmed.id);
      expect(refunds).toHaveLength(CARDS);
      expect(refunds.reduce((s, r) => s + r.amount_fen, 0)).toBe(preview.totals.refundFen);
      expect(refunds.every((r) => r.state === 'succeeded')).toBe(true);
      const channel = new AlipaySimulator(SIM_CHANNEL_SECRET, clock, { journal: new SimJournal(join(simDir, 'alipay.db')) });
      expect(refunds.every((r) => channel.refundPayouts.get(r.id) === 1)).toBe(true);
      expect(channel.payoutsFor(paymentNo)).toBe(CARDS);
      expect((await checkInvariants(store)).violations).toEqual([]);
    } finally {
      await store.close();
    }
  }, 120_000);
});
