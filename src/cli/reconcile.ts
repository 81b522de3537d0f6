// haoka reconcile [--date YYYY-MM-DD]: the daily reconciliation on demand (the worker runs yesterday's by itself).
import type { Config } from '../config.ts';
import { compose } from '../main.ts';
import { parseBillDay, previousBillDay } from '../domain/policies/bill-day.ts';
import { reconcileDay } from '../app/reconciliation/reconcile-day.ts';

export async function reconcileCommand(cfg: Config, date: string | undefined): Promise<void> {
  const day = date === undefined ? previousBillDay(Date.now()) : parseBillDay(date);
  if (!day) {
    process.stderr.write(`haoka reconcile: --date must be a calendar day written YYYY-MM-DD, not ${JSON.stringify(date)}\n`);
    process.exit(2);
  }
  if (!cfg.simStateDir) process.stderr.write('haoka reconcile: HAOKA_SIM_STATE_DIR is not set, so the simulated channels of this process have no bills to give\n');
  const haoka = await compose(cfg);
  const summaries = await reconcileDay(haoka.deps, day);
  await haoka.close();
  for (const s of summaries) {
    process.stdout.write(`${s.channel} ${s.day}: ${s.status}${s.error ? ` (${s.error})` : ''}; ${s.lines} line(s), ${s.matched} matched, ${s.paymentsApplied} payment(s) applied, `
      + `${s.refundsStarted} refund(s) started, ${s.refundsRecorded} refund(s) recorded, ${s.itemsOpened} item(s) for an operator\n`);
  }
  process.exit(summaries.some((s) => s.status !== 'reconciled') ? 1 : 0);
}
