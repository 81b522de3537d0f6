// The demo's handle on its fake SMS providers: make the next sends refuse with a provider's code or go
// unanswered, or make texts to a phone fail at the carrier, to watch the second provider take over and the
// failed states show. Mounted with the other /sim pages, never in production.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { SmsFakes } from '../../../adapters/sms/wiring.ts';
import { fail } from '../../../domain/errors.ts';
import { sendError } from '../../errors.ts';
import { errors } from '../../schemas.ts';

export const smsSimRoutes = (fakes: SmsFakes): FastifyPluginAsyncZod => async (app) => {
  app.post('/sim/sms-providers/:provider/script', {
    schema: {
      tags: ['simulators'], summary: 'Simulator: the fake SMS provider refuses the next sends, leaves them unanswered, or fails texts to a phone',
      params: z.object({ provider: z.enum(['aliyun', 'tencent']) }),
      body: z.object({
        refuse: z.object({ code: z.string().min(1).max(80), message: z.string().max(200).default('') }).optional(),
        hang: z.boolean().optional(),
        times: z.number().int().min(1).max(100).default(1),
        failDelivery: z.object({ phone: z.string().regex(/^1[3-9]\d{9}$/), code: z.string().min(1).max(40).nullable() }).optional(),
      }),
      response: { 200: z.object({ ok: z.literal(true) }), ...errors },
    },
  }, async (req, reply) => {
    const fake = fakes[req.params.provider];
    if (!fake) return sendError(reply, fail('REQUEST.INVALID', `The fake ${req.params.provider} is not running.`, { field: 'provider' }));
    const b = req.body;
    if (b.refuse) fake.book.refuseNext(b.refuse.code, b.refuse.message, b.times);
    if (b.hang) fake.book.hangNext(b.times);
    if (b.failDelivery) fake.book.failDeliveryTo(b.failDelivery.phone, b.failDelivery.code);
    return { ok: true as const };
  });
};
