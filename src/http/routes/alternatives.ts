import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isError } from '../../domain/errors.ts';
import { ALTERNATIVE_KINDS, REASON_CODES } from '../../domain/alternatives.ts';
import type { Deps } from '../../app/platform/deps.ts';
import { answerOffer, declineAll, offerAlternatives } from '../../app/cancellation/alternatives.ts';
import { changeOrderAddress, switchOrderPlan } from '../../app/ordering/change-order.ts';
import { viewOrder } from '../../app/ordering/order-view.ts';
import { actorOf, requireRole, STAFF } from '../auth.ts';
import { sendError } from '../errors.ts';
import { address, errors, orderIdParams, orderView } from '../schemas.ts';
import { langOf, langParam } from './lang.ts';

const step = z.object({ method: z.enum(['GET', 'POST']), href: z.string() });

export const alternativeRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/api/v1/orders/:id/alternatives', {
    onRequest: requireRole('customer', ...STAFF),
    schema: {
      tags: ['cancellation'], summary: 'What could be done instead of cancelling, best fit for the given reason first; each offer is recorded',
      params: orderIdParams,
      querystring: z.object({ reason: z.string().max(500).optional().describe('the customer\'s own words, classified into a reason code'), lang: langParam }),
      response: {
        200: z.object({
          orderId: z.string(), state: z.string(),
          reason: z.object({ code: z.enum(REASON_CODES), confidence: z.number() }).nullable(),
          alternatives: z.array(z.object({
            offerId: z.string(), kind: z.enum(ALTERNATIVE_KINDS), fits: z.boolean(), status: z.string(), title: z.string(), description: z.string(), next: step,
            plans: z.array(z.object({ id: z.string(), name: z.string(), amountFen: z.number() })).optional(),
          })),
          cancel: step,
        }),
        ...errors,
      },
    },
  }, async (req, reply) => {
    const r = await offerAlternatives(deps, req.params.id, req.principal!, { ...(req.query.reason ? { reason: req.query.reason } : {}), lang: langOf(req, req.query.lang) });
    return isError(r) ? sendError(reply, r) : r;
  });

  app.post('/api/v1/orders/:id/alternatives/decline', {
    onRequest: requireRole('customer', ...STAFF),
    schema: {
      tags: ['cancellation'], summary: 'Decline every open offer and go on to the cancellation',
      params: orderIdParams,
      response: { 200: z.object({ declined: z.number(), next: step }), ...errors },
    },
  }, async (req, reply) => {
    const r = await declineAll(deps, req.params.id, req.principal!);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.post('/api/v1/orders/:id/alternatives/:offerId', {
    onRequest: requireRole('customer', ...STAFF),
    schema: {
      tags: ['cancellation'], summary: 'Accept or decline one offer; accepting "contact an agent" opens a ticket',
      params: z.object({ id: z.string().min(1).max(64), offerId: z.string().min(1).max(64) }),
      body: z.object({ answer: z.enum(['accepted', 'declined']) }),
      response: {
        200: z.object({ offerId: z.string(), kind: z.enum(ALTERNATIVE_KINDS), status: z.enum(['accepted', 'declined']), next: step, ticketId: z.string().nullable() }),
        ...errors,
      },
    },
  }, async (req, reply) => {
    const r = await answerOffer(deps, req.params.id, req.params.offerId, req.principal!, req.body.answer);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.post('/api/v1/orders/:id/address', {
    onRequest: requireRole('customer', ...STAFF),
    schema: {
      tags: ['orders'], summary: 'Change the delivery address of an order not yet packed (pending payment or paid); audited',
      params: orderIdParams, body: z.object({ address }),
      response: { 200: orderView, ...errors },
    },
  }, async (req, reply) => {
    const p = req.principal!;
    const order = await changeOrderAddress(deps, req.params.id, actorOf(p), req.body.address);
    if (isError(order)) return sendError(reply, order);
    return viewOrder(deps, order, p);
  });

  app.post('/api/v1/orders/:id/plan', {
    onRequest: requireRole('customer', ...STAFF),
    schema: {
      tags: ['orders'], summary: 'Switch an unpaid order to another plan of the same carrier, keeping the number; the order is re-priced',
      params: orderIdParams, body: z.object({ planId: z.string().min(1).max(64) }),
      response: { 200: orderView, ...errors },
    },
  }, async (req, reply) => {
    const p = req.principal!;
    const order = await switchOrderPlan(deps, req.params.id, actorOf(p), req.body.planId);
    if (isError(order)) return sendError(reply, order);
    return viewOrder(deps, order, p);
  });
};
