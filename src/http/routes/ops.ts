import { z } from 'zod';
import { sql } from 'kysely';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../app/deps.ts';
import { migrationsCurrent } from '../../adapters/store/migrations/index.ts';

export const opsRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/healthz', { schema: { tags: ['ops'], summary: 'The process is up', response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    schema: { tags: ['ops'], summary: 'The store is reachable and migrated', response: { 200: z.object({ status: z.string(), store: z.string(), migrations: z.string() }), 503: z.object({ status: z.string(), store: z.string(), migrations: z.string() }) } },
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
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', store, migrations });
  });
};
