// Prometheus text exposition at /metrics, through prom-client: the process's own metrics (event-loop lag, GC, heap,
// handles, CPU, resident memory), request counts and latencies per route, and business gauges (orders by state,
// timers due and late, outbox backlog, refunds by state) read from the store at scrape. Each serve process answers
// for itself: request and process series are that process's; the business gauges are the whole store's.
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, onResponseHookHandler } from 'fastify';
import { sql } from 'kysely';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Deps } from '../app/platform/deps.ts';
import { pushRefusalCounts } from '../app/platform/push-refusals.ts';
import { registerSmsMetrics } from './routes/sms/sms-metrics.ts';

/** The latency buckets dashboards were built on (seconds). */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

let processRegistry: Registry | null = null;
/**
 * One set of process metrics per process: prom-client watches GC and the event loop from the first call for the
 * process's whole life, so servers built one after another in a process (the tests) share one set instead of
 * each adding observers that never stop.
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** One route and method's counts: a latency child bound once, and answers counted by status in plain numbers. */
interface Series {
  method: string;
  route: string;
  latency: { observe(seconds: number): void };
  statuses: Map<number, number>;
}

export function registerMetrics(app: FastifyInstance, deps: Deps) {
  const registry = new Registry();
  const latency = new Histogram({ name: 'haoka_http_request_duration_seconds', help: 'HTTP request latency.', labelNames: ['method', 'route'], buckets: BUCKETS, registers: [registry] });
  const all: Series[] = [];
  const series = (method: string, route: string): Series => {
    const s: Series = { method, route, latency: latency.labels(method, route), statuses: new Map() };
    all.push(s);
    return s;
  };
  // Counted per request in the series' own map (no label object, no hash), handed to prom-client at scrape.
  new Counter({
    name: 'haoka_http_requests_total', help: 'HTTP requests by method, route and status.', labelNames: ['method', 'route', 'status'], registers: [registry],
    collect() {
      this.reset();
      for (const s of all) for (const [status, n] of s.statuses) this.inc({ method: s.method, route: s.route, status }, n);
    },
  });
  // Partners' pushes refused since the process started (app/platform/push-refusals.ts), by partner and code.
  new Counter({
    name: 'haoka_push_refusals_total', help: 'Partners\' pushes refused, by partner and code.', labelNames: ['source', 'code'], registers: [registry],
    collect() {
      this.reset();
      for (const r of pushRefusalCounts()) this.inc({ source: r.source, code: r.code }, r.count);
    },
  });
  registerSmsMetrics(registry, deps);
  const record = (s: Series, reply: FastifyReply) => {
    s.latency.observe(reply.elapsedTime / 1000);
    s.statuses.set(reply.statusCode, (s.statuses.get(reply.statusCode) ?? 0) + 1);
  };

  // Each route gets its own onResponse hook that already knows its series: nothing is looked up or built per request
  // (req.routeOptions builds a fresh object on every read). Requests no route matched are counted as `unmatched`.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const byMethod = new Map(methods.map((m) => [m, series(m, route.url)]));
    const hook: onResponseHookHandler = (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      const s = byMethod.get(req.method);
      if (s) record(s, reply);
      done();
    };
    route.onResponse = route.onResponse === undefined ? [hook] : [...(Array.isArray(route.onResponse) ? route.onResponse : [route.onResponse]), hook];
  });
  const unmatched = new Map<string, Series>();
  app.addHook('onResponse', (req, reply, done) => {
    if (req.is404) {
      let s = unmatched.get(req.method);
      if (!s) unmatched.set(req.method, (s = series(req.method, 'unmatched')));
      record(s, reply);
    }
    done();
  });

  const orders = new Gauge({ name: 'haoka_orders', help: 'Orders by state.', labelNames: ['state'], registers: [registry] });
  const timersDue = new Gauge({ name: 'haoka_timers_due', help: 'Timers whose time has come and that have not been handled.', registers: [registry] });
  const lateness = new Gauge({ name: 'haoka_timers_lateness_seconds', help: 'How late the oldest due timer is.', registers: [registry] });
  const backlog = new Gauge({ name: 'haoka_outbox_backlog', help: 'Outbox rows not yet delivered.', registers: [registry] });
  const refunds = new Gauge({ name: 'haoka_refunds', help: 'Refunds by state.', labelNames: ['state'], registers: [registry] });
  const readStore = async () => {
    const db = deps.store.database.db;
    const now = deps.clock.now();
    const [byState, due, outbox, refundStates] = await Promise.all([
      db.selectFrom('orders').select(['state', sql<number>`count(*)`.as('n')]).groupBy('state').execute(),
      db.selectFrom('timers').select([sql<number>`count(*)`.as('n'), sql<number | null>`min(due_at)`.as('oldest')]).where('due_at', '<=', now).executeTakeFirstOrThrow(),
      deps.store.queue.outboxBacklog(),
      db.selectFrom('refunds').select(['state', sql<number>`count(*)`.as('n')]).groupBy('state').execute(),
    ]);
    // A state with no orders left drops out of the exposition, as before.
    orders.reset();
    for (const r of byState) orders.set({ state: r.state }, Number(r.n));
    timersDue.set(Number(due.n));
    lateness.set(due.oldest == null ? 0 : (now - Number(due.oldest)) / 1000);
    backlog.set(outbox);
    refunds.reset();
    for (const r of refundStates) refunds.set({ state: r.state }, Number(r.n));
  };

  const own = processMetrics();
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    await readStore();
    const text = (await own.metrics()) + (await registry.metrics());
    return reply.header('content-type', Registry.PROMETHEUS_CONTENT_TYPE).send(text);
  });
}
