// IoT batch cancellation at size: the preview of a 10,000-card cancellation (target under 1 s) and its execution
// (target 1,000 cards a second or more), on the embedded store by default or on PostgreSQL (HAOKA_BENCH_DATABASE_URL).
// Run alone: `npx tsx bench/iot-cancellation.ts [cards]`. The cards are paid through the channel simulator and
// cancelled whole: every card takes the refund route (a card's state change, its trail, its refund and outbox row).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

const cards = Number(process.argv[2] ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), 'haoka-bench-iot-'));
const url = process.env.HAOKA_BENCH_DATABASE_URL ?? join(dir, 'haoka.db');
const clock = new FakeClock();
const haoka = await compose(loadConfig({ HAOKA_DATABASE_URL: url, HAOKA_SECRET: 'bench-secret-not-for-production' }), { clock, log: pino({ level: 'warn' }), seed: true, numbersPerCarrier: 10, webDir: null });
const deps = haoka.deps;
const must = <T>(x: T | DomainError): T => {
  if (isError(x)) throw new Error(x.message);
  return x;
};
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
  const sum = refunds.reduce((s, r) => s + r.amount_fen, 0);
  const engine = deps.store.database.engine;
  process.stdout.write([
    `IoT batch cancellation of ${cards} cards on ${engine}`,
    `  preview   ${previewMs.toFixed(0)} ms  (target < 1000 ms)  ${previewMs < 1000 ? 'met' : 'MISSED'}`,
    `  execution ${runMs.toFixed(0)} ms, ${(ran.handled / (runMs / 1000)).toFixed(0)} cards/s  (target >= 1000/s)  ${ran.handled / (runMs / 1000) >= 1000 ? 'met' : 'MISSED'}`,
    `  refunds   ${refunds.length}, ${sum} fen = preview ${preview.totals.refundFen} fen: ${sum === preview.totals.refundFen ? 'yes' : 'NO'}`,
    '',
  ].join('\n'));
} finally {
  await haoka.close();
  rmSync(dir, { recursive: true, force: true });
}
