import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isError } from '../../domain/errors.ts';
import type { Deps } from '../../app/platform/deps.ts';
import { settingsPatchSchema } from '../../app/platform/settings.ts';
import { requireRole, STAFF } from '../auth.ts';
import { sendError } from '../errors.ts';
import { errors } from '../schemas.ts';

const settingsBody = z.object({
  paymentTimeoutMs: z.number(),
  reminderBeforeMs: z.number(),
  realNameLimitPerCarrier: z.number(),
  reorderDiscount: z.object({ afterPaymentTimeout: z.boolean(), afterCustomerAbandoned: z.boolean() }),
  reviewSlaMs: z.number().describe('cancellation review SLA, ms (1-24 h)'),
  priorityThreshold: z.number().describe('own cancellations in 90 days that route a customer to the priority channel'),
  expressRefundMaxFen: z.number().describe('express refund ceiling, fen (0 = off)'),
  carrierSyncMaxPolls: z.number().describe('unanswered carrier polls of an unconfirmed line before an agent task is opened'),
});

export const settingsRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/api/v1/settings', {
    onRequest: requireRole(...STAFF),
    schema: { tags: ['settings'], summary: 'Platform rules in force', response: { 200: settingsBody, ...errors } },
  }, async () => deps.settings.get());

  app.patch('/api/v1/settings', {
    onRequest: requireRole('operator'),
    schema: { tags: ['settings'], summary: 'Change platform rules (operators); validated and recorded', body: settingsPatchSchema, response: { 200: settingsBody, ...errors } },
  }, async (req, reply) => {
    const r = await deps.settings.update(req.body, req.principal!.sub);
    return isError(r) ? sendError(reply, r) : r;
  });
};
