// The simulators' own faces: what a customer does inside the payment app, and the SMS a phone received.
// Mounted because the simulators are the adapters of this build; a deployment with real channels has none.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isError } from '../../domain/errors.ts';
import { PAYMENT_CHANNELS } from '../../domain/order.ts';
import type { PaymentChannelSimulator } from '../../adapters/payment/simulator.ts';
import type { NotifierSimulator } from '../../adapters/notifier/simulator.ts';
import { sendError } from '../errors.ts';
import { errors } from '../schemas.ts';

export interface Simulators {
  payments: Record<(typeof PAYMENT_CHANNELS)[number], PaymentChannelSimulator>;
  notifier: NotifierSimulator;
}

export const simulatorRoutes = (sims: Simulators): FastifyPluginAsyncZod => async (app) => {
  app.post('/sim/pay/:channel/:paymentNo', {
    schema: {
      tags: ['simulators'], summary: 'Simulator: the customer completes a payment in the channel app',
      params: z.object({ channel: z.enum(PAYMENT_CHANNELS), paymentNo: z.string().max(64) }),
      response: { 200: z.object({ paid: z.boolean() }), ...errors },
    },
  }, async (req, reply) => {
    const r = sims.payments[req.params.channel].pay(req.params.paymentNo);
    return isError(r) ? sendError(reply, r) : { paid: true };
  });

  app.get('/sim/sms/:phone', {
    schema: {
      tags: ['simulators'], summary: 'Simulator: text messages a phone received (demo sign-in codes)',
      params: z.object({ phone: z.string().regex(/^1[3-9]\d{9}$/) }),
      response: { 200: z.object({ messages: z.array(z.object({ title: z.string(), body: z.string() })) }), ...errors },
    },
  }, async (req) => ({ messages: sims.notifier.smsTo(req.params.phone).slice(0, 10).map((m) => ({ title: m.title, body: m.body })) }));
};
