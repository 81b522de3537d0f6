import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fail, isError } from '../../domain/errors.ts';
import { ORDER_STATES } from '../../domain/order.ts';
import type { Deps } from '../../app/platform/deps.ts';
import { editFaq, faqTemplates, resetFaq, stateFaq } from '../../app/assistant/faq.ts';
import { loadVisibleOrder } from '../../app/ordering/order-view.ts';
import { requireRole, STAFF } from '../auth.ts';
import { sendError } from '../errors.ts';
import { errors, orderIdParams } from '../schemas.ts';
import { langOf, langParam } from './lang.ts';

const shown = z.object({ id: z.string(), question: z.string(), answer: z.string(), edited: z.boolean() });
const faqBody = z.object({ state: z.enum(ORDER_STATES), lang: z.enum(['zh-CN', 'en']), entries: z.array(shown) });
const bilingual = z.object({ zh: z.string(), en: z.string() });
const template = z.object({ id: z.string(), states: z.array(z.enum(ORDER_STATES)), question: bilingual, answer: bilingual, edited: z.boolean(), hidden: z.boolean() });
const text = z.string().trim().min(1).max(2000);

export const faqRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.get('/api/v1/faq', {
    schema: {
      tags: ['faq'], summary: 'Questions and answers for an order state, filled from the rules in force',
      querystring: z.object({ state: z.enum(ORDER_STATES), lang: langParam, planId: z.string().max(64).optional() }),
      response: { 200: faqBody, ...errors },
    },
  }, async (req, reply) => {
    const plan = req.query.planId ? await deps.store.orders.getPlan(req.query.planId) : undefined;
    if (req.query.planId && !plan) return sendError(reply, fail('PLAN.NOT_FOUND', 'No such plan.', { planId: req.query.planId }));
    const lang = langOf(req, req.query.lang);
    return { state: req.query.state, lang, entries: await stateFaq(deps, req.query.state, lang, plan) };
  });

  app.get('/api/v1/orders/:id/faq', {
    onRequest: requireRole('customer', ...STAFF),
    schema: {
      tags: ['faq'], summary: 'The FAQ for this order\'s state and plan',
      params: orderIdParams, querystring: z.object({ lang: langParam }),
      response: { 200: faqBody, ...errors },
    },
  }, async (req, reply) => {
    const found = await loadVisibleOrder(deps, req.params.id, req.principal!);
    if (isError(found)) return sendError(reply, found);
    const lang = langOf(req, req.query.lang);
    return { state: found.order.state, lang, entries: await stateFaq(deps, found.order.state, lang, found.plan) };
  });

  app.get('/api/v1/faq/templates', {
    onRequest: requireRole(...STAFF),
    schema: {
      tags: ['faq'], summary: 'Every FAQ entry with its placeholders, as operators edit it',
      response: { 200: z.object({ placeholders: z.array(z.string()), entries: z.array(template) }), ...errors },
    },
  }, async () => faqTemplates(deps));

  app.put('/api/v1/faq/:id', {
    onRequest: requireRole('operator'),
    schema: {
      tags: ['faq'], summary: 'Edit an FAQ entry (operators); fields left out keep their text; {placeholders} are checked',
      params: z.object({ id: z.string().min(1).max(64) }),
      body: z.strictObject({
        question: z.strictObject({ zh: text.optional(), en: text.optional() }).optional(),
        answer: z.strictObject({ zh: text.optional(), en: text.optional() }).optional(),
        hidden: z.boolean().optional(),
      }),
      response: { 200: template, ...errors },
    },
  }, async (req, reply) => {
    const r = await editFaq(deps, req.params.id, req.body, req.principal!.sub);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.delete('/api/v1/faq/:id', {
    onRequest: requireRole('operator'),
    schema: { tags: ['faq'], summary: 'Drop an operator\'s edit; the shipped text shows again', params: z.object({ id: z.string().min(1).max(64) }), response: { 200: template, ...errors } },
  }, async (req, reply) => {
    const r = await resetFaq(deps, req.params.id);
    return isError(r) ? sendError(reply, r) : r;
  });
};
