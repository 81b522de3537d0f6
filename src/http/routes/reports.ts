// The operator dashboard's numbers over a period: cancellations per day by the state the order was in and by
// reason, manual closes vs payment time-outs, review SLA compliance, refund time to arrival per channel and the
// express-refund share. Read-only. The SQL is plain range selects (the same on SQLite and PostgreSQL); days are
// counted in Beijing time here.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fail } from '../../domain/errors.ts';
import type { Deps } from '../../app/platform/deps.ts';
import { requireRole } from '../auth.ts';
import { sendError } from '../errors.ts';
import { errors } from '../schemas.ts';

const DAY = 86_400_000;
const BEIJING = 8 * 3_600_000;
/** A period of at most a year: the dashboard reads rows, not pre-computed totals. */
const MAX_SPAN = 366 * DAY;

const counts = z.record(z.string(), z.number());
const report = z.object({
  from: z.number(), to: z.number(),
  days: z.array(z.object({ date: z.string().describe('YYYY-MM-DD, Beijing time'), byState: counts, manual: z.number(), timedOut: z.number() })),
  totals: z.object({ cancelled: z.number(), manual: z.number(), timedOut: z.number() }),
  byState: counts,
  byReason: counts,
  sla: z.object({ requests: z.number(), express: z.number(), reviewed: z.number(), withinSla: z.number(), late: z.number(), open: z.number(), openOverdue: z.number(), withinSlaRate: z.number().nullable() }),
  refunds: z.object({
    total: z.number(), express: z.number(), expressShare: z.number().nullable(),
    byChannel: z.record(z.string(), z.object({ arrived: z.number(), meanHoursToArrival: z.number().nullable() })),
  }),
});
export type Report = z.infer<typeof report>;

const day = (ms: number) => new Date(ms + BEIJING).toISOString().slice(0, 10);
const bump = (m: Record<string, number>, k: string, n = 1) => {
  m[k] = (m[k] ?? 0) + n;
};

const history = z.object({
  customerId: z.string(), since: z.number(),
  cancelledOrders: z.array(z.object({ orderId: z.string(), number: z.string(), closeReason: z.string().nullable(), amountFen: z.number(), closedAt: z.number() })),
  requests: z.array(z.object({ id: z.string(), orderId: z.string(), state: z.string(), reasonCode: z.string(), express: z.boolean(), createdAt: z.number() })),
});

export const reportRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/api/v1/agent/customers/:customerId/cancellations', {
    onRequest: requireRole('agent', 'supervisor', 'operator'),
    schema: {
      tags: ['reports'], summary: 'A customer\u2019s cancelled orders and cancellation requests over the last `days` (default 90), newest first',
      params: z.object({ customerId: z.string().min(1).max(64) }),
      querystring: z.object({ days: z.coerce.number().int().min(1).max(366).default(90) }),
      response: { 200: history, ...errors },
    },
  }, async (req) => {
    const since = deps.clock.now() - req.query.days * DAY;
    const db = deps.store.db;
    const [orders, requests] = await Promise.all([
      db.selectFrom('orders').select(['id', 'number', 'close_reason', 'amount_fen', 'closed_at'])
        .where('customer_id', '=', req.params.customerId).where('state', '=', 'cancelled').where('closed_at', '>=', since)
        .orderBy('closed_at', 'desc').limit(200).execute(),
      db.selectFrom('cancellation_requests').select(['id', 'order_id', 'state', 'reason_code', 'express', 'created_at'])
        .where('customer_id', '=', req.params.customerId).where('created_at', '>=', since)
        .orderBy('created_at', 'desc').limit(200).execute(),
    ]);
    return {
      customerId: req.params.customerId, since,
      cancelledOrders: orders.map((o) => ({ orderId: o.id, number: o.number, closeReason: o.close_reason, amountFen: o.amount_fen, closedAt: o.closed_at! })),
      requests: requests.map((r) => ({ id: r.id, orderId: r.order_id, state: r.state, reasonCode: r.reason_code, express: Boolean(r.express), createdAt: r.created_at })),
    };
  });

  app.get('/api/v1/reports/cancellations', {
    onRequest: requireRole('operator', 'supervisor'),
    schema: {
      tags: ['reports'], summary: 'Cancellations, review SLA and refunds over [from, to) (default the last 30 days), per Beijing-time day',
      querystring: z.object({ from: z.coerce.number().int().min(0).optional(), to: z.coerce.number().int().min(0).optional() }),
      response: { 200: report, ...errors },
    },
  }, async (req, reply) => {
    const to = req.query.to ?? deps.clock.now() + 1;
    const from = req.query.from ?? to - 30 * DAY;
    if (from >= to || to - from > MAX_SPAN) return sendError(reply, fail('REQUEST.INVALID', '`from` must be before `to`, at most a year apart.', { from, to }));
    const db = deps.store.db;
    const now = deps.clock.now();

    const [closes, requests, refunds] = await Promise.all([
      db.selectFrom('order_events').select(['from_state', 'reason', 'action', 'at'])
        .where('to_state', '=', 'cancelled').where('from_state', '<>', 'cancelled').where('at', '>=', from).where('at', '<', to).execute(),
      db.selectFrom('cancellation_requests').select(['state', 'express', 'reason_code', 'due_at', 'decided_at', 'created_at'])
        .where('created_at', '>=', from).where('created_at', '<', to).execute(),
      db.selectFrom('refunds').select(['channel', 'express', 'state', 'created_at', 'succeeded_at'])
        .where('created_at', '>=', from).where('created_at', '<', to).execute(),
    ]);

    // Only the moves into `cancelled` count (later events on a cancelled order keep its state). Every day of the period shows, with nothing on it if nothing happened.
    const days = new Map<string, Report['days'][number]>();
    for (let d = from; d < to; d += DAY) days.set(day(d), { date: day(d), byState: {}, manual: 0, timedOut: 0 });
    const last = day(to - 1);
    if (!days.has(last)) days.set(last, { date: last, byState: {}, manual: 0, timedOut: 0 });
    const byState: Record<string, number> = {};
    const byReason: Record<string, number> = {};
    let manual = 0;
    let timedOut = 0;
    for (const e of closes) {
      const d = days.get(day(e.at))!;
      const state = e.from_state ?? 'unknown';
      bump(d.byState, state);
      bump(byState, state);
      if (e.action === 'order.closed_unpaid') {
        d.timedOut++;
        timedOut++;
      } else {
        d.manual++;
        manual++;
        // An unpaid order's cancel carries its reason code on the event; paid ones are counted from their request.
        if (state === 'pending_payment' && e.reason) bump(byReason, e.reason);
      }
    }

    let express = 0, reviewed = 0, withinSla = 0, open = 0, openOverdue = 0;
    for (const r of requests) {
      bump(byReason, r.reason_code);
      if (r.express) express++;
      else if (r.decided_at !== null && (r.state === 'approved' || r.state === 'rejected' || r.state === 'completed')) {
        reviewed++;
        if (r.decided_at <= r.due_at) withinSla++;
      } else if (r.state === 'requested') {
        open++;
        if (now > r.due_at) openOverdue++;
      }
    }

    const byChannel: Report['refunds']['byChannel'] = {};
    const sums: Record<string, number> = {};
    let expressRefunds = 0;
    for (const r of refunds) {
      if (r.express) expressRefunds++;
      const c = (byChannel[r.channel] ??= { arrived: 0, meanHoursToArrival: null });
      if (r.state === 'succeeded' && r.succeeded_at !== null) {
        c.arrived++;
        bump(sums, r.channel, r.succeeded_at - r.created_at);
      }
    }
    for (const [ch, c] of Object.entries(byChannel)) c.meanHoursToArrival = c.arrived ? Math.round((sums[ch]! / c.arrived / 3_600_000) * 10) / 10 : null;

    return {
      from, to,
      days: [...days.values()],
      totals: { cancelled: manual + timedOut, manual, timedOut },
      byState, byReason,
      sla: { requests: requests.length, express, reviewed, withinSla, late: reviewed - withinSla, open, openOverdue, withinSlaRate: reviewed ? withinSla / reviewed : null },
      refunds: { total: refunds.length, express: expressRefunds, expressShare: refunds.length ? expressRefunds / refunds.length : null, byChannel },
    };
  });
};
