// The operators' desk for differences with the channels' daily bills.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isError } from '../../domain/errors.ts';
import type { Deps } from '../../app/platform/deps.ts';
import type { ReconciliationItemRow } from '../../adapters/store/reconciliation-repo.ts';
import { resolveReconciliationItem } from '../../app/reconciliation/items.ts';
import { requireRole } from '../auth.ts';
import { sendError } from '../errors.ts';
import { errors } from '../schemas.ts';

const item = z.object({
  id: z.number(), channel: z.string(), day: z.string().describe('the Beijing day of the bill'),
  kind: z.enum(['amount_mismatch', 'unknown_payment', 'channel_mismatch', 'unknown_refund', 'refund_mismatch', 'refund_contradiction']).or(z.string()),
  subject: z.string().describe('the payment or refund number'), orderId: z.string().nullable(),
  ourAmountFen: z.number().nullable(), channelAmountFen: z.number().nullable(), detail: z.string(),
  state: z.enum(['open', 'resolved']).or(z.string()), createdAt: z.number(),
  resolvedBy: z.string().nullable(), resolvedAt: z.number().nullable(), note: z.string().nullable(),
});

const toItem = (r: ReconciliationItemRow): z.infer<typeof item> => ({
  id: r.id, channel: r.channel, day: r.day, kind: r.kind, subject: r.subject, orderId: r.order_id, ourAmountFen: r.our_amount_fen,
  channelAmountFen: r.channel_amount_fen, detail: r.detail, state: r.state, createdAt: r.created_at, resolvedBy: r.resolved_by, resolvedAt: r.resolved_at, note: r.note,
});

export const reconciliationRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/api/v1/operator/reconciliation-items', {
    onRequest: requireRole('operator'),
    schema: {
      tags: ['reconciliation'], summary: 'Differences with the channels\u2019 daily bills that an operator settles (open ones by default, oldest first)',
      querystring: z.object({ state: z.enum(['open', 'resolved']).default('open'), limit: z.coerce.number().int().min(1).max(500).default(100) }),
      response: { 200: z.object({ items: z.array(item) }), ...errors },
    },
  }, async (req) => ({ items: (await deps.store.reconciliation.listItems(req.query.state, req.query.limit)).map(toItem) }));

  app.post('/api/v1/operator/reconciliation-items/:id/resolve', {
    onRequest: requireRole('operator'),
    schema: {
      tags: ['reconciliation'], summary: 'Resolve a reconciliation item with what was done (once; who and when are kept)',
      params: z.object({ id: z.string().regex(/^\d{1,12}$/, 'an item id') }),
      body: z.object({ note: z.string().trim().min(1).max(500) }),
      response: { 200: item, ...errors },
    },
  }, async (req, reply) => {
    const r = await resolveReconciliationItem(deps, Number(req.params.id), req.body.note, req.principal!);
    return isError(r) ? sendError(reply, r) : toItem(r);
  });
};
