// A store the size of a real platform: migrations timed on an empty store, `haoka seed --orders N` timed,
// then the server in its own process on that store and the three reads people wait on (the order page,
// the customer's order list, the agents' queue) under autocannon, each statement they run explained.
// `npm run bench -- --million [--orders N]`, or on its own: `npx tsx bench/million.ts [--orders N] [--keep]`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { openDatabase } from '../src/adapters/store/db.ts';
import { migrate } from '../src/adapters/store/migrations/index.ts';
import { startChild } from './child.ts';
import type { MillionServerArgs, Sampled } from './million-server.ts';
import type { ServerStats } from './server-process.ts';

const MB = 1024 * 1024;
const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const log = (s: string) => process.stderr.write(`${s}\n`);
/** Few enough connections that latency is the server's, not a queue in front of it (2 cores). */
const CONNECTIONS = 4;
const SECONDS = 10;
/** Tables of a few rows that every page reads whole. */
const CATALOG = /^select \* from "plans"/;

export interface MillionResult {
  orders: number;
  migrateMs: number;
  seedMs: number;
  seedLine: string;
  fileBytes: number;
  reads: { name: string; rps: number; p50: number; p99: number; max: number; failures: number; cpuMsPerReq: number }[];
  scans: { sql: string; scans: string[] }[];
  statements: number;
  rssAfter: number;
  rssPeak: number;
  maxRss: number;
}

async function seed(file: string, orders: number): Promise<{ ms: number; line: string }> {
  const cli = fileURLToPath(new URL('../src/cli/index.ts', import.meta.url));
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'seed', '--orders', String(orders)], {
    env: { ...process.env, HAOKA_DATABASE_URL: file, HAOKA_SECRET: 'bench-secret-not-for-production', HAOKA_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => { out += String(d); });
  const code = await new Promise<number | null>((res) => child.on('exit', res));
  if (code !== 0) throw new Error(`haoka seed --orders exited with ${code}`);
  return { ms: performance.now() - t0, line: out.trim() };
}

export async function runMillion(dir: string, orders: number): Promise<MillionResult> {
  log(`  migrations on an empty store ...`);
  const empty = openDatabase(join(dir, 'empty.db'));
  const m0 = performance.now();
  await migrate(empty);
  const migrateMs = performance.now() - m0;
  await empty.close();

  const file = join(dir, 'million.db');
  log(`  haoka seed --orders ${orders} ...`);
  const s = await seed(file, orders);
  const fileBytes = [file, `${file}-wal`].filter(existsSync).reduce((n, p) => n + statSync(p).size, 0);

  log('  server on that store ...');
  const server = startChild('million-server', { file, sample: 2000 } satisfies MillionServerArgs);
  const { port, sample, agentToken } = (await server.first) as { port: number; sample: Sampled[]; agentToken: string };
  const url = `http://127.0.0.1:${port}`;
  if (sample.length === 0) throw new Error('no seeded order to read');

  const reads: MillionResult['reads'] = [];
  const load = async (name: string, path: (i: number) => string, token: (i: number) => string) => {
    let i = 0;
    let failures = 0;
    const request = {
      method: 'GET',
      setupRequest: (req: Record<string, any>) => {
        const k = i++;
        return { ...req, path: path(k), headers: { authorization: `Bearer ${token(k)}` } };
      },
      onResponse: (status: number) => { if (status !== 200) failures++; },
    };
    log(`  ${name} ...`);
    await autocannon({ url, connections: CONNECTIONS, duration: 2, requests: [request] });
    await server.call({ cmd: 'mark' });
    const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, requests: [request] });
    const st = (await server.call({ cmd: 'stats' })) as ServerStats;
    reads.push({ name, rps: r.requests.total / (st.wallMs / 1000), p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, failures: failures + r.errors + r.timeouts, cpuMsPerReq: st.cpuMs / r.requests.total });
  };
  const at = (k: number) => sample[k % sample.length]!;
  await load('order page      GET /api/v1/orders/:id', (k) => `/api/v1/orders/${at(k).orderId}`, (k) => at(k).token);
  await load('order list      GET /api/v1/orders', () => '/api/v1/orders', (k) => at(k).token);
  await load('agent queue     GET /api/v1/agent/requests', () => '/api/v1/agent/requests', () => agentToken);

  // One of each read with the statement recorder on, then every statement explained.
  await server.call({ cmd: 'record', on: true });
  const get = (path: string, token: string) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.text());
  await get(`/api/v1/orders/${at(0).orderId}`, at(0).token);
  await get('/api/v1/orders', at(1).token);
  await get('/api/v1/agent/requests', agentToken);
  const { statements } = (await server.call({ cmd: 'record', on: false })) as { statements: string[] };
  const { plans } = (await server.call({ cmd: 'explain', statements })) as { plans: { sql: string; plan: string[]; scans: string[] }[] };
  const memory = (await server.call({ cmd: 'stats' })) as ServerStats;
  await server.call({ cmd: 'exit' });
  return {
    orders, migrateMs, seedMs: s.ms, seedLine: s.line, fileBytes, reads,
    scans: plans.filter((p) => p.scans.length).map((p) => ({ sql: p.sql, scans: p.scans })), statements: plans.length,
    rssAfter: memory.rss, rssPeak: Math.max(memory.peakRss, ...[]), maxRss: memory.maxRss,
  };
}

export function millionReport(r: MillionResult): string[] {
  const page = r.reads[0]!;
  return [
    `store with ${r.orders.toLocaleString('en-US')} orders (SQLite file, WAL), server in its own process, worker off; autocannon ${CONNECTIONS} connections, ${SECONDS} s per read after 2 s warm-up`,
    `  migrations on an empty store   ${f(r.migrateMs, 0)} ms`,
    `  haoka seed --orders            ${f(r.seedMs / 1000, 1)} s (process start to exit), file ${f(r.fileBytes / MB, 0)} MB`,
    ...r.seedLine.split('\n').map((l) => `    ${l}`),
    `  ${'read'.padEnd(42)}${'req/s'.padStart(8)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'max ms'.padStart(8)}${'CPU ms/req'.padStart(12)}${'failed'.padStart(8)}`,
    ...r.reads.map((x) => `  ${x.name.padEnd(42)}${f(x.rps, 0).padStart(8)}${f(x.p50, 0).padStart(8)}${f(x.p99, 0).padStart(8)}${f(x.max, 0).padStart(8)}${f(x.cpuMsPerReq, 2).padStart(12)}${String(x.failures).padStart(8)}`),
    `  statements explained: ${r.statements}; reading a whole table or index, or sorting: ${r.scans.length === 0 ? 'none' : ''}`,
    ...r.scans.map((x) => `    ${x.scans.join('; ')}${CATALOG.test(x.sql) ? ' (the plan catalog, a handful of rows)' : ''}  <-  ${x.sql.slice(0, 140)}`),
    `  server RSS after the reads ${f(r.rssAfter / MB, 0)} MB, highest sampled during them ${f(r.rssPeak / MB, 0)} MB, process peak ${f(r.maxRss / MB, 0)} MB`,
    `  targets: order page p99 < 10 ms  ${f(page.p99, 0)} ms  ${page.p99 < 10 ? 'met' : 'MISSED'};  server RSS < 300 MB  ${f(r.maxRss / MB, 0)} MB  ${r.maxRss < 300 * MB ? 'met' : 'MISSED'}`,
  ];
}

export function ordersFlag(argv: string[], fallback: number): number {
  const at = argv.indexOf('--orders');
  const n = at >= 0 ? Number(argv[at + 1]) : fallback;
  if (!Number.isInteger(n) || n < 1) throw new Error('--orders takes a whole number');
  return n;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'haoka-million-'));
    const before = loadavg()[0]!;
    const started = new Date();
    log(`haoka bench (million): store files in ${dir}`);
    const r = await runMillion(dir, ordersFlag(process.argv, 1_000_000));
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
    process.stdout.write(`\nHaoka benchmark (million): ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model.trim()}, load average ${f(before, 2)} before / ${f(loadavg()[0]!, 2)} after\n${millionReport(r).join('\n')}\n`);
  })().catch((e) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
