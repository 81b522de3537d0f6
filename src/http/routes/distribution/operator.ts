// The operators' side of distribution: accounts, promotion codes, commission rules, line facts, settlement runs,
// withdrawals, undelivered push-backs, and per-distributor figures.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fail, isError } from '../../../domain/errors.ts';
import type { Deps } from '../../../app/platform/deps.ts';
import { createDistributor, createPromotionCode, putCommissionRule, recordTopUp, setDistributorState } from '../../../app/distribution/manage.ts';
import { settleCommissions, settlementCsvOf } from '../../../app/distribution/settlement.ts';
import { resendPush } from '../../../app/distribution/push-back.ts';
import { decideWithdrawal } from '../../../app/distribution/withdrawals.ts';
import { distributorStats } from '../../../app/distribution/stats.ts';
import { requireRole } from '../../auth.ts';
import { sendError } from '../../errors.ts';
import { errors } from '../../schemas.ts';

const id = z.object({ id: z.string().min(1).max(64) });

export const operatorDistributionRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  const operator = requireRole('operator');
  const tags = ['distribution (operators)'];

  app.post('/api/v1/operator/distributors', {
    onRequest: operator,
    schema: {
      tags, summary: 'Open a distributor account (under a parent: at most three levels); the app secret is shown only here',
      body: z.object({ name: z.string().trim().min(2).max(40), password: z.string().min(8).max(200), parentId: z.string().max(64).nullable().default(null), pushUrl: z.url().max(500).nullable().default(null) }),
      response: { 201: z.object({ id: z.string(), level: z.number(), appKey: z.string(), appSecret: z.string() }), ...errors },
    },
  }, async (req, reply) => {
    const r = await createDistributor(deps, req.body);
    return isError(r) ? sendError(reply, r) : reply.code(201).send(r);
  });

  app.get('/api/v1/operator/distributors', {
    onRequest: operator,
    schema: { tags, summary: 'Every distributor with its orders, activation, first top-up and cancellation rates, reasons and commissions; far above the platform\u2019s cancellation rate is flagged' },
  }, async () => distributorStats(deps));

  app.post('/api/v1/operator/distributors/:id/state', {
    onRequest: operator,
    schema: { tags, summary: 'Suspend or reactivate a distributor', params: id, body: z.object({ state: z.enum(['active', 'suspended']) }), response: { 200: z.object({ id: z.string(), state: z.string() }), ...errors } },
  }, async (req, reply) => {
    const r = await setDistributorState(deps, req.params.id, req.body.state);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.post('/api/v1/operator/distributors/:id/promotion-codes', {
    onRequest: operator,
    schema: { tags, summary: 'A promotion code (?ref=) for one plan or for any', params: id, body: z.object({ planId: z.string().max(64).nullable().default(null) }), response: { 201: z.object({ code: z.string(), planId: z.string().nullable() }), ...errors } },
  }, async (req, reply) => {
    const r = await createPromotionCode(deps, req.params.id, req.body.planId);
    return isError(r) ? sendError(reply, r) : reply.code(201).send(r);
  });

  app.put('/api/v1/operator/plans/:id/commission-rule', {
    onRequest: operator,
    schema: {
      tags, summary: 'A plan\u2019s commission rule (级差 amounts per level, conditions, probation); applies to orders placed from now; logged',
      params: id,
      body: z.object({ levelFen: z.array(z.number().int()).length(3), minFirstTopUpFen: z.number().int(), daysInService: z.number().int(), probationDays: z.number().int() }),
    },
  }, async (req, reply) => {
    const r = await putCommissionRule(deps, req.params.id, req.body, req.principal!.sub);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.get('/api/v1/operator/plans/:id/commission-rule', {
    onRequest: operator, schema: { tags, summary: 'A plan\u2019s commission rule and its change log', params: id },
  }, async (req) => ({
    rule: await deps.store.distribution.getRule(req.params.id),
    changes: (await deps.store.distribution.listRuleChanges(req.params.id)).map((c) => ({ oldValue: c.old_value ? JSON.parse(c.old_value) : null, newValue: JSON.parse(c.new_value), changedBy: c.changed_by, changedAt: c.changed_at })),
  }));

  app.post('/api/v1/operator/orders/:id/top-up', {
    onRequest: operator,
    schema: { tags, summary: 'The carrier\u2019s report of a line\u2019s first top-up (首充); only the first counts', params: id, body: z.object({ amountFen: z.number().int().min(1).max(100_000_000), at: z.number().int().optional() }) },
  }, async (req, reply) => {
    const r = await recordTopUp(deps, req.params.id, req.body.amountFen, req.body.at ?? deps.clock.now());
    return isError(r) ? sendError(reply, r) : r;
  });

  app.post('/api/v1/operator/commission-settlements', {
    onRequest: operator,
    schema: { tags, summary: 'Settle every eligible commission under a run id; the same id again settles nothing and answers the same', body: z.object({ runId: z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/) }) },
  }, async (req) => settleCommissions(deps, req.body.runId, req.principal!.sub));

  app.get('/api/v1/operator/commission-settlements/:id/csv', {
    onRequest: operator, schema: { tags, summary: 'A settlement run\u2019s CSV (one line per distributor)', params: id },
  }, async (req, reply) => {
    const csv = await settlementCsvOf(deps, req.params.id);
    if (csv === null) return sendError(reply, fail('REQUEST.NOT_FOUND', 'No such settlement run.', { runId: req.params.id }));
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="commissions-${req.params.id}.csv"`).send(csv);
  });

  app.get('/api/v1/operator/distributor-pushes', {
    onRequest: operator,
    schema: { tags, summary: 'Order push-backs, by default those given up after five attempts', querystring: z.object({ state: z.enum(['pending', 'delivered', 'undelivered']).default('undelivered') }) },
  }, async (req) => ({
    pushes: (await deps.store.exchanges.listPushes({ state: req.query.state })).map((p) => ({ id: p.id, distributorId: p.distributor_id, orderId: p.order_id, body: JSON.parse(p.body), state: p.state, attempts: p.attempts, lastError: p.last_error, createdAt: p.created_at, deliveredAt: p.delivered_at })),
  }));

  app.post('/api/v1/operator/distributor-pushes/:id/resend', {
    onRequest: operator, schema: { tags, summary: 'Send an undelivered push-back again', params: z.object({ id: z.string().regex(/^\d{1,12}$/) }) },
  }, async (req, reply) => {
    const r = await resendPush(deps, Number(req.params.id));
    return isError(r) ? sendError(reply, r) : r;
  });

  app.get('/api/v1/operator/withdrawals', {
    onRequest: operator, schema: { tags, summary: 'Withdrawal requests, waiting ones by default', querystring: z.object({ state: z.enum(['requested', 'paid', 'rejected']).default('requested') }) },
  }, async (req) => ({ withdrawals: await deps.store.exchanges.listWithdrawals({ state: req.query.state }) }));

  app.post('/api/v1/operator/withdrawals/:id/decision', {
    onRequest: operator,
    schema: { tags, summary: 'Approve a withdrawal with the payout\u2019s reference (recorded in the ledger) or reject it with a note', params: id, body: z.object({ approve: z.boolean(), payoutRef: z.string().trim().min(1).max(64).optional(), note: z.string().trim().max(500).optional() }) },
  }, async (req, reply) => {
    const r = await decideWithdrawal(deps, req.params.id, req.principal!.sub, req.body);
    return isError(r) ? sendError(reply, r) : r;
  });
};
