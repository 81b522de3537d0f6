// Orders placed with a hold at a supplier over HTTP, beside today's place+cancel on the same server in the same run:
// the fake md5kv supplier in a process of its own on 127.0.0.1, the server reserving its numbers over HTTP. Each
// cycle holds a number (the server asks the supplier), orders it (eligibility checked again on the server) and cancels
// it unpaid. Then what eligibility adds per order in server CPU, measured in the server process.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startChild } from './child.ts';
import { runHttp, type HttpResult } from './http-load.ts';
import { planIdFor } from '../src/app/suppliers/catalog-sync.ts';
import { supplierCallbackPath } from '../src/adapters/suppliers/wiring.ts';
import type { EligibilityCost } from './eligibility-cost.ts';
import type { ServerArgs, ServerStats } from './server-process.ts';
import type { SupplierArgs } from './supplier-process.ts';
import { BENCH_SUPPLIER } from './fixtures.ts';
import type { Scenario, Workload } from './workload.ts';

export interface SupplierCycles {
  rounds: { placeCancel: HttpResult & { server: ServerStats }; holdPlaceCancel: HttpResult & { server: ServerStats } }[];
  eligibility: EligibilityCost;
  failures: number;
}

export async function runSupplierCycles(o: { dir: string; seconds: number; warmup: number; rounds: number; connections: number; cycles: number; log: (s: string) => void }): Promise<SupplierCycles> {
  const dir = join(o.dir, 'suppliers');
  mkdirSync(dir, { recursive: true });
  const supplier = startChild('supplier-process', { pool: o.cycles } satisfies SupplierArgs);
  const { url: supplierUrl, numbers } = (await supplier.first) as { url: string; numbers: string[] };
  const env = {
    HAOKA_SUPPLIERS: BENCH_SUPPLIER.id, HAOKA_SUPPLIER_BENCH_PROTOCOL: 'md5kv', HAOKA_SUPPLIER_BENCH_URL: supplierUrl,
    HAOKA_SUPPLIER_BENCH_APP_ID: BENCH_SUPPLIER.appId, HAOKA_SUPPLIER_BENCH_SECRET: BENCH_SUPPLIER.secret,
    HAOKA_SUPPLIER_BENCH_NOTIFY_URL: `http://127.0.0.1${supplierCallbackPath(BENCH_SUPPLIER.id)}`,
  };
  // Payers hold the numbers, one hold each (a customer may hold 20 in 10 minutes).
  const server = startChild('server-process', { dir, customers: 400, payers: o.cycles, cancelPool: 20_000, paidCycles: 0, env } satisfies ServerArgs);
  const { port, workload } = (await server.first) as { port: number; workload: Workload };
  const planId = planIdFor(BENCH_SUPPLIER.id, BENCH_SUPPLIER.product);
  const w: Workload = { ...workload, supplier: { planId, numbers } };
  const url = `http://127.0.0.1:${port}`;
  const cursor: Record<'place-cancel' | 'hold-place-cancel', number> = { 'place-cancel': 0, 'hold-place-cancel': 0 };
  let seed = 7000;
  let failures = 0;
  const measure = async (scenario: 'place-cancel' | 'hold-place-cancel', seconds: number) => {
    await server.call({ cmd: 'mark' });
    const r = await runHttp(url, w, scenario as Scenario, { seconds, connections: o.connections, from: cursor[scenario], idempotencyKeys: true, channelSeed: seed++ });
    const stats = (await server.call({ cmd: 'stats' })) as ServerStats;
    // Cycles cut off at the end leave their numbers held; the next run starts past them.
    cursor[scenario] = r.next + o.connections;
    if (r.failures) o.log(`  ! ${scenario}: ${r.failures} failed requests, e.g. ${r.failureSample}`);
    failures += r.failures;
    return { ...r, server: stats };
  };
  o.log('  warming up place+cancel and hold+place+cancel ...');
  await measure('place-cancel', o.warmup);
  await measure('hold-place-cancel', o.warmup);
  const rounds: SupplierCycles['rounds'] = [];
  // Alternating, so that a burst of load from elsewhere on the machine does not land on one side only.
  for (let i = 0; i < o.rounds; i++) {
    o.log(`  round ${i + 1}: place+cancel, then hold+place+cancel at the supplier ...`);
    rounds.push({ placeCancel: await measure('place-cancel', o.seconds), holdPlaceCancel: await measure('hold-place-cancel', o.seconds) });
  }
  o.log('  eligibility in the server process ...');
  const eligibility = (await server.call({ cmd: 'eligibility', planId, calls: 5_000 })) as EligibilityCost;
  await server.call({ cmd: 'exit' });
  await supplier.call({ cmd: 'exit' });
  return { rounds, eligibility, failures };
}

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const rate = (r: HttpResult) => (r.cycles * 1000) / r.ms;
const cpu = (r: HttpResult & { server: ServerStats }) => r.server.cpuMs / Math.max(1, r.cycles);

export function supplierReport(s: SupplierCycles): string[] {
  const best = s.rounds.reduce((a, b) => (rate(b.holdPlaceCancel) + rate(b.placeCancel) > rate(a.holdPlaceCancel) + rate(a.placeCancel) ? b : a));
  const e = s.eligibility;
  const line = (name: string, r: HttpResult & { server: ServerStats }) =>
    `  ${name.padEnd(34)}${f(rate(r)).padStart(8)} /s   server CPU ${f(cpu(r), 2).padStart(6)} ms/cycle   cycle p50/p99 ${f(r.cycleP50, 0)} / ${f(r.cycleP99, 0)} ms`;
  return [
    `orders at a supplier over HTTP (fake md5kv supplier in its own process on 127.0.0.1; the same server, rounds alternating, best of ${s.rounds.length}):`,
    line('place+cancel (own number)', best.placeCancel),
    line('hold at supplier+place+cancel', best.holdPlaceCancel),
    `  ratio hold+place+cancel / place+cancel: ${f(rate(best.holdPlaceCancel) / rate(best.placeCancel), 2)} in cycles/s, ${f(cpu(best.holdPlaceCancel) / cpu(best.placeCancel), 2)} in server CPU per cycle; failed requests ${s.failures}`,
    `  eligibility per order, server CPU: ${f(e.cpuMsPerCheck, 3)} ms the whole check (${e.calls} distinct inputs, ${e.blacklisted} blacklist entries), ${f(e.pureMsPerCheck * 1000, 1)} us the rules alone; target < 0.2 ms ${e.cpuMsPerCheck < 0.2 ? 'met' : 'MISSED'}`,
  ];
}
