// The staff desk's lists and the operators' plan rules: paid orders to pick, pack and hand to the courier;
// returns waiting for the card or its inspection; the agents a supervisor can hand a request to; and each
// plan's activation window, trial and penalty rule, edited with an audit of every change.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isError } from '../../domain/errors.ts';
import { OPEN_RETURN_STATES, type ReturnState } from '../../domain/return.ts';
import type { Deps } from '../../app/platform/deps.ts';
import { viewOrder } from '../../app/ordering/order-view.ts';
import { listRuleChanges, planRulesSchema, rulesOf, updatePlanRules } from '../../app/ordering/plan-rules.ts';
import type { Plan } from '../../domain/order.ts';
import { DeskRepo } from '../../adapters/store/desk-repo.ts';
import { requireRole, STAFF } from '../auth.ts';
import { sendError } from '../errors.ts';
import { errors, orderView, penaltyRule } from '../schemas.ts';

const PAGE_SIZE = 20;
const planIdParams = z.object({ id: z.string().min(1).max(64) });

const planRulesView = z.object({
  id: z.string(), carrier: z.string(), name: z.string(), monthlyFeeFen: z.number(), contractMonths: z.number(), active: z.boolean(),
  activationWindowDays: z.number(), trialDays: z.number(), penalty: penaltyRule,
});
const ruleChangeView = z.object({
  id: z.number(), planId: z.string(), rule: z.string(), from: z.unknown(), to: z.unknown(), by: z.string(), byName: z.string().nullable(), at: z.number(),
});
const returnRow = z.object({
  id: z.string(), orderId: z.string(), orderNumber: z.string().nullable(), kind: z.enum(['unactivated', 'intercepted']),
  state: z.enum(['awaiting_parcel', 'in_transit', 'received', 'passed', 'refused', 'closed_unreceived']),
  returnTrackingNo: z.string().nullable(), createdAt: z.number(), updatedAt: z.number(),
  reasonCode: z.string().nullable().describe('why the customer returns the card; null for an intercepted parcel'), reasonText: z.string().nullable(),
});

const planOut = (p: Plan) => ({
  id: p.id, carrier: p.carrier, name: p.name, monthlyFeeFen: p.monthlyFeeFen, contractMonths: p.contractMonths, active: p.active,
  ...rulesOf(p),
});

export const staffDeskRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/api/v1/operator/plans', {
    onRequest: requireRole(...STAFF),
    schema: {
      tags: ['settings'], summary: 'Every plan\u2019s rules (activation window, trial, penalty) and the latest changes to them, newest first',
      response: { 200: z.object({ plans: z.array(planRulesView), changes: z.array(ruleChangeView) }), ...errors },
    },
  }, async () => ({ plans: (await deps.store.orders.listPlans(false)).map(planOut), changes: await listRuleChanges(deps) }));

  app.put('/api/v1/operator/plans/:id/rules', {
    onRequest: requireRole('operator'),
    schema: {
      tags: ['settings'], summary: 'Set a plan\u2019s rules (operators) for orders placed from now on (orders keep the terms they were sold with): window 7-30 days, trial 0 or 7-15 days, penalty fixed fen or 1-100 % of the remaining monthly fees; each change audited',
      params: planIdParams, body: planRulesSchema, response: { 200: planRulesView, ...errors },
    },
  }, async (req, reply) => {
    const r = await updatePlanRules(deps, req.params.id, req.body, req.principal!.sub);
    return isError(r) ? sendError(reply, r) : planOut(r);
  });

  app.get('/api/v1/agent/orders', {
    onRequest: requireRole(...STAFF),
    schema: {
      tags: ['fulfilment'], summary: 'Orders to fulfil in one state (paid: to pick and pack; packing: to hand over; shipped), first paid first; phones masked',
      querystring: z.object({
        state: z.enum(['paid', 'packing', 'shipped']).default('paid'),
        page: z.coerce.number().int().min(1).max(10_000).default(1),
      }),
      response: { 200: z.object({ orders: z.array(orderView), page: z.number(), pageSize: z.number(), total: z.number() }), ...errors },
    },
  }, async (req) => {
    const { state, page } = req.query;
    const { ids, total } = await new DeskRepo(deps.store.db).orderIdsInState(state, PAGE_SIZE, (page - 1) * PAGE_SIZE);
    const byId = new Map((await deps.store.orders.getOrders(ids)).map((o) => [o.id, o]));
    const orders = await Promise.all(ids.flatMap((id) => (byId.has(id) ? [viewOrder(deps, byId.get(id)!, req.principal!)] : [])));
    return { orders, page, pageSize: PAGE_SIZE, total };
  });

  app.get('/api/v1/agent/returns', {
    onRequest: requireRole(...STAFF),
    schema: {
      tags: ['returns'], summary: 'Returns waiting for the card or its inspection (open: all three), the longest waiting first',
      querystring: z.object({ state: z.enum(['open', 'awaiting_parcel', 'in_transit', 'received']).default('open') }),
      response: { 200: z.object({ returns: z.array(returnRow) }), ...errors },
    },
  }, async (req) => {
    const states: ReturnState[] = req.query.state === 'open' ? [...OPEN_RETURN_STATES] : [req.query.state];
    const list = await deps.store.afterSales.listReturnsByState(states, 200);
    const orders = new Map((await deps.store.orders.getOrders([...new Set(list.map((x) => x.orderId))])).map((o) => [o.id, o]));
    return {
      returns: list.map((x) => ({
        id: x.id, orderId: x.orderId, orderNumber: orders.get(x.orderId)?.number ?? null, kind: x.kind, state: x.state,
        returnTrackingNo: x.returnTrackingNo, createdAt: x.createdAt, updatedAt: x.updatedAt, reasonCode: x.reasonCode, reasonText: x.reasonText,
      })),
    };
  });

  app.get('/api/v1/supervisor/agents', {
    onRequest: requireRole('supervisor'),
    schema: {
      tags: ['supervisor'], summary: 'Agents and supervisors a request can be reassigned to, with the queue each serves',
      response: { 200: z.object({ agents: z.array(z.object({ id: z.string(), displayName: z.string(), role: z.string(), group: z.string() })) }), ...errors },
    },
  }, async () => {
    const rows = [...(await deps.store.accounts.listAgentsByRole('agent')), ...(await deps.store.accounts.listAgentsByRole('supervisor'))];
    return { agents: rows.map((a) => ({ id: a.id, displayName: a.display_name, role: a.role, group: a.agent_group })) };
  });
};
