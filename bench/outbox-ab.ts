// npx tsx bench/outbox-ab.ts [--cycles N] [--rounds R]: the worker's outbox delivery, one row at a time against
// rows of different orders delivered together (OUTBOX_CONCURRENCY), each draining an identical copy of a store
// filled by N place+pay+cancel cycles (their notices and refunds). Rounds alternate the two, in one run.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { compose, type Haoka } from '../src/main.ts';
import { dispatchOutbox, OUTBOX_CONCURRENCY } from '../src/app/platform/dispatch-outbox.ts';
import { ceilingCycle } from './ceiling.ts';
import { insertFreeNumbers, openRaw, signInCustomers } from './fixtures.ts';
import type { Workload } from './workload.ts';

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};
const cycles = arg('--cycles', 3000);
const rounds = arg('--rounds', 2);
const dir = mkdtempSync(join(tmpdir(), 'haoka-outbox-ab-'));
const file = join(dir, 'haoka.db');
const open = (databaseUrl: string, seed: boolean): Promise<Haoka> =>
  compose(loadConfig({ HAOKA_DATABASE_URL: databaseUrl, HAOKA_SECRET: 'bench-secret-not-for-production', HAOKA_LOG_LEVEL: 'warn' }), { seed, numbersPerCarrier: 10, webDir: null, alipay: 'simulator' });

// The store to copy: cycles done, their outbox rows not yet delivered.
{
  const haoka = await open(file, true);
  const raw = openRaw(file);
  insertFreeNumbers(raw, 0, cycles, Date.now());
  raw.close();
  const payers = await signInCustomers(haoka.deps, 0, Math.ceil(cycles / 2));
  const w: Workload = { customers: [], payers, cancelPool: 0, paidCycles: cycles };
  const channel = haoka.sims.payments.alipay;
  channel.deliver = null;
  const cycle = ceilingCycle(haoka.deps, w, 'place-pay-cancel', channel);
  for (let i = 0; i < cycles; i += 16) await Promise.all(Array.from({ length: Math.min(16, cycles - i) }, (_, k) => cycle(i + k)));
  haoka.deps.store.database.sqlite?.writer.raw.pragma('wal_checkpoint(TRUNCATE)');
  await haoka.close();
}

async function drain(concurrency: number, round: number) {
  const copy = join(dir, `copy-${concurrency}-${round}.db`);
  copyFileSync(file, copy);
  const haoka = await open(copy, false);
  const rows = await haoka.deps.store.queue.outboxBacklog();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  while ((await dispatchOutbox(haoka.deps, 100, concurrency)) > 0);
  const ms = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  const left = await haoka.deps.store.queue.outboxBacklog();
  await haoka.close();
  rmSync(copy, { force: true });
  return { rows, ms, cpuMs: (used.user + used.system) / 1000, left };
}

const results: Record<number, { rows: number; ms: number; cpuMs: number; left: number }[]> = { 1: [], [OUTBOX_CONCURRENCY]: [] };
for (let r = 0; r < rounds; r++) {
  for (const c of r % 2 ? [OUTBOX_CONCURRENCY, 1] : [1, OUTBOX_CONCURRENCY]) results[c]!.push(await drain(c, r));
}
const sum = (xs: { rows: number; ms: number; cpuMs: number }[]) => xs.reduce((a, x) => ({ rows: a.rows + x.rows, ms: a.ms + x.ms, cpuMs: a.cpuMs + x.cpuMs }), { rows: 0, ms: 0, cpuMs: 0 });
console.log(`outbox delivery after ${cycles} place+pay+cancel cycles (SQLite file, WAL), ${rounds} rounds each`);
for (const c of [1, OUTBOX_CONCURRENCY]) {
  const s = sum(results[c]!);
  console.log(`  ${String(c).padStart(2)} at a time: ${(s.rows * 1000 / s.ms).toFixed(0)} rows/s, CPU ${(s.cpuMs * 1000 / s.rows).toFixed(0)} us/row, left ${results[c]!.map((x) => x.left).join('/')}`);
}
const a = sum(results[1]!);
const b = sum(results[OUTBOX_CONCURRENCY]!);
console.log(`  ratio (${OUTBOX_CONCURRENCY} / 1): rows/s ${((b.rows / b.ms) / (a.rows / a.ms)).toFixed(2)}, CPU per row ${((b.cpuMs / b.rows) / (a.cpuMs / a.rows)).toFixed(2)}`);
rmSync(dir, { recursive: true, force: true });
