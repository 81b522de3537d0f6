// Customers and suppliers' plans: the disclosure before ordering, the supplier's number pool and holds, orders on a
// held number, what the supplier reports, and cancelling at the source.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fail, isError } from '../../../domain/errors.ts';
import type { Order } from '../../../domain/order.ts';
import { disclosureLines, type PlanDisclosure } from '../../../domain/suppliers/disclosure.ts';
import type { Deps } from '../../../app/platform/deps.ts';
import { viewOrderWith } from '../../../app/ordering/order-view.ts';
import { reserveNumber, searchPool } from '../../../app/suppliers/pick-number.ts';
import { placeSupplierOrder } from '../../../app/suppliers/place-supplier-order.ts';
import { cancelAtSupplier } from '../../../app/suppliers/cancel-at-supplier.ts';
import { answerOnce } from '../../idempotency.ts';
import { requireRole, STAFF } from '../../auth.ts';
import { sendError } from '../../errors.ts';
import { address, errors, orderIdParams, orderView, promotionRef } from '../../schemas.ts';
import type { Limit } from '../../rate-limit.ts';

const planParams = z.object({ planId: z.string().min(1).max(64) });
/** A person holds a few numbers while choosing; many more would empty a supplier's pool for everyone else. */
export const HOLDS_PER_CUSTOMER: Limit = { name: 'supplier-holds', max: 20, windowMs: 10 * 60_000, key: (req) => req.principal?.sub ?? req.ip, shared: true };
const digits = z.string().regex(/^\d{1,11}$/, 'digits only');

export const supplierOrderRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/api/v1/suppliers/plans/:planId', {
    schema: { tags: ['suppliers'], summary: 'A supplier plan\u2019s disclosure, shown before ordering', params: planParams },
  }, async (req, reply) => {
    const row = await deps.store.suppliers.getPlan(req.params.planId);
    const plan = await deps.store.orders.getPlan(req.params.planId);
    if (!row || !plan || !plan.active) return sendError(reply, fail('PLAN.NOT_FOUND', 'No such plan is on sale.', { planId: req.params.planId }));
    const disclosure = JSON.parse(row.disclosure) as PlanDisclosure;
    return { plan, supplierId: row.supplier_id, disclosure, lines: disclosureLines(disclosure) };
  });

  app.get('/api/v1/suppliers/plans/:planId/numbers', {
    schema: {
      tags: ['suppliers'], summary: 'Numbers in the supplier\u2019s pool, with their vanity level and price from the digits', params: planParams,
      querystring: z.object({ contains: digits.optional(), tail: digits.optional(), minLevel: z.coerce.number().int().min(0).max(5).optional(), limit: z.coerce.number().int().min(1).max(50).default(12) }),
    },
  }, async (req, reply) => {
    const out = await searchPool(deps, req.params.planId, req.query);
    return isError(out) ? sendError(reply, out) : { numbers: out };
  });

  app.post('/api/v1/suppliers/plans/:planId/holds', {
    onRequest: requireRole('customer'),
    preHandler: app.limiter.guard(HOLDS_PER_CUSTOMER),
    schema: { tags: ['suppliers'], summary: 'Hold a number at the supplier for a short while', params: planParams, body: z.object({ number: z.string().regex(/^1\d{10}$/) }) },
  }, async (req, reply) => {
    const out = await reserveNumber(deps, req.params.planId, req.body.number);
    return isError(out) ? sendError(reply, out) : reply.code(201).send(out);
  });

  app.post('/api/v1/suppliers/orders', {
    onRequest: requireRole('customer'),
    config: { keyInTx: true },
    schema: {
      tags: ['suppliers'], summary: 'Order a supplier\u2019s plan on a held number (a free card is confirmed at once)',
      body: z.object({
        planId: z.string().min(1).max(64), reservationId: z.string().min(1).max(64), contactName: z.string().trim().min(1).max(40),
        contactPhone: z.string().regex(/^1[3-9]\d{9}$/, 'an 11-digit mainland mobile number'), residentId: z.string().trim().min(1).max(18), address,
        ref: promotionRef,
      }),
      response: { 201: orderView, ...errors },
    },
  }, async (req, reply) => {
    const p = req.principal!;
    return answerOnce<Order>(deps, req, reply, (receipt) => placeSupplierOrder(deps, { customerId: p.sub, ...req.body }, receipt),
      async (r, order) => ({ status: 201, body: await viewOrderWith(r, order, p, deps.clock.now()) }));
  });

  app.get('/api/v1/suppliers/orders/:id', {
    onRequest: requireRole('customer', ...STAFF),
    schema: { tags: ['suppliers'], summary: 'The order at its supplier: state, waybill, ICCID, produced number, activation, first top-up, terms as sold', params: orderIdParams },
  }, async (req, reply) => {
    const p = req.principal!;
    const order = await deps.store.orders.getOrder(req.params.id);
    const row = await deps.store.suppliers.getOrder(req.params.id);
    if (!order || (p.role === 'customer' && order.customerId !== p.sub)) return sendError(reply, fail('ORDER.NOT_FOUND', 'No such order.', { orderId: req.params.id }));
    if (!row) return sendError(reply, fail('SUPPLIER.NOT_FOUND', 'This order was not placed with a supplier.', { orderId: order.id }));
    const disclosure = JSON.parse(row.disclosure) as PlanDisclosure;
    return {
      orderId: order.id, orderState: order.state, closeReason: order.closeReason, supplierId: row.supplier_id, supplierOrderId: row.supplier_order_id,
      submission: row.submission, supplierState: row.state, reason: row.reason, waybill: row.waybill, iccid: row.iccid, producedNumber: row.produced_number,
      activatedAt: row.activated_at, firstTopUp: { required: disclosure.firstTopUp, paidFen: row.first_top_up_fen, paidAt: row.first_top_up_at },
      disclosure, lines: disclosureLines(disclosure),
    };
  });

  app.post('/api/v1/suppliers/orders/:id/cancel', {
    onRequest: requireRole('customer'),
    schema: {
      tags: ['suppliers'], summary: 'Cancel a paid order at its supplier first: accepted means cancelled and refunded; already shipped means courier interception',
      params: orderIdParams, body: z.object({ reasonCode: z.string().trim().min(1).max(40), reasonText: z.string().trim().max(500).optional() }),
    },
  }, async (req, reply) => {
    const out = await cancelAtSupplier(deps, req.params.id, req.principal!.sub, req.body);
    if (isError(out)) return sendError(reply, out);
    return { route: out.route, orderId: out.order.id, state: out.order.state, ...(out.route === 'courier_interception' ? { trackingNo: out.trackingNo, requestId: out.request.request.id } : {}) };
  });
};
