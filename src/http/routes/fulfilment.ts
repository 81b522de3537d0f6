// Fulfilment and the outside world's pushes: an agent hands a packed parcel to the courier, the customer
// follows its tracking on the order, the courier and the carrier call back (signed, applied once), and staff
// see the carrier disagreements left for them.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fail, isError } from '../../domain/errors.ts';
import type { Deps } from '../../app/platform/deps.ts';
import { handToCourier, pickCard } from '../../app/after-sales/fulfilment.ts';
import { refreshTracking } from '../../app/after-sales/track-parcel.ts';
import { resolveCarrierTask } from '../../app/after-sales/carrier-tasks.ts';
import type { CarrierTaskRow } from '../../adapters/store/after-sales-repo.ts';
import { applyCourierNotice } from '../../app/after-sales/courier-callback.ts';
import { applyCarrierNotice } from '../../app/after-sales/carrier-callback.ts';
import { loadVisibleOrder, viewOrder } from '../../app/ordering/order-view.ts';
import type { Order } from '../../domain/order.ts';
import type { Principal } from '../../app/platform/secrets.ts';
import { requireRole, STAFF } from '../auth.ts';
import { sendError } from '../errors.ts';
import { errors, orderIdParams, orderView } from '../schemas.ts';
import { carrierPushBody, courierPushBody, pushRefusal } from '../../app/platform/push-schemas.ts';
import { refusePush } from '../../app/platform/push-refusals.ts';
import { PUSH_TEXT_MAX } from '../../domain/policies/partner-push.ts';

/** A body refused by its route schema, as the push's refusal code (unknown kind, or the field at fault). */
const shapeRefusal = (err: { validation?: readonly { instancePath: string; keyword: string; message?: string }[] }) =>
  pushRefusal((err.validation ?? []).map((v) => ({ path: v.instancePath.split('/').filter(Boolean), code: v.keyword, message: v.message ?? 'is not valid' })));

/** What the customer reads for each scan. */
const TRACKING_TEXT: Record<string, string> = {
  picked_up: '快递员已揽收',
  in_transit: '运输中',
  out_for_delivery: '派送中',
  delivered: '已签收',
  returned_to_sender: '已退回仓库',
  exception: '派送异常',
  interception_accepted: '快递拦截成功，包裹退回中',
  interception_refused: '快递拦截未成功',
};

const callbackAck = z.object({ code: z.literal('SUCCESS'), outcome: z.enum(['applied', 'recorded', 'duplicate']) });

const carrierTask = z.object({
  id: z.number(), orderId: z.string(), kind: z.string(), detail: z.string(), state: z.enum(['open', 'resolved']), createdAt: z.number(),
  resolution: z.enum(['follow_carrier', 'keep_ours']).nullable(), note: z.string().nullable(), resolvedBy: z.string().nullable(), resolvedAt: z.number().nullable(),
});
const toTask = (t: CarrierTaskRow) => ({
  id: t.id, orderId: t.order_id, kind: t.kind, detail: t.detail, state: t.state as 'open' | 'resolved', createdAt: t.created_at,
  resolution: t.resolution as 'follow_carrier' | 'keep_ours' | null, note: t.note, resolvedBy: t.resolved_by, resolvedAt: t.state === 'resolved' ? t.closed_at : null,
});

export const fulfilmentRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  const orderOut = (order: Order, p: Principal) => viewOrder(deps, order, p);

  app.post('/api/v1/agent/orders/:id/pick', {
    onRequest: requireRole('agent', 'supervisor'),
    schema: {
      tags: ['fulfilment'], summary: 'Pick the SIM card for a paid order from stock and record its ICCID (packing needs a picked card)',
      params: orderIdParams,
      body: z.object({ iccid: z.string().max(40).describe('19 or 20 digits starting with 89, Luhn check digit last') }),
      response: { 200: orderView, ...errors },
    },
  }, async (req, reply) => {
    const r = await pickCard(deps, req.params.id, req.body.iccid, { type: 'agent', id: req.principal!.sub });
    return isError(r) ? sendError(reply, r) : orderOut(r, req.principal!);
  });

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
      // Rows kept before pushes were checked may hold any kind and any length: the page shows known scans only, briefly.
      events: events.filter((e) => e.kind in TRACKING_TEXT).map((e) => ({ kind: e.kind, text: TRACKING_TEXT[e.kind]!, at: e.occurred_at, detail: e.detail === null ? null : e.detail.slice(0, PUSH_TEXT_MAX) })),
    };
  });

  app.post('/api/v1/agent/orders/:id/tracking/refresh', {
    onRequest: requireRole('agent', 'supervisor'),
    schema: {
      tags: ['fulfilment'], summary: 'Ask the courier for the parcel\u2019s track now (a push that never came); its newest scan is checked and applied as a push would be',
      params: orderIdParams,
      response: { 200: z.object({ orderId: z.string(), outcome: z.enum(['applied', 'recorded', 'duplicate', 'nothing_new']) }), ...errors },
    },
  }, async (req, reply) => {
    const r = await refreshTracking(deps, req.params.id);
    return isError(r) ? sendError(reply, r) : r;
  });

  // The body's shape is declared (and documented) here; the signature is checked over the raw bytes, and a
  // body that breaks the shape is refused with the push's own code before any of that, writing nothing.
  app.post('/api/v1/courier/callback', {
    attachValidation: true,
    schema: { tags: ['fulfilment'], summary: 'Signed push from the courier: a tracking scan or an interception answer (applied exactly once)', body: courierPushBody, response: { 200: callbackAck, ...errors } },
  }, async (req, reply) => {
    if (typeof req.rawBody !== 'string') return sendError(reply, fail('REQUEST.INVALID', 'A JSON body is required.'));
    if (req.validationError) return sendError(reply, refusePush(req.log, 'courier', shapeRefusal(req.validationError)));
    const r = await applyCourierNotice(deps, req.headers, req.rawBody);
    return isError(r) ? sendError(reply, r) : { code: 'SUCCESS' as const, outcome: r.outcome === 'acknowledged' ? 'recorded' as const : r.outcome };
  });

  app.post('/api/v1/carrier/callback', {
    attachValidation: true,
    schema: { tags: ['fulfilment'], summary: 'Signed push from the carrier: activation, real-name failure, suspension, closure, recycling (applied exactly once)', body: carrierPushBody, response: { 200: callbackAck, ...errors } },
  }, async (req, reply) => {
    if (typeof req.rawBody !== 'string') return sendError(reply, fail('REQUEST.INVALID', 'A JSON body is required.'));
    if (req.validationError) return sendError(reply, refusePush(req.log, 'carrier', shapeRefusal(req.validationError)));
    const r = await applyCarrierNotice(deps, req.headers, req.rawBody);
    return isError(r) ? sendError(reply, r) : { code: 'SUCCESS' as const, outcome: r.outcome };
  });

  app.get('/api/v1/agent/carrier-tasks', {
    onRequest: requireRole(...STAFF),
    schema: {
      tags: ['fulfilment'], summary: 'Disagreements with the carrier that need an agent (open ones by default, oldest first)',
      querystring: z.object({ state: z.enum(['open', 'resolved']).default('open') }),
      response: { 200: z.object({ tasks: z.array(carrierTask) }), ...errors },
    },
  }, async (req) => ({ tasks: (await deps.store.afterSales.listTasks(req.query.state)).map(toTask) }));

  app.post('/api/v1/agent/carrier-tasks/:id/resolve', {
    onRequest: requireRole('agent', 'supervisor'),
    schema: {
      tags: ['fulfilment'], summary: 'Resolve a carrier task: follow the carrier (the order moves where the transition table allows) or keep ours (the carrier is asked again where it is polled)',
      params: z.object({ id: z.string().regex(/^\d{1,12}$/, 'a task id') }),
      body: z.object({ resolution: z.enum(['follow_carrier', 'keep_ours']), note: z.string().trim().min(1).max(500) }),
      response: { 200: carrierTask, ...errors },
    },
  }, async (req, reply) => {
    const r = await resolveCarrierTask(deps, Number(req.params.id), req.body.resolution, req.body.note, req.principal!);
    return isError(r) ? sendError(reply, r) : toTask(r);
  });
};
