import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isError } from '../../domain/errors.ts';
import type { Deps } from '../../app/platform/deps.ts';
import { sendSignInCode, signInAgent, signInCustomer } from '../../app/platform/sign-in.ts';
import { requireRole, STAFF } from '../auth.ts';
import { sendError } from '../errors.ts';
import { errors } from '../schemas.ts';
import { LIMITS } from '../rate-limit.ts';

const phone = z.string().regex(/^1[3-9]\d{9}$/, 'an 11-digit mainland mobile number');

export const authRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.post('/api/v1/auth/code', {
    preHandler: app.limiter.guard(LIMITS.codesPerAddress, LIMITS.codesPerPhoneAndAddress),
    schema: {
      tags: ['auth'], summary: 'Send a one-time sign-in code by SMS',
      body: z.object({ phone }),
      response: { 200: z.object({ sentTo: z.string(), expiresAt: z.number() }), ...errors },
    },
  }, async (req, reply) => {
    const r = await sendSignInCode(deps, req.body.phone);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.post('/api/v1/auth/customer', {
    // A bearer token is not kept for replay (see http/idempotency.ts).
    config: { keepAnswer: false },
    schema: {
      tags: ['auth'], summary: 'Sign in with phone and code; returns a bearer token',
      description: 'Five wrong tries for a phone from one client address, then 429 AUTH.SIGN_IN_DELAYED with Retry-After (30 s, doubling to 15 min); other addresses are not held back.',
      body: z.object({ phone, code: z.string().regex(/^\d{6}$/) }),
      response: { 200: z.object({ token: z.string(), customerId: z.string() }), ...errors },
    },
  }, async (req, reply) => {
    const r = await signInCustomer(deps, req.body.phone, req.body.code, req.ip);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.post('/api/v1/auth/agent', {
    config: { keepAnswer: false },
    schema: {
      tags: ['auth'], summary: 'Staff sign-in (agent, supervisor, operator)',
      description: 'Five wrong passwords for a username from one client address, then 429 AUTH.SIGN_IN_DELAYED with Retry-After (30 s, doubling to 15 min); other addresses are not held back.',
      body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) }),
      response: { 200: z.object({ token: z.string(), agent: z.object({ id: z.string(), username: z.string(), displayName: z.string(), role: z.string() }) }), ...errors },
    },
  }, async (req, reply) => {
    const r = await signInAgent(deps, req.body.username, req.body.password, req.ip);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.get('/api/v1/me', {
    onRequest: requireRole('customer', ...STAFF),
    schema: { tags: ['auth'], summary: 'Who the token belongs to', response: { 200: z.object({ id: z.string(), role: z.string(), phone: z.string().nullable(), displayName: z.string().nullable() }), ...errors } },
  }, async (req) => {
    const p = req.principal!;
    if (p.role === 'customer') {
      const c = await deps.store.accounts.getCustomer(p.sub);
      return { id: p.sub, role: p.role, phone: c?.phone ?? null, displayName: null };
    }
    const a = await deps.store.accounts.getAgent(p.sub);
    return { id: p.sub, role: p.role, phone: null, displayName: a?.display_name ?? null };
  });
};
