// npx tsx bench/sustained.ts [--pg] [--seconds N] [--connections N] [--on-only | --off-only] [--window-profile FILE]: place+pay+cancel over HTTP with the worker off and then
// on (as `haoka serve` runs it), one store, one run: the figure issue 22's aim is judged on, without the rest of the bench.
// The worker-on window counts only if the outbox is no larger at its end than at its start.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle } from '../scripts/bundle.ts';
import { CHILDREN, CHILDREN_DIR, startChild, startSmsProviders } from './child.ts';
import { runHttp } from './http-load.ts';
import { createPgDatabase } from './pg.ts';
import type { ServerArgs, ServerStats } from './server-process.ts';
import type { Workload } from './workload.ts';

const flag = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const onPg = process.argv.includes('--pg');
/** --on-only: just the worker-on window (for a profile of it). */
const onOnly = process.argv.includes('--on-only');
/** --off-only: just the worker-off window after the warm-up (for old/new comparisons of the requests alone). */
const offOnly = process.argv.includes('--off-only');
/** --window-profile FILE: a V8 CPU profile of the server during the worker-on window only. */
/** --drain-profile FILE: a backlog written with the worker off, then the drain alone, profiled. */
const drainProfile = process.argv.includes('--drain-profile') ? process.argv[process.argv.indexOf('--drain-profile') + 1] : null;
const windowProfile = process.argv.includes('--window-profile') ? process.argv[process.argv.indexOf('--window-profile') + 1] : null;
const seconds = flag('--seconds', 10);
const connections = flag('--connections', 16);
const VENDURE = onPg ? 6.7 : 12.5;
const log = (s: string) => process.stderr.write(`${s}\n`);

async function main() {
  await bundle(CHILDREN, CHILDREN_DIR);
  const dir = mkdtempSync(join(tmpdir(), 'haoka-sustained-'));
  const db = onPg ? await createPgDatabase('sustained') : null;
  const paidCycles = Math.ceil(seconds * 4 * 900) + 20_000;
  // The SMS providers' fakes in a process of their own, as the providers are elsewhere in production.
  const sms = await startSmsProviders();
  const { env } = sms;
  const server = startChild('server-process', { dir, ...(db ? { databaseUrl: db.url } : {}), customers: 100, payers: 20_000, cancelPool: 1_000, paidCycles, reviewCycles: 0, env } satisfies ServerArgs);
  try {
    const { port, workload } = (await server.first) as { port: number; workload: Workload };
    const url = `http://127.0.0.1:${port}`;
    let from = 0;
    let seed = 1;
    const window = async (label: string, secs: number) => {
      await server.call({ cmd: 'mark' });
      const before = ((await server.call({ cmd: 'stats' })) as ServerStats).backlog;
      const r = await runHttp(url, workload, 'place-pay-cancel', { connections, idempotencyKeys: true, seconds: secs, from, channelSeed: seed++ });
      const s = (await server.call({ cmd: 'stats' })) as ServerStats;
      from = r.next + connections;
      const perS = (r.cycles * 1000) / r.ms;
      if (label) {
        log(`${label}: ${perS.toFixed(0)} cycles/s (${(perS / VENDURE).toFixed(1)}x Vendure ${VENDURE}/s), server CPU ${(s.cpuMs / r.cycles).toFixed(2)} ms/cycle, waited ${((100 * s.waitMs) / r.ms).toFixed(0)}%, backlog ${before} -> ${s.backlog}, p99 cycle ${r.cycleP99.toFixed(0)} ms, failures ${r.failures}${r.failures ? ` (${r.failureSample})` : ''}, rss ${(s.peakRss / 1048576).toFixed(0)} MB`);
      }
      return { perS, s, before };
    };
    log(`store: ${onPg ? 'PostgreSQL' : 'SQLite'}, load ${loadavg()[0]!.toFixed(2)}; warming up 10 s ...`);
    if (drainProfile) {
      // The worker alone: a backlog written with the worker off, then drained under a profile.
      await window('', 5);
      await server.call({ cmd: 'profile', on: true });
      await window('worker off', 10);
      const requests = drainProfile.replace(/(\.cpuprofile)?$/, '-requests.cpuprofile');
      log(`profile of the requests: ${(await server.call({ cmd: 'profile', on: false, file: requests })).file}`);
      await server.call({ cmd: 'mark' });
      await server.call({ cmd: 'profile', on: true });
      const d = (await server.call({ cmd: 'drain' })) as { rows: number; ms: number; left: number };
      await server.call({ cmd: 'profile', on: false, file: drainProfile });
      const st = (await server.call({ cmd: 'stats' })) as ServerStats;
      log(`drain: ${d.rows} rows in ${d.ms.toFixed(0)} ms = ${((d.rows * 1000) / d.ms).toFixed(0)} rows/s, CPU ${((st.cpuMs * 1000) / d.rows).toFixed(0)} us a row (kernel ${((st.sysMs * 1000) / d.rows).toFixed(0)}), ${d.left} left; profile ${drainProfile}`);
      await server.call({ cmd: 'exit' });
      return;
    }
    if (!onOnly) {
      await window('', 10);
      await window('worker off', seconds);
      if (offOnly) {
        await server.call({ cmd: 'exit' });
        return;
      }
      await server.call({ cmd: 'drain' });
    }
    await server.call({ cmd: 'worker', on: true });
    await window('', onOnly ? 10 : 3);
    if (windowProfile) await server.call({ cmd: 'profile', on: true });
    await window('worker on ', seconds);
    if (windowProfile) log(`profile of the window: ${(await server.call({ cmd: 'profile', on: false, file: windowProfile })).file}`);
    await server.call({ cmd: 'worker', on: false });
    log(`outbox left by topic: ${JSON.stringify(await server.call({ cmd: 'backlog-by-topic' }))}`);
    log(`requests to the Aliyun SMS fake, by action: ${JSON.stringify(await sms.aliyunCalls())}`);
    log(`load after ${loadavg()[0]!.toFixed(2)}`);
    await server.call({ cmd: 'exit' });
  } finally {
    await sms.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  log(String(e?.stack ?? e));
  process.exit(1);
});
