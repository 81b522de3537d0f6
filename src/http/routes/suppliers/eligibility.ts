// Eligibility before payment: the order form asks as the customer types; operators edit each plan's rules (every
// change kept) and the platform blacklist.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isError } from '../../../domain/errors.ts';
import type { Deps } from '../../../app/platform/deps.ts';
import { addToBlacklist, evaluate, removeFromBlacklist, rulesFor, setRules } from '../../../app/suppliers/eligibility.ts';
import { requireRole } from '../../auth.ts';
import { sendError } from '../../errors.ts';
import { address } from '../../schemas.ts';

const planParams = z.object({ planId: z.string().min(1).max(64) });
const rules = z.object({
  age: z.object({ min: z.number().int(), max: z.number().int() }).nullable(),
  refusedRegions: z.array(z.string().max(20)).max(40),
  refusePickupPoints: z.boolean(),
  onePerIdDays: z.number().int(),
});

export const eligibilityRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.post('/api/v1/suppliers/plans/:planId/eligibility', {
    onRequest: requireRole('customer'),
    config: { keepAnswer: false },
    schema: {
      tags: ['suppliers'], summary: 'Check what the customer typed against the plan\u2019s rules, before any payment', params: planParams,
      body: z.object({ residentId: z.string().trim().max(18).optional(), contactPhone: z.string().regex(/^1\d{10}$/).optional(), address: address.optional() }),
    },
  }, async (req, reply) => {
    const out = await evaluate(deps, { planId: req.params.planId, customerId: req.principal!.sub, residentId: req.body.residentId ?? null, contactPhone: req.body.contactPhone ?? null, address: req.body.address ?? null });
    return isError(out) ? sendError(reply, out) : { eligible: out.length === 0, refusals: out };
  });

  app.get('/api/v1/operator/suppliers/plans/:planId/eligibility', {
    onRequest: requireRole('operator'), schema: { tags: ['suppliers'], summary: 'A plan\u2019s eligibility rules and their change log', params: planParams },
  }, async (req) => {
    const kept = await deps.store.eligibility.getRules(req.params.planId);
    return { rules: await rulesFor(deps.store, req.params.planId), source: kept?.source ?? 'default', changes: await deps.store.eligibility.changes(req.params.planId) };
  });

  app.put('/api/v1/operator/suppliers/plans/:planId/eligibility', {
    onRequest: requireRole('operator'), schema: { tags: ['suppliers'], summary: 'Replace a plan\u2019s eligibility rules (logged; kept over later syncs)', params: planParams, body: rules },
  }, async (req, reply) => {
    const out = await setRules(deps, req.params.planId, req.body, req.principal!.sub);
    return isError(out) ? sendError(reply, out) : { rules: out };
  });

  app.get('/api/v1/operator/blacklist', {
    onRequest: requireRole('operator'), schema: { tags: ['suppliers'], summary: 'The platform blacklist (masked) and its latest hits' },
  }, async () => ({ entries: (await deps.store.eligibility.entries()).map(({ value_hash: _h, ...e }) => e), hits: await deps.store.eligibility.hits() }));

  app.post('/api/v1/operator/blacklist', {
    onRequest: requireRole('operator'),
    schema: {
      tags: ['suppliers'], summary: 'Add a resident ID, phone or address to the blacklist (kept hashed)',
      body: z.object({ kind: z.enum(['resident_id', 'phone', 'address']), value: z.union([z.string().max(18), address]), note: z.string().trim().min(1).max(200) }),
    },
  }, async (req, reply) => {
    const out = await addToBlacklist(deps, req.body, req.principal!.sub);
    return isError(out) ? sendError(reply, out) : reply.code(201).send(out);
  });

  app.post('/api/v1/operator/blacklist/:id/remove', {
    onRequest: requireRole('operator'), schema: { tags: ['suppliers'], summary: 'Take an entry off the blacklist', params: z.object({ id: z.coerce.number().int().min(1) }) },
  }, async (req, reply) => {
    const out = await removeFromBlacklist(deps, req.params.id);
    return isError(out) ? sendError(reply, out) : out;
  });
};
