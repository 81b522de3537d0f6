import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fail, isError } from '../../domain/errors.ts';
import { PAYMENT_CHANNELS } from '../../domain/order.ts';
import type { Deps } from '../../app/platform/deps.ts';
import { startPayment, type StartedPayment } from '../../app/ordering/start-payment.ts';
import { answerOnce } from '../idempotency.ts';
import { applyPaymentNotice } from '../../app/ordering/apply-payment-notice.ts';
import { loadVisibleOrder } from '../../app/ordering/order-view.ts';
import { listRefundViews } from '../../app/refunds/refund-view.ts';
import { requireRole, STAFF } from '../auth.ts';
import { sendChannelRefusal, sendError } from '../errors.ts';
import { errors, orderIdParams, refundView } from '../schemas.ts';
import { offeredChannelsOf } from '../../app/platform/offered-channels.ts';
import { checkOpenPayments } from '../../app/ordering/check-payment.ts';
import { LIMITS } from '../rate-limit.ts';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

export const paymentRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.post('/api/v1/orders/:id/payments', {
    onRequest: requireRole('customer'),
    config: { keyInTx: true, replayBeforeRun: true },
    schema: {
      tags: ['payments'], summary: 'Open a payment at a channel for an unpaid order',
      params: orderIdParams,
      body: z.object({ channel: z.enum(PAYMENT_CHANNELS) }),
      response: { 201: z.object({ paymentNo: z.string(), orderId: z.string(), channel: z.string(), amountFen: z.number(), payUrl: z.string(), expiresAt: z.number() }), ...errors },
    },
  }, async (req, reply) => {
    return answerOnce<StartedPayment>(deps, req, reply, (receipt) => startPayment(deps, req.params.id, req.principal!.sub, req.body.channel, receipt),
      async (_r, started) => ({ status: 201, body: started }));
  });

  app.get('/api/v1/orders/:id/payments', {
    onRequest: requireRole('customer', ...STAFF),
    schema: {
      tags: ['payments'], summary: 'Payments and refunds of an order',
      params: orderIdParams,
      response: {
        200: z.object({
          payments: z.array(z.object({
            paymentNo: z.string(), channel: z.string(), amountFen: z.number(), state: z.string(), createdAt: z.number(), succeededAt: z.number().nullable(),
            purpose: z.enum(['order', 'penalty']).describe('the order itself, or an account closure\u2019s early-termination penalty'),
          })),
          refunds: z.array(refundView),
        }),
        ...errors,
      },
    },
  }, async (req, reply) => {
    const found = await loadVisibleOrder(deps, req.params.id, req.principal!);
    if (isError(found)) return sendError(reply, found);
    const [payments, refunds] = await Promise.all([deps.store.payments.listPayments(found.order.id), listRefundViews(deps.store, found.order.id)]);
    return {
      payments: payments.map((p) => ({ paymentNo: p.id, channel: p.channel, amountFen: p.amount_fen, state: p.state, createdAt: p.created_at, succeededAt: p.succeeded_at, purpose: p.purpose as 'order' | 'penalty' })),
      refunds,
    };
  });

  app.post('/api/v1/orders/:id/payments/check', {
    onRequest: requireRole('customer', ...STAFF),
    // A check is a question asked afresh each time, and safe to repeat: no answer is kept under a key for replay.
    config: { keepAnswer: false },
    preHandler: app.limiter.guard(LIMITS.paymentChecksPerCaller),
    schema: {
      tags: ['payments'],
      summary: 'Back from the channel\u2019s app: ask the channel about the order\u2019s open payments, and apply one it holds as paid',
      description: 'For a notification that is late or lost. Each open payment is queried at its channel (查单); a trade paid for the '
        + 'payment\u2019s amount pays the order exactly as its notification would (a second one is refunded). Nothing is closed. '
        + 'An order no longer waiting for payment is answered as it is, with no call.',
      params: orderIdParams,
      response: {
        200: z.object({
          orderId: z.string(),
          state: z.string().describe('the order\u2019s state after the check'),
          payments: z.array(z.object({
            paymentNo: z.string(),
            found: z.enum(['paid', 'duplicate', 'refunded_late_payment', 'unpaid', 'no_answer', 'amount_differs'])
              .describe('paid: this check applied it; duplicate: already applied; unpaid: the channel has no payment yet; no_answer: the channel did not answer'),
          })),
        }),
        ...errors,
      },
    },
  }, async (req, reply) => {
    const r = await checkOpenPayments(deps, req.params.id, req.principal!);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.get('/api/v1/payments/channels', {
    schema: { tags: ['payments'], summary: 'The payment channels offered at checkout', response: { 200: z.object({ channels: z.array(z.enum(PAYMENT_CHANNELS)) }) } },
  }, async () => ({ channels: [...offeredChannelsOf(deps)] }));

  app.post('/api/v1/payments/callback/:channel', {
    schema: {
      tags: ['payments'], summary: 'Signed payment notification from a channel (applied exactly once)',
      params: z.object({ channel: z.enum(PAYMENT_CHANNELS) }),
      response: { 200: z.object({ code: z.literal('SUCCESS'), outcome: z.string() }), ...errors },
    },
  }, async (req, reply) => {
    if (typeof req.rawBody !== 'string') return sendError(reply, fail('REQUEST.INVALID', 'A JSON body is required.'));
    const r = await applyPaymentNotice(deps, req.params.channel, req.headers, req.rawBody);
    if (isError(r)) return sendChannelRefusal(reply, req.params.channel, r);
    return { code: 'SUCCESS' as const, outcome: r.outcome };
  });
};
