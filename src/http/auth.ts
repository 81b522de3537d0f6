import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { fail } from '../domain/errors.ts';
import type { Actor } from '../domain/decide.ts';
import type { Principal, Role } from '../app/platform/secrets.ts';
import type { Deps } from '../app/platform/deps.ts';
import { sendError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export const STAFF: Role[] = ['agent', 'supervisor', 'operator'];

/** How many dot-separated parts a token has: version, body, signature. */
/** The parts of each token version: v2.<key id>.<claims>.<signature>, and v1.<claims>.<signature> from before key ids. */
export const TOKEN_PARTS: Record<string, number> = { v1: 3, v2: 4 };
const TOKEN_PART = /^[A-Za-z0-9_-]+$/;

/**
 * A token's exact shape, checked before its signature: its version's number of parts, each a non-empty run of
 * the base64url alphabet. A part more or less, an empty part, a trailing dot or any whitespace is refused, so no
 * appended text rides along on a valid signature.
 */
export function isWellFormedToken(token: string): boolean {
  const parts = token.split('.');
  return parts.length === TOKEN_PARTS[parts[0]!] && parts.every((p) => TOKEN_PART.test(p));
}

/**
 * Reads the bearer token, if any; routes then say which roles they take. Hooks in the callback form (no promise
 * per request): a hook that answers sends its reply and does not call `done`.
 */
export function authenticate(deps: Deps) {
  return (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    req.principal = null;
    const h = req.headers.authorization;
    if (!h) return done();
    const token = h.startsWith('Bearer ') ? h.slice(7) : '';
    const p = isWellFormedToken(token) ? deps.secrets.verify(token, deps.clock.now()) : null;
    if (!p) return void sendError(reply, fail('AUTH.INVALID_TOKEN', 'The sign-in has expired or is not valid; sign in again.'));
    req.principal = p;
    done();
  };
}

export function requireRole(...roles: Role[]) {
  return (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (!req.principal) return void sendError(reply, fail('AUTH.REQUIRED', 'Sign in first.'));
    if (!roles.includes(req.principal.role)) return void sendError(reply, fail('AUTH.FORBIDDEN', 'Your role may not do this.', { role: req.principal.role, allowed: roles }));
    done();
  };
}

export function actorOf(p: Principal): Actor {
  return { type: p.role === 'customer' ? 'customer' : 'agent', id: p.sub };
}
