// A supplier's order callbacks (订单回调): verified with that supplier's key, each event applied once; the answer is
// the supplier's own acknowledgement word, so that it stops resending. A forged or unreadable body is refused.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fail, isError } from '../../../domain/errors.ts';
import type { Deps } from '../../../app/platform/deps.ts';
import { applyCallback } from '../../../app/suppliers/apply-report.ts';
import { errorAnswer, sendError } from '../../errors.ts';

export const supplierCallbackRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.post('/api/v1/suppliers/:supplierId/callback', {
    config: { keepAnswer: false },
    schema: {
      tags: ['suppliers'], summary: 'A supplier\u2019s signed order callback: applied once, never moving an order backwards',
      params: z.object({ supplierId: z.string().min(1).max(32) }),
    },
  }, async (req, reply) => {
    const port = deps.suppliers?.get(req.params.supplierId) ?? fail('SUPPLIER.NOT_FOUND', 'No such supplier is configured.');
    if (isError(port)) return sendError(reply, port);
    const raw = typeof req.rawBody === 'string' ? req.rawBody : '';
    const report = port.verifyCallback(req.headers, raw, deps.clock.now());
    const out = isError(report) ? report : await applyCallback(deps, port.id, report);
    const ack = port.ack(!isError(out));
    if (isError(out)) {
      req.log.warn({ supplierId: port.id, code: out.code, details: out.details }, 'supplier callback refused');
      return reply.code(errorAnswer(out).status).type(ack.contentType).send(ack.body);
    }
    req.log.info({ supplierId: port.id, outcome: out }, 'supplier callback');
    return reply.code(200).type(ack.contentType).send(ack.body);
  });
};
