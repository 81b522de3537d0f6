// Flash sale: a popular release of a few numbers, and many customers trying at once. 10,000 order attempts
// over 100 numbers from 200 keep-alive connections, each a customer of its own with their own resident ID.
// Exactly one order per number may be created, every other attempt refused with NUMBER.UNAVAILABLE; the
// store is read afterwards to check that no number was sold twice.
// In `npm run bench` (embedded store) and `npm run bench -- --pg`; alone: `npx tsx bench/flash-sale.ts [--pg]`.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startChild } from './child.ts';
import { ADDRESS, BENCH_PLAN, flashNumberId } from './fixtures.ts';
import type { FlashOutcome, FlashServerArgs } from './flash-server.ts';
import { createPgDatabase } from './pg.ts';
import type { Customer } from './workload.ts';

const MB = 1024 * 1024;

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');

export interface FlashResult {
  engine: string;
  attempts: number;
  numbers: number;
  connections: number;
  ms: number;
  created: number;
  refused: number;
  /** Answers other than 201 or 409 NUMBER.UNAVAILABLE, by status and code. */
  other: Record<string, number>;
  p50: number;
  p99: number;
  max: number;
  outcome: FlashOutcome;
  cpuMs: number;
  peakRss: number;
}

export async function runFlash(databaseUrl: string, engine: string, o = { attempts: 10_000, numbers: 100, connections: 200 }): Promise<FlashResult> {
  const server = startChild('flash-server', { databaseUrl, customers: o.connections, numbers: o.numbers } satisfies FlashServerArgs);
  const { port, customers } = (await server.first) as { port: number; customers: Customer[] };
  let conn = 0;
  let k = 0;
  let created = 0;
  let refused = 0;
  const other: Record<string, number> = {};
  const request = {
    method: 'POST',
    setupRequest: (req: Record<string, any>, context: Record<string, any>) => {
      // Each connection is one customer, for the whole sale.
      context.customer ??= customers[conn++ % customers.length];
      const c = context.customer as Customer;
      const i = k++;
      const body = { planId: BENCH_PLAN, numberId: flashNumberId(i % o.numbers), contactName: '赵六', contactPhone: c.phone, residentId: c.residentId, address: ADDRESS };
      return { ...req, path: '/api/v1/orders', headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json', 'idempotency-key': `flash-${i}` }, body: JSON.stringify(body) };
    },
    onResponse: (status: number, body: string) => {
      if (status === 201) created++;
      else {
        let code = '';
        try { code = (JSON.parse(body) as { error?: { code?: string } }).error?.code ?? ''; } catch { /* not JSON */ }
        if (status === 409 && code === 'NUMBER.UNAVAILABLE') refused++;
        else other[`${status} ${code}`] = (other[`${status} ${code}`] ?? 0) + 1;
      }
    },
  };
  await server.call({ cmd: 'mark' });
  const t0 = performance.now();
  const r = await autocannon({ url: `http://127.0.0.1:${port}`, connections: o.connections, amount: o.attempts, timeout: 30, requests: [request] });
  const ms = performance.now() - t0;
  const st = (await server.call({ cmd: 'stats' })) as { cpuMs: number; peakRss: number };
  const outcome = (await server.call({ cmd: 'outcome' })) as FlashOutcome;
  await server.call({ cmd: 'exit' });
  if (r.errors || r.timeouts) other[`socket errors/timeouts`] = r.errors + r.timeouts;
  return { engine, attempts: r.requests.total, numbers: o.numbers, connections: o.connections, ms, created, refused, other, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, outcome, cpuMs: st.cpuMs, peakRss: st.peakRss };
}

export function flashReport(r: FlashResult): string[] {
  // Judged on the store: an attempt that timed out at the client may still have been answered by the server.
  const ok = r.outcome.orders === r.numbers && r.outcome.numbersSoldTwice === 0 && r.outcome.numbersHeld === r.numbers;
  return [
    `flash sale on ${r.engine}: ${r.attempts} order attempts over ${r.numbers} numbers from ${r.connections} connections (one customer each, own resident ID, Idempotency-Key per attempt)`,
    `  ${f((r.attempts * 1000) / r.ms, 0)} attempts/s over ${f(r.ms / 1000, 2)} s; latency p50 ${f(r.p50, 0)} ms, p99 ${f(r.p99, 0)} ms, max ${f(r.max, 0)} ms; server CPU ${f(r.cpuMs / r.attempts, 2)} ms/attempt, RSS peak ${f(r.peakRss / MB, 0)} MB`,
    `  answers: ${r.created} created (201), ${r.refused} refused NUMBER.UNAVAILABLE (409)${Object.keys(r.other).length ? `, other: ${Object.entries(r.other).map(([k, v]) => `${k} x${v}`).join(', ')}` : ', nothing else'}`,
    `  store afterwards: ${r.outcome.orders} orders on the sale's numbers (by ${r.outcome.customersWithOrders} customers), numbers with two live orders ${r.outcome.numbersSoldTwice}, numbers held by their order ${r.outcome.numbersHeld}, still free ${r.outcome.numbersFree}: ${ok ? 'exactly one order per number' : 'WRONG'}`,
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  (async () => {
    const before = loadavg()[0]!;
    const lines: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'haoka-flash-'));
    lines.push(...flashReport(await runFlash(join(dir, 'flash.db'), 'the embedded store (SQLite file, WAL)')));
    rmSync(dir, { recursive: true, force: true });
    if (process.argv.includes('--pg')) {
      const pg = await createPgDatabase('flash');
      try {
        lines.push(...flashReport(await runFlash(pg.url, 'PostgreSQL (127.0.0.1, pool of 20)')));
      } finally {
        await pg.drop();
      }
    }
    process.stdout.write(`\nHaoka benchmark (flash sale): ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} x ${cpus()[0]?.model.trim()}, load average ${f(before, 2)} before / ${f(loadavg()[0]!, 2)} after\n${lines.join('\n')}\n`);
  })().catch((e) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
