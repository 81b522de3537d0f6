// The platform's side of IoT cards: operators open business accounts, confirm bank transfers, ship parcels and take
// the carrier's usage report; agents receive cards sent back and review the batch cancellations in their queue.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isError } from '../../../domain/errors.ts';
import type { Deps } from '../../../app/platform/deps.ts';
import { registerBusiness } from '../../../app/iot/accounts.ts';
import { confirmBankTransfer } from '../../../app/iot/batches.ts';
import { deliverParcel, shipParcel } from '../../../app/iot/fulfilment.ts';
import { receiveReturnedCards, recordRefundTransfer } from '../../../app/iot/returns.ts';
import { reviewBatchCancellation } from '../../../app/iot/cancellation.ts';
import { ingestDailyUsage } from '../../../app/iot/pools.ts';
import { getCancellation, listCancellations } from '../../../app/iot/views.ts';
import { requireRole } from '../../auth.ts';
import { sendError } from '../../errors.ts';
import { errors } from '../../schemas.ts';
import * as s from './schemas.ts';

const id = z.object({ id: z.string().min(1).max(64) });

export const iotStaffRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.post('/api/v1/operator/iot/businesses', {
    onRequest: requireRole('operator'),
    schema: {
      tags: ['iot-staff'], summary: 'Open a business account (unified social credit code checked by its GB 32100 check character) with its first buyer login',
      body: z.object({ name: z.string().trim().min(2).max(100), creditCode: z.string().min(1).max(30), contactName: z.string().trim().min(1).max(40), contactPhone: z.string().min(1).max(20), firstStaff: s.newStaff }),
      response: { 201: s.businessView, ...errors },
    },
  }, async (req, reply) => {
    const r = await registerBusiness(deps, req.body);
    return isError(r) ? sendError(reply, r) : reply.code(201).send(r);
  });

  app.post('/api/v1/operator/iot/batches/:id/bank-transfer', {
    onRequest: requireRole('operator'),
    schema: { tags: ['iot-staff'], summary: 'Confirm the bank transfer (对公转账) that pays a batch', params: id, body: z.object({ reference: z.string().trim().min(1).max(64) }), response: { 200: s.batchView, ...errors } },
  }, async (req, reply) => {
    const r = await confirmBankTransfer(deps, req.principal!.sub, req.params.id, req.body.reference);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.post('/api/v1/operator/iot/batches/:id/parcels', {
    onRequest: requireRole('agent', 'supervisor', 'operator'),
    schema: { tags: ['iot-staff'], summary: 'Ship the next paid cards of a batch in one parcel', params: id, body: z.object({ cards: z.number().int().min(1).max(10_000) }), response: { 201: z.object({ trackingNo: z.string(), iccids: z.array(z.string()) }), ...errors } },
  }, async (req, reply) => {
    const r = await shipParcel(deps, { type: 'operator', id: req.principal!.sub }, req.params.id, req.body.cards);
    return isError(r) ? sendError(reply, r) : reply.code(201).send(r);
  });

  app.post('/api/v1/operator/iot/parcels/:trackingNo/delivered', {
    onRequest: requireRole('agent', 'supervisor', 'operator'),
    schema: { tags: ['iot-staff'], summary: 'The courier delivered a parcel of cards', params: z.object({ trackingNo: z.string().min(1).max(64) }), body: z.object({ at: z.number().int().optional() }), response: { 200: z.object({ delivered: z.number() }), ...errors } },
  }, async (req, reply) => {
    const r = await deliverParcel(deps, { type: 'operator', id: req.principal!.sub }, req.params.trackingNo, req.body.at ?? deps.clock.now());
    return isError(r) ? sendError(reply, r) : r;
  });

  app.post('/api/v1/operator/iot/refunds/:id/transferred', {
    onRequest: requireRole('operator'),
    schema: { tags: ['iot-staff'], summary: 'Record that a card\u2019s refund of a bank-transfer batch was sent back by transfer', params: id, body: z.object({ reference: z.string().trim().min(1).max(64) }), response: { 200: z.object({ refundNo: z.string(), state: z.string() }), ...errors } },
  }, async (req, reply) => {
    const r = await recordRefundTransfer(deps, req.principal!.sub, req.params.id, req.body.reference);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.post('/api/v1/operator/iot/usage/:day', {
    onRequest: requireRole('operator'),
    schema: { tags: ['iot-staff'], summary: 'Take the carrier\u2019s usage report of a day into the pools (each card\u2019s day once)', params: z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }), response: { 200: z.object({ cards: z.number(), pools: z.number(), alerts: z.number() }), ...errors } },
  }, async (req, reply) => {
    const r = await ingestDailyUsage(deps, req.params.day);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.post('/api/v1/agent/iot/returns', {
    onRequest: requireRole('agent', 'supervisor'),
    schema: {
      tags: ['iot-staff'], summary: 'Receive cards a cancellation sent back: passed inspection -> cancelled and refunded their share; failed -> kept with the reason',
      body: z.object({ cards: z.array(z.object({ iccid: s.iccid, passed: z.boolean(), note: z.string().trim().max(500).optional() })).min(1).max(10_000) }),
      response: { 200: z.object({ refunded: z.number(), refundFen: z.number(), refused: z.number() }), ...errors },
    },
  }, async (req, reply) => {
    const r = await receiveReturnedCards(deps, { type: 'agent', id: req.principal!.sub }, req.body.cards);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.get('/api/v1/agent/iot/cancellations', {
    onRequest: requireRole('agent', 'supervisor', 'operator'),
    schema: { tags: ['iot-staff'], summary: 'Batch cancellations in the agents\u2019 queue (default: waiting for review), oldest first', querystring: z.object({ state: z.string().max(40).default('awaiting_review') }), response: { 200: z.array(s.cancellationView), ...errors } },
  }, async (req) => listCancellations(deps, { state: req.query.state }));

  app.get('/api/v1/agent/iot/cancellations/:id', {
    onRequest: requireRole('agent', 'supervisor', 'operator'),
    schema: { tags: ['iot-staff'], summary: 'One batch cancellation with its cards listed', params: id, response: { 200: s.cancellationDetail, ...errors } },
  }, async (req, reply) => {
    const r = await getCancellation(deps, null, req.params.id);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.post('/api/v1/agent/iot/cancellations/:id/review', {
    onRequest: requireRole('agent', 'supervisor'),
    schema: { tags: ['iot-staff'], summary: 'Approve (the job starts) or reject a batch cancellation', params: id, body: z.object({ decision: z.enum(['approve', 'reject']), note: z.string().trim().min(1).max(500) }), response: { 200: s.cancellationView, ...errors } },
  }, async (req, reply) => {
    const r = await reviewBatchCancellation(deps, req.principal!.sub, req.params.id, req.body.decision, req.body.note);
    return isError(r) ? sendError(reply, r) : r;
  });
};
