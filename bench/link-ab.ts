// npx tsx bench/link-ab.ts [--rounds N] [--seconds N] [--profile DIR]: what a promotion link adds to place+cancel's server CPU,
// the plain and the linked cycle alternating in one server process, in-process (ceiling) and over HTTP; --profile writes a V8
// CPU profile of each side's last round.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle } from '../scripts/bundle.ts';
import { CHILDREN, CHILDREN_DIR, startChild, startSmsProviders } from './child.ts';
import { runHttp } from './http-load.ts';
import type { ServerArgs, ServerStats } from './server-process.ts';
import type { Workload } from './workload.ts';

const flag = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const profileDir = process.argv.includes('--profile') ? process.argv[process.argv.indexOf('--profile') + 1]! : null;
const rounds = flag('--rounds', 3);
const seconds = flag('--seconds', 4);

async function main() {
  await bundle(CHILDREN, CHILDREN_DIR);
  const dir = mkdtempSync(join(tmpdir(), 'haoka-link-ab-'));
  const sms = await startSmsProviders();
  const server = startChild('server-process', { dir, customers: 2_000, payers: 100, cancelPool: 150_000, paidCycles: 1_000, reviewCycles: 0, env: sms.env } satisfies ServerArgs);
  const { port, workload } = (await server.first) as { port: number; workload: Workload };
  const url = `http://127.0.0.1:${port}`;
  let from = 0;
  let seed = 100;
  const sides = { 'place-cancel': { ceil: [0, 0], http: [0, 0] }, 'place-cancel-link': { ceil: [0, 0], http: [0, 0] } };
  for (const s of Object.keys(sides) as (keyof typeof sides)[]) {
    const c = await server.call({ cmd: 'ceiling', scenario: s, seconds: 3, concurrency: 16, from });
    from = c.next;
    const h = await runHttp(url, workload, s, { connections: 16, idempotencyKeys: true, seconds: 4, from, channelSeed: seed++ });
    from = h.next + 16;
  }
  for (let i = 0; i < rounds; i++) {
    // ABBA: each side goes first in every other round, so the store's growth over the run weighs on both alike.
    const order = Object.keys(sides) as (keyof typeof sides)[];
    for (const s of i % 2 ? order.reverse() : order) {
      const last = i === rounds - 1 && profileDir;
      if (last) await server.call({ cmd: 'profile', on: true });
      const c = await server.call({ cmd: 'ceiling', scenario: s, seconds, concurrency: 16, from });
      if (last) await server.call({ cmd: 'profile', on: false, file: join(profileDir, `${s}-ceiling.cpuprofile`) });
      from = c.next;
      sides[s].ceil[0] += c.cpuMs;
      sides[s].ceil[1] += c.cycles;
      if (last) await server.call({ cmd: 'profile', on: true });
      await server.call({ cmd: 'mark' });
      const h = await runHttp(url, workload, s, { connections: 16, idempotencyKeys: true, seconds, from, channelSeed: seed++ });
      const st = (await server.call({ cmd: 'stats' })) as ServerStats;
      if (last) await server.call({ cmd: 'profile', on: false, file: join(profileDir, `${s}-http.cpuprofile`) });
      from = h.next + 16;
      sides[s].http[0] += st.cpuMs;
      sides[s].http[1] += h.cycles;
      process.stderr.write(`round ${i + 1} ${s}: ceiling ${(c.cpuMs / c.cycles).toFixed(3)} ms/cycle, HTTP ${(st.cpuMs / h.cycles).toFixed(3)} ms/cycle (${h.failures} failed${h.failures ? `, e.g. ${h.failureSample}` : ""})\n`);
    }
  }
  const per = (x: number[]) => x[0]! / x[1]!;
  const p = sides['place-cancel'];
  const l = sides['place-cancel-link'];
  process.stdout.write(`place+cancel: ceiling ${per(p.ceil).toFixed(3)} ms, HTTP ${per(p.http).toFixed(3)} ms; via ?ref=: ceiling ${per(l.ceil).toFixed(3)} ms (${((per(l.ceil) / per(p.ceil) - 1) * 100).toFixed(1)} %), HTTP ${per(l.http).toFixed(3)} ms (${((per(l.http) / per(p.http) - 1) * 100).toFixed(1)} %)\n`);
  await server.call({ cmd: 'exit' });
  await sms.stop();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
