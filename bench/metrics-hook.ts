// npx tsx bench/metrics-hook.ts [requests] [rounds]: what the request metrics cost a request, A/B in one run.
// Three bare Fastify apps with one small route, so that the metrics hook is as large a share of a request as it can
// be: `none` (no request metrics), `before` (the hand-written hook /metrics had until prom-client: a Map keyed by a
// string built per request, a bucket loop, and req.routeOptions, which Fastify builds afresh on every read) and
// `after` (src/http/metrics.ts). Each round runs a batch of requests through each app's whole request path
// (light-my-request: routing, hooks, handler, serialisation; no socket), in a shuffled order, and takes the
// process's CPU time (user + system) per request: on a shared machine CPU time is steadier than the wall clock, and
// the noise falls on all three alike. The ratio after/before is taken within each round, then the median.
// Not a test: it prints what it measured.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type onResponseHookHandler } from 'fastify';
import { registerMetrics } from '../src/http/metrics.ts';
import type { Deps } from '../src/app/platform/deps.ts';
import { SeededRandom } from '../src/adapters/sim/random.ts';

type Variant = 'none' | 'before' | 'after';
const VARIANTS: Variant[] = ['none', 'before', 'after'];

/** The hook /metrics used before prom-client, kept here as the reference the new one is measured against. */
function handWrittenHook(app: FastifyInstance) {
  const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
  const requests = new Map<string, number>();
  const latency = new Map<string, { count: number; sum: number; buckets: number[] }>();
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const key = `${req.method} ${route} ${reply.statusCode}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
    const seconds = reply.elapsedTime / 1000;
    const lk = `${req.method} ${route}`;
    let s = latency.get(lk);
    if (!s) latency.set(lk, (s = { count: 0, sum: 0, buckets: BUCKETS.map(() => 0) }));
    s.count++;
    s.sum += seconds;
    BUCKETS.forEach((b, i) => { if (seconds <= b) s!.buckets[i]!++; });
    done();
  });
}

/** Each app's onResponse hooks and a request and reply it answered, to time the hooks alone as well. */
const hooks = new Map<Variant, { fns: onResponseHookHandler[]; req?: FastifyRequest; reply?: FastifyReply }>();

function app(variant: Variant): FastifyInstance {
  const a = Fastify();
  const h: { fns: onResponseHookHandler[]; req?: FastifyRequest; reply?: FastifyReply } = { fns: [] };
  hooks.set(variant, h);
  const addHook = a.addHook.bind(a);
  // The global hooks as they are added, and (last onRoute hook, so after registerMetrics's) the route's own.
  (a as any).addHook = (name: string, fn: any) => { if (name === 'onResponse') h.fns.push(fn); return addHook(name as any, fn); };
  if (variant === 'before') handWrittenHook(a);
  // Only the request series are measured; no scrape reads the store.
  if (variant === 'after') registerMetrics(a, {} as Deps);
  addHook('onRoute', (route) => { if (Array.isArray(route.onResponse)) h.fns.push(...(route.onResponse as onResponseHookHandler[])); });
  a.get('/api/v1/things/:id', async (req, reply) => { h.req = req; h.reply = reply; return { id: (req.params as { id: string }).id, ok: true }; });
  return a;
}

/** CPU time of the metrics hooks alone, called as Fastify calls them, per request (ns). */
function hookBatch(v: Variant, n: number): number {
  const { fns, req, reply } = hooks.get(v)!;
  const done = () => {};
  const u0 = process.cpuUsage();
  for (let i = 0; i < n; i++) for (const f of fns) f.call(null as any, req!, reply!, done);
  const u = process.cpuUsage(u0);
  return ((u.user + u.system) * 1000) / n;
}

async function batch(a: FastifyInstance, n: number): Promise<number> {
  const u0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await a.inject({ method: 'GET', url: `/api/v1/things/t${i & 63}` });
  const u = process.cpuUsage(u0);
  return (u.user + u.system) / n;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const n = Number(process.argv[2] ?? 2000);
const rounds = Number(process.argv[3] ?? 31);
const apps = new Map(VARIANTS.map((v) => [v, app(v)]));
for (const a of apps.values()) await a.ready();
for (const v of VARIANTS) await batch(apps.get(v)!, 4 * n); // JIT warm-up
const cpu = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
const ratios: number[] = [];
const random = new SeededRandom(19);
for (let r = 0; r < rounds; r++) {
  const got = {} as Record<Variant, number>;
  for (const v of [...VARIANTS].sort(() => random.next() - 0.5)) got[v] = await batch(apps.get(v)!, n);
  for (const v of VARIANTS) cpu.get(v)!.push(got[v]);
  ratios.push(got.after / got.before);
}
const m = Object.fromEntries(VARIANTS.map((v) => [v, median(cpu.get(v)!)])) as Record<Variant, number>;
for (const v of VARIANTS) process.stdout.write(`${v.padEnd(7)} ${m[v].toFixed(2)} us CPU/request (median of ${rounds} rounds of ${n})\n`);
process.stdout.write(`after/before, per round: median ${median(ratios).toFixed(3)} (quartiles ${[...ratios].sort((a, b) => a - b)[Math.floor(rounds / 4)]!.toFixed(3)} - ${[...ratios].sort((a, b) => a - b)[Math.floor((3 * rounds) / 4)]!.toFixed(3)})\n`);
process.stdout.write(`metrics hook: before ${(m.before - m.none).toFixed(2)} us, after ${(m.after - m.none).toFixed(2)} us a request\n`);

// The hooks alone, over the same interleaved rounds: the part of a request the change touches, without the rest's noise.
const hookNs = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
const hookRatios: number[] = [];
for (let r = 0; r < rounds; r++) {
  const got = {} as Record<Variant, number>;
  for (const v of [...VARIANTS].sort(() => random.next() - 0.5)) got[v] = hookBatch(v, 100 * n);
  for (const v of VARIANTS) hookNs.get(v)!.push(got[v]);
  hookRatios.push(got.after / got.before);
}
process.stdout.write(`hooks alone: before ${median(hookNs.get('before')!).toFixed(0)} ns, after ${median(hookNs.get('after')!).toFixed(0)} ns a request; after/before median ${median(hookRatios).toFixed(3)}\n`);
