import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fail, isError } from '../../domain/errors.ts';
import type { Deps } from '../../app/platform/deps.ts';
import { loadVisibleOrder } from '../../app/ordering/order-view.ts';
import { retryRefund } from '../../app/refunds/refunds.ts';
import { listRefundViews, type RefundView } from '../../app/refunds/refund-view.ts';
import { applyRefundNotice } from '../../app/refunds/apply-refund-notice.ts';
import { actorOf, requireRole, STAFF } from '../auth.ts';
import { sendChannelRefusal, sendError } from '../errors.ts';
import { errors, orderIdParams, refundView } from '../schemas.ts';

const refundNoParams = z.object({ refundNo: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a refund request number') });

export const refundRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/api/v1/orders/:id/refunds', {
    onRequest: requireRole('customer', ...STAFF),
    schema: {
      tags: ['refunds'], summary: 'The refunds of an order: state, amounts, request number, expected arrival and history',
      params: orderIdParams,
      response: { 200: z.object({ refunds: z.array(refundView) }), ...errors },
    },
  }, async (req, reply) => {
    const found = await loadVisibleOrder(deps, req.params.id, req.principal!);
    if (isError(found)) return sendError(reply, found);
    return { refunds: await listRefundViews(deps.store, found.order.id) };
  });

  app.get('/api/v1/refunds/awaiting-retry', {
    onRequest: requireRole(...STAFF),
    schema: {
      tags: ['refunds'], summary: 'Refunds that failed or were closed and that nobody has redone yet, oldest first',
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) }),
      response: { 200: z.object({ refunds: z.array(refundView) }), ...errors },
    },
  }, async (req) => {
    const rows = await deps.store.refunds.listAwaitingRetry(req.query.limit);
    const views = new Map<string, RefundView>();
    for (const orderId of new Set(rows.map((r) => r.order_id))) {
      for (const v of await listRefundViews(deps.store, orderId)) views.set(v.refundNo, v);
    }
    return { refunds: rows.map((r) => views.get(r.id)!) };
  });

  app.post('/api/v1/refunds/:refundNo/retry', {
    onRequest: requireRole('agent', 'supervisor'),
    schema: {
      tags: ['refunds'], summary: 'Redo a failed or closed refund under a new request number (agents)',
      params: refundNoParams,
      body: z.object({ note: z.string().trim().min(1).max(200).describe('why, and what was checked (e.g. the account the customer confirmed)') }),
      response: { 201: refundView, ...errors },
    },
  }, async (req, reply) => {
    const r = await retryRefund(deps, req.params.refundNo, actorOf(req.principal!), req.body.note);
    if (isError(r)) return sendError(reply, r);
    const created = await deps.store.refunds.getRefund(r.refundNo);
    const view = (await listRefundViews(deps.store, created!.order_id)).find((v) => v.refundNo === r.refundNo)!;
    return reply.code(201).send(view);
  });

  app.post('/api/v1/refunds/callback/:channel', {
    schema: {
      tags: ['refunds'], summary: 'Signed refund-result notification from a channel (WeChat Pay); applied exactly once',
      params: z.object({ channel: z.enum(['wechat']) }),
      response: { 200: z.object({ code: z.literal('SUCCESS'), outcome: z.string() }), ...errors },
    },
  }, async (req, reply) => {
    if (typeof req.rawBody !== 'string') return sendError(reply, fail('REQUEST.INVALID', 'A JSON body is required.'));
    const r = await applyRefundNotice(deps, req.params.channel, req.headers, req.rawBody);
    if (isError(r)) return sendChannelRefusal(reply, req.params.channel, r);
    return { code: 'SUCCESS' as const, outcome: r.outcome };
  });
};
