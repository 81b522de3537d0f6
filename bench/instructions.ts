// What a cycle costs in instructions, which unlike CPU seconds do not depend on what else the machine is doing: the
// ceiling's cycles (straight to the use cases), run one at a time in one process under valgrind's callgrind.
//   npx tsx bench/instructions.ts [--base DIR] [--scenario S] [--warm N] [--cycles N]
// Counting starts after the warm-up (callgrind_control switches it on) and stops after the cycles, so start-up,
// seeding and the compiler's first passes are left out; the collector's and the compiler's later bursts are shown apart. With --base, DIR's checkout (with its own node_modules) is
// counted the same way. Node runs with --single-threaded, so that no compiler or collector thread races the cycles, and
// only the main thread is counted.
// A run with `--child` is the counted process itself.
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { split, type Count } from './callgrind.ts';

const flag = (name: string, fallback: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1]! : fallback;
};
const scenario = flag('--scenario', 'place-pay-cancel');
const warm = Number(flag('--warm', '1500'));
const cycles = Number(flag('--cycles', '300'));

async function child(root: string, n: number) {
  const load = (path: string) => import(pathToFileURL(join(root, path)).href);
  const [{ loadConfig }, { compose }, fixtures, { ceilingCycle }] = await Promise.all([
    load('src/config.ts'), load('src/main.ts'), load('bench/fixtures.ts'), load('bench/ceiling.ts'),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'haoka-instructions-'));
  const file = join(dir, 'haoka.db');
  const haoka = await compose(loadConfig({ HAOKA_DATABASE_URL: file, HAOKA_SECRET: 'bench-secret-not-for-production', HAOKA_LOG_LEVEL: 'warn' }), { seed: true, numbersPerCarrier: 10, webDir: null, alipay: 'simulator' });
  const total = warm + n;
  const raw = fixtures.openRaw(file);
  fixtures.insertFreeNumbers(raw, 0, 2 * total + 100, Date.now());
  raw.close();
  const customers = await fixtures.signInCustomers(haoka.deps, 0, 50);
  const payers = await fixtures.signInCustomers(haoka.deps, 50, total + 10);
  const ref = fixtures.benchPromotionCode ? await fixtures.benchPromotionCode(haoka.deps) : undefined;
  const channel = haoka.sims.payments.alipay;
  channel.deliver = null;
  // The simulated channels look for notifications to resend every second; the count is of the cycles, not of the seconds
  // they take under valgrind.
  for (const sim of Object.values(haoka.sims.payments) as { resendDue: () => Promise<unknown> }[]) sim.resendDue = async () => 0;
  const cycle = ceilingCycle(haoka.deps, { customers, payers, cancelPool: total, paidCycles: total, reviewCycles: 0, agentToken: '', ref }, scenario, channel);
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  for (let i = 0; i < warm; i++) await cycle(i);
  process.stdout.write('warm\n');
  await lines.next();
  for (let i = warm; i < total; i++) await cycle(i);
  process.stdout.write('done\n');
  await lines.next();
  await haoka.close();
  rmSync(dir, { recursive: true, force: true });
}

async function counted(root: string, n: number): Promise<Count> {
  const out = mkdtempSync(join(tmpdir(), 'haoka-callgrind-'));
  const file = join(out, 'callgrind.out');
  try {
    // Threads apart: only the main thread, where the cycles run, is counted (not SQLite's checkpointer or the pool's disk syncs).
    const p = spawn('valgrind', ['--tool=callgrind', `--callgrind-out-file=${file}`, '--instr-atstart=no', '--collect-atstart=yes', '--separate-threads=yes',
      process.execPath, '--single-threaded', '--import', 'tsx', resolve('bench/instructions.ts'), '--child', root, String(n), '--scenario', scenario, '--warm', String(warm)],
    { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    const exited = new Promise<number>((res) => p.on('exit', (code) => res(code ?? 1)));
    const lines = createInterface({ input: p.stdout })[Symbol.asyncIterator]();
    const expect = async (word: string) => {
      const l = await lines.next();
      if (l.done || l.value !== word) throw new Error(`the counted process said ${l.done ? 'nothing' : l.value}, not ${word}:\n${err.slice(-2000)}`);
    };
    await expect('warm');
    execFileSync('callgrind_control', ['--instr=on', String(p.pid)], { stdio: 'ignore' });
    p.stdin.write('go\n');
    await expect('done');
    execFileSync('callgrind_control', ['--instr=off', String(p.pid)], { stdio: 'ignore' });
    p.stdin.end('go\n');
    if ((await exited) !== 0) throw new Error(`the counted process failed:\n${err.slice(-2000)}`);
    return split(`${file}-01`, n);
  } finally {
    if (!process.env.KEEP) rmSync(out, { recursive: true, force: true });
    else process.stderr.write(`kept ${out}\n`);
  }
}

async function main() {
  if (process.argv.includes('--child')) {
    const at = process.argv.indexOf('--child');
    await child(process.argv[at + 1]!, Number(process.argv[at + 2]));
    return;
  }
  const roots = [resolve('.'), ...(process.argv.includes('--base') ? [resolve(flag('--base', ''))] : [])];
  const per: Count[] = [];
  const m = (x: number) => (x / 1e6).toFixed(3);
  for (const root of roots) {
    const c = await counted(root, cycles);
    per.push(c);
    process.stdout.write(`${root}: ${scenario}, ${cycles} cycles after ${warm}: ${m(c.all - c.gc - c.compiler)} M instructions a cycle besides the collector (${m(c.gc)} M) and the compiler (${m(c.compiler)} M)\n`);
  }
  if (per.length === 2) {
    const own = (c: Count) => c.all - c.gc - c.compiler;
    process.stdout.write(`this / base: ${(own(per[0]!) / own(per[1]!)).toFixed(4)} (with the collector and the compiler: ${(per[0]!.all / per[1]!.all).toFixed(4)})\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
  process.exit(1);
});
