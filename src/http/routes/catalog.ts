import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CARRIERS } from '../../domain/order.ts';
import { fail } from '../../domain/errors.ts';
import { disclosureLines, type PlanDisclosure } from '../../domain/suppliers/disclosure.ts';
import type { Deps } from '../../app/platform/deps.ts';
import { sendError } from '../errors.ts';
import { errors, numberResource, plan } from '../schemas.ts';

export const catalogRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/api/v1/plans', {
    schema: {
      tags: ['catalog'],
      summary: 'Plans on sale; fromSupplier: ordered from its supplier\'s number pool (/api/v1/suppliers/plans/:id), with its disclosure lines (first top-up, contract, promotion, regions, number home, card fee)',
      response: { 200: z.object({ plans: z.array(plan.extend({ fromSupplier: z.boolean(), disclosure: z.array(z.string()) })) }) },
    },
  }, async () => {
    const fromSuppliers = new Map((await deps.store.suppliers.listPlans()).map((p) => [p.plan_id, disclosureLines(JSON.parse(p.disclosure) as PlanDisclosure)]));
    return { plans: (await deps.store.orders.listPlans()).map((p) => ({ ...p, fromSupplier: fromSuppliers.has(p.id), disclosure: fromSuppliers.get(p.id) ?? [] })) };
  });

  app.get('/api/v1/plans/:id', {
    schema: { tags: ['catalog'], summary: 'One plan', params: z.object({ id: z.string().max(64) }), response: { 200: plan, ...errors } },
  }, async (req, reply) => {
    const p = await deps.store.orders.getPlan(req.params.id);
    return p ? p : sendError(reply, fail('PLAN.NOT_FOUND', 'No such plan.', { planId: req.params.id }));
  });

  app.get('/api/v1/numbers', {
    schema: {
      tags: ['catalog'],
      summary: 'Free numbers, searchable by carrier and digits',
      querystring: z.object({
        carrier: z.enum(CARRIERS).optional(),
        contains: z.string().regex(/^\d{1,11}$/, 'digits only').optional(),
        endsWith: z.string().regex(/^\d{1,11}$/, 'digits only').optional(),
        limit: z.coerce.number().int().min(1).max(100).default(20),
        offset: z.coerce.number().int().min(0).max(10_000).default(0),
      }),
      response: { 200: z.object({ numbers: z.array(numberResource) }), ...errors },
    },
  }, async (req) => ({ numbers: await deps.store.orders.searchNumbers(req.query) }));
};
