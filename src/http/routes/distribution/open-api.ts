// The distributors' open API (/open/v1): orders placed on a customer's behalf, queried and cancelled. Every call is
// signed (app/distribution/signature.ts); the signature, its freshness and its nonce are checked before the body is read.
import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isError } from '../../../domain/errors.ts';
import type { Deps } from '../../../app/platform/deps.ts';
import type { DistributorRow } from '../../../adapters/store/distribution/distribution-repo.ts';
import { authenticateCall, cancelOwnOrder, openOrderView, placeForCustomer, queryOwnOrder } from '../../../app/distribution/open-api.ts';
import { HEADER_KEY, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP } from '../../../app/distribution/signature.ts';
import { sendError } from '../../errors.ts';
import { address, errors } from '../../schemas.ts';

declare module 'fastify' {
  interface FastifyRequest {
    distributor?: DistributorRow;
  }
}

const header = (req: FastifyRequest, name: string) => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};

const openOrder = z.object({
  id: z.string(), planId: z.string(), number: z.string(), state: z.string(), closeReason: z.string().nullable(), amountFen: z.number(),
  contactPhone: z.string().describe('masked'), createdAt: z.number(), paidAt: z.number().nullable(), activatedAt: z.number().nullable(), closedAt: z.number().nullable(),
});

export const openApiRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  // Before validation: a call that is not signed right is refused for that, whatever its body says.
  const signed = async (req: FastifyRequest, reply: FastifyReply) => {
    const d = await authenticateCall(deps, {
      appKey: header(req, HEADER_KEY), timestamp: header(req, HEADER_TIMESTAMP), nonce: header(req, HEADER_NONCE), signature: header(req, HEADER_SIGNATURE),
      method: req.method, path: req.url, body: typeof req.rawBody === 'string' ? req.rawBody : '',
    });
    if (isError(d)) return sendError(reply, d);
    req.distributor = d;
    // The caller is known from here on: an Idempotency-Key it sends is kept under its own id, so a retry after a lost
    // answer (a fresh nonce, the same key and body) gets the first answer and places no second order.
    req.principal = { sub: d.id, role: 'distributor', exp: deps.clock.now() + 60_000 };
  };

  app.post('/open/v1/orders', {
    preValidation: signed,
    schema: {
      tags: ['open api'], summary: "Place an order on a customer's behalf (signed); it is attributed to the calling distributor",
      body: z.object({
        planId: z.string().min(1).max(64), numberId: z.string().min(1).max(64),
        customerPhone: z.string().regex(/^1[3-9]\d{9}$/, 'an 11-digit mainland mobile number'),
        contactName: z.string().trim().min(1).max(40), contactPhone: z.string().regex(/^1[3-9]\d{9}$/, 'an 11-digit mainland mobile number'),
        residentId: z.string().trim().min(1).max(18), address,
      }),
      response: { 201: openOrder, ...errors },
    },
  }, async (req, reply) => {
    const r = await placeForCustomer(deps, req.distributor!, req.body);
    return isError(r) ? sendError(reply, r) : reply.code(201).send(openOrderView(r));
  });

  app.get('/open/v1/orders/:id', {
    preValidation: signed,
    schema: { tags: ['open api'], summary: 'One of your orders (signed)', params: z.object({ id: z.string().max(64) }), response: { 200: openOrder, ...errors } },
  }, async (req, reply) => {
    const r = await queryOwnOrder(deps, req.distributor!, req.params.id);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.post('/open/v1/orders/:id/cancel', {
    preValidation: signed,
    schema: {
      tags: ['open api'], summary: "Cancel one of your orders on the customer's behalf: unpaid at once, paid through a cancellation request (signed)",
      params: z.object({ id: z.string().max(64) }),
      body: z.object({ reasonCode: z.string().min(1).max(40).default('changed_mind') }),
      response: { 200: z.object({ order: openOrder, requestId: z.string().nullable() }), ...errors },
    },
  }, async (req, reply) => {
    const r = await cancelOwnOrder(deps, req.distributor!, req.params.id, req.body.reasonCode);
    return isError(r) ? sendError(reply, r) : r;
  });
};
