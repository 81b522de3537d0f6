// The fate of a sign-in code, for the sign-in page: a code that did not arrive says so ("未收到验证码?"), with when
// another may be sent.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isError } from '../../../domain/errors.ts';
import type { Deps } from '../../../app/platform/deps.ts';
import { signInCodeStatus } from '../../../app/notices/sign-in-code-status.ts';
import { sendError } from '../../errors.ts';
import { errors } from '../../schemas.ts';
import type { Limit } from '../../rate-limit.ts';

/** A page asking now and then while the customer waits; far below what enumerating phones would need. */
const STATUS_PER_ADDRESS: Limit = { name: 'code-status-per-address', max: 120, windowMs: 60_000, key: (req) => req.ip, shared: true };

export const signInCodeRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/api/v1/auth/code/status', {
    preHandler: app.limiter.guard(STATUS_PER_ADDRESS),
    schema: {
      tags: ['auth'], summary: 'Whether the last sign-in code reached the phone (sent, delivered, failed with the provider\'s code)',
      querystring: z.object({ phone: z.string().regex(/^1[3-9]\d{9}$/, 'an 11-digit mainland mobile number') }),
      response: {
        200: z.object({ state: z.enum(['none', 'sent', 'delivered', 'failed']), failure: z.string().nullable(), resendAt: z.number().nullable() }),
        ...errors,
      },
    },
  }, async (req, reply) => {
    const r = await signInCodeStatus(deps, req.query.phone);
    return isError(r) ? sendError(reply, r) : r;
  });
};
