// Idempotency-Key on every POST: the same key with the same body gets the first response again and
// causes no second effect; the same key with another body is refused.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fail } from '../domain/errors.ts';
import type { Deps } from '../app/deps.ts';
import { sendError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { scope: string; key: string } | null;
  }
}

/** Keys are kept this long; a retry after that is a new request. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/** A reservation older than this belongs to a request that died; the key may be used again. */
const STALE_RESERVATION_MS = 60_000;

export function registerIdempotency(app: FastifyInstance, deps: Deps) {
  app.decorateRequest('idempotency', null);

  app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.method !== 'POST') return;
    const key = req.headers['idempotency-key'];
    if (key === undefined) return;
    if (typeof key !== 'string' || key.length < 1 || key.length > 200) {
      return sendError(reply, fail('REQUEST.INVALID', 'Idempotency-Key must be 1 to 200 characters.'));
    }
    const scope = req.principal?.sub ?? 'anonymous';
    const now = deps.clock.now();
    const bodyHash = createHash('sha256').update(req.method).update(req.url).update(JSON.stringify(req.body ?? null)).digest('base64url');
    const row = { scope, key, method: req.method, path: req.url, body_hash: bodyHash, status_code: null, response: null, created_at: now };
    if (await deps.store.platform.reserveIdempotencyKey(row)) {
      req.idempotency = { scope, key };
      return;
    }
    const existing = await deps.store.platform.getIdempotencyKey(scope, key);
    if (!existing) return sendError(reply, fail('IDEMPOTENCY.IN_PROGRESS', 'A request with this key is in progress.'));
    if (existing.body_hash !== bodyHash) {
      return sendError(reply, fail('IDEMPOTENCY.KEY_REUSED', 'This Idempotency-Key was used for a different request.'));
    }
    if (existing.status_code === null) {
      if (now - existing.created_at < STALE_RESERVATION_MS) return sendError(reply, fail('IDEMPOTENCY.IN_PROGRESS', 'A request with this key is in progress.'));
      await deps.store.platform.dropIdempotencyKey(scope, key);
      if (await deps.store.platform.reserveIdempotencyKey(row)) {
        req.idempotency = { scope, key };
        return;
      }
      return sendError(reply, fail('IDEMPOTENCY.IN_PROGRESS', 'A request with this key is in progress.'));
    }
    reply.header('idempotent-replayed', 'true').header('content-type', 'application/json; charset=utf-8');
    return reply.code(existing.status_code).send(existing.response);
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const id = req.idempotency;
    if (!id) return payload;
    req.idempotency = null;
    // A server error is not an answer: the key is freed so the client can retry.
    if (reply.statusCode >= 500) await deps.store.platform.dropIdempotencyKey(id.scope, id.key);
    else await deps.store.platform.completeIdempotencyKey(id.scope, id.key, reply.statusCode, typeof payload === 'string' ? payload : JSON.stringify(payload));
    return payload;
  });
}
