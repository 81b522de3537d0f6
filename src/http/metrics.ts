// Prometheus text exposition at /metrics: request counts and latencies kept in memory, business gauges
// (orders by state, timers due and late, outbox backlog, refunds by state) read from the store at scrape.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Deps } from '../app/platform/deps.ts';
import { pushRefusalCounts } from '../app/platform/push-refusals.ts';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

interface Series {
  count: number;
  sum: number;
  buckets: number[];
}

const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

export function registerMetrics(app: FastifyInstance, deps: Deps) {
  const requests = new Map<string, number>();
  const latency = new Map<string, Series>();

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

  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    const db = deps.store.database.db;
    const now = deps.clock.now();
    const lines: string[] = [];
    lines.push('# HELP haoka_http_requests_total HTTP requests by method, route and status.', '# TYPE haoka_http_requests_total counter');
    for (const [k, n] of requests) {
      const [method, route, status] = k.split(' ');
      lines.push(`haoka_http_requests_total{method="${method}",route="${label(route!)}",status="${status}"} ${n}`);
    }
    lines.push('# HELP haoka_http_request_duration_seconds HTTP request latency.', '# TYPE haoka_http_request_duration_seconds histogram');
    for (const [k, s] of latency) {
      const [method, route] = k.split(' ');
      const l = `method="${method}",route="${label(route!)}"`;
      BUCKETS.forEach((b, i) => lines.push(`haoka_http_request_duration_seconds_bucket{${l},le="${b}"} ${s.buckets[i]}`));
      lines.push(`haoka_http_request_duration_seconds_bucket{${l},le="+Inf"} ${s.count}`);
      lines.push(`haoka_http_request_duration_seconds_sum{${l}} ${s.sum}`, `haoka_http_request_duration_seconds_count{${l}} ${s.count}`);
    }
    const byState = await db.selectFrom('orders').select(['state', sql<number>`count(*)`.as('n')]).groupBy('state').execute();
    lines.push('# HELP haoka_push_refusals_total Partners\' pushes refused, by partner and code.', '# TYPE haoka_push_refusals_total counter');
    for (const r of pushRefusalCounts()) lines.push(`haoka_push_refusals_total{source="${r.source}",code="${r.code}"} ${r.count}`);
    lines.push('# HELP haoka_orders Orders by state.', '# TYPE haoka_orders gauge');
    for (const r of byState) lines.push(`haoka_orders{state="${r.state}"} ${Number(r.n)}`);
    const due = await db.selectFrom('timers').select([sql<number>`count(*)`.as('n'), sql<number | null>`min(due_at)`.as('oldest')]).where('due_at', '<=', now).executeTakeFirstOrThrow();
    lines.push('# HELP haoka_timers_due Timers whose time has come and that have not been handled.', '# TYPE haoka_timers_due gauge', `haoka_timers_due ${Number(due.n)}`);
    lines.push('# HELP haoka_timers_lateness_seconds How late the oldest due timer is.', '# TYPE haoka_timers_lateness_seconds gauge', `haoka_timers_lateness_seconds ${due.oldest == null ? 0 : (now - Number(due.oldest)) / 1000}`);
    lines.push('# HELP haoka_outbox_backlog Outbox rows not yet delivered.', '# TYPE haoka_outbox_backlog gauge', `haoka_outbox_backlog ${await deps.store.queue.outboxBacklog()}`);
    const refunds = await db.selectFrom('refunds').select(['state', sql<number>`count(*)`.as('n')]).groupBy('state').execute();
    lines.push('# HELP haoka_refunds Refunds by state.', '# TYPE haoka_refunds gauge');
    for (const r of refunds) lines.push(`haoka_refunds{state="${r.state}"} ${Number(r.n)}`);
    const mem = process.memoryUsage();
    lines.push('# TYPE process_resident_memory_bytes gauge', `process_resident_memory_bytes ${mem.rss}`);
    return reply.header('content-type', 'text/plain; version=0.0.4').send(`${lines.join('\n')}\n`);
  });
}
