// The one error mapper: every failure leaves as { error: { code, message, details } } with a stable code.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ERROR_CODES, fail, type DomainError } from '../domain/errors.ts';

export function sendError(reply: FastifyReply, e: DomainError): FastifyReply {
  const { status, body } = errorAnswer(e);
  // Every 429 that knows its wait says it in the standard header too, in whole seconds.
  const wait = e.details?.retryAfterMs;
  if (status === 429 && typeof wait === 'number') reply.header('retry-after', String(Math.max(1, Math.ceil(wait / 1000))));
  return reply.code(status).send(body);
}

/**
 * A refused channel notification. WeChat Pay reads a refusal as a 4xx/5xx with `{ "code": "FAIL", "message": … }` at
 * the top (and resends on its schedule); the usual error body rides along for everyone else.
 */
export function sendChannelRefusal(reply: FastifyReply, channel: string, e: DomainError): FastifyReply {
  if (channel !== 'wechat') return sendError(reply, e);
  const { status, body } = errorAnswer(e);
  return reply.code(status).send({ code: 'FAIL', message: `${e.code}: ${e.message}`, ...body });
}

/** An error as status and body: what `sendError` sends, for an answer kept with its Idempotency-Key. */
export function errorAnswer(e: DomainError): { status: number; body: { error: { code: string; message: string; details: unknown } } } {
  return { status: ERROR_CODES[e.code], body: { error: { code: e.code, message: e.message, details: e.details ?? {} } } };
}

function fromFastify(err: FastifyError): DomainError | null {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues = err.validation.map((v) => ({ path: `${err.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`, message: v.message }));
    return fail('REQUEST.INVALID', `The request is not valid: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, { issues });
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return fail('REQUEST.MALFORMED_JSON', 'The body is not valid JSON.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return fail('REQUEST.TOO_LARGE', 'The body is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return fail('REQUEST.UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_INVALID_CONTENT_TYPE':
      return fail('REQUEST.INVALID', err.message);
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    if (err.statusCode === 404) return fail('REQUEST.NOT_FOUND', err.message);
    return fail('REQUEST.INVALID', err.message);
  }
  return null;
}

export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const mapped = fromFastify(err);
  if (mapped) return sendError(reply, mapped);
  req.log.error({ err }, 'unhandled error');
  return sendError(reply, fail('INTERNAL', 'Something went wrong on our side; nothing was changed. Please try again.'));
}

export function notFoundHandler(req: FastifyRequest, reply: FastifyReply) {
  return sendError(reply, fail('REQUEST.NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}.`));
}
