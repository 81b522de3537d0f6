// npx tsx bench/rss.ts [--seconds N] [--rounds R] [--against DIR] [--env K=V,...]... [--top N]: the server's resident
// memory under place+pay+cancel over HTTP (worker off, then the outbox drained, then worker on, as `haoka serve` runs),
// with where it lives (the JavaScript heap, the rest of the anonymous memory, mapped files) and the server's CPU per
// cycle. --against DIR runs, in alternating rounds, another build's bench processes (its dist/bench) beside this
// one's: old code against new in one session (a build from before the server's `memory` command needs this checkout's
// bench/memory.ts, stats.ts and server-process.ts copied in first). Each --env adds a side: this build's server with
// those variables.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle } from '../scripts/bundle.ts';
import { CHILDREN, CHILDREN_DIR, startChild, startSmsProviders } from './child.ts';
import { runHttp } from './http-load.ts';
import { memoryLine, type MemoryBreakdown } from './memory.ts';
import type { ServerArgs, ServerStats } from './server-process.ts';
import type { Workload } from './workload.ts';

const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const seconds = Number(arg('--seconds') ?? 10);
const rounds = Number(arg('--rounds') ?? 1);
const top = Number(arg('--top') ?? 0);
const against = arg('--against');
/** Each --env K=V,... is one more side: this build with those variables (a lever tried alone). */
const envs = process.argv.flatMap((a, i) => (a === '--env' ? [process.argv[i + 1]!] : [])).map((x) => Object.fromEntries(x.split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as [string, string])));
const MB = 1024 * 1024;
const log = (s: string) => process.stderr.write(`${s}\n`);

interface Side { label: string; builtIn?: string; env?: Record<string, string>; peaks: number[]; cpuMs: number; sysMs: number; cycles: number; faults: number; rounds: number[] }

async function once(side: Side, sms: Record<string, string>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'haoka-rss-'));
  const paidCycles = Math.ceil(seconds * 3 * 600) + 10_000;
  const server = startChild('server-process', { dir, customers: 300, payers: 6_000, cancelPool: 1_000, paidCycles, reviewCycles: 0, env: sms } satisfies ServerArgs, { ...(side.builtIn ? { builtIn: side.builtIn, defaultMalloc: true } : {}), ...(side.env ? { env: side.env } : {}) });
  try {
    const { port, workload } = (await server.first) as { port: number; workload: Workload };
    const url = `http://127.0.0.1:${port}`;
    const memory = async (at: string, n = 0) => {
      const b = (await server.call({ cmd: 'memory', top: n })) as MemoryBreakdown;
      log(`  ${side.label} ${at}: ${memoryLine(b)}`);
      for (const t of b.top) log(`      ${(t.kb / 1024).toFixed(1).padStart(6)} MB  ${t.what}`);
      if (n) log(`      V8 spaces: ${Object.entries(b.spaces).map(([k, v]) => `${k} ${(v / MB).toFixed(1)}`).join(', ')}`);
    };
    await memory('started');
    let from = 0;
    let seed = 1;
    const window = async (secs: number, counted: boolean) => {
      await server.call({ cmd: 'mark' });
      const r = await runHttp(url, workload, 'place-pay-cancel', { connections: 16, idempotencyKeys: true, seconds: secs, from, channelSeed: seed++ });
      const s = (await server.call({ cmd: 'stats' })) as ServerStats;
      from = r.next + 16;
      if (r.failures) log(`  ! ${r.failures} failed requests, e.g. ${r.failureSample}`);
      if (counted) {
        side.cpuMs += s.cpuMs;
        side.sysMs += s.sysMs;
        side.cycles += r.cycles;
        side.faults += s.minorFaults ?? NaN;
      }
      return { ...s, cycles: r.cycles };
    };
    await window(5, false);
    const off = await window(seconds, true);
    await memory('worker off');
    const drain = (await server.call({ cmd: 'drain' })) as { rows: number; peakRss: number };
    await memory(`drained ${drain.rows} rows`);
    await server.call({ cmd: 'worker', on: true });
    const on = await window(seconds, true);
    await memory('worker on', top);
    await server.call({ cmd: 'worker', on: false });
    const peak = Math.max(off.peakRss, drain.peakRss, on.peakRss);
    side.peaks.push(peak);
    side.rounds.push((off.cpuMs + on.cpuMs) / (off.cycles + on.cycles));
    log(`  ${side.label}: peak RSS ${(peak / MB).toFixed(0)} MB (worker off ${(off.peakRss / MB).toFixed(0)}, drain ${(drain.peakRss / MB).toFixed(0)}, worker on ${(on.peakRss / MB).toFixed(0)}), process max ${(on.maxRss / MB).toFixed(0)} MB; server CPU ${((off.cpuMs + on.cpuMs) / (off.cycles + on.cycles)).toFixed(2)} ms/cycle`);
    await server.call({ cmd: 'exit' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  await bundle(CHILDREN, CHILDREN_DIR);
  const sms = await startSmsProviders();
  const sides: Side[] = [{ label: 'this build', peaks: [], cpuMs: 0, sysMs: 0, cycles: 0, faults: 0, rounds: [] }];
  for (const env of envs) sides.push({ label: Object.entries(env).map(([k, v]) => `${k}=${v}`).join(','), env, peaks: [], cpuMs: 0, sysMs: 0, cycles: 0, faults: 0, rounds: [] });
  if (against) sides.unshift({ label: 'against', builtIn: against, peaks: [], cpuMs: 0, sysMs: 0, cycles: 0, faults: 0, rounds: [] });
  log(`load ${loadavg()[0]!.toFixed(2)}; ${rounds} round(s) of ${seconds} s windows`);
  try {
    for (let i = 0; i < rounds; i++) {
      // Alternating, and the order flipped every round, so that neither side always runs first.
      for (const side of i % 2 ? [...sides].reverse() : sides) await once(side, sms.env);
    }
  } finally {
    await sms.stop();
  }
  for (const s of sides) {
    const peaks = s.peaks.map((p) => (p / MB).toFixed(0)).join(', ');
    log(`${s.label.padEnd(10)}  peak RSS ${peaks} MB   server CPU ${(s.cpuMs / s.cycles).toFixed(3)} ms/cycle (kernel ${(s.sysMs / s.cycles).toFixed(3)}) over ${s.cycles} cycles, ${(s.faults / s.cycles).toFixed(1)} page faults/cycle; by round ${s.rounds.map((x) => x.toFixed(2)).join(', ')}`);
  }
  const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
  const [a, ...others] = sides as [Side, ...Side[]];
  // Rounds alternate, so each round's ratio compares two runs minutes apart; their geometric mean weighs every round alike.
  const geo = (xs: number[]) => Math.exp(xs.reduce((x, y) => x + Math.log(y), 0) / xs.length);
  for (const b of others) {
    const ratios = b.rounds.map((x, i) => x / a.rounds[i]!);
    log(`${b.label} / ${a.label}: peak RSS ${(mean(b.peaks) / mean(a.peaks)).toFixed(2)}, CPU per cycle ${(b.cpuMs / b.cycles / (a.cpuMs / a.cycles)).toFixed(3)} pooled, ${geo(ratios).toFixed(3)} geometric mean of the rounds' ratios (${ratios.map((r) => r.toFixed(2)).join(', ')})`);
  }
  log(`load after ${loadavg()[0]!.toFixed(2)}`);
}

main().catch((e) => {
  log(String(e?.stack ?? e));
  process.exit(1);
});
