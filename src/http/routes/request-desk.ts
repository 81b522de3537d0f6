// Cancellation requests, the staff side: the agents' queue, claim, identity check, approve, reject,
// interception; fulfilment moves a cancellation can meet; supervisors' escalations, reassignment, SLA report.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fail, isError } from '../../domain/errors.ts';
import { REQUEST_QUEUES, REQUEST_STATES } from '../../domain/cancellation-request.ts';
import type { Deps } from '../../app/platform/deps.ts';
import type { Repos } from '../../adapters/store/store.ts';
import { approveRequest, rejectRequest, type Reviewed } from '../../app/cancellation/review-request.ts';
import { assignRequest, claimRequest } from '../../app/desk/assign-request.ts';
import { agentVerify } from '../../app/cancellation/verify-identity.ts';
import { resendInterception } from '../../app/cancellation/intercept-packing.ts';
import { recordShipment, startPacking } from '../../app/after-sales/fulfilment.ts';
import { listEscalations, listQueue, slaReport } from '../../app/desk/request-queue.ts';
import { toRequestView } from '../../app/desk/request-view.ts';
import { viewOrder, viewOrderWith } from '../../app/ordering/order-view.ts';
import type { CancellationRequest } from '../../domain/cancellation-request.ts';
import type { Order } from '../../domain/order.ts';
import { actorOf, requireRole } from '../auth.ts';
import { sendError } from '../errors.ts';
import { answerOnce } from '../idempotency.ts';
import { LIMITS } from '../rate-limit.ts';
import { errors, orderIdParams, orderView, requestIdParams, requestView } from '../schemas.ts';

const DESK = requireRole('agent', 'supervisor');
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const DAY = 86_400_000;

export const requestDeskRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  /** Read through `r`: inside a use case's transaction when the answer is kept with its Idempotency-Key. */
  const staffView = async (q: CancellationRequest, order?: Order, r: Repos = deps.store) => {
    const shots = await r.requests.attachmentCounts([q.id]);
    return toRequestView(q, deps.clock.now(), true, { hasScreenshot: (shots.get(q.id) ?? 0) > 0, order: order ?? (await r.orders.getOrder(q.orderId)) });
  };
  const orderOut = (order: Order, p: Parameters<typeof viewOrder>[2]) => viewOrder(deps, order, p);

  app.get('/api/v1/agent/requests', {
    onRequest: DESK,
    schema: {
      tags: ['agent'], summary: 'The review queue: urgent first, then the nearest due time, with time left',
      querystring: z.object({
        state: z.enum(REQUEST_STATES).default('requested'),
        queue: z.enum(REQUEST_QUEUES).optional().describe('supervisors: one queue; agents always see their own group\u2019s'),
        urgent: flag.optional(),
        escalated: flag.optional(),
        assignee: z.enum(['me', 'unassigned']).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
      response: { 200: z.object({ requests: z.array(requestView) }), ...errors },
    },
  }, async (req, reply) => {
    const r = await listQueue(deps, req.principal!, req.query);
    return isError(r) ? sendError(reply, r) : { requests: r };
  });

  app.post('/api/v1/agent/requests/:id/claim', {
    onRequest: DESK,
    schema: { tags: ['agent'], summary: 'Take a request from my queue', params: requestIdParams, response: { 200: requestView, ...errors } },
  }, async (req, reply) => {
    const r = await claimRequest(deps, req.params.id, req.principal!);
    return isError(r) ? sendError(reply, r) : staffView(r);
  });

  app.post('/api/v1/agent/requests/:id/verify', {
    onRequest: DESK,
    preHandler: app.limiter.guard(LIMITS.identityChecksPerCaller),
    schema: {
      tags: ['agent'], summary: 'Confirm the customer\u2019s identity: the resident ID read out on a call, or the attached screenshot checked',
      params: requestIdParams,
      body: z.discriminatedUnion('method', [
        z.object({ method: z.literal('resident_id'), residentId: z.string().trim().min(1).max(18) }),
        z.object({ method: z.literal('screenshot') }),
      ]),
      response: { 200: requestView, ...errors },
    },
  }, async (req, reply) => {
    const r = await agentVerify(deps, req.params.id, req.principal!, req.body);
    return isError(r) ? sendError(reply, r) : staffView(r);
  });

  app.post('/api/v1/agent/requests/:id/approve', {
    onRequest: DESK,
    // The key is kept with the decision: a server that dies mid-approval leaves no key "in progress" behind.
    config: { keyInTx: true },
    schema: {
      tags: ['agent'], summary: 'Approve: a paid order is cancelled and refunded; a packing order is intercepted at the warehouse first',
      params: requestIdParams,
      body: z.object({ note: z.string().trim().max(500).optional() }).default({}),
      response: { 200: z.object({ request: requestView, order: orderView }), ...errors },
    },
  }, async (req, reply) => {
    const who = req.principal!;
    return answerOnce<Reviewed>(deps, req, reply, (receipt) => approveRequest(deps, req.params.id, who, req.body.note, receipt), async (r, done) => ({
      status: 200, body: { request: await staffView(done.request, done.order, r), order: await viewOrderWith(r, done.order, who, deps.clock.now()) },
    }));
  });

  app.post('/api/v1/agent/requests/:id/reject', {
    onRequest: DESK,
    schema: {
      tags: ['agent'], summary: 'Reject, with a reason the customer reads',
      params: requestIdParams,
      body: z.object({ reason: z.string().trim().min(2).max(500) }),
      response: { 200: z.object({ request: requestView, order: orderView }), ...errors },
    },
  }, async (req, reply) => {
    const r = await rejectRequest(deps, req.params.id, req.principal!, req.body.reason);
    if (isError(r)) return sendError(reply, r);
    return { request: await staffView(r.request, r.order), order: await orderOut(r.order, req.principal!) };
  });

  app.post('/api/v1/agent/requests/:id/intercept', {
    onRequest: DESK,
    schema: { tags: ['agent'], summary: 'Send the warehouse interception of an approved packing request again', params: requestIdParams, response: { 202: z.object({ requestId: z.string() }), ...errors } },
  }, async (req, reply) => {
    const r = await resendInterception(deps, req.params.id, req.principal!);
    return isError(r) ? sendError(reply, r) : reply.code(202).send(r);
  });

  app.get('/api/v1/agent/requests/:id/screenshot', {
    onRequest: DESK,
    schema: {
      tags: ['agent'], summary: 'The order screenshot the customer attached (base64)',
      params: requestIdParams,
      response: { 200: z.object({ contentType: z.string(), sizeBytes: z.number(), sha256: z.string(), dataBase64: z.string(), uploadedAt: z.number() }), ...errors },
    },
  }, async (req, reply) => {
    const a = await deps.store.requests.latestAttachment(req.params.id);
    if (!a) return sendError(reply, fail('IDENTITY.NO_SCREENSHOT', 'No screenshot is attached to this request.', { requestId: req.params.id }));
    return { contentType: a.content_type, sizeBytes: a.size_bytes, sha256: a.sha256, dataBase64: Buffer.from(a.data).toString('base64'), uploadedAt: a.created_at };
  });

  app.post('/api/v1/agent/orders/:id/start-packing', {
    onRequest: DESK,
    schema: { tags: ['agent'], summary: 'Start packing a paid order (refused while a cancellation request is open)', params: orderIdParams, response: { 200: orderView, ...errors } },
  }, async (req, reply) => {
    const r = await startPacking(deps, req.params.id, actorOf(req.principal!));
    return isError(r) ? sendError(reply, r) : orderOut(r, req.principal!);
  });

  app.post('/api/v1/warehouse/orders/:id/shipped', {
    onRequest: DESK,
    schema: {
      tags: ['agent'], summary: 'The warehouse reports that a packing order\u2019s parcel left (an open cancellation request is superseded)',
      params: orderIdParams,
      body: z.object({ trackingNo: z.string().trim().regex(/^[A-Za-z0-9-]{6,40}$/, 'a courier tracking number') }),
      response: { 200: orderView, ...errors },
    },
  }, async (req, reply) => {
    const r = await recordShipment(deps, req.params.id, req.body.trackingNo);
    return isError(r) ? sendError(reply, r) : orderOut(r, req.principal!);
  });

  app.get('/api/v1/supervisor/escalations', {
    onRequest: requireRole('supervisor'),
    schema: {
      tags: ['supervisor'], summary: 'Requests escalated for their SLA, most escalated and most overdue first',
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      response: { 200: z.object({ requests: z.array(requestView) }), ...errors },
    },
  }, async (req) => ({ requests: await listEscalations(deps, req.query.limit) }));

  app.post('/api/v1/supervisor/requests/:id/assign', {
    onRequest: requireRole('supervisor'),
    schema: {
      tags: ['supervisor'], summary: 'Reassign a request to an agent who serves its queue',
      params: requestIdParams,
      body: z.object({ agentId: z.string().min(1).max(64) }),
      response: { 200: requestView, ...errors },
    },
  }, async (req, reply) => {
    const r = await assignRequest(deps, req.params.id, req.principal!, req.body.agentId);
    return isError(r) ? sendError(reply, r) : staffView(r);
  });

  app.get('/api/v1/supervisor/sla-report', {
    onRequest: requireRole('supervisor', 'operator'),
    schema: {
      tags: ['supervisor'], summary: 'Review SLA over requests opened in [from, to): answered in time, late, open and overdue, escalations, reasons',
      querystring: z.object({ from: z.coerce.number().int().min(0).optional(), to: z.coerce.number().int().min(0).optional() }),
      response: {
        200: z.object({
          from: z.number(), to: z.number(), opened: z.number(), express: z.number(), reviewed: z.number(), reviewedWithinSla: z.number(), reviewedLate: z.number(),
          withdrawn: z.number(), open: z.number(), openOverdue: z.number(), escalatedAtWarning: z.number(), escalatedAtBreach: z.number(),
          meanReviewMs: z.number().nullable(), withinSlaRate: z.number().nullable(),
          byQueue: z.record(z.string(), z.object({ opened: z.number(), reviewed: z.number(), reviewedLate: z.number(), open: z.number(), openOverdue: z.number() })),
          byReason: z.record(z.string(), z.number()),
        }),
        ...errors,
      },
    },
  }, async (req, reply) => {
    const to = req.query.to ?? deps.clock.now() + 1;
    const from = req.query.from ?? to - 7 * DAY;
    if (from >= to) return sendError(reply, fail('REQUEST.INVALID', '`from` must be before `to`.', { from, to }));
    return slaReport(deps, from, to);
  });

  app.post('/api/v1/supervisor/risk-flags', {
    onRequest: requireRole('supervisor'),
    schema: {
      tags: ['supervisor'], summary: 'Flag a customer or an order for manual checks (no express refund while flagged)',
      body: z.object({ customerId: z.string().min(1).max(64).optional(), orderId: z.string().min(1).max(64).optional(), reason: z.string().trim().min(2).max(200) })
        .refine((b) => Boolean(b.customerId) !== Boolean(b.orderId), 'give either customerId or orderId'),
      response: { 201: z.object({ flagged: z.literal(true) }), ...errors },
    },
  }, async (req, reply) => {
    const { customerId, orderId, reason } = req.body;
    if (orderId && !(await deps.store.orders.getOrder(orderId))) return sendError(reply, fail('ORDER.NOT_FOUND', 'No such order.', { orderId }));
    if (customerId && !(await deps.store.accounts.getCustomer(customerId))) return sendError(reply, fail('REQUEST.INVALID', 'No such customer.', { customerId }));
    await deps.store.requests.insertRiskFlag({ customerId: customerId ?? null, orderId: orderId ?? null, reason, by: req.principal!.sub, now: deps.clock.now() });
    return reply.code(201).send({ flagged: true as const });
  });
};
