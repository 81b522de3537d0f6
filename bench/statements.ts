// Where a cycle's store time goes: the ceiling's cycles run one at a time in this process, and every SQLite
// statement is timed by its text (commits included, and so the checkpoints that run inside them).
// `npx tsx bench/statements.ts [scenario] [cycles] [rows]`, e.g. `npx tsx bench/statements.ts place-pay-cancel 3000 30`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { loadConfig } from '../src/config.ts';
import { compose } from '../src/main.ts';
import { benchPromotionCode, insertFreeNumbers, openRaw, signInCustomers } from './fixtures.ts';
import { ceilingCycle } from './ceiling.ts';
import type { Scenario, Workload } from './workload.ts';

const scenario = (process.argv[2] ?? 'place-pay-cancel') as Scenario;
const cycles = Number(process.argv[3] ?? 3000);
const shown = Number(process.argv[4] ?? 30);

// Every statement of every connection in this process goes through these methods.
const byText = new Map<string, { n: number; ms: number }>();
const commits: number[] = [];
const probe = new SqliteDatabase(':memory:');
const Statement = Object.getPrototypeOf(probe.prepare('select 1'));
probe.close();
for (const method of ['run', 'all', 'get', 'iterate']) {
  const original = Statement[method];
  Statement[method] = function timed(this: { source: string }, ...args: unknown[]) {
    const t0 = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      const ms = performance.now() - t0;
      const text = this.source.replace(/\s+/g, ' ').slice(0, 150);
      if (text === 'commit') commits.push(ms);
      const e = byText.get(text) ?? { n: 0, ms: 0 };
      e.n++;
      e.ms += ms;
      byText.set(text, e);
    }
  };
}

const dir = mkdtempSync(join(tmpdir(), 'haoka-statements-'));
const file = join(dir, 'haoka.db');
const haoka = await compose(loadConfig({ HAOKA_DATABASE_URL: file, HAOKA_SECRET: 'bench-secret-not-for-production', HAOKA_LOG_LEVEL: 'warn' }), { seed: true, numbersPerCarrier: 10, webDir: null });
const raw = openRaw(file);
insertFreeNumbers(raw, 0, 4 * cycles + 1000, Date.now());
raw.close();
const customers = (from: number, count: number) => signInCustomers(haoka.deps, from, count);
const w: Workload = { customers: await customers(0, 300), payers: await customers(300, 2 * cycles), cancelPool: cycles, paidCycles: 3 * cycles, reviewCycles: 0, agentToken: '', ref: await benchPromotionCode(haoka.deps) };
const channel = haoka.sims.payments.alipay;
channel.deliver = null;
const cycle = ceilingCycle(haoka.deps, w, scenario, channel);
// The first half warms the code up; the second is measured.
for (let i = 0; i < cycles; i++) await cycle(i);
byText.clear();
commits.length = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = cycles; i < 2 * cycles; i++) await cycle(i);
const wall = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
await haoka.close();
rmSync(dir, { recursive: true, force: true });

let storeMs = 0;
let statements = 0;
for (const v of byText.values()) {
  storeMs += v.ms;
  statements += v.n;
}
commits.sort((a, b) => a - b);
const q = (p: number) => (commits[Math.floor(p * (commits.length - 1))] ?? 0).toFixed(2);
const per = (x: number) => (x / cycles).toFixed(3);
console.log(`${scenario}, ${cycles} cycles one at a time: ${per(wall)} ms a cycle, CPU ${per((cpu.user + cpu.system) / 1000)} ms (all threads); SQLite ${per(storeMs)} ms in ${(statements / cycles).toFixed(1)} statements`);
console.log(`commits: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms; ${(commits.filter((c) => c > 1).reduce((a, b) => a + b, 0) / cycles * 1000).toFixed(0)} us a cycle in commits over 1 ms (checkpoints)`);
for (const [text, v] of [...byText].sort((a, b) => b[1].ms - a[1].ms).slice(0, shown)) {
  console.log(`${(v.ms / cycles * 1000).toFixed(0).padStart(6)} us ${(v.n / cycles).toFixed(2).padStart(5)}x  ${text}`);
}
