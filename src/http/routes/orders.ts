import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isError } from '../../domain/errors.ts';
import type { Deps } from '../../app/platform/deps.ts';
import { placeOrder } from '../../app/ordering/place-order.ts';
import { cancelUnpaidOrder } from '../../app/ordering/cancel-order.ts';
import { loadPreviewFacts, loadVisibleOrder, previewCancellation, toView, viewOrderWith } from '../../app/ordering/order-view.ts';
import { answerOnce } from '../idempotency.ts';
import { actorOf, requireRole, STAFF } from '../auth.ts';
import { sendError } from '../errors.ts';
import { LIMITS } from '../rate-limit.ts';
import { address, errors, expressCheck, label, orderIdParams, orderView, promotionRef } from '../schemas.ts';
import { PAYMENT_CHANNELS, type Order } from '../../domain/order.ts';

export const orderRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.post('/api/v1/orders', {
    onRequest: requireRole('customer'),
    config: { keyInTx: true },
    schema: {
      tags: ['orders'], summary: 'Place an order; the number is locked and the payment countdown starts',
      body: z.object({
        planId: z.string().min(1).max(64),
        numberId: z.string().min(1).max(64),
        contactName: z.string().trim().min(1).max(40),
        contactPhone: z.string().regex(/^1[3-9]\d{9}$/, 'an 11-digit mainland mobile number'),
        residentId: z.string().trim().min(1).max(18),
        address,
        ref: promotionRef,
      }),
      response: { 201: orderView, ...errors },
    },
  }, async (req, reply) => {
    const p = req.principal!;
    return answerOnce<Order>(deps, req, reply, (receipt) => placeOrder(deps, { customerId: p.sub, ...req.body }, receipt),
      async (r, order) => ({ status: 201, body: await viewOrderWith(r, order, p, deps.clock.now()) }));
  });

  app.get('/api/v1/orders', {
    onRequest: requireRole('customer'),
    schema: {
      tags: ['orders'], summary: 'My orders, newest first',
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20), before: z.coerce.number().int().optional() }),
      response: { 200: z.object({ orders: z.array(orderView), nextBefore: z.number().nullable() }), ...errors },
    },
  }, async (req) => {
    const p = req.principal!;
    const orders = await deps.store.orders.listCustomerOrders(p.sub, req.query.limit, req.query.before);
    const plans = new Map((await deps.store.orders.listPlans(false)).map((x) => [x.id, x]));
    const now = deps.clock.now();
    const requests = await deps.store.requests.latestForOrders(orders.map((o) => o.id));
    return {
      orders: orders.map((o) => toView(o, plans.get(o.planId)!, now, p, requests.get(o.id) ?? null)),
      nextBefore: orders.length === req.query.limit ? orders[orders.length - 1]!.createdAt : null,
    };
  });

  app.get('/api/v1/orders/:id', {
    onRequest: requireRole('customer', ...STAFF),
    schema: { tags: ['orders'], summary: 'One order with its cancellation label', params: orderIdParams, response: { 200: orderView, ...errors } },
  }, async (req, reply) => {
    const found = await loadVisibleOrder(deps, req.params.id, req.principal!);
    if (isError(found)) return sendError(reply, found);
    const request = (await deps.store.requests.latestForOrders([found.order.id])).get(found.order.id) ?? null;
    return toView(found.order, found.plan, deps.clock.now(), req.principal!, request);
  });

  app.get('/api/v1/orders/:id/cancellation', {
    onRequest: requireRole('customer', ...STAFF),
    schema: {
      tags: ['cancellation'], summary: 'What cancelling would do now: label, consequences, confirmation text',
      params: orderIdParams,
      response: {
        200: z.object({
          orderId: z.string(), state: z.string(), cancellation: label, oneStep: z.boolean(),
          consequences: z.object({
            chargedFen: z.number(), refundFen: z.number(), penaltyFen: z.number(), number: z.enum(['released', 'kept']), numberText: z.string(),
            reorderDiscount: z.object({ keeps: z.boolean(), text: z.string() }),
          }).nullable(),
          confirmationText: z.string().nullable(),
          explanation: z.string(),
          path: z.string().describe('one_step | express | review | interception | in_progress, or the label\'s action'),
          checks: z.array(expressCheck).describe('the express-refund rules, each passed or not, in words'),
          refund: z.object({
            amountFen: z.number().int(), channel: z.enum(PAYMENT_CHANNELS), express: z.boolean(),
            expected: z.object({ earliest: z.string(), latest: z.string(), workingDays: z.array(z.number()) }).describe('Asia/Shanghai dates'),
          }).nullable(),
          openRequestId: z.string().nullable(),
        }),
        ...errors,
      },
    },
  }, async (req, reply) => {
    const found = await loadVisibleOrder(deps, req.params.id, req.principal!);
    if (isError(found)) return sendError(reply, found);
    return previewCancellation(found.order, await deps.settings.get(), deps.clock.now(), await loadPreviewFacts(deps, found.order));
  });

  app.post('/api/v1/orders/:id/cancel', {
    onRequest: requireRole('customer', ...STAFF),
    preHandler: app.limiter.guard(LIMITS.cancellationsPerCustomer),
    config: { keyInTx: true },
    schema: {
      tags: ['cancellation'], summary: 'Cancel an unpaid order in one step (needs "confirm": true)',
      params: orderIdParams,
      body: z.object({ confirm: z.boolean().default(false), reason: z.string().trim().max(500).optional() }),
      response: { 200: orderView, ...errors },
    },
  }, async (req, reply) => {
    const p = req.principal!;
    return answerOnce<Order>(deps, req, reply, (receipt) => cancelUnpaidOrder(deps, req.params.id, actorOf(p), req.body, receipt),
      async (r, order) => ({ status: 200, body: await viewOrderWith(r, order, p, deps.clock.now()) }));
  });

  app.get('/api/v1/orders/:id/events', {
    onRequest: requireRole('customer', ...STAFF),
    schema: {
      tags: ['orders'], summary: 'The audit trail: who did what, when, why, manual or automatic',
      params: orderIdParams,
      response: {
        200: z.object({
          events: z.array(z.object({
            id: z.number(), actorType: z.string(), actorId: z.string(), action: z.string(), fromState: z.string().nullable(),
            toState: z.string(), reason: z.string().nullable(), automatic: z.boolean(), at: z.number(),
          })),
        }),
        ...errors,
      },
    },
  }, async (req, reply) => {
    const found = await loadVisibleOrder(deps, req.params.id, req.principal!);
    if (isError(found)) return sendError(reply, found);
    const events = await deps.store.orders.listEvents(found.order.id);
    // Text-message delivery records (provider, message id) are for staff; the customer has the texts in the inbox.
    const shown = req.principal!.role === 'customer' ? events.filter((e) => !e.action.startsWith('sms.')) : events;
    return { events: shown.map(({ orderId: _o, ...e }) => e) };
  });

  app.get('/api/v1/notifications', {
    onRequest: requireRole('customer'),
    schema: {
      tags: ['notifications'], summary: 'My in-app inbox, newest first',
      querystring: z.object({ orderId: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(100).default(50) }),
      response: {
        200: z.object({
          notifications: z.array(z.object({ id: z.number(), orderId: z.string().nullable(), template: z.string(), title: z.string(), body: z.string(), createdAt: z.number(), read: z.boolean() })),
        }),
        ...errors,
      },
    },
  }, async (req) => {
    const rows = await deps.store.platform.listNotifications(req.principal!.sub, req.query.limit, req.query.orderId);
    return { notifications: rows.map((r) => ({ id: r.id, orderId: r.order_id, template: r.template, title: r.title, body: r.body, createdAt: r.created_at, read: r.read_at !== null })) };
  });

  app.post('/api/v1/notifications/read', {
    onRequest: requireRole('customer'),
    schema: {
      tags: ['notifications'], summary: 'Mark my messages read (ids that are not mine, or already read, change nothing)',
      body: z.object({ ids: z.array(z.number().int().positive()).min(1).max(100) }),
      response: { 200: z.object({ marked: z.number() }), ...errors },
    },
  }, async (req) => ({ marked: await deps.store.platform.markNotificationsRead(req.principal!.sub, [...new Set(req.body.ids)], deps.clock.now()) }));
};
