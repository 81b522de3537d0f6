// npx tsx bench/commit-sync.ts [--seconds N] [--rounds N] [--work-us N]: what a disk flush per commit costs the
// embedded store's commit path, with little else running. 16 loops each run small transactions through Store.tx
// (one upserted row each), after `--work-us` of busy work a transaction standing for the request around it, on
// three stores taking turns: NORMAL; FULL with SQLite's fdatasync inside COMMIT on the main thread (the group
// commit before 7 December); FULL with the WAL fdatasynced off the main thread while the next group commits (now).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase, type Database } from '../src/adapters/store/db.ts';
import { migrate } from '../src/adapters/store/migrations/index.ts';
import { Store } from '../src/adapters/store/store.ts';

const flag = (name: string, fallback: string) => {
  const at = process.argv.indexOf(name);
  return Number(at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback);
};
const seconds = flag('--seconds', '5');
const rounds = flag('--rounds', '4');
const workUs = flag('--work-us', '0');
const LOOPS = 16;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const busy = (us: number) => { const end = performance.now() + us / 1000; while (performance.now() < end); };

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'haoka-commit-sync-'));
  const open = async (name: string, sync: 'full' | 'normal', inCommit: boolean): Promise<{ name: string; store: Store; rates: number[]; elu: number[] }> => {
    const d: Database = openDatabase(join(dir, `${name}.db`), { sync });
    await migrate(d);
    // SQLite's own FULL: no WAL sync of ours, so the connection's FULL applies to the group's COMMIT too.
    if (inCommit) d.sqlite!.walSync = null;
    return { name, store: new Store(d), rates: [], elu: [] };
  };
  const stores = [
    await open('NORMAL', 'normal', false),
    await open('FULL, fdatasync in COMMIT', 'full', true),
    await open('FULL, WAL synced off-thread', 'full', false),
  ];
  const load = [loadavg()[0]!];
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < stores.length; k++) {
      const s = stores[(k + round) % stores.length]!;
      let done = 0;
      const end = performance.now() + seconds * 1000;
      const elu0 = performance.eventLoopUtilization();
      const t0 = performance.now();
      await Promise.all(Array.from({ length: LOOPS }, async (_, i) => {
        while (performance.now() < end) {
          if (workUs) busy(workUs);
          await s.store.tx((r) => r.platform.putSetting(`bench.${i}`, done, 'bench', 0));
          done++;
        }
      }));
      s.rates.push((done * 1000) / (performance.now() - t0));
      s.elu.push(performance.eventLoopUtilization(elu0).utilization);
    }
    load.push(loadavg()[0]!);
  }
  for (const s of stores) await s.store.close();
  rmSync(dir, { recursive: true, force: true });
  const ref = median(stores[0]!.rates);
  process.stdout.write([
    `commit path: ${LOOPS} loops of one-row transactions, ${workUs} µs of work before each, ${rounds} rounds of ${seconds} s per store, interleaved; load average (1 min) ${load.map((l) => l.toFixed(2)).join(' / ')}`,
    `${'store'.padEnd(32)}${'median tx/s'.padStart(12)}${'range'.padStart(14)}${'vs NORMAL'.padStart(11)}${'main thread busy'.padStart(18)}`,
    ...stores.map((s) => `${s.name.padEnd(32)}${median(s.rates).toFixed(0).padStart(12)}${`${Math.min(...s.rates).toFixed(0)}-${Math.max(...s.rates).toFixed(0)}`.padStart(14)}${(median(s.rates) / ref).toFixed(2).padStart(11)}${`${(100 * median(s.elu)).toFixed(0)}%`.padStart(18)}`),
  ].join('\n') + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
