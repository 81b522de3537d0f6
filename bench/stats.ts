// Small figures helpers: percentiles over raw samples, and a loop that keeps N cycles in flight for a while.
import { readFileSync } from 'node:fs';
import type { Repos, Store } from '../src/adapters/store/store.ts';

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * How long this process's main thread ran and how long it sat ready but waiting for a core (Linux).
 * On a shared machine the second is where throughput goes; CPU time per cycle depends on it far less.
 */
export function schedstat(): { runMs: number; waitMs: number } {
  try {
    const [run, wait] = readFileSync('/proc/self/schedstat', 'utf8').split(' ').map(Number);
    return { runMs: run! / 1e6, waitMs: wait! / 1e6 };
  } catch {
    return { runMs: NaN, waitMs: NaN };
  }
}

/** What a server process used since the last `mark()`: CPU, main-thread run and wait, wall time, RSS (peak sampled every 100 ms). */
export class ProcessMeter {
  private cpu = process.cpuUsage();
  private wall = performance.now();
  private sched = schedstat();
  private faults = process.resourceUsage().minorPageFault;
  peak = 0;
  constructor() {
    setInterval(() => { this.peak = Math.max(this.peak, process.memoryUsage().rss); }, 100).unref();
  }
  mark(): void {
    this.cpu = process.cpuUsage();
    this.wall = performance.now();
    this.sched = schedstat();
    this.faults = process.resourceUsage().minorPageFault;
    this.peak = process.memoryUsage().rss;
  }
  read() {
    const used = process.cpuUsage(this.cpu);
    const now = schedstat();
    const mem = process.memoryUsage();
    return {
      runMs: now.runMs - this.sched.runMs,
      waitMs: now.waitMs - this.sched.waitMs,
      cpuMs: (used.user + used.system) / 1000,
      sysMs: used.system / 1000,
      wallMs: performance.now() - this.wall,
      rss: mem.rss,
      peakRss: Math.max(this.peak, mem.rss),
      heapUsed: mem.heapUsed,
      maxRss: process.resourceUsage().maxRSS * 1024,
      /** Pages the kernel mapped in for the process (memory handed back and taken again costs these). */
      minorFaults: process.resourceUsage().minorPageFault - this.faults,
    };
  }
}

export const max = (xs: number[]) => xs.reduce((m, x) => (x > m ? x : m), -Infinity);

/** The first value of an ascending list at or after t (NaN when none). */
export function firstAtOrAfter(sorted: number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return sorted[lo] ?? NaN;
}

export interface LoopResult {
  cycles: number;
  ms: number;
  p50: number;
  p99: number;
}

/**
 * Runs `cycle(i)` with `concurrency` cycles in flight until `seconds` have passed, then lets the started
 * ones finish. Indexes start at `from` so that successive runs never share inputs.
 */
export async function runFor(seconds: number, concurrency: number, from: number, cycle: (i: number) => Promise<void>): Promise<LoopResult & { next: number }> {
  let next = from;
  const lat: number[] = [];
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < until) {
      const s = performance.now();
      await cycle(next++);
      lat.push(performance.now() - s);
    }
  }));
  const ms = performance.now() - t0;
  return { cycles: lat.length, ms, p50: percentile(lat, 50), p99: percentile(lat, 99), next };
}

/** The wall-clock time at which each of the store's transactions committed, from now on (the list grows). */
export function recordCommits(store: Store): number[] {
  const commits: number[] = [];
  const tx = store.tx.bind(store);
  store.tx = (async (fn: (r: Repos) => Promise<unknown>) => {
    const out = await tx(fn);
    commits.push(Date.now());
    return out;
  }) as typeof store.tx;
  return commits;
}
