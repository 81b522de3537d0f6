// The web pages: the built single-page app, served by the API's own server so one process is the product.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where `vite build` writes the pages (see web/vite.config.ts). */
export const DEFAULT_WEB_DIR = resolve(fileURLToPath(new URL('../../dist/web', import.meta.url)));

/** Paths that belong to the API and its tools: an unknown one keeps the JSON 404, never the page. */
const NOT_PAGES = /^\/(api|open|sim|docs|openapi\.json|healthz|readyz)(\/|$|\?)/;
/** A missing asset is a 404, not the page: a browser would otherwise run HTML as a script. */
const LOOKS_LIKE_FILE = /\/[^/?]+\.[a-z0-9]+(\?|$)/i;

export async function webPages(app: FastifyInstance, dir = DEFAULT_WEB_DIR): Promise<void> {
  if (!existsSync(join(dir, 'index.html'))) {
    app.log.warn({ dir }, 'web pages are not built; run `npm run build:web` (npm install and npm start do it) to serve them');
    return;
  }
  await app.register(fastifyStatic, {
    root: dir,
    // Routes are made per built file; the page fallback below takes every other GET.
    wildcard: false,
    cacheControl: false,
    setHeaders(reply, path) {
      // File names under assets/ carry a content hash; index.html must be fetched again to find new ones.
      reply.header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.get('/*', { schema: { hide: true } }, (req, reply) => {
    if (NOT_PAGES.test(req.url) || LOOKS_LIKE_FILE.test(req.url)) return reply.callNotFound();
    return reply.sendFile('index.html');
  });
}
