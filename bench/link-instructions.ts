// npx tsx bench/link-instructions.ts [--rounds N] [--seconds N]: what a promotion link adds to place+cancel's server
// work over HTTP, in instructions (valgrind's callgrind), which do not depend on what else the machine is doing.
// The server runs under callgrind (bench/server-process.ts, as `npm run bench` runs it), with counting off until the
// cycles are warm; the load comes from this process over the socket, the plain and the linked cycle in ABBA rounds.
// Each round's count covers the server's main thread only (the request path; SQLite's checkpointer and disk syncs run
// on threads of their own), and is charged to the requests answered in the round (two a cycle). The collector's and
// the compiler's bursts are printed apart (bench/callgrind.ts) and the ratio is taken on the rest; what the server
// spends by the clock alone (counted over an idle window first) is taken off each round by its length.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle } from '../scripts/bundle.ts';
import { CHILDREN, CHILDREN_DIR, startChild, startSmsProviders } from './child.ts';
import { runHttp } from './http-load.ts';
import { split, type Count } from './callgrind.ts';
import type { ServerArgs } from './server-process.ts';
import type { Workload } from './workload.ts';

const flag = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const rounds = flag('--rounds', 4);
const seconds = flag('--seconds', 30);
const log = (s: string) => process.stderr.write(`${s}\n`);

async function main() {
  await bundle(CHILDREN, CHILDREN_DIR);
  const dir = mkdtempSync(join(tmpdir(), 'haoka-link-instructions-'));
  const out = join(dir, 'callgrind');
  const sms = await startSmsProviders();
  const server = startChild('server-process', { dir, customers: 200, payers: 10, cancelPool: 60_000, paidCycles: 10, reviewCycles: 0, env: sms.env } satisfies ServerArgs, {
    under: ['valgrind', '--tool=callgrind', `--callgrind-out-file=${out}.%p`, '--instr-atstart=no', '--separate-threads=yes'],
  });
  const pid = String(server.proc.pid);
  const { port, workload } = (await server.first) as { port: number; workload: Workload };
  const url = `http://127.0.0.1:${port}`;
  let from = 0;
  let seed = 100;
  const control = (...args: string[]) => execFileSync('callgrind_control', [...args, pid], { stdio: 'ignore' });
  const sides = { 'place-cancel': { n: 0, c: { all: 0, gc: 0, compiler: 0 } as Count }, 'place-cancel-link': { n: 0, c: { all: 0, gc: 0, compiler: 0 } as Count } };
  log('warming up (not counted) ...');
  for (let i = 0; i < 2; i++) {
    for (const s of Object.keys(sides) as (keyof typeof sides)[]) {
      const h = await runHttp(url, workload, s, { connections: 16, idempotencyKeys: true, seconds, from, channelSeed: seed++ });
      from = h.next + 16;
    }
  }
  let dumps = 0;
  const dumped = (): string => {
    control('--instr=off');
    control('--dump');
    dumps++;
    // The dump of the main thread: `<out>.<pid>.<dump>-01`.
    const file = readdirSync(dir).find((f) => f.startsWith(`callgrind.${pid}.${dumps}-01`));
    if (!file) throw new Error(`no dump ${dumps} of the main thread in ${dir}: ${readdirSync(dir).join(' ')}`);
    return join(dir, file);
  };
  // What the server does by the clock with no request (its tickers, the event loop's lag monitor ...): counted over an
  // idle window and taken off each round in proportion to its length, so that a round slowed by the machine is not
  // charged more per cycle.
  control('--zero');
  control('--instr=on');
  const idleStarted = performance.now();
  await new Promise((res) => setTimeout(res, 10_000));
  const idleFile = dumped();
  const idlePerMs = split(idleFile, 1).all / (performance.now() - idleStarted);
  log(`idle: ${(idlePerMs * 1000 / 1e6).toFixed(2)} M instructions a second`);
  for (let i = 0; i < rounds; i++) {
    const order = Object.keys(sides) as (keyof typeof sides)[];
    for (const s of i % 2 ? order.reverse() : order) {
      control('--zero');
      control('--instr=on');
      const h = await runHttp(url, workload, s, { connections: 16, idempotencyKeys: true, seconds, from, channelSeed: seed++ });
      const file = dumped();
      from = h.next + 16;
      const requests = h.requests;
      const c = split(file, 1);
      c.all -= idlePerMs * h.ms;
      sides[s].n += requests / 2;
      for (const k of ['all', 'gc', 'compiler'] as const) sides[s].c[k] += c[k];
      log(`round ${i + 1} ${s}: ${requests} requests, ${(((c.all - c.gc - c.compiler) / (requests / 2)) / 1e6).toFixed(3)} M instructions a cycle besides the collector and the compiler (${h.failures} failed)`);
    }
  }
  const own = (x: { n: number; c: Count }) => (x.c.all - x.c.gc - x.c.compiler) / x.n;
  const all = (x: { n: number; c: Count }) => x.c.all / x.n;
  const p = sides['place-cancel'];
  const l = sides['place-cancel-link'];
  process.stdout.write(`place+cancel over HTTP, server main thread: ${(own(p) / 1e6).toFixed(3)} M instructions a cycle (${(all(p) / 1e6).toFixed(3)} M with the collector and the compiler); through a link ${(own(l) / 1e6).toFixed(3)} M (${(all(l) / 1e6).toFixed(3)} M): the link adds ${((own(l) / own(p) - 1) * 100).toFixed(1)} % (${((all(l) / all(p) - 1) * 100).toFixed(1)} %)\n`);
  await server.call({ cmd: 'exit' });
  await server.exited;
  await sms.stop();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
