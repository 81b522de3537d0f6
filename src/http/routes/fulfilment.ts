// Fulfilment and the outside world's pushes: an agent hands a packed parcel to the courier, the customer
// follows its tracking on the order, the courier and the carrier call back (signed, applied once), and staff
// see the carrier disagreements left for them.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fail, isError } from '../../domain/errors.ts';
import type { Deps } from '../../app/deps.ts';
import { handToCourier } from '../../app/fulfilment.ts';
import { applyCourierNotice } from '../../app/courier-callback.ts';
import { applyCarrierNotice } from '../../app/carrier-callback.ts';
import { loadVisibleOrder, viewOrder } from '../../app/order-view.ts';
import type { Order } from '../../domain/order.ts';
import type { Principal } from '../../app/secrets.ts';
import { requireRole, STAFF } from '../auth.ts';
import { sendError } from '../errors.ts';
import { errors, orderIdParams, orderView } from '../schemas.ts';

/** What the customer reads for each scan. */
const TRACKING_TEXT: Record<string, string> = {
  picked_up: '快递员已揽收',
  in_transit: '运输中',
  out_for_delivery: '派送中',
  delivered: '已签收',
  returned_to_sender: '已退回仓库',
  interception_accepted: '快递拦截成功，包裹退回中',
  interception_refused: '快递拦截未成功',
};

const callbackAck = z.object({ code: z.literal('SUCCESS'), outcome: z.enum(['applied', 'recorded', 'duplicate']) });

export const fulfilmentRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  const orderOut = (order: Order, p: Principal) => viewOrder(deps, order, p);

  app.post('/api/v1/agent/orders/:id/hand-to-courier', {
    onRequest: requireRole('agent', 'supervisor'),
    schema: {
      tags: ['fulfilment'], summary: 'Hand a packed parcel to the courier: the courier issues the tracking number and the order is shipped',
      params: orderIdParams, response: { 200: orderView, ...errors },
    },
  }, async (req, reply) => {
    const r = await handToCourier(deps, req.params.id);
    return isError(r) ? sendError(reply, r) : orderOut(r, req.principal!);
  });

  app.get('/api/v1/orders/:id/tracking', {
    onRequest: requireRole('customer', ...STAFF),
    schema: {
      tags: ['fulfilment'], summary: 'The parcel\u2019s tracking, in the order the scans happened (late pushes take their place)',
      params: orderIdParams,
      response: {
        200: z.object({
          orderId: z.string(), state: z.string(), trackingNo: z.string().nullable(), deliveredAt: z.number().nullable(),
          events: z.array(z.object({ kind: z.string(), text: z.string(), at: z.number(), detail: z.string().nullable() })),
        }),
        ...errors,
      },
    },
  }, async (req, reply) => {
    const found = await loadVisibleOrder(deps, req.params.id, req.principal!);
    if (isError(found)) return sendError(reply, found);
    const events = await deps.store.afterSales.listEvents(found.order.id, 'courier');
    return {
      orderId: found.order.id, state: found.order.state, trackingNo: found.order.trackingNo, deliveredAt: found.order.deliveredAt,
      events: events.map((e) => ({ kind: e.kind, text: TRACKING_TEXT[e.kind] ?? e.kind, at: e.occurred_at, detail: e.detail })),
    };
  });

  app.post('/api/v1/courier/callback', {
    schema: { tags: ['fulfilment'], summary: 'Signed push from the courier: a tracking scan or an interception answer (applied exactly once)', response: { 200: callbackAck, ...errors } },
  }, async (req, reply) => {
    if (typeof req.rawBody !== 'string') return sendError(reply, fail('REQUEST.INVALID', 'A JSON body is required.'));
    const r = await applyCourierNotice(deps, req.headers, req.rawBody);
    return isError(r) ? sendError(reply, r) : { code: 'SUCCESS' as const, outcome: r.outcome };
  });

  app.post('/api/v1/carrier/callback', {
    schema: { tags: ['fulfilment'], summary: 'Signed push from the carrier: activation, real-name failure, suspension, closure, recycling (applied exactly once)', response: { 200: callbackAck, ...errors } },
  }, async (req, reply) => {
    if (typeof req.rawBody !== 'string') return sendError(reply, fail('REQUEST.INVALID', 'A JSON body is required.'));
    const r = await applyCarrierNotice(deps, req.headers, req.rawBody);
    return isError(r) ? sendError(reply, r) : { code: 'SUCCESS' as const, outcome: r.outcome };
  });

  app.get('/api/v1/agent/carrier-tasks', {
    onRequest: requireRole(...STAFF),
    schema: {
      tags: ['fulfilment'], summary: 'Disagreements with the carrier that need an agent (open ones, oldest first)',
      response: { 200: z.object({ tasks: z.array(z.object({ id: z.number(), orderId: z.string(), kind: z.string(), detail: z.string(), createdAt: z.number() })) }), ...errors },
    },
  }, async () => ({
    tasks: (await deps.store.afterSales.listTasks('open')).map((t) => ({ id: t.id, orderId: t.order_id, kind: t.kind, detail: t.detail, createdAt: t.created_at })),
  }));
};
