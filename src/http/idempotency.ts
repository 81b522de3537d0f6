// Idempotency-Key on every POST: the same key with the same body gets the first response again and
// causes no second effect; the same key with another body is refused.
//
// Two ways of keeping the key. The hot paths (place, cancel, open a payment, cancellation requests) mark their
// route with `config: { keyInTx: true }` and run their use case through `answerOnce`: the key, the request's
// fingerprint and the answer are written in the use case's own transaction, so one POST is one commit and a
// key never outlives a rolled-back effect (a use case that fails writes no key, and a retry runs again).
// Every other POST reserves the key in a transaction of its own before the handler and stores the answer after.
//
// Nothing sensitive at rest: a kept answer is sealed (AES-GCM, a key of its own derived from the store's secret) and
// opened to replay it, so the contact phone, name and address an order's answer shows its owner are not in the
// table in clear; the request's fingerprint is a keyed hash, so the phone in a sign-in code request cannot be found
// by hashing every number. Sign-in answers (`config: { keepAnswer: false }`) are not kept at all: a bearer token is
// a credential, and a sealed copy would be opened by anyone holding the file and the secret it lives beside; a
// client that lost the answer signs in again.
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { Insertable } from 'kysely';
import { fail, isError, type DomainError } from '../domain/errors.ts';
import type { Deps, Receipt } from '../app/platform/deps.ts';
import type { Repos } from '../adapters/store/store.ts';
import type { IdempotencyKeysTable } from '../adapters/store/schema.ts';
import type { IdempotencyRow } from '../adapters/store/platform-repo.ts';
import { sendError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** A key reserved before the handler; its answer is stored when the response is sent. */
    idempotency: { scope: string; key: string } | null;
    /** A key not seen yet, for a route that writes it in its use case's transaction (`answerOnce`). */
    idempotencyPending: Insertable<IdempotencyKeysTable> | null;
  }
  interface FastifyContextConfig {
    /** The route runs its use case through `answerOnce`: the key is written with the effect. */
    keyInTx?: boolean;
    /** Its use case asks a remote party before its transaction: a replay is answered before it runs at all. */
    replayBeforeRun?: boolean;
    /** false: the answer is never kept for replay (a sign-in's bearer token, a payment check); the Idempotency-Key is not used. */
    keepAnswer?: boolean;
  }
}

/** Keys are kept this long; a retry after that is a new request. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/** A reservation older than this belongs to a request that died; the key may be used again. */
const STALE_RESERVATION_MS = 60_000;

/** A key past its time, or reserved by a request that died, no longer answers: the request runs anew. */
const lapsed = (row: IdempotencyRow, now: number) =>
  now - row.created_at >= IDEMPOTENCY_TTL_MS || (row.status_code === null && now - row.created_at >= STALE_RESERVATION_MS);

const inProgress = () => fail('IDEMPOTENCY.IN_PROGRESS', 'A request with this key is in progress.');
const reused = () => fail('IDEMPOTENCY.KEY_REUSED', 'This Idempotency-Key was used for a different request.');

/** What a kept answer is sealed for: its own key, which opens nothing else. */
const ANSWER_PURPOSE = 'idempotent-answer';
const sealAnswer = (deps: Deps, text: string) => deps.secrets.seal(ANSWER_PURPOSE, text);
/** The first answer's text; one kept in clear before answers were sealed (JSON, opening with { or [) is read as it is. */
export const openAnswer = (deps: Deps, kept: string) => (kept.startsWith('{') || kept.startsWith('[') ? kept : deps.secrets.open(ANSWER_PURPOSE, kept));

function replay(deps: Deps, reply: FastifyReply, row: IdempotencyRow & { status_code: number }) {
  reply.header('idempotent-replayed', 'true').header('content-type', 'application/json; charset=utf-8');
  return reply.code(row.status_code).send(row.response === null ? row.response : openAnswer(deps, row.response));
}

/** The answer to a key that is already there: the first response, or why there is none. */
function answerExisting(deps: Deps, reply: FastifyReply, row: IdempotencyRow, bodyHash: string) {
  if (row.body_hash !== bodyHash) return sendError(reply, reused());
  if (row.status_code === null) return sendError(reply, inProgress());
  return replay(deps, reply, row as IdempotencyRow & { status_code: number });
}

export function registerIdempotency(app: FastifyInstance, deps: Deps) {
  app.decorateRequest('idempotency', null);
  app.decorateRequest('idempotencyPending', null);

  // Requests without a key pass straight on; only a keyed POST waits on the store.
  app.addHook('preHandler', (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (req.method !== 'POST' || req.headers['idempotency-key'] === undefined || req.routeOptions.config.keepAnswer === false) return done();
    takeKey(req, reply).then(() => { if (!reply.sent) done(); }, done);
  });

  async function takeKey(req: FastifyRequest, reply: FastifyReply) {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key.length < 1 || key.length > 200) {
      return sendError(reply, fail('REQUEST.INVALID', 'Idempotency-Key must be 1 to 200 characters.'));
    }
    const scope = req.principal?.sub ?? 'anonymous';
    const now = deps.clock.now();
    const bodyHash = deps.secrets.hash('idempotent-request', `${req.method}\0${req.url}\0${JSON.stringify(req.body ?? null)}`);
    const row = { scope, key, method: req.method, path: req.url, body_hash: bodyHash, status_code: null, response: null, created_at: now };
    const platform = deps.store.platform;

    if (req.routeOptions.config.keyInTx) {
      // The use case's transaction takes the key (see answerOnce). On SQLite a replay is found there, so the store
      // is not asked here, unless the use case would call out before its transaction.
      if (deps.store.engine === 'sqlite' && !req.routeOptions.config.replayBeforeRun) {
        req.idempotencyPending = row;
        return;
      }
      let existing = await platform.getIdempotencyKey(scope, key);
      if (existing && lapsed(existing, now)) {
        await platform.dropIdempotencyKey(scope, key, existing.created_at);
        existing = undefined;
      }
      if (existing) return answerExisting(deps, reply, existing, bodyHash);
      req.idempotencyPending = row;
      return;
    }

    if (await platform.reserveIdempotencyKey(row)) {
      req.idempotency = { scope, key };
      return;
    }
    const existing = await platform.getIdempotencyKey(scope, key);
    if (!existing) return sendError(reply, inProgress());
    if (!lapsed(existing, now)) return answerExisting(deps, reply, existing, bodyHash);
    await platform.dropIdempotencyKey(scope, key, existing.created_at);
    if (await platform.reserveIdempotencyKey(row)) {
      req.idempotency = { scope, key };
      return;
    }
    return sendError(reply, inProgress());
  }

  app.addHook('onSend', (req, reply, payload, done) => {
    const id = req.idempotency;
    if (!id) return done(null, payload);
    req.idempotency = null;
    // A server error is not an answer: the key is freed so the client can retry.
    const written = reply.statusCode >= 500
      ? deps.store.platform.dropIdempotencyKey(id.scope, id.key)
      : deps.store.platform.completeIdempotencyKey(id.scope, id.key, reply.statusCode, sealAnswer(deps, typeof payload === 'string' ? payload : JSON.stringify(payload)));
    written.then(() => done(null, payload), (e: Error) => done(e));
  });
}

/** Thrown inside the transaction when another request holds or has used the key: the effect must not happen. */
class KeyTaken extends Error {}

/**
 * Runs a use case for a route marked `keyInTx` and sends its answer. With a new Idempotency-Key, `run` gets a
 * receipt to hand to its transaction (`inTx`), and the key goes into the store with the answer, built from the
 * result through the transaction's own repositories. On PostgreSQL the key is inserted before the use case and
 * completed at the end: a concurrent request with the same key waits on its unique index. SQLite's write
 * transactions take turns, so the finished record is inserted once, at the end, and a key found there already
 * undoes the transaction; a use case that refuses looks for the key before its rollback, since a request
 * repeated after its first one succeeded is refused by the state that first one left (the number is taken, the
 * order already cancelled). When the key turns out to be taken, nothing happened here and the first answer is
 * replayed.
 */
export async function answerOnce<T>(
  deps: Deps, req: FastifyRequest, reply: FastifyReply,
  run: (receipt?: Receipt<T>) => Promise<T | DomainError>,
  answer: (r: Repos, result: NoInfer<T>) => Promise<{ status: number; body: unknown }>,
): Promise<FastifyReply> {
  const pending = req.idempotencyPending;
  if (!pending) {
    const out = await run();
    if (isError(out)) return sendError(reply, out);
    const a = await answer(deps.store, out);
    return reply.code(a.status).send(a.body);
  }
  req.idempotencyPending = null;
  const kept: { answer?: { status: number; text: string } } = {};
  /** The answer, built from the result inside the transaction and sent once it has committed. */
  const answered = async (r: Repos, result: T) => {
    const a = await answer(r, result);
    return (kept.answer = { status: a.status, text: JSON.stringify(a.body) });
  };
  /** SQLite: a record under the key that still answers stops this request; one past its time is returned. */
  const stopIfTaken = async (r: Repos) => {
    const existing = await r.platform.getIdempotencyKey(pending.scope, pending.key);
    if (existing && !lapsed(existing, pending.created_at)) throw new KeyTaken();
    return existing;
  };
  const receipt: Receipt<T> = deps.store.engine === 'sqlite'
    ? {
      async keep(r, result) {
        const { status, text } = await answered(r, result);
        const row = { ...pending, status_code: status, response: sealAnswer(deps, text) };
        if (await r.platform.reserveIdempotencyKey(row)) return;
        const old = await stopIfTaken(r);
        if (old) await r.platform.dropIdempotencyKey(pending.scope, pending.key, old.created_at);
        await r.platform.putIdempotencyKey(row);
      },
      async refused(r) {
        await stopIfTaken(r);
      },
    }
    : {
      async claim(r) {
        if (!(await r.platform.reserveIdempotencyKey(pending))) throw new KeyTaken();
      },
      async keep(r, result) {
        const { status, text } = await answered(r, result);
        await r.platform.completeIdempotencyKey(pending.scope, pending.key, status, sealAnswer(deps, text));
      },
    };
  let out: T | DomainError;
  try {
    out = await run(receipt);
  } catch (e) {
    if (!(e instanceof KeyTaken)) throw e;
    // Read in a transaction: on SQLite the request that took the key may share a commit still to come, and
    // its answer is replayed only once that commit has made it durable.
    const existing = await deps.store.tx((r) => r.platform.getIdempotencyKey(pending.scope, pending.key));
    // The same request sent again (or one still in flight under its key) is no new attempt: its limit hits go back.
    req.repeated = !existing || existing.body_hash === pending.body_hash;
    return existing ? answerExisting(deps, reply, existing, pending.body_hash) : sendError(reply, inProgress());
  }
  if (isError(out)) return sendError(reply, out);
  const { status, text } = kept.answer!;
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(text);
}
