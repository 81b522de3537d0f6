// haoka distributors settle [--run ID] [--csv FILE]: the commission settlement run (monthly, or on demand).
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../config.ts';
import { compose } from '../main.ts';
import { settleCommissions } from '../app/distribution/settlement.ts';

const BEIJING_MS = 8 * 3_600_000;

/** The Beijing calendar month before the one `now` falls in, as YYYY-MM: a monthly run is named after the month it closes. */
export function previousMonth(now: number): string {
  const d = new Date(now + BEIJING_MS);
  const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1));
  return `${m.getUTCFullYear()}-${String(m.getUTCMonth() + 1).padStart(2, '0')}`;
}

export function registerDistributorCommands(program: Command, config: () => Config): void {
  const cmd = program.command('distributors').description("distributors' commissions");
  cmd.command('settle').description('settle every eligible commission under a run id; the same id again settles nothing and prints the same CSV')
    .option('--run <id>', 'the run id (default: the previous Beijing month, YYYY-MM)')
    .option('--csv <file>', 'write the CSV there instead of standard output')
    .action(async (o: { run?: string; csv?: string }) => {
      const runId = o.run ?? previousMonth(Date.now());
      if (!/^[A-Za-z0-9_.-]{1,40}$/.test(runId)) {
        process.stderr.write(`haoka distributors settle: --run takes letters, digits, _ . - (at most 40), not ${JSON.stringify(runId)}\n`);
        process.exit(2);
      }
      const haoka = await compose(config());
      const r = await settleCommissions(haoka.deps, runId, 'cli');
      await haoka.close();
      if (o.csv) writeFileSync(o.csv, r.csv);
      else process.stdout.write(r.csv);
      process.stderr.write(`${r.runId}: ${r.created ? 'settled' : 'already settled earlier, nothing settled again'}; ${r.lines} commission(s), ${(r.amountFen / 100).toFixed(2)} yuan\n`);
    });
}
