import { z } from 'zod';
import { sql } from 'kysely';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../app/platform/deps.ts';
import { migrationsCurrent } from '../../adapters/store/migrations/index.ts';

const readiness = z.object({ status: z.string(), store: z.string(), migrations: z.string(), simulatorRoutes: z.enum(['mounted', 'off']), mode: z.enum(['demo', 'production']) });

export const opsRoutes = (deps: Deps, opts: { simulatorRoutes: boolean; mode: 'demo' | 'production' }): FastifyPluginAsyncZod => async (app) => {
  // Readiness says whether the /sim pages are mounted: they show sign-in codes, so a deployment checks it is off.
  // It says the mode too: demo's keys are public, so a deployment checks it runs in production.
  const simulatorRoutes = opts.simulatorRoutes && opts.mode !== 'production' ? 'mounted' : 'off';
  const mode = opts.mode;
  app.get('/healthz', { schema: { tags: ['ops'], summary: 'The process is up', response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    schema: { tags: ['ops'], summary: 'The store is reachable and migrated', response: { 200: readiness, 503: readiness } },
  }, async (_req, reply) => {
    let store = 'ok';
    let migrations = 'current';
    try {
      await sql`select 1`.execute(deps.store.database.db);
      if (!(await migrationsCurrent(deps.store.database))) migrations = 'pending';
    } catch {
      store = 'unreachable';
      migrations = 'unknown';
    }
    const ok = store === 'ok' && migrations === 'current';
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', store, migrations, simulatorRoutes, mode });
  });
};
