import type { FastifyReply, FastifyRequest } from 'fastify';
import { fail } from '../domain/errors.ts';
import type { Actor } from '../domain/decide.ts';
import type { Principal, Role } from '../app/secrets.ts';
import type { Deps } from '../app/deps.ts';
import { sendError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export const STAFF: Role[] = ['agent', 'supervisor', 'operator'];

/** Reads the bearer token, if any; routes then say which roles they take. */
export function authenticate(deps: Deps) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    req.principal = null;
    const h = req.headers.authorization;
    if (!h) return;
    const token = h.startsWith('Bearer ') ? h.slice(7) : '';
    const p = token ? deps.secrets.verify(token, deps.clock.now()) : null;
    if (!p) return sendError(reply, fail('AUTH.INVALID_TOKEN', 'The sign-in has expired or is not valid; sign in again.'));
    req.principal = p;
  };
}

export function requireRole(...roles: Role[]) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.principal) return sendError(reply, fail('AUTH.REQUIRED', 'Sign in first.'));
    if (!roles.includes(req.principal.role)) return sendError(reply, fail('AUTH.FORBIDDEN', 'Your role may not do this.', { role: req.principal.role, allowed: roles }));
  };
}

export function actorOf(p: Principal): Actor {
  return { type: p.role === 'customer' ? 'customer' : 'agent', id: p.sub };
}
