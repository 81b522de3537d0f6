// The simulators' own faces: what a customer does inside the payment app, and the SMS a phone received.
// Mounted because the simulators are the adapters of this build; a deployment with real channels has none.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fail, isError } from '../../domain/errors.ts';
import { PAYMENT_CHANNELS } from '../../domain/order.ts';
import type { ChannelSimulators } from '../../adapters/payment/channels.ts';
import type { FakeMd5Supplier } from '../../adapters/suppliers/md5kv/fake/fake-supplier.ts';
import type { NotifierSimulator } from '../../adapters/notifier/simulator.ts';
import type { FakeCarrier } from '../../adapters/carrier/md5kv/fake/fake-carrier.ts';
import type { WarehouseSimulator } from '../../adapters/warehouse/simulator.ts';
import type { CourierSimulator } from '../../adapters/courier/simulator.ts';
import type { FakeOneLink } from '../../adapters/iot/onelink/fake.ts';
import type { FakeKuaidi100 } from '../../adapters/courier/kuaidi100/fake/fake-kuaidi100.ts';
import type { SmsFakes } from '../../adapters/sms/wiring.ts';
import { sendError } from '../errors.ts';
import { errors } from '../schemas.ts';
import { TRACKING_KINDS } from '../../app/platform/ports.ts';

export interface Simulators {
  payments: ChannelSimulators;
  notifier: NotifierSimulator;
  /** The fake carrier (md5kv), unless a carrier is configured: lines are activated, suspended and closed there. */
  carrier?: FakeCarrier;
  warehouse: WarehouseSimulator;
  courier: CourierSimulator;
  /** The fake Kuaidi100, when parcels go through the Kuaidi100 adapter: scans and interceptions happen there. */
  kuaidi100?: FakeKuaidi100;
  /** The fake SMS providers, when text messages go through them: the inbox shows the texts they rendered. */
  sms?: SmsFakes;
  /** The demo's fake upstream supplier (md5kv): reviews, shipping, activation and callbacks happen there. */
  supplier?: FakeMd5Supplier;
  /** The fake OneLink (China Mobile's IoT platform): business cards are activated and report usage there. */
  onelink?: FakeOneLink;
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

  app.post('/sim/refunds/wechat/settle', {
    schema: {
      tags: ['simulators'], summary: 'Simulator: WeChat Pay settles the refunds that are due and notifies them',
      response: { 200: z.object({ settled: z.array(z.string()), acknowledged: z.number() }), ...errors },
    },
  }, async () => {
    const settled = sims.payments.wechat.settleRefunds();
    return { settled, acknowledged: await sims.payments.wechat.notifyRefunds(settled) };
  });

  app.post('/sim/refunds/bank/batch', {
    schema: {
      tags: ['simulators'], summary: 'Simulator: the bank runs its settlement batch (the platform learns the results by query)',
      response: { 200: z.object({ batchNo: z.string(), lines: z.array(z.object({ refundNo: z.string(), status: z.string(), error: z.string().nullable() })) }), ...errors },
    },
  }, async () => {
    const batch = sims.payments.bank.settleBatch();
    return { batchNo: batch.batchNo, lines: batch.lines.map((l) => ({ refundNo: l.refundNo, status: l.status, error: l.error })) };
  });

  app.get('/sim/sms/:phone', {
    schema: {
      tags: ['simulators'], summary: 'Simulator: text messages a phone received (demo sign-in codes)',
      params: z.object({ phone: z.string().regex(/^1[3-9]\d{9}$/) }),
      response: { 200: z.object({ messages: z.array(z.object({ title: z.string(), body: z.string() })) }), ...errors },
    },
  }, async (req) => ({
    messages: sims.sms
      ? sims.sms.inbox(req.params.phone).slice(0, 10).map((m) => ({ title: `${m.provider === 'aliyun' ? '阿里云短信' : '腾讯云短信'} · ${m.state === 'delivered' ? '已送达' : m.state === 'failed' ? `未送达 ${m.code ?? ''}`.trim() : '发送中'}`, body: m.text }))
      : sims.notifier.smsTo(req.params.phone).slice(0, 10).map((m) => ({ title: m.title, body: m.body })),
  }));

  app.post('/sim/warehouse/:orderId/ship', {
    schema: {
      tags: ['simulators'], summary: 'Simulator: the warehouse hands a parcel to the courier (refused while the parcel is held)',
      params: z.object({ orderId: z.string().min(1).max(64) }),
      response: { 200: z.object({ shipped: z.boolean(), trackingNo: z.string().nullable() }), ...errors },
    },
  }, async (req) => sims.warehouse.ship(req.params.orderId));

  app.post('/sim/courier/:trackingNo/:kind', {
    schema: {
      tags: ['simulators'], summary: 'Simulator: the courier scans a parcel (picked up, in transit, out for delivery, delivered, returned to sender) and pushes it',
      params: z.object({ trackingNo: z.string().min(6).max(40), kind: z.enum(TRACKING_KINDS) }),
      response: { 200: z.object({ pushed: z.boolean() }), ...errors },
    },
  }, async (req) => {
    if (sims.kuaidi100) return { pushed: (await sims.kuaidi100.event(req.params.trackingNo, req.params.kind)) !== null };
    await sims.courier.event(req.params.trackingNo, req.params.kind);
    return { pushed: true };
  });

  app.post('/sim/courier/interceptions/answer', {
    schema: { tags: ['simulators'], summary: 'Simulator: the courier answers the interceptions it holds (accepted unless delivered)', response: { 200: z.object({ answered: z.number() }), ...errors } },
  }, async () => ({ answered: (await (sims.kuaidi100 ?? sims.courier).answerInterceptions()).length }));

  app.post('/sim/carrier/:number/:status', {
    schema: {
      tags: ['simulators'], summary: 'Simulator: the carrier activates a line (or fails its real-name check), suspends, closes or recycles it, and pushes it',
      params: z.object({ number: z.string().regex(/^1\d{10}$/), status: z.enum(['activated', 'real_name_failed', 'suspended', 'closed', 'recycled']) }),
      response: { 200: z.object({ pushed: z.boolean() }), ...errors },
    },
  }, async (req, reply) => {
    const { number, status } = req.params;
    const carrier = sims.carrier;
    if (!carrier) return sendError(reply, fail('REQUEST.NOT_FOUND', 'No fake carrier runs here: a carrier is configured.'));
    if (status === 'activated' || status === 'real_name_failed') await carrier.activate(number, { realNameFails: status === 'real_name_failed' });
    else await carrier.setLine(number, status);
    return { pushed: true };
  });
};
