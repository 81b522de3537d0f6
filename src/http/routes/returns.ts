// After delivery: unactivated returns and their inspection, free unsubscription inside the trial, and
// account closure (销户) with its early-termination penalty.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fail, isError } from '../../domain/errors.ts';
import { IMAGE_TYPES } from '../../domain/image.ts';
import type { Return } from '../../domain/return.ts';
import type { Deps } from '../../app/platform/deps.ts';
import { applyForReturn, giveReturnTracking, inspectReturn, instructionsFor } from '../../app/after-sales/returns.ts';
import { completeClosure, requestClosure, unsubscribeTrial } from '../../app/after-sales/close-line.ts';
import { refuseClosure, startPenaltyPayment, withdrawClosure } from '../../app/after-sales/closure-penalty.ts';
import { CLOSURE_STATES, type ClosureState } from '../../domain/account-closure.ts';
import { PAYMENT_CHANNELS } from '../../domain/order.ts';
import { loadVisibleOrder, viewOrder } from '../../app/ordering/order-view.ts';
import type { Order } from '../../domain/order.ts';
import type { Principal } from '../../app/platform/secrets.ts';
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
  reasonCode: z.string().nullable().describe('why the customer returns the card (a cancellation reason code); null for an intercepted parcel'),
  reasonText: z.string().nullable(),
  returnTrackingNo: z.string().nullable(), checklist: checklist.nullable(), notes: z.string().nullable(), rejectionReason: z.string().nullable(),
  inspectedAt: z.number().nullable(), photos: z.number(),
  refund: z.object({ earliest: z.string(), latest: z.string() }).nullable().describe('Asia/Shanghai dates: the refund arrives within 3-7 working days of passing'),
  instructions: instructions.nullable(),
  createdAt: z.number(),
});
const closureView = z.object({
  id: z.string(), orderId: z.string(),
  state: z.enum(CLOSURE_STATES).describe('awaiting_penalty: the penalty is to be paid before an agent closes the line'),
  penaltyFen: z.number().int(), monthsLeft: z.number().int(),
  penalty: z.object({
    amountFen: z.number().int(), paid: z.boolean(), paidAt: z.number().nullable(), paymentNo: z.string().nullable(),
    refund: z.object({ refundNo: z.string(), state: z.string(), amountFen: z.number().int() }).nullable().describe('a paid penalty going back after a withdrawal or refusal'),
  }),
  requestedAt: z.number(), completedAt: z.number().nullable(), endedAt: z.number().nullable(), endedReason: z.string().nullable(),
});
const startedPayment = z.object({ paymentNo: z.string(), orderId: z.string(), channel: z.string(), amountFen: z.number(), payUrl: z.string(), expiresAt: z.number() });

/** Inspection photos: like the identity screenshot, several per inspection. */
const INSPECTION_BODY_LIMIT = 12 * 1024 * 1024;

export const returnRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  const toReturnView = async (x: Return) => {
    const settings = await deps.settings.get();
    return {
      id: x.id, orderId: x.orderId, kind: x.kind, state: x.state, reasonCode: x.reasonCode, reasonText: x.reasonText, returnTrackingNo: x.returnTrackingNo, checklist: x.checklist, notes: x.notes,
      rejectionReason: x.rejectionReason, inspectedAt: x.inspectedAt, photos: await deps.store.afterSales.photoCount(x.id),
      refund: x.refundEarliest && x.refundLatest ? { earliest: x.refundEarliest, latest: x.refundLatest } : null,
      instructions: x.kind === 'unactivated' && (x.state === 'awaiting_parcel' || x.state === 'in_transit') ? instructionsFor(x, settings.returnCloseMs) : null,
      createdAt: x.createdAt,
    };
  };
  const toClosureView = async (c: ClosureRow) => {
    const refund = c.penalty_payment_id ? (await deps.store.refunds.listRefunds(c.order_id)).find((x) => x.payment_id === c.penalty_payment_id && x.reason === `closure:${c.id}`) : undefined;
    return {
      id: c.id, orderId: c.order_id, state: c.state as ClosureState, penaltyFen: c.penalty_fen, monthsLeft: c.months_left,
      penalty: {
        amountFen: c.penalty_fen, paid: c.penalty_paid_at !== null, paidAt: c.penalty_paid_at, paymentNo: c.penalty_payment_id,
        refund: refund ? { refundNo: refund.id, state: refund.state, amountFen: refund.amount_fen } : null,
      },
      requestedAt: c.requested_at, completedAt: c.completed_at, endedAt: c.ended_at, endedReason: c.ended_reason,
    };
  };
  const orderOut = (order: Order, p: Principal) => viewOrder(deps, order, p);
  const visibleReturn = async (id: string, who: Principal) => {
    const x = await deps.store.afterSales.getReturn(id);
    return !x || (who.role === 'customer' && x.customerId !== who.sub) ? null : x;
  };

  app.post('/api/v1/orders/:id/returns', {
    onRequest: requireRole('customer'),
    schema: {
      tags: ['returns'], summary: 'Apply for an unactivated return inside the activation window the order was sold with, giving a reason; answers with the return instructions',
      params: orderIdParams,
      body: z.object({
        reasonCode: z.string().trim().min(1).max(40).describe('one of GET /cancellation-reasons, as for other cancellations'),
        reasonText: z.string().trim().max(500).optional().describe('the customer\u2019s words; required with "other"'),
      }),
      response: { 201: returnView, ...errors },
    },
  }, async (req, reply) => {
    const r = await applyForReturn(deps, req.params.id, req.principal!.sub, req.body);
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
    return isError(r) ? sendError(reply, r) : reply.code(201).send(await toClosureView(r.closure));
  });

  app.get('/api/v1/orders/:id/account-closure', {
    onRequest: requireRole('customer', ...STAFF),
    schema: { tags: ['returns'], summary: 'The line\u2019s latest account closure: its state, the penalty, whether and when it was paid', params: orderIdParams, response: { 200: closureView, ...errors } },
  }, async (req, reply) => {
    const found = await loadVisibleOrder(deps, req.params.id, req.principal!);
    if (isError(found)) return sendError(reply, found);
    const c = await deps.store.afterSales.closureFor(found.order.id);
    return c ? toClosureView(c) : sendError(reply, fail('CLOSURE.NOT_FOUND', 'This line has no account closure.', { orderId: found.order.id }));
  });

  app.post('/api/v1/orders/:id/account-closure/payments', {
    onRequest: requireRole('customer'),
    schema: {
      tags: ['returns'], summary: 'Pay the early-termination penalty of an account closure at a channel (like an order payment); the signed notification moves the closure to the agents',
      params: orderIdParams, body: z.object({ channel: z.enum(PAYMENT_CHANNELS) }), response: { 201: startedPayment, ...errors },
    },
  }, async (req, reply) => {
    const r = await startPenaltyPayment(deps, req.params.id, req.principal!.sub, req.body.channel);
    return isError(r) ? sendError(reply, r) : reply.code(201).send(r);
  });

  app.post('/api/v1/orders/:id/account-closure/withdraw', {
    onRequest: requireRole('customer'),
    schema: { tags: ['returns'], summary: 'Withdraw an account closure that has not completed; a paid penalty is refunded to its channel', params: orderIdParams, response: { 200: closureView, ...errors } },
  }, async (req, reply) => {
    const r = await withdrawClosure(deps, req.params.id, req.principal!.sub);
    return isError(r) ? sendError(reply, r) : toClosureView(r);
  });

  app.get('/api/v1/agent/account-closures', {
    onRequest: requireRole(...STAFF),
    schema: { tags: ['returns'], summary: 'Account closures waiting for an agent to complete them with the carrier (penalty paid, or none due)', response: { 200: z.object({ closures: z.array(closureView) }), ...errors } },
  }, async () => ({ closures: await Promise.all((await deps.store.afterSales.listClosures('requested')).map(toClosureView)) }));

  app.post('/api/v1/agent/account-closures/:id/refuse', {
    onRequest: requireRole('agent', 'supervisor'),
    schema: {
      tags: ['returns'], summary: 'Refuse an account closure with the reason the customer reads; a paid penalty is refunded',
      params: idParams, body: z.object({ reason: z.string().trim().min(1).max(500) }), response: { 200: closureView, ...errors },
    },
  }, async (req, reply) => {
    const r = await refuseClosure(deps, req.params.id, req.principal!, req.body.reason);
    return isError(r) ? sendError(reply, r) : toClosureView(r);
  });

  app.post('/api/v1/agent/account-closures/:id/complete', {
    onRequest: requireRole('agent', 'supervisor'),
    schema: { tags: ['returns'], summary: 'Close the line at the carrier; the order becomes account_closed', params: idParams, response: { 200: z.object({ closure: closureView, order: orderView }), ...errors } },
  }, async (req, reply) => {
    const r = await completeClosure(deps, req.params.id, req.principal!);
    if (isError(r)) return sendError(reply, r);
    return { closure: await toClosureView(r.closure), order: await orderOut(r.order, req.principal!) };
  });
};
