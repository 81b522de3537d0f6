// The distribution routes: the operators' desk and the distributors' own pages (the open API is in open-api.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../../app/platform/deps.ts';
import { operatorDistributionRoutes } from './operator.ts';
import { portalRoutes } from './portal.ts';

export const distributionRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  await app.register(operatorDistributionRoutes(deps));
  await app.register(portalRoutes(deps));
};
