// Alipay's asynchronous notifications: a form (trade_status_sync) POSTed to the notify_url given with each
// payment, signed RSA2. Alipay stops resending once the answer's text is exactly `success`; anything else (here a
// 4xx with the usual error body) is a refusal it resends on its schedule. A signed notification that is not a
// payment (a refund or a close changing the trade's status) is acknowledged and changes nothing. The form
// parser lives in this plugin only, so every other route still takes JSON alone.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fail, isError } from '../../domain/errors.ts';
import type { Deps } from '../../app/platform/deps.ts';
import { applyPaymentNotice } from '../../app/ordering/apply-payment-notice.ts';
import { refusePush } from '../../app/platform/push-refusals.ts';
import { ALIPAY_NOTIFY_PATH } from '../../adapters/payment/alipay/channel.ts';
import { NOTIFY_ACK } from '../../adapters/payment/alipay/protocol.ts';
import { errorAnswer } from '../errors.ts';

const FORM = 'application/x-www-form-urlencoded';

export const alipayNotifyRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: 64 * 1024 }, (req, body, done) => {
    req.rawBody = body as string;
    done(null, undefined);
  });

  app.post(ALIPAY_NOTIFY_PATH, {
    schema: { tags: ['payments'], summary: 'Alipay asynchronous notification (form, RSA2): a paid trade applied exactly once; answered with the text success' },
  }, async (req, reply) => {
    const isForm = String(req.headers['content-type'] ?? '').toLowerCase().startsWith(FORM);
    // A signed trade change that is no payment (after a refund, a close) is Alipay's own and owed `success`: answered
    // before the use case, so that it is not counted among refused pushes.
    const seen = isForm && typeof req.rawBody === 'string' ? deps.payments.alipay.verifyNotification(req.headers, req.rawBody, deps.clock.now()) : null;
    if (seen && isError(seen) && seen.details?.acknowledge === true) return reply.code(200).type('text/plain; charset=utf-8').send(NOTIFY_ACK);
    const r = isForm && typeof req.rawBody === 'string'
      ? await applyPaymentNotice(deps, 'alipay', req.headers, req.rawBody)
      : refusePush(req.log, 'payment', fail('REQUEST.INVALID', 'An Alipay notification is a form (application/x-www-form-urlencoded).'));
    if (!isError(r)) return reply.code(200).type('text/plain; charset=utf-8').send(NOTIFY_ACK);
    const { status, body } = errorAnswer(r);
    return reply.code(status).send(body);
  });
};
