// Cancellation requests for paid and packing orders, the customer's side: apply, follow, confirm identity,
// flag urgency, withdraw; and the list of reasons (operators edit it). Staff routes are in request-desk.ts.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fail, isError } from '../../domain/errors.ts';
import { IMAGE_TYPES } from '../../domain/image.ts';
import type { Deps } from '../../app/platform/deps.ts';
import { applyForCancellation, type Applied } from '../../app/cancellation/apply-cancellation.ts';
import { loadVisibleOrder, toView } from '../../app/ordering/order-view.ts';
import { toRequestView } from '../../app/desk/request-view.ts';
import { answer as identityAnswer, checkIdentity, type Checked } from '../../app/cancellation/verify-identity.ts';
import { markUrgent, withdrawRequest } from '../../app/cancellation/withdraw-request.ts';
import type { Principal } from '../../app/platform/secrets.ts';
import { requireRole, STAFF } from '../auth.ts';
import { errorAnswer, sendError } from '../errors.ts';
import { answerOnce } from '../idempotency.ts';
import { LIMITS } from '../rate-limit.ts';
import { errorBody, errors, expressCheck, orderIdParams, orderView, requestIdParams, requestView } from '../schemas.ts';
import { requestDeskRoutes } from './request-desk.ts';

const reason = z.object({ code: z.string(), label: z.string(), alternative: z.string().nullable().describe('what could be done instead of cancelling') });

/** A screenshot of 2 MB is about 2.7 MB of base64; the rest of the server keeps its 1 MB limit. */
const IDENTITY_BODY_LIMIT = 3 * 1024 * 1024;

export const requestRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  const view = async (id: string, who: Principal) => {
    const q = await deps.store.requests.get(id);
    if (!q || (who.role === 'customer' && q.customerId !== who.sub)) return null;
    const shots = who.role === 'customer' ? undefined : await deps.store.requests.attachmentCounts([q.id]);
    const order = who.role === 'customer' ? undefined : await deps.store.orders.getOrder(q.orderId);
    return toRequestView(q, deps.clock.now(), who.role !== 'customer', { hasScreenshot: (shots?.get(q.id) ?? 0) > 0, order });
  };
  const notFound = (requestId: string) => fail('CANCEL_REQUEST.NOT_FOUND', 'No such cancellation request.', { requestId });

  app.post('/api/v1/orders/:id/cancellation-requests', {
    onRequest: requireRole('customer'),
    config: { keyInTx: true },
    schema: {
      tags: ['cancellation'], summary: 'Apply to cancel a paid or packing order (express refund when low-risk, else agent review)',
      params: orderIdParams,
      body: z.object({
        reasonCode: z.string().trim().min(1).max(40),
        reasonText: z.string().trim().max(500).optional(),
        urgent: z.boolean().optional().describe('the parcel may leave soon: urgent requests are reviewed first'),
      }),
      response: { 201: z.object({ path: z.enum(['express', 'review', 'interception']), checks: z.array(expressCheck), request: requestView, order: orderView }), ...errors },
    },
  }, async (req, reply) => {
    const p = req.principal!;
    return answerOnce<Applied>(deps, req, reply, (receipt) => applyForCancellation(deps, req.params.id, p.sub, req.body, receipt), async (tx, r) => {
      const plan = (await tx.orders.getPlan(r.order.planId))!;
      const now = deps.clock.now();
      return { status: 201, body: { path: r.path, checks: r.checks, request: toRequestView(r.request, now, false), order: toView(r.order, plan, now, p, r.request) } };
    });
  });

  app.get('/api/v1/orders/:id/cancellation-requests', {
    onRequest: requireRole('customer', ...STAFF),
    schema: { tags: ['cancellation'], summary: 'The cancellation requests of an order, newest first', params: orderIdParams, response: { 200: z.object({ requests: z.array(requestView) }), ...errors } },
  }, async (req, reply) => {
    const found = await loadVisibleOrder(deps, req.params.id, req.principal!);
    if (isError(found)) return sendError(reply, found);
    const staff = req.principal!.role !== 'customer';
    const list = await deps.store.requests.listForOrder(found.order.id);
    const shots = staff ? await deps.store.requests.attachmentCounts(list.map((q) => q.id)) : new Map<string, number>();
    const now = deps.clock.now();
    return { requests: list.map((q) => toRequestView(q, now, staff, { hasScreenshot: (shots.get(q.id) ?? 0) > 0, order: staff ? found.order : undefined })) };
  });

  app.get('/api/v1/cancellation-requests/:id', {
    onRequest: requireRole('customer', ...STAFF),
    schema: { tags: ['cancellation'], summary: 'One cancellation request and where it stands', params: requestIdParams, response: { 200: requestView, ...errors } },
  }, async (req, reply) => {
    const v = await view(req.params.id, req.principal!);
    return v ?? sendError(reply, notFound(req.params.id));
  });

  app.post('/api/v1/cancellation-requests/:id/withdraw', {
    onRequest: requireRole('customer'),
    schema: { tags: ['cancellation'], summary: 'Withdraw my request before it is decided; the order goes on', params: requestIdParams, response: { 200: requestView, ...errors } },
  }, async (req, reply) => {
    const r = await withdrawRequest(deps, req.params.id, req.principal!.sub);
    return isError(r) ? sendError(reply, r) : toRequestView(r, deps.clock.now(), false);
  });

  app.post('/api/v1/cancellation-requests/:id/urgent', {
    onRequest: requireRole('customer'),
    schema: { tags: ['cancellation'], summary: 'Mark my request urgent (urgent requests are reviewed first)', params: requestIdParams, response: { 200: requestView, ...errors } },
  }, async (req, reply) => {
    const r = await markUrgent(deps, req.params.id, req.principal!.sub);
    return isError(r) ? sendError(reply, r) : toRequestView(r, deps.clock.now(), false);
  });

  app.post('/api/v1/cancellation-requests/:id/identity', {
    onRequest: requireRole('customer'),
    // The key is kept with the check: a server that dies mid-check leaves no key "in progress" behind.
    config: { keyInTx: true },
    preHandler: app.limiter.guard(LIMITS.identityChecksPerCaller),
    bodyLimit: IDENTITY_BODY_LIMIT,
    schema: {
      tags: ['cancellation'],
      summary: 'Confirm my identity: the resident ID the order was placed with, and/or an order screenshot (PNG, JPEG or WebP, at most 2 MB, base64)',
      description: 'A wrong resident ID counts as a failed check; after 5 per order the check locks (429 AUTH.TOO_MANY_ATTEMPTS).',
      params: requestIdParams,
      body: z.object({
        residentId: z.string().trim().min(1).max(18).optional(),
        screenshot: z.object({ contentType: z.enum(IMAGE_TYPES), dataBase64: z.string().min(1).max(IDENTITY_BODY_LIMIT) }).optional(),
      }),
      response: { 200: requestView, 413: errorBody, 415: errorBody, ...errors },
    },
  }, async (req, reply) => {
    return answerOnce<Checked>(deps, req, reply, (receipt) => checkIdentity(deps, req.params.id, req.principal!.sub, req.body, receipt), async (_r, checked) => {
      const r = identityAnswer(checked);
      return isError(r) ? errorAnswer(r) : { status: 200, body: toRequestView(r, deps.clock.now(), false) };
    });
  });

  app.get('/api/v1/cancellation-reasons', {
    schema: { tags: ['cancellation'], summary: 'Reasons a customer can pick when applying to cancel', response: { 200: z.object({ reasons: z.array(reason) }) } },
  }, async () => ({ reasons: (await deps.store.requests.listReasons(true)).map(({ code, label, alternative }) => ({ code, label, alternative })) }));

  app.get('/api/v1/operator/cancellation-reasons', {
    onRequest: requireRole('operator'),
    schema: { tags: ['settings'], summary: 'All cancellation reasons, inactive ones included', response: { 200: z.object({ reasons: z.array(reason.extend({ active: z.boolean(), sortOrder: z.number() })) }), ...errors } },
  }, async () => ({ reasons: await deps.store.requests.listReasons(false) }));

  app.put('/api/v1/operator/cancellation-reasons/:code', {
    onRequest: requireRole('operator'),
    schema: {
      tags: ['settings'], summary: 'Add or edit a cancellation reason (operators); retire one with active: false',
      params: z.object({ code: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'lower-case letters, digits and _') }),
      body: z.object({ label: z.string().trim().min(1).max(40), alternative: z.string().trim().max(200).nullable().default(null), active: z.boolean().default(true), sortOrder: z.number().int().min(0).max(10_000).default(1000) }),
      response: { 200: reason.extend({ active: z.boolean(), sortOrder: z.number() }), ...errors },
    },
  }, async (req) => {
    const row = { code: req.params.code, ...req.body };
    await deps.store.requests.putReason(row, req.principal!.sub, deps.clock.now());
    return row;
  });

  await app.register(requestDeskRoutes(deps));
};
