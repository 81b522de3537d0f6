// Kuaidi100's pushes (tracking and interception results): a form with `param` (JSON) and `sign`. The form is
// kept as received, since the signature is over the exact `param` text; this parser lives in this plugin
// only, so every other route still takes JSON alone. Kuaidi100 stops resending once it reads
// {"result":true,"returnCode":"200","message":"成功"}; a refusal answers 4xx with result false.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fail, isError } from '../../domain/errors.ts';
import type { Deps } from '../../app/platform/deps.ts';
import { applyCourierNotice } from '../../app/after-sales/courier-callback.ts';
import { CALLBACK_ACK } from '../../adapters/courier/kuaidi100/protocol.ts';
import { errorAnswer } from '../errors.ts';
import { refusePush } from '../../app/platform/push-refusals.ts';

const FORM = 'application/x-www-form-urlencoded';

export const kuaidi100CallbackRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: 256 * 1024 }, (req, body, done) => {
    req.rawBody = body as string;
    done(null, undefined);
  });

  app.post('/api/v1/courier/kuaidi100/callback', {
    schema: {
      tags: ['fulfilment'],
      summary: 'Kuaidi100 push (form: param, sign = MD5(param + salt)): a waybill\u2019s track or an interception result, applied exactly once',
      response: {
        200: z.object({ result: z.literal(true), returnCode: z.literal('200'), message: z.string() }),
        '4xx': z.object({ result: z.literal(false), returnCode: z.string(), message: z.string(), error: z.object({ code: z.string(), message: z.string(), details: z.unknown() }) }),
      },
    },
  }, async (req, reply) => {
    // Only Kuaidi100's form: a JSON body signed some other way is not a Kuaidi100 push, whatever it says.
    const isForm = String(req.headers['content-type'] ?? '').toLowerCase().startsWith(FORM);
    const r = isForm && typeof req.rawBody === 'string'
      ? await applyCourierNotice(deps, req.headers, req.rawBody)
      : refusePush(req.log, 'courier', fail('REQUEST.INVALID', 'A form body (param, sign) is required.'));
    if (!isError(r)) return CALLBACK_ACK;
    const { status, body } = errorAnswer(r);
    return reply.code(status).send({ result: false as const, returnCode: String(status), message: r.message, error: body.error });
  });
};
