// npx tsx bench/sync-ab.ts [--seconds N] [--rounds N] [--base DIR]: what durability costs. Servers that differ only
// in their SQLite settings (HAOKA_SQLITE_SYNC full or normal, secure_delete on or off), and with --base a build of
// another checkout's bench (its dist/bench), each in its own process, take place+pay+cancel cycles over HTTP in
// turns: every round runs each server once, in a rotated order, so load from elsewhere on the machine falls on
// all of them alike. Prints each server's median rate and its ratio to the first.
import { loadavg } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle } from '../scripts/bundle.ts';
import { CHILDREN, CHILDREN_DIR, startChild, type Child } from './child.ts';
import { runHttp } from './http-load.ts';
import type { ServerArgs, ServerStats } from './server-process.ts';
import type { Workload } from './workload.ts';

const flag = (name: string, fallback: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1]! : fallback;
};
const seconds = Number(flag('--seconds', '8'));
const rounds = Number(flag('--rounds', '4'));
const base = flag('--base', '');
const log = (s: string) => process.stderr.write(`${s}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Variant { name: string; env: Record<string, string>; builtIn?: string }
const variants: Variant[] = [
  { name: 'FULL, secure_delete on (default)', env: {} },
  { name: 'NORMAL, secure_delete on', env: { HAOKA_SQLITE_SYNC: 'normal' } },
  { name: 'FULL, secure_delete off', env: { HAOKA_BENCH_SECURE_DELETE: 'off' } },
  { name: 'FULL, secure_delete fast', env: { HAOKA_BENCH_SECURE_DELETE: 'fast' } },
  ...(base ? [
    { name: 'before: NORMAL', env: { HAOKA_SQLITE_SYNC: 'NORMAL' }, builtIn: base },
    { name: 'before: FULL', env: { HAOKA_SQLITE_SYNC: 'FULL' }, builtIn: base },
  ] : []),
];

interface Running { v: Variant; dir: string; server: Child; url: string; workload: Workload; next: number; seed: number; rates: number[]; cpu: number[]; waited: number[]; failures: number }

async function main() {
  await bundle({ 'server-process': CHILDREN['server-process'] }, CHILDREN_DIR);
  const load = [loadavg()[0]!];
  const running: Running[] = [];
  for (const v of variants) {
    log(`starting ${v.name} ...`);
    const dir = mkdtempSync(join(tmpdir(), 'haoka-sync-ab-'));
    const server = startChild('server-process', { dir, customers: 10, payers: 16_000, cancelPool: 10, paidCycles: 36_000 } satisfies ServerArgs, { env: v.env, ...(v.builtIn ? { builtIn: v.builtIn } : {}) });
    const { port, workload } = (await server.first) as { port: number; workload: Workload };
    running.push({ v, dir, server, url: `http://127.0.0.1:${port}`, workload, next: 0, seed: 7000 + running.length * 100, rates: [], cpu: [], waited: [], failures: 0 });
  }
  const go = async (r: Running, secs: number) => {
    const x = await runHttp(r.url, r.workload, 'place-pay-cancel', { seconds: secs, connections: 16, from: r.next, idempotencyKeys: true, channelSeed: r.seed++ });
    r.next = x.next + 16;
    r.failures += x.failures;
    if (x.failures) log(`  ! ${r.v.name}: ${x.failures} failed, e.g. ${x.failureSample}`);
    return x;
  };
  log('warming up each server ...');
  for (const r of running) await go(r, 8);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < running.length; k++) {
      const r = running[(k + round) % running.length]!;
      await r.server.call({ cmd: 'mark' });
      const x = await go(r, seconds);
      const s = (await r.server.call({ cmd: 'stats' })) as ServerStats;
      r.rates.push((x.cycles * 1000) / x.ms);
      r.cpu.push(s.cpuMs / x.cycles);
      r.waited.push((100 * s.waitMs) / x.ms);
      log(`  round ${round + 1} ${r.v.name}: ${r.rates.at(-1)!.toFixed(1)} cycles/s, load ${loadavg()[0]!.toFixed(2)}`);
    }
    load.push(loadavg()[0]!);
  }
  for (const r of running) {
    await r.server.call({ cmd: 'exit' });
    rmSync(r.dir, { recursive: true, force: true });
  }
  const ref = median(running[0]!.rates);
  const out = [
    `place+pay+cancel over HTTP, 16 connections, ${rounds} rounds of ${seconds} s per server, interleaved; load average (1 min) ${load.map((l) => l.toFixed(2)).join(' / ')}`,
    `${'server'.padEnd(36)}${'median/s'.padStart(10)}${'range/s'.padStart(16)}${'vs first'.padStart(10)}${'CPU ms/cycle'.padStart(14)}${'waited'.padStart(8)}`,
    ...running.map((r) => `${r.v.name.padEnd(36)}${median(r.rates).toFixed(1).padStart(10)}${`${Math.min(...r.rates).toFixed(0)}-${Math.max(...r.rates).toFixed(0)}`.padStart(16)}${(median(r.rates) / ref).toFixed(2).padStart(10)}${median(r.cpu).toFixed(2).padStart(14)}${`${median(r.waited).toFixed(0)}%`.padStart(8)}${r.failures ? `  ${r.failures} failed` : ''}`),
  ];
  process.stdout.write(`\n${out.join('\n')}\n`);
}

main().catch((e) => { console.error(e); process.exit(1); });
