// The API for businesses (企业客户) that buy IoT cards: sign-in, batches, cards, activation, pools, cancellations.
import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isError } from '../../../domain/errors.ts';
import { ORDER_STATES } from '../../../domain/order.ts';
import { BATCH_MAX_CARDS, BATCH_MIN_CARDS } from '../../../domain/iot/shares.ts';
import { OVER_QUOTA_ACTIONS } from '../../../domain/iot/pool.ts';
import type { Deps } from '../../../app/platform/deps.ts';
import type { StaffRow } from '../../../adapters/store/iot/index.ts';
import { iotRepos } from '../../../adapters/store/iot/index.ts';
import { addStaff, businessView, signInBusinessStaff, staffOf } from '../../../app/iot/accounts.ts';
import { batchCsv, orderBatch, PAYMENT_METHODS, startBatchPayment } from '../../../app/iot/batches.ts';
import { jobDetail, startActivation } from '../../../app/iot/activation.ts';
import { addToPool, createPool, listPools, poolView } from '../../../app/iot/pools.ts';
import { confirmBatchCancellation, previewBatchCancellation } from '../../../app/iot/cancellation.ts';
import { cardDetail, getBatch, getCancellation, listBatches, listCancellations, listCards, listJobs } from '../../../app/iot/views.ts';
import { requireRole } from '../../auth.ts';
import { sendError } from '../../errors.ts';
import { errors } from '../../schemas.ts';
import * as s from './schemas.ts';

const READ = requireRole('iot_buyer', 'iot_viewer');
const BUY = requireRole('iot_buyer');
const id = z.object({ id: z.string().min(1).max(64) });

export const iotBusinessRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  /** The staff member behind the token, or the error already sent. */
  const me = async (req: FastifyRequest, reply: FastifyReply): Promise<StaffRow | null> => {
    const staff = await staffOf(deps, req.principal!);
    if (isError(staff)) {
      await sendError(reply, staff);
      return null;
    }
    return staff;
  };

  app.post('/api/v1/iot/auth/sign-in', {
    config: { keepAnswer: false },
    schema: {
      tags: ['iot'], summary: 'Business staff sign-in (buyer or viewer)',
      body: z.object({ username: z.string().min(1).max(40), password: z.string().min(1).max(200) }),
      response: { 200: z.object({ token: z.string(), staff: s.staffView.extend({ businessId: z.string() }) }), ...errors },
    },
  }, async (req, reply) => {
    const r = await signInBusinessStaff(deps, req.body.username, req.body.password, req.ip);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.get('/api/v1/iot/me', { onRequest: READ, schema: { tags: ['iot'], summary: 'The business and its staff', response: { 200: s.businessView, ...errors } } }, async (req, reply) => {
    const staff = await me(req, reply);
    if (!staff) return reply;
    const r = await businessView(deps, staff.business_id);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.post('/api/v1/iot/staff', { onRequest: BUY, schema: { tags: ['iot'], summary: 'Add a staff login to the business', body: s.newStaff, response: { 201: s.staffView, ...errors } } }, async (req, reply) => {
    const staff = await me(req, reply);
    if (!staff) return reply;
    const r = await addStaff(deps, staff, req.body);
    return isError(r) ? sendError(reply, r) : reply.code(201).send(r);
  });

  app.get('/api/v1/iot/plans', {
    onRequest: READ,
    schema: { tags: ['iot'], summary: 'IoT plans (data only)', response: { 200: z.array(z.object({ id: z.string(), carrier: z.string(), name: z.string(), quotaMb: z.number(), monthlyFeeFen: z.number(), contractMonths: z.number(), cardFeeFen: z.number(), activationWindowDays: z.number() })), ...errors } },
  }, async () => (await iotRepos(deps.store).accounts.listPlans()).map(({ penaltyRule: _p, active: _a, ...p }) => p));

  app.post('/api/v1/iot/batches', {
    onRequest: BUY,
    schema: {
      tags: ['iot'], summary: `Order a batch of ${BATCH_MIN_CARDS} to ${BATCH_MAX_CARDS} cards of one plan, taken from stock as one ICCID range`,
      body: z.object({ planId: z.string().min(1).max(64), quantity: z.number().int(), paymentMethod: z.enum(PAYMENT_METHODS).describe('a payment channel, or bank_transfer confirmed by the platform') }),
      response: { 201: s.batchView, ...errors },
    },
  }, async (req, reply) => {
    const staff = await me(req, reply);
    if (!staff) return reply;
    const r = await orderBatch(deps, staff, req.body);
    return isError(r) ? sendError(reply, r) : reply.code(201).send(r);
  });

  app.get('/api/v1/iot/batches', { onRequest: READ, schema: { tags: ['iot'], summary: 'The business\u2019s batches, newest first', response: { 200: z.array(s.batchView), ...errors } } }, async (req, reply) => {
    const staff = await me(req, reply);
    return staff ? listBatches(deps, staff) : reply;
  });

  app.get('/api/v1/iot/batches/:id', { onRequest: READ, schema: { tags: ['iot'], summary: 'A batch with its cards by state', params: id, response: { 200: s.batchView, ...errors } } }, async (req, reply) => {
    const staff = await me(req, reply);
    if (!staff) return reply;
    const r = await getBatch(deps, staff, req.params.id);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.post('/api/v1/iot/batches/:id/payments', {
    onRequest: BUY,
    schema: {
      tags: ['iot'], summary: 'Open the batch\u2019s one payment at its channel', params: id,
      response: { 201: z.object({ paymentNo: z.string(), batchId: z.string(), channel: z.string(), amountFen: z.number(), payUrl: z.string(), expiresAt: z.number() }), ...errors },
    },
  }, async (req, reply) => {
    const staff = await me(req, reply);
    if (!staff) return reply;
    const r = await startBatchPayment(deps, staff, req.params.id);
    return isError(r) ? sendError(reply, r) : reply.code(201).send(r);
  });

  app.get('/api/v1/iot/batches/:id/cards.csv', { onRequest: READ, schema: { tags: ['iot'], summary: 'The batch\u2019s ICCIDs and numbers as CSV', params: id } }, async (req, reply) => {
    const staff = await me(req, reply);
    if (!staff) return reply;
    const r = await batchCsv(deps, staff, req.params.id);
    if (isError(r)) return sendError(reply, r);
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${req.params.id}.csv"`).send(r);
  });

  app.get('/api/v1/iot/cards', {
    onRequest: READ,
    schema: {
      tags: ['iot'], summary: 'Cards, filtered by batch, state or pool, with counts by state',
      querystring: z.object({ batchId: z.string().max(64).optional(), state: z.enum(ORDER_STATES).optional(), poolId: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0) }),
      response: { 200: z.object({ cards: z.array(s.cardView), counts: z.record(z.string(), z.number()) }), ...errors },
    },
  }, async (req, reply) => {
    const staff = await me(req, reply);
    return staff ? listCards(deps, staff, req.query) : reply;
  });

  app.get('/api/v1/iot/cards/:iccid', {
    onRequest: READ,
    schema: {
      tags: ['iot'], summary: 'A card with its audit trail and what cancelling it would do now', params: z.object({ iccid: s.iccid }),
      response: { 200: s.cardView.extend({ cancellation: z.object({ route: z.string(), refundFen: z.number(), penaltyFen: z.number(), reason: z.string() }), trail: z.array(z.object({ action: z.string(), fromState: z.string().nullable(), toState: z.string(), actorType: z.string(), actorId: z.string(), reason: z.string().nullable(), jobId: z.string().nullable(), at: z.number() })) }), ...errors },
    },
  }, async (req, reply) => {
    const staff = await me(req, reply);
    if (!staff) return reply;
    const r = await cardDetail(deps, staff, req.params.iccid);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.post('/api/v1/iot/activations', {
    onRequest: BUY,
    schema: {
      tags: ['iot'], summary: 'Activate the delivered cards of a batch, or a list / CSV of cards, as a job with progress',
      body: z.union([z.object({ batchId: z.string().min(1).max(64) }).strict(), z.object({ iccids: z.array(s.iccid).min(1).max(10_000) }).strict(), z.object({ csv: z.string().min(1).max(300_000) }).strict()]),
      response: { 202: s.jobView, ...errors },
    },
  }, async (req, reply) => {
    const staff = await me(req, reply);
    if (!staff) return reply;
    const r = await startActivation(deps, staff, req.body);
    return isError(r) ? sendError(reply, r) : reply.code(202).send(r);
  });

  app.get('/api/v1/iot/jobs', { onRequest: READ, schema: { tags: ['iot'], summary: 'Jobs (activations, cancellations), newest first', response: { 200: z.array(s.jobView), ...errors } } }, async (req, reply) => {
    const staff = await me(req, reply);
    return staff ? listJobs(deps, staff) : reply;
  });

  app.get('/api/v1/iot/jobs/:id', {
    onRequest: READ,
    schema: { tags: ['iot'], summary: 'A job\u2019s progress and each card\u2019s outcome', params: id, response: { 200: s.jobView.extend({ items: z.array(z.object({ iccid: z.string(), route: z.string(), outcome: z.string().nullable(), detail: z.string().nullable(), refundFen: z.number(), penaltyFen: z.number(), handledAt: z.number().nullable() })) }), ...errors } },
  }, async (req, reply) => {
    const staff = await me(req, reply);
    if (!staff) return reply;
    const r = await jobDetail(deps, staff, req.params.id);
    return isError(r) ? sendError(reply, r) : r;
  });

  const poolBody = z.object({ name: z.string().trim().min(1).max(60), overQuota: z.enum(OVER_QUOTA_ACTIONS), overageFeePerGbFen: z.number().int().min(0).max(1_000_000).default(0), iccids: z.array(s.iccid).max(10_000).optional() });
  app.post('/api/v1/iot/pools', { onRequest: BUY, schema: { tags: ['iot'], summary: 'Create a traffic pool, optionally with cards', body: poolBody, response: { 201: s.poolView, ...errors } } }, async (req, reply) => {
    const staff = await me(req, reply);
    if (!staff) return reply;
    const r = await createPool(deps, staff, req.body);
    return isError(r) ? sendError(reply, r) : reply.code(201).send(r);
  });

  app.get('/api/v1/iot/pools', { onRequest: READ, schema: { tags: ['iot'], summary: 'Traffic pools with this month\u2019s usage', response: { 200: z.array(s.poolView), ...errors } } }, async (req, reply) => {
    const staff = await me(req, reply);
    return staff ? listPools(deps, staff) : reply;
  });

  app.get('/api/v1/iot/pools/:id', {
    onRequest: READ,
    schema: { tags: ['iot'], summary: 'A pool: quota (sum of its live members\u2019), usage by day, alerts, overage', params: id, querystring: z.object({ month: z.string().regex(/^\d{4}-\d{2}$/).optional() }), response: { 200: s.poolView, ...errors } },
  }, async (req, reply) => {
    const staff = await me(req, reply);
    if (!staff) return reply;
    const r = await poolView(deps, staff, req.params.id, req.query.month);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.post('/api/v1/iot/pools/:id/cards', { onRequest: BUY, schema: { tags: ['iot'], summary: 'Add cards to a pool', params: id, body: z.object({ iccids: z.array(s.iccid).min(1).max(10_000) }), response: { 200: s.poolView, ...errors } } }, async (req, reply) => {
    const staff = await me(req, reply);
    if (!staff) return reply;
    const r = await addToPool(deps, staff, req.params.id, req.body.iccids);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.post('/api/v1/iot/cancellations/preview', {
    onRequest: READ,
    schema: { tags: ['iot'], summary: 'What cancelling these cards would do, grouped by state and route, with totals (changes nothing)', body: z.object({ selection: s.selection }), response: { 200: s.preview, ...errors } },
  }, async (req, reply) => {
    const staff = await me(req, reply);
    if (!staff) return reply;
    const r = await previewBatchCancellation(deps, staff, req.body.selection);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.post('/api/v1/iot/cancellations', {
    onRequest: BUY,
    schema: {
      tags: ['iot'], summary: 'Confirm a batch cancellation with the totals of its preview; runs as a job (or waits for review above the express-refund amount)',
      body: z.object({ selection: s.selection, expect: z.object({ cards: z.number().int(), refundFen: z.number().int(), penaltyFen: z.number().int() }) }),
      response: { 201: s.cancellationView, ...errors },
    },
  }, async (req, reply) => {
    const staff = await me(req, reply);
    if (!staff) return reply;
    const r = await confirmBatchCancellation(deps, staff, req.body);
    return isError(r) ? sendError(reply, r) : reply.code(201).send(r);
  });

  app.get('/api/v1/iot/cancellations', { onRequest: READ, schema: { tags: ['iot'], summary: 'The business\u2019s batch cancellations', response: { 200: z.array(s.cancellationView), ...errors } } }, async (req, reply) => {
    const staff = await me(req, reply);
    return staff ? listCancellations(deps, { businessId: staff.business_id }) : reply;
  });

  app.get('/api/v1/iot/cancellations/:id', { onRequest: READ, schema: { tags: ['iot'], summary: 'A cancellation: progress, each card\u2019s outcome, refunds', params: id, response: { 200: s.cancellationDetail, ...errors } } }, async (req, reply) => {
    const staff = await me(req, reply);
    if (!staff) return reply;
    const r = await getCancellation(deps, staff.business_id, req.params.id);
    return isError(r) ? sendError(reply, r) : r;
  });
};
