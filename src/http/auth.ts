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
    // secrets.verify takes only a token of its version's exact parts whose signature holds (app/platform/secrets.ts).
    const p = token ? deps.secrets.verify(token, deps.clock.now()) : null;
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
