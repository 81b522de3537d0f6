// Operators and suppliers: sync the catalogs now, see each supplier's plans, publish or hold them, set vanity prices.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isError } from '../../../domain/errors.ts';
import type { VanityRule } from '../../../domain/suppliers/vanity.ts';
import type { Deps } from '../../../app/platform/deps.ts';
import { publishPlan, syncCatalogs } from '../../../app/suppliers/catalog-sync.ts';
import { setVanityRules, vanityRules } from '../../../app/suppliers/vanity-rules.ts';
import { requireRole } from '../../auth.ts';
import { sendError } from '../../errors.ts';

const vanityRule = z.object({
  id: z.string().min(1).max(32), label: z.string().min(1).max(40), level: z.number().int(), priceFen: z.number().int(),
  pattern: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('run'), length: z.number().int(), anywhere: z.boolean().optional() }),
    z.object({ kind: z.literal('abab'), length: z.number().int() }),
    z.object({ kind: z.literal('aabb'), length: z.number().int() }),
    z.object({ kind: z.literal('sequence'), length: z.number().int(), direction: z.enum(['ascending', 'descending', 'either']) }),
    z.object({ kind: z.literal('tail'), tails: z.array(z.string().max(8)).max(50) }),
  ]),
});

export const supplierOperatorRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.post('/api/v1/operator/suppliers/sync', {
    onRequest: requireRole('operator'),
    schema: { tags: ['suppliers'], summary: 'Sync every supplier\u2019s catalog now', body: z.object({ supplierId: z.string().max(32).optional() }).optional() },
  }, async (req, reply) => {
    const out = await syncCatalogs(deps, req.body?.supplierId);
    return isError(out) ? sendError(reply, out) : { suppliers: out };
  });

  app.get('/api/v1/operator/suppliers/plans', {
    onRequest: requireRole('operator'),
    schema: { tags: ['suppliers'], summary: 'Supplier plans with their supplier, state (new, published, withdrawn) and disclosure' },
  }, async () => {
    const rows = await deps.store.suppliers.listPlans();
    const plans = new Map((await deps.store.orders.listPlans(false)).map((p) => [p.id, p]));
    return { plans: rows.map((r) => ({ planId: r.plan_id, supplierId: r.supplier_id, supplierPlanId: r.supplier_plan_id, state: r.state, syncedAt: r.synced_at, withdrawnAt: r.withdrawn_at, plan: plans.get(r.plan_id) ?? null, disclosure: JSON.parse(r.disclosure) as unknown })) };
  });

  app.post('/api/v1/operator/suppliers/plans/:planId/publish', {
    onRequest: requireRole('operator'),
    schema: { tags: ['suppliers'], summary: 'Put a synced plan on sale, or take it off', params: z.object({ planId: z.string().min(1).max(64) }), body: z.object({ publish: z.boolean() }) },
  }, async (req, reply) => {
    const out = await publishPlan(deps, req.params.planId, req.body.publish);
    return isError(out) ? sendError(reply, out) : out;
  });

  app.get('/api/v1/operator/suppliers/vanity-rules', { onRequest: requireRole('operator'), schema: { tags: ['suppliers'], summary: 'Vanity patterns and prices in force' } },
    async () => ({ rules: await vanityRules(deps.store) }));

  app.put('/api/v1/operator/suppliers/vanity-rules', {
    onRequest: requireRole('operator'),
    schema: { tags: ['suppliers'], summary: 'Replace the vanity patterns and prices', body: z.object({ rules: z.array(vanityRule).max(50) }) },
  }, async (req, reply) => {
    const out = await setVanityRules(deps.store, req.body.rules as VanityRule[], req.principal!.sub, deps.clock.now());
    return isError(out) ? sendError(reply, out) : { rules: out };
  });
};
