// IoT batch cancellation at size: the preview of a 10,000-card cancellation (target under 1 s) and its execution
// (target 1,000 cards a second or more on the embedded store), the cards paid through the channel simulator and
// cancelled whole: every card takes the refund route (a card's state change, its trail, its refund and outbox row).
// `npm run bench` runs it in a process of its own per engine (PostgreSQL when reachable); alone:
// `npx tsx bench/iot-cancellation.ts [cards] [--pg]`.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { FakeClock } from '../src/adapters/clock.ts';
import { loadConfig } from '../src/config.ts';
import { compose } from '../src/main.ts';
import { iotRepos } from '../src/adapters/store/iot/index.ts';
import { registerBusiness } from '../src/app/iot/accounts.ts';
import { orderBatch, startBatchPayment } from '../src/app/iot/batches.ts';
import { applyPaymentNotice } from '../src/app/ordering/apply-payment-notice.ts';
import { confirmBatchCancellation, previewBatchCancellation, reviewBatchCancellation } from '../src/app/iot/cancellation.ts';
import { runIotJob } from '../src/app/iot/jobs.ts';
import { isError, type DomainError } from '../src/domain/errors.ts';
import { childArgs, finish, replyError, startChild } from './child.ts';
import { createPgDatabase, pgReachable } from './pg.ts';

export interface IotArgs { databaseUrl: string; cards: number }
export interface IotResult { engine: string; cards: number; previewMs: number; runMs: number; handled: number; refunds: number; refundFen: number; previewRefundFen: number }

const must = <T>(x: T | DomainError): T => {
  if (isError(x)) throw new Error(x.message);
  return x;
};

/** One business, one paid batch of `cards`, the whole batch previewed, confirmed (approved if it needs review) and run. */
export async function measureIotCancellation({ databaseUrl, cards }: IotArgs): Promise<IotResult> {
  const clock = new FakeClock();
  const haoka = await compose(loadConfig({ HAOKA_DATABASE_URL: databaseUrl, HAOKA_SECRET: 'bench-secret-not-for-production' }), { clock, log: pino({ level: 'warn' }), seed: true, numbersPerCarrier: 10, webDir: null });
  const deps = haoka.deps;
  try {
    const business = must(await registerBusiness(deps, { name: '压测企业', creditCode: '91350100M000100Y43', contactName: '压测', contactPhone: '13900000000', firstStaff: { username: `bench-${Date.now()}`, displayName: '压测', password: 'bench password 0001', role: 'buyer' } }));
    const me = (await iotRepos(deps.store).accounts.getStaff(business.staff[0]!.id))!;
    const batch = must(await orderBatch(deps, me, { planId: 'iot-cm-1g', quantity: cards, paymentMethod: 'alipay' }));
    const payment = must(await startBatchPayment(deps, me, batch.id));
    const notice = haoka.sims.payments.alipay.pay(payment.paymentNo);
    if ('kind' in notice) throw new Error(notice.message);
    must(await applyPaymentNotice(deps, 'alipay', notice.headers, notice.body));
    const selection = { batchId: batch.id };

    let t0 = performance.now();
    const preview = must(await previewBatchCancellation(deps, me, selection));
    const previewMs = performance.now() - t0;

    const confirmed = must(await confirmBatchCancellation(deps, me, { selection, expect: { cards: preview.totals.cards, refundFen: preview.totals.refundFen, penaltyFen: preview.totals.penaltyFen } }));
    if (confirmed.state === 'awaiting_review') must(await reviewBatchCancellation(deps, 'bench-agent', confirmed.id, 'approve', 'bench'));
    t0 = performance.now();
    const ran = await runIotJob(deps, confirmed.id);
    const runMs = performance.now() - t0;
    const refunds = await iotRepos(deps.store).jobs.refundsOf(confirmed.id);
    return {
      engine: deps.store.database.engine, cards, previewMs, runMs, handled: ran.handled,
      refunds: refunds.length, refundFen: refunds.reduce((s, r) => s + r.amount_fen, 0), previewRefundFen: preview.totals.refundFen,
    };
  } finally {
    await haoka.close();
  }
}

/** On the embedded store, then on a fresh PostgreSQL database when one answers at 127.0.0.1; each in a process of its own. */
export async function runIotCancellation(dir: string, cards: number, log: (s: string) => void): Promise<IotResult[]> {
  log(`IoT batch cancellation of ${cards} cards on the embedded store ...`);
  const results: IotResult[] = [await startChild('iot-cancellation', { databaseUrl: join(dir, 'iot.db'), cards } satisfies IotArgs).first];
  if (await pgReachable()) {
    log(`IoT batch cancellation of ${cards} cards on PostgreSQL ...`);
    const db = await createPgDatabase('iot');
    try {
      results.push(await startChild('iot-cancellation', { databaseUrl: db.url, cards } satisfies IotArgs).first);
    } finally {
      await db.drop();
    }
  } else log('  PostgreSQL not reachable at 127.0.0.1:5432: the IoT figure on PostgreSQL is left out');
  return results;
}

const f = (x: number, d = 0) => x.toFixed(d);
const perSecond = (r: IotResult) => (r.handled * 1000) / r.runMs;

export function iotReport(results: IotResult[]): string[] {
  return [
    `IoT batch cancellation: a paid batch of ${results[0]?.cards ?? 0} cards cancelled whole (each card its share refunded: state, trail, refund row, outbox row), use cases in one process`,
    ...results.map((r) => `  ${r.engine.padEnd(9)} preview ${f(r.previewMs).padStart(5)} ms   execution ${f(r.runMs).padStart(6)} ms = ${f(perSecond(r)).padStart(5)} cards/s   refunds ${r.refunds}, ${r.refundFen} fen = preview's ${r.previewRefundFen}: ${r.refundFen === r.previewRefundFen && r.refunds === r.handled ? 'yes' : 'NO'}`),
  ];
}

/** The issue's targets, on the embedded store (PostgreSQL's figure is reported beside them). */
export function iotTargets(results: IotResult[]): string[] {
  const sqlite = results.find((r) => r.engine === 'sqlite');
  if (!sqlite) return [];
  const pg = results.find((r) => r.engine === 'postgres');
  return [
    'targets (issue 20):',
    `  IoT preview of ${sqlite.cards} cards < 1 s          ${f(sqlite.previewMs)} ms${pg ? ` (PostgreSQL ${f(pg.previewMs)} ms)` : ''}  ${sqlite.previewMs < 1000 ? 'met' : 'MISSED'}`,
    `  IoT execution >= 1,000 cards/s (embedded) ${f(perSecond(sqlite))} /s${pg ? ` (PostgreSQL ${f(perSecond(pg))} /s)` : ''}  ${perSecond(sqlite) >= 1000 ? 'met' : 'MISSED'}`,
  ];
}

const main = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (main && process.send) {
  measureIotCancellation(childArgs<IotArgs>()).then(finish, replyError);
} else if (main) {
  (async () => {
    const cards = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 10_000);
    const before = loadavg()[0]!;
    const dir = mkdtempSync(join(tmpdir(), 'haoka-bench-iot-'));
    const results = [await measureIotCancellation({ databaseUrl: join(dir, 'iot.db'), cards })];
    rmSync(dir, { recursive: true, force: true });
    if (process.argv.includes('--pg')) {
      const db = await createPgDatabase('iot');
      try {
        results.push(await measureIotCancellation({ databaseUrl: db.url, cards }));
      } finally {
        await db.drop();
      }
    }
    process.stdout.write(`\nHaoka benchmark (IoT cancellation): ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} x ${cpus()[0]?.model.trim()}, load average ${before.toFixed(2)} before / ${loadavg()[0]!.toFixed(2)} after\n${[...iotReport(results), ...iotTargets(results)].join('\n')}\n`);
  })().catch((e) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
