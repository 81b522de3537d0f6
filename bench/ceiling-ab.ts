// npx tsx bench/ceiling-ab.ts --base DIR [--seconds N] [--rounds N] [--concurrency N]: CPU per place+pay+cancel
// cycle of this checkout's code against another checkout's (DIR, with its node_modules), both loaded in this one
// process, each on a SQLite file of its own (synchronous=FULL, as served). The cycles go straight to the use cases
// (the ceiling: no HTTP), N at a time; the two take short turns, in alternating order, so that load from elsewhere
// on the machine falls on both alike, and the process's CPU time over a turn is charged to the cycles of that
// turn. Prints the median CPU per cycle of each and the median of the per-round ratios (this / base).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const flag = (name: string, fallback: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1]! : fallback;
};
const base = flag('--base', '');
const seconds = Number(flag('--seconds', '2'));
const rounds = Number(flag('--rounds', '10'));
const concurrency = Number(flag('--concurrency', '64'));
if (!base) throw new Error('--base DIR: the checkout to compare with');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const log = (s: string) => process.stderr.write(`${s}\n`);

interface Side { name: string; dir: string; turn: () => Promise<{ cycles: number; cpuMs: number }>; close: () => Promise<void>; cpu: number[] }

async function side(name: string, root: string): Promise<Side> {
  const load = (path: string) => import(pathToFileURL(join(root, path)).href);
  const [{ loadConfig }, { compose }, fixtures, { ceilingCycle }, { runFor }] = await Promise.all([
    load('src/config.ts'), load('src/main.ts'), load('bench/fixtures.ts'), load('bench/ceiling.ts'), load('bench/stats.ts'),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'haoka-ceiling-ab-'));
  const file = join(dir, 'haoka.db');
  const paidCycles = 2_000 * seconds * (rounds + 2) + 10_000;
  const haoka = await compose(loadConfig({ HAOKA_DATABASE_URL: file, HAOKA_SECRET: 'bench-secret-not-for-production', HAOKA_LOG_LEVEL: 'warn' }), { seed: true, numbersPerCarrier: 10, webDir: null, alipay: 'simulator' });
  const raw = fixtures.openRaw(file);
  fixtures.insertFreeNumbers(raw, 0, paidCycles, Date.now());
  raw.close();
  const payers = await fixtures.signInCustomers(haoka.deps, 0, 20_000);
  const channel = haoka.sims.payments.alipay;
  for (const sim of Object.values(haoka.sims.payments) as { deliver: unknown }[]) sim.deliver = null;
  const cycle = ceilingCycle(haoka.deps, { customers: [], payers, cancelPool: 0, paidCycles }, 'place-pay-cancel', channel);
  let next = 0;
  return {
    name, dir, cpu: [],
    async turn() {
      const cpu = process.cpuUsage();
      const r = await runFor(seconds, concurrency, next, cycle);
      const used = process.cpuUsage(cpu);
      next = r.next + concurrency;
      return { cycles: r.cycles, cpuMs: (used.user + used.system) / 1000 };
    },
    close: () => haoka.close(),
  };
}

async function main() {
  const sides = [await side('this', resolve('.')), await side('base', resolve(base))];
  try {
    log('warming up ...');
    for (const s of sides) await s.turn();
    for (let round = 0; round < rounds; round++) {
      for (const s of round % 2 ? [...sides].reverse() : sides) {
        const t = await s.turn();
        s.cpu[round] = t.cpuMs / t.cycles;
        log(`  round ${round + 1} ${s.name}: ${t.cycles} cycles, ${s.cpu[round]!.toFixed(3)} ms CPU a cycle, load ${loadavg()[0]!.toFixed(1)}`);
      }
    }
  } finally {
    for (const s of sides) {
      await s.close();
      rmSync(s.dir, { recursive: true, force: true });
    }
  }
  const [self, other] = sides as [Side, Side];
  process.stdout.write(`place+pay+cancel at the use cases, ${concurrency} at a time, ${rounds} turns of ${seconds} s each, alternating\n`
    + `  this ${median(self.cpu).toFixed(3)} ms CPU a cycle, base ${median(other.cpu).toFixed(3)}; `
    + `this / base, median of the rounds: ${median(self.cpu.map((c, i) => c / other.cpu[i]!)).toFixed(3)}\n`);
}

main().catch((e) => { console.error(e); process.exit(1); });
