// After delivery: unactivated returns and their inspection, free unsubscription inside the trial, and
// account closure (销户) with its early-termination penalty.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fail, isError } from '../../domain/errors.ts';
import { IMAGE_TYPES } from '../../domain/image.ts';
import type { Return } from '../../domain/return.ts';
import type { Deps } from '../../app/deps.ts';
import { applyForReturn, giveReturnTracking, inspectReturn, instructionsFor } from '../../app/returns.ts';
import { completeClosure, requestClosure, unsubscribeTrial } from '../../app/close-line.ts';
import { loadVisibleOrder, viewOrder } from '../../app/order-view.ts';
import type { Order } from '../../domain/order.ts';
import type { Principal } from '../../app/secrets.ts';
import type { ClosureRow } from '../../adapters/store/after-sales-repo.ts';
import { requireRole, STAFF } from '../auth.ts';
import { sendError } from '../errors.ts';
import { errors, orderIdParams, orderView } from '../schemas.ts';

const idParams = z.object({ id: z.string().min(1).max(64) });
const trackingNo = z.string().trim().regex(/^[A-Za-z0-9-]{6,40}$/, 'a courier tracking number');

const instructions = z.object({
  address: z.object({ name: z.string(), phone: z.string(), address: z.string() }),
  enclose: z.array(z.string()).describe('what goes in the parcel'),
  orderId: z.string().describe('write it on a note in the parcel'),
  closesAt: z.number().describe('the return closes if the card has not arrived by then'),
});
const checklist = z.object({
  cardIntact: z.boolean(), pinAreaUnscratched: z.boolean(), idCopyEnclosed: z.boolean(), orderNumberMatches: z.boolean(),
}).describe('every item must hold for the return to pass');
const returnView = z.object({
  id: z.string(), orderId: z.string(), kind: z.enum(['unactivated', 'intercepted']),
  state: z.enum(['awaiting_parcel', 'in_transit', 'received', 'passed', 'refused', 'closed_unreceived']),
  returnTrackingNo: z.string().nullable(), checklist: checklist.nullable(), notes: z.string().nullable(), rejectionReason: z.string().nullable(),
  inspectedAt: z.number().nullable(), photos: z.number(),
  refund: z.object({ earliest: z.string(), latest: z.string() }).nullable().describe('Asia/Shanghai dates: the refund arrives within 3-7 working days of passing'),
  instructions: instructions.nullable(),
  createdAt: z.number(),
});
const closureView = z.object({
  id: z.string(), orderId: z.string(), state: z.enum(['requested', 'completed']), penaltyFen: z.number().int(), monthsLeft: z.number().int(),
  requestedAt: z.number(), completedAt: z.number().nullable(),
});

/** Inspection photos: like the identity screenshot, several per inspection. */
const INSPECTION_BODY_LIMIT = 12 * 1024 * 1024;

export const returnRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  const toReturnView = async (x: Return) => {
    const settings = await deps.settings.get();
    return {
      id: x.id, orderId: x.orderId, kind: x.kind, state: x.state, returnTrackingNo: x.returnTrackingNo, checklist: x.checklist, notes: x.notes,
      rejectionReason: x.rejectionReason, inspectedAt: x.inspectedAt, photos: await deps.store.afterSales.photoCount(x.id),
      refund: x.refundEarliest && x.refundLatest ? { earliest: x.refundEarliest, latest: x.refundLatest } : null,
      instructions: x.kind === 'unactivated' && (x.state === 'awaiting_parcel' || x.state === 'in_transit') ? instructionsFor(x, settings.returnCloseMs) : null,
      createdAt: x.createdAt,
    };
  };
  const toClosureView = (c: ClosureRow) => ({
    id: c.id, orderId: c.order_id, state: c.state as 'requested' | 'completed', penaltyFen: c.penalty_fen, monthsLeft: c.months_left, requestedAt: c.requested_at, completedAt: c.completed_at,
  });
  const orderOut = (order: Order, p: Principal) => viewOrder(deps, order, p);
  const visibleReturn = async (id: string, who: Principal) => {
    const x = await deps.store.afterSales.getReturn(id);
    return !x || (who.role === 'customer' && x.customerId !== who.sub) ? null : x;
  };

  app.post('/api/v1/orders/:id/returns', {
    onRequest: requireRole('customer'),
    schema: {
      tags: ['returns'], summary: 'Apply for an unactivated return inside the plan\u2019s activation window; answers with the return instructions',
      params: orderIdParams, response: { 201: returnView, ...errors },
    },
  }, async (req, reply) => {
    const r = await applyForReturn(deps, req.params.id, req.principal!.sub);
    return isError(r) ? sendError(reply, r) : reply.code(201).send(await toReturnView(r.ret));
  });

  app.get('/api/v1/orders/:id/returns', {
    onRequest: requireRole('customer', ...STAFF),
    schema: { tags: ['returns'], summary: 'The returns of an order', params: orderIdParams, response: { 200: z.object({ returns: z.array(returnView) }), ...errors } },
  }, async (req, reply) => {
    const found = await loadVisibleOrder(deps, req.params.id, req.principal!);
    if (isError(found)) return sendError(reply, found);
    return { returns: await Promise.all((await deps.store.afterSales.listReturns(found.order.id)).map(toReturnView)) };
  });

  app.get('/api/v1/returns/:id', {
    onRequest: requireRole('customer', ...STAFF),
    schema: { tags: ['returns'], summary: 'One return and where it stands', params: idParams, response: { 200: returnView, ...errors } },
  }, async (req, reply) => {
    const x = await visibleReturn(req.params.id, req.principal!);
    return x ? toReturnView(x) : sendError(reply, fail('RETURN.NOT_FOUND', 'No such return.', { returnId: req.params.id }));
  });

  app.post('/api/v1/returns/:id/tracking', {
    onRequest: requireRole('customer'),
    schema: { tags: ['returns'], summary: 'Give (or correct) the tracking number of the parcel sent back', params: idParams, body: z.object({ trackingNo }), response: { 200: returnView, ...errors } },
  }, async (req, reply) => {
    const r = await giveReturnTracking(deps, req.params.id, req.principal!.sub, req.body.trackingNo);
    return isError(r) ? sendError(reply, r) : toReturnView(r);
  });

  app.post('/api/v1/agent/returns/:id/inspect', {
    onRequest: requireRole('agent', 'supervisor'),
    bodyLimit: INSPECTION_BODY_LIMIT,
    schema: {
      tags: ['returns'], summary: 'Receive and inspect a returned card: all checks pass -> refund (3-7 working days); otherwise refused with a reason and sent back',
      params: idParams,
      body: z.object({
        checklist,
        notes: z.string().trim().max(1000).optional(),
        reason: z.string().trim().max(500).optional().describe('required when a check fails: the customer reads it'),
        photos: z.array(z.object({ contentType: z.enum(IMAGE_TYPES), dataBase64: z.string().min(1).max(3_000_000) })).max(4).optional(),
      }),
      response: { 200: z.object({ return: returnView, order: orderView }), ...errors },
    },
  }, async (req, reply) => {
    const r = await inspectReturn(deps, req.params.id, req.principal!, req.body);
    if (isError(r)) return sendError(reply, r);
    return { return: await toReturnView(r.ret), order: await orderOut(r.order, req.principal!) };
  });

  app.post('/api/v1/orders/:id/unsubscribe', {
    onRequest: requireRole('customer'),
    schema: { tags: ['returns'], summary: 'Unsubscribe free inside the plan\u2019s trial: the carrier closes the line, the amount goes back', params: orderIdParams, response: { 200: orderView, ...errors } },
  }, async (req, reply) => {
    const r = await unsubscribeTrial(deps, req.params.id, req.principal!.sub);
    return isError(r) ? sendError(reply, r) : orderOut(r, req.principal!);
  });

  app.post('/api/v1/orders/:id/account-closure', {
    onRequest: requireRole('customer'),
    schema: {
      tags: ['returns'], summary: 'Request the account closure (销户) of an activated line, confirming the penalty the preview showed',
      params: orderIdParams,
      body: z.object({ confirmPenaltyFen: z.number().int().min(0).describe('the penalty from GET /cancellation; refused if it changed') }),
      response: { 201: closureView, ...errors },
    },
  }, async (req, reply) => {
    const r = await requestClosure(deps, req.params.id, req.principal!.sub, req.body.confirmPenaltyFen);
    return isError(r) ? sendError(reply, r) : reply.code(201).send(toClosureView(r.closure));
  });

  app.get('/api/v1/agent/account-closures', {
    onRequest: requireRole(...STAFF),
    schema: { tags: ['returns'], summary: 'Account closures waiting for an agent to complete them with the carrier', response: { 200: z.object({ closures: z.array(closureView) }), ...errors } },
  }, async () => ({ closures: (await deps.store.afterSales.listClosures('requested')).map(toClosureView) }));

  app.post('/api/v1/agent/account-closures/:id/complete', {
    onRequest: requireRole('agent', 'supervisor'),
    schema: { tags: ['returns'], summary: 'Close the line at the carrier; the order becomes account_closed', params: idParams, response: { 200: z.object({ closure: closureView, order: orderView }), ...errors } },
  }, async (req, reply) => {
    const r = await completeClosure(deps, req.params.id, req.principal!);
    if (isError(r)) return sendError(reply, r);
    return { closure: toClosureView(r.closure), order: await orderOut(r.order, req.principal!) };
  });
};
