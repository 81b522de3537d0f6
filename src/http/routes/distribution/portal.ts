// The distributor's own JSON endpoints (/api/v1/distributor): sign-in, profile, links, orders, cancellations,
// commissions and withdrawals. Customers are masked; a distributor sees only what it sold.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fail, isError } from '../../../domain/errors.ts';
import type { Deps } from '../../../app/platform/deps.ts';
import { myCancellations, myCommissions, myLinks, myOrders, signInDistributor } from '../../../app/distribution/portal.ts';
import { requestWithdrawal } from '../../../app/distribution/withdrawals.ts';
import { createDistributor, setPushUrl } from '../../../app/distribution/manage.ts';
import { requireRole } from '../../auth.ts';
import { sendError } from '../../errors.ts';
import { errors } from '../../schemas.ts';

export const portalRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  const distributor = requireRole('distributor');
  const tags = ['distribution (distributors)'];

  app.post('/api/v1/distributor/sign-in', {
    config: { keepAnswer: false },
    schema: { tags, summary: 'A distributor signs in with its name and password', body: z.object({ name: z.string().min(1).max(40), password: z.string().min(1).max(200) }) },
  }, async (req, reply) => {
    const r = await signInDistributor(deps, req.body.name, req.body.password, req.ip);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.get('/api/v1/distributor/me', {
    onRequest: distributor, schema: { tags, summary: 'Profile: name, level, parent, state, app key, push URL' },
  }, async (req) => {
    const d = (await deps.store.distribution.getDistributor(req.principal!.sub))!;
    return { id: d.id, name: d.name, level: d.level, parentId: d.parent_id, state: d.state, appKey: d.app_key, pushUrl: d.push_url, createdAt: d.created_at };
  });

  app.get('/api/v1/distributor/links', {
    onRequest: distributor, schema: { tags, summary: 'My promotion links (?ref= codes, per plan or general); the page draws their QR codes' },
  }, async (req) => ({ links: await myLinks(deps, req.principal!.sub, `${req.protocol}://${req.host}`) }));

  app.get('/api/v1/distributor/orders', {
    onRequest: distributor, schema: { tags, summary: 'My orders, newest first, customers masked, with my commission and its state' },
  }, async (req) => ({ orders: await myOrders(deps, req.principal!.sub) }));

  app.get('/api/v1/distributor/cancellations', {
    onRequest: distributor, schema: { tags, summary: 'My customers\u2019 cancellations: the reason and the step where each stopped' },
  }, async (req) => ({ cancellations: await myCancellations(deps, req.principal!.sub) }));

  app.get('/api/v1/distributor/commissions', {
    onRequest: distributor, schema: { tags, summary: 'My commissions by state, and by Beijing month' },
  }, async (req) => myCommissions(deps, req.principal!.sub));

  app.get('/api/v1/distributor/withdrawals', {
    onRequest: distributor, schema: { tags, summary: 'My withdrawal requests' },
  }, async (req) => ({ withdrawals: await deps.store.exchanges.listWithdrawals({ distributorId: req.principal!.sub }) }));

  app.post('/api/v1/distributor/withdrawals', {
    onRequest: distributor,
    schema: { tags, summary: 'Ask for settled commissions to be paid out; an operator approves', body: z.object({ amountFen: z.number().int().min(100).max(100_000_000) }), response: { 201: z.any(), ...errors } },
  }, async (req, reply) => {
    const r = await requestWithdrawal(deps, req.principal!.sub, req.body.amountFen);
    return isError(r) ? sendError(reply, r) : reply.code(201).send(r);
  });

  app.post('/api/v1/distributor/sub-distributors', {
    onRequest: distributor,
    schema: {
      tags, summary: 'Invite a sub-distributor under me (the tree has at most three levels); its app secret is shown only here',
      body: z.object({ name: z.string().trim().min(2).max(40), password: z.string().min(8).max(200), pushUrl: z.url().max(500).nullable().default(null) }),
      response: { 201: z.object({ id: z.string(), level: z.number(), appKey: z.string(), appSecret: z.string() }), ...errors },
    },
  }, async (req, reply) => {
    const r = await createDistributor(deps, { ...req.body, parentId: req.principal!.sub });
    return isError(r) ? sendError(reply, r) : reply.code(201).send(r);
  });

  app.get('/api/v1/promotion-codes/:code', {
    schema: {
      tags, summary: 'Whether a ?ref= code is valid, and for which plan (null: any); the pages keep only a valid one',
      params: z.object({ code: z.string().max(64) }), response: { 200: z.object({ code: z.string(), planId: z.string().nullable() }), ...errors },
    },
  }, async (req, reply) => {
    const c = await deps.store.distribution.getPromotionCode(req.params.code);
    const d = c && (await deps.store.distribution.getDistributor(c.distributor_id));
    if (!c || d?.state !== 'active') return sendError(reply, fail('PROMOTION.NOT_FOUND', 'This promotion link is not known.', { ref: req.params.code }));
    return { code: c.code, planId: c.plan_id };
  });

  app.post('/api/v1/distributor/profile', {
    onRequest: distributor,
    schema: { tags, summary: 'Set my push-back URL (null: no push-backs)', body: z.object({ pushUrl: z.url().max(500).nullable() }), response: { 200: z.object({ id: z.string(), pushUrl: z.string().nullable() }), ...errors } },
  }, async (req, reply) => {
    const r = await setPushUrl(deps, req.principal!.sub, req.body.pushUrl);
    return isError(r) ? sendError(reply, r) : r;
  });
};
