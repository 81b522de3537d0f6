// npm run bench -- --processes [--quick]: place+pay+cancel over HTTP against `haoka serve --processes 1` and
// `--processes 2` on one PostgreSQL database, in alternating rounds of one run (the compiled server, as deployed).
// The workload (numbers, signed-in customers) is prepared by the usual bench server process, which then exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { bundle } from '../scripts/bundle.ts';
import { startChild } from './child.ts';
import { MALLOC_ENV } from '../src/cli/malloc-env.ts';
import { runHttp, type HttpResult } from './http-load.ts';
import { createPgDatabase } from './pg.ts';
import type { ServerArgs } from './server-process.ts';
import type { Workload } from './workload.ts';

const SERVER = fileURLToPath(new URL('../dist/server/haoka.mjs', import.meta.url));
const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const rate = (r: { cycles: number; ms: number }) => (r.cycles * 1000) / r.ms;
const log = (s: string) => process.stderr.write(`${s}\n`);

interface Served { child: ChildProcess; url: string }

/** Starts the compiled server with N processes and resolves once all of them listen. */
function serve(processes: number, databaseUrl: string): Promise<Served> {
  const child = spawn(process.execPath, [SERVER, 'serve', '--processes', String(processes)], {
    env: { ...MALLOC_ENV, ...process.env, HAOKA_DATABASE_URL: databaseUrl, HAOKA_SECRET: 'bench-secret-not-for-production', HAOKA_PORT: '0', HAOKA_LOG_LEVEL: 'info', HAOKA_WORKER: 'off' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /"url":"(http:\/\/[^"]+)\/"[^\n]*"msg":"haoka is serving"/.exec(out);
      if (m) {
        out = '';
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve({ child, url: m[1]! });
      }
    });
    child.once('exit', (code) => reject(new Error(`haoka serve --processes ${processes} exited with ${code}`)));
  });
}

async function stop(s: Served): Promise<void> {
  s.child.kill('SIGTERM');
  if (s.child.exitCode === null) await new Promise((r) => s.child.once('exit', r));
}

export async function runProcesses(dir: string, quick: boolean): Promise<string[]> {
  const P = quick ? { seconds: 4, warmup: 2, rounds: 1, connections: 16, payers: 4_000, paidCycles: 20_000 } : { seconds: 10, warmup: 4, rounds: 2, connections: 16, payers: 20_000, paidCycles: 60_000 };
  const started = new Date();
  const loadBefore = loadavg()[0]!;
  await bundle({ haoka: 'src/cli/index.ts' }, 'dist/server');
  const db = await createPgDatabase('processes');
  try {
    log('preparing the workload on PostgreSQL ...');
    const prep = startChild('server-process', { dir, databaseUrl: db.url, customers: 1, payers: P.payers, cancelPool: 0, paidCycles: P.paidCycles } satisfies ServerArgs);
    const { workload } = (await prep.first) as { workload: Workload };
    await prep.call({ cmd: 'exit' });
    // Orders of one round stay open on their numbers; each round starts past the last one's.
    let from = 0;
    let seed = 5000;
    const results: Record<number, HttpResult[]> = { 1: [], 2: [] };
    for (let round = 0; round < P.rounds; round++) {
      for (const n of [1, 2]) {
        log(`  round ${round + 1}: serve --processes ${n} ...`);
        const s = await serve(n, db.url);
        try {
          const opts = { connections: P.connections, idempotencyKeys: true };
          const warm = await runHttp(s.url, workload, 'place-pay-cancel', { ...opts, seconds: P.warmup, from, channelSeed: seed++ });
          const r = await runHttp(s.url, workload, 'place-pay-cancel', { ...opts, seconds: P.seconds, from: warm.next + P.connections, channelSeed: seed++ });
          from = r.next + P.connections;
          if (warm.failures || r.failures) log(`  ! ${warm.failures + r.failures} failed requests, e.g. ${warm.failureSample ?? r.failureSample}`);
          results[n]!.push(r);
        } finally {
          await stop(s);
        }
      }
    }
    const best = (xs: HttpResult[]) => xs.reduce((a, b) => (rate(b) > rate(a) ? b : a));
    const [one, two] = [best(results[1]!), best(results[2]!)];
    return [
      '',
      `Haoka benchmark (--processes): ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model.trim()}, load average ${f(loadBefore, 2)} before / ${f(loadavg()[0]!, 2)} after`,
      `place+pay+cancel (express) over HTTP on PostgreSQL (127.0.0.1), compiled server, worker off, ${P.connections} connections, ${P.seconds} s after ${P.warmup} s warm-up, best of ${P.rounds} alternating round(s)`,
      `  serve --processes 1   ${f(rate(one))} /s   request p50/p99 ${f(one.reqP50, 0)} / ${f(one.reqP99, 0)} ms   cycle p99 ${f(one.cycleP99, 0)} ms`,
      `  serve --processes 2   ${f(rate(two))} /s   request p50/p99 ${f(two.reqP50, 0)} / ${f(two.reqP99, 0)} ms   cycle p99 ${f(two.cycleP99, 0)} ms`,
      `  2 processes / 1       ${f(rate(two) / rate(one), 2)}`,
    ];
  } finally {
    await db.drop();
  }
}
