import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import { AsyncResource } from 'node:async_hooks';
import { withRequestId } from '../adapters/request-context.ts';
import type { Deps } from '../app/platform/deps.ts';
import type { Mode } from '../config.ts';
import { authenticate } from './auth.ts';
import { errorHandler, notFoundHandler, sendError } from './errors.ts';
import { fail } from '../domain/errors.ts';
import { registerIdempotency } from './idempotency.ts';
import { registerMetrics } from './metrics.ts';
import { RateLimiter } from './rate-limit.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { authRoutes } from './routes/auth.ts';
import { orderRoutes } from './routes/orders.ts';
import { requestRoutes } from './routes/requests.ts';
import { paymentRoutes } from './routes/payments.ts';
import { refundRoutes } from './routes/refunds.ts';
import { settingsRoutes } from './routes/settings.ts';
import { assistantRoutes } from './routes/assistant.ts';
import { faqRoutes } from './routes/faq.ts';
import { alternativeRoutes } from './routes/alternatives.ts';
import { reportRoutes } from './routes/reports.ts';
import { staffDeskRoutes } from './routes/staff-desk.ts';
import { opsRoutes } from './routes/ops.ts';
import { simulatorRoutes, type Simulators } from './routes/simulators.ts';
import { fulfilmentRoutes } from './routes/fulfilment.ts';
import { kuaidi100CallbackRoutes } from './routes/kuaidi100-callback.ts';
import { alipayNotifyRoutes } from './routes/alipay-notify.ts';
import { returnRoutes } from './routes/returns.ts';
import { reconciliationRoutes } from './routes/reconciliation.ts';
import { signInCodeRoutes } from './routes/sms/sign-in-code.ts';
import { smsSimRoutes } from './routes/sms/sim-sms.ts';
import { supplierCallbackRoutes } from './routes/suppliers/callback.ts';
import { supplierOrderRoutes } from './routes/suppliers/orders.ts';
import { supplierOperatorRoutes } from './routes/suppliers/operator.ts';
import { openApiRoutes } from './routes/distribution/open-api.ts';
import { distributionRoutes } from './routes/distribution/index.ts';
import { iotBusinessRoutes } from './routes/iot/business.ts';
import { iotStaffRoutes } from './routes/iot/staff.ts';
import { eligibilityRoutes } from './routes/suppliers/eligibility.ts';

export interface ServerOptions {
  /** Said on /readyz; demo when not given. */
  mode?: Mode;
  simulators?: Simulators;
  /** Extra routes (the web pages) registered after the API. */
  extra?: (app: FastifyInstance) => Promise<void>;
  /** Proxies whose X-Forwarded-For gives the client address (`req.ip`, which the per-address limits count); none by default. */
  trustProxy?: string[] | false;
}

const requestScopes = new WeakMap<object, AsyncResource>();

export async function buildServer(deps: Deps, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    // Per-request lines are off: errors and business events are logged where they happen.
    logController: new LogController({ disableRequestLogging: true }),
    // The request id reaches every line through the logger's mixin (request-context.ts): no child logger per request.
    childLoggerFactory: (logger) => logger,
    bodyLimit: 1024 * 1024,
    // X-Forwarded-For is believed only from these proxies: anyone else could write any address into it.
    trustProxy: opts.trustProxy || false,
    // Errors raised before routing (a bad URL, an over-long id) get the same error body as the rest.
    frameworkErrors: (err, _req, reply) => {
      void sendError(reply, err.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? fail('REQUEST.URI_TOO_LONG', 'A path parameter is too long.')
        : fail('REQUEST.INVALID', 'The request URL is not valid.'));
    },
    genReqId: (req) => (typeof req.headers['x-request-id'] === 'string' && req.headers['x-request-id'].length <= 64 ? req.headers['x-request-id'] : randomUUID()),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  // Responses are built by our own code from typed values; they are serialised, not validated again.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);

  // Keep the raw text: payment notifications are verified over the exact bytes that were signed.
  // JSON only: any other body type is refused with 415 instead of being half-understood.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    req.rawBody = text;
    if (text.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      const err = Object.assign(new Error('The body is not valid JSON.'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
      done(err, undefined);
    }
  });

  // Before any route, so that every route (the API docs too) gets its request series.
  registerMetrics(app, deps);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Haoka API', version: '1', description: 'Orders and after-sales for phone-number-card platforms: cancellation that is simple, fast and fair in every state. Money is integer fen; times are UTC epoch milliseconds.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // Hooks that do no I/O take the callback form: an async hook costs a promise and its turn on every request.
  // The request id is echoed, and kept in async context for the use cases (outbox rows, log lines). The body arrives
  // on the socket's own context, so the scope is entered again before validation (as @fastify/request-context does).
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    withRequestId(req.id, () => {
      const scope = new AsyncResource('haoka-request');
      requestScopes.set(req, scope);
      scope.runInAsyncScope(done, req.raw);
    });
  });
  app.addHook('preValidation', (req, _reply, done) => {
    const scope = requestScopes.get(req);
    if (scope) scope.runInAsyncScope(done, req.raw);
    else done();
  });
  app.addHook('onResponse', (req, reply, done) => {
    req.log.debug({ method: req.method, route: req.routeOptions.url ?? null, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request done');
    done();
  });
  app.decorateRequest('principal', null);
  app.decorate('limiter', new RateLimiter(deps.clock, {
    hit: (key, now, windowMs) => deps.store.platform.hitRateLimit(key, now, windowMs),
    giveBack: (key, windowStart) => deps.store.platform.giveBackRateLimit(key, windowStart),
    hashKey: (key) => deps.secrets.hash('rate-limit', key),
  }));
  app.decorateRequest('limitHits', null);
  app.decorateRequest('repeated', false);
  // A request that counted against a limit and then was no new attempt gets its hits back (RateLimiter.giveBack).
  app.addHook('onResponse', (req, reply, done) => {
    if (req.limitHits === null || (reply.statusCode < 500 && !req.repeated)) return done();
    app.limiter.giveBack(req.limitHits).then(() => done(), (e: Error) => {
      req.log.warn({ err: e }, 'a rate-limit hit could not be given back');
      done();
    });
  });
  app.addHook('onRequest', authenticate(deps));
  registerIdempotency(app, deps);

  await app.register(opsRoutes(deps, { simulatorRoutes: opts.simulators !== undefined, mode: opts.mode ?? 'demo' }));
  await app.register(catalogRoutes(deps));
  await app.register(authRoutes(deps));
  await app.register(orderRoutes(deps));
  await app.register(requestRoutes(deps));
  await app.register(paymentRoutes(deps));
  await app.register(refundRoutes(deps));
  await app.register(settingsRoutes(deps));
  await app.register(assistantRoutes(deps));
  await app.register(faqRoutes(deps));
  await app.register(alternativeRoutes(deps));
  await app.register(fulfilmentRoutes(deps));
  await app.register(kuaidi100CallbackRoutes(deps));
  await app.register(alipayNotifyRoutes(deps));
  await app.register(returnRoutes(deps));
  await app.register(reportRoutes(deps));
  await app.register(staffDeskRoutes(deps));
  await app.register(reconciliationRoutes(deps));
  await app.register(signInCodeRoutes(deps));
  await app.register(supplierCallbackRoutes(deps));
  await app.register(supplierOrderRoutes(deps));
  await app.register(supplierOperatorRoutes(deps));
  await app.register(openApiRoutes(deps));
  await app.register(distributionRoutes(deps));
  await app.register(iotBusinessRoutes(deps));
  await app.register(iotStaffRoutes(deps));
  await app.register(eligibilityRoutes(deps));
  // Production never mounts /sim, whatever it was handed: those pages pay, ship and read sign-in codes unasked.
  if (opts.simulators && opts.mode !== 'production') await app.register(simulatorRoutes(opts.simulators));
  if (opts.simulators?.sms && opts.mode !== 'production') await app.register(smsSimRoutes(opts.simulators.sms));
  if (opts.extra) await opts.extra(app);
  return app;
}
