// The server under load, in its own process so that it does not share a core with the load generator.
// It also runs the ceiling (the same cycles without HTTP) when the parent asks, while no request is in flight.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config.ts';
import { compose } from '../src/main.ts';
import { issueAgentToken } from '../src/app/platform/sign-in.ts';
import { isError, type DomainError } from '../src/domain/errors.ts';
import { childArgs, finish, reply, replyError } from './child.ts';
import { benchPromotionCode, insertFreeNumbers, insertFreeNumbersPg, openRaw, signInCustomers } from './fixtures.ts';
import { runCeiling } from './ceiling.ts';
import { ProcessMeter } from './stats.ts';
import type { Scenario, Workload } from './workload.ts';
import { publishPlan, syncCatalogs } from '../src/app/suppliers/catalog-sync.ts';
import { eligibilityCost } from './eligibility-cost.ts';
import { memoryBreakdown } from './memory.ts';

export interface ServerArgs {
  dir: string;
  /** A postgres:// URL to serve from instead of the SQLite file in `dir`. */
  databaseUrl?: string;
  customers: number;
  payers: number;
  cancelPool: number;
  paidCycles: number;
  /** Place, pay and apply cycles that go to review: numbers priced over the express-refund amount. */
  reviewCycles?: number;
  /** More configuration (a WeChat Pay merchant account pointed at a fake gateway in another process). */
  env?: Record<string, string>;
  /** Listen on this port (0: any); an address given to a partner beforehand needs it. */
  port?: number;
  /** Alipay through the SDK adapter (its application in `env`, a fake gateway in another process) instead of the in-process simulator. */
  alipay?: 'gateway' | 'simulator';
}

export interface ServerStats {
  /** Server CPU time since the last 'mark', and the wall time it was spent in. */
  cpuMs: number;
  /** The part of cpuMs spent in the kernel (socket writes, file I/O). */
  sysMs: number;
  wallMs: number;
  /** Main thread: running, and ready but waiting for a core (see schedstat). */
  runMs: number;
  waitMs: number;
  rss: number;
  heapUsed: number;
  /** Highest RSS sampled since the last 'mark' (every 100 ms), and over the whole process. */
  peakRss: number;
  maxRss: number;
  minorFaults: number;
  backlog: number;
}

const args = childArgs<ServerArgs>();
const file = join(args.dir, 'haoka.db');

async function main() {
  // HAOKA_HEAP_GROWTH from the bench's environment, to compare the heap's pacing; the server's default otherwise.
  // HAOKA_SQLITE_SYNC likewise, to compare FULL with NORMAL.
  const pass = (name: string) => (process.env[name] ? { [name]: process.env[name] } : {});
  const config = loadConfig({ HAOKA_DATABASE_URL: args.databaseUrl ?? file, HAOKA_SECRET: 'bench-secret-not-for-production', HAOKA_LOG_LEVEL: 'warn', ...pass('HAOKA_HEAP_GROWTH'), ...pass('HAOKA_SQLITE_SYNC'), ...args.env });
  // The paid cycles pay through the in-process Alipay simulator (bench/gateway-cycles.ts measures the real protocols).
  // HAOKA_BENCH_SMS=simulator: notices through the built-in notifier instead of the SMS providers' fakes, to see what texting costs.
  const sms = process.env.HAOKA_BENCH_SMS === 'simulator' ? { sms: 'simulator' as const } : {};
  const haoka = await compose(config, { seed: true, numbersPerCarrier: 10, webDir: null, alipay: args.alipay ?? 'simulator', ...sms, ...(args.databaseUrl ? { poolSize: 20 } : {}) });
  const { deps } = haoka;
  // A payer's paid cycles are refunded at once while the customer has cancelled fewer than `priorityThreshold` times
  // lately; the bench cycles through its payers as often as the cycles' speed takes it, so the threshold is set to
  // its highest, as an operator may, and every paid cycle stays an express one however fast the code runs.
  const patched = await deps.settings.update({ priorityThreshold: 100 }, 'bench');
  if (isError(patched)) throw new Error(patched.message);
  // What zeroing deleted rows costs: the bench alone may change it (HAOKA_BENCH_SECURE_DELETE=off|fast|on).
  const secureDelete = process.env.HAOKA_BENCH_SECURE_DELETE;
  if (secureDelete && /^(off|fast|on)$/.test(secureDelete)) deps.store.database.sqlite?.writer.raw.pragma(`secure_delete = ${secureDelete.toUpperCase()}`);
  const reviewFrom = args.cancelPool + args.paidCycles;
  const REVIEW_PRICE_FEN = 10_000;
  if (args.databaseUrl) {
    await insertFreeNumbersPg(deps.store.database.db, 0, reviewFrom, Date.now());
    await insertFreeNumbersPg(deps.store.database.db, reviewFrom, args.reviewCycles ?? 0, Date.now(), REVIEW_PRICE_FEN);
  } else {
    const raw = openRaw(file);
    insertFreeNumbers(raw, 0, reviewFrom, Date.now());
    insertFreeNumbers(raw, reviewFrom, args.reviewCycles ?? 0, Date.now(), REVIEW_PRICE_FEN);
    raw.close();
  }
  // A configured supplier (bench/supplier-process.ts): its catalog synced and put on sale, as an operator would.
  if (args.env?.HAOKA_SUPPLIERS) {
    const synced = await syncCatalogs(deps);
    if (isError(synced) || synced.some((x) => x.error)) throw new Error(`supplier catalog not synced: ${JSON.stringify(synced)}`);
    for (const id of synced.flatMap((x) => x.added)) await publishPlan(deps, id, true);
  }
  const agent = await issueAgentToken(deps, 'agent');
  if (isError(agent)) throw new Error(agent.message);
  const customers = (from: number, count: number) => signInCustomers(deps, from, count);
  const ref = await benchPromotionCode(deps);
  const workload: Workload = {
    customers: await customers(0, args.customers),
    payers: await customers(args.customers, args.payers),
    cancelPool: args.cancelPool,
    paidCycles: args.paidCycles,
    reviewCycles: args.reviewCycles ?? 0,
    reviewers: await customers(args.customers + args.payers, Math.ceil((args.reviewCycles ?? 0) / 2)),
    agentToken: agent.token,
    ref,
  };
  const app = await haoka.server();
  await app.listen({ host: '127.0.0.1', port: args.port ?? 0 });
  // The bench plays the channel's webhook itself (over the socket for HTTP, straight to the use case for
  // the ceiling), so the simulator's own in-process delivery stays off.
  const channel = haoka.sims.payments.alipay;
  for (const sim of Object.values(haoka.sims.payments)) sim.deliver = null;
  const meter = new ProcessMeter();
  let profiler: Session | null = null;

  process.on('message', (m: any) => {
    (async () => {
      switch (m.cmd) {
        case 'ceiling':
          return reply(await runCeiling(deps, workload, m.scenario as Scenario, channel, { seconds: m.seconds, concurrency: m.concurrency, from: m.from }));
        case 'eligibility':
          return reply(await eligibilityCost(deps, m.planId as string, m.calls as number));
        case 'mark':
          meter.mark();
          return reply({});
        case 'stats': {
          return reply({ ...meter.read(), backlog: await deps.store.queue.outboxBacklog() } satisfies ServerStats);
        }
        case 'drain': {
          const before = await deps.store.queue.outboxBacklog();
          const t0 = performance.now();
          meter.peak = process.memoryUsage().rss;
          await haoka.worker.drain(100_000);
          return reply({ rows: before, ms: performance.now() - t0, left: await deps.store.queue.outboxBacklog(), peakRss: meter.peak });
        }
        case 'worker':
          if (m.on) haoka.worker.start();
          else await haoka.worker.stop();
          return reply({});
        case 'profile': {
          // A V8 CPU profile of one window only (--profile covers the process's whole life, setup included).
          if (m.on) {
            profiler = new Session();
            profiler.connect();
            await profiler.post('Profiler.enable');
            await profiler.post('Profiler.start');
            return reply({});
          }
          if (!profiler) return reply({});
          const { profile } = await profiler.post('Profiler.stop');
          writeFileSync(m.file, JSON.stringify(profile));
          profiler.disconnect();
          profiler = null;
          return reply({ file: m.file });
        }
        case 'backlog-by-topic': {
          // What waits in the outbox, by topic, and how much of it has failed at least once.
          const { sql } = await import('kysely');
          const rows = await sql<{ topic: string; n: number; failed: number }>`select topic, count(*) as n, sum(case when attempts > 0 then 1 else 0 end) as failed from outbox where delivered_at is null group by topic`.execute(deps.store.database.db);
          return reply(rows.rows);
        }
        case 'memory':
          // Where the RSS lives now (m.top: the largest mappings too); m.gc first collects garbage, to see what is live.
          if (m.gc && globalThis.gc) globalThis.gc();
          return reply(memoryBreakdown(m.top ?? 0));
        case 'exit':
          await haoka.close();
          return finish({});
      }
    })().catch(replyError);
  });
  reply({ port: (app.server.address() as AddressInfo).port, workload });
}

main().catch(replyError);
