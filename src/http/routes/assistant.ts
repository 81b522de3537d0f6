import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isError } from '../../domain/errors.ts';
import { REASON_CODES } from '../../domain/alternatives.ts';
import type { Deps } from '../../app/platform/deps.ts';
import { askAssistant, MAX_MESSAGE_CHARS } from '../../app/assistant/ask-assistant.ts';
import { listTickets, moveTicket, TICKET_STATUSES, type TicketStatus } from '../../app/desk/support-tickets.ts';
import { ACTION_TYPES } from '../../assistant/answers.ts';
import { INTENTS } from '../../assistant/model.ts';
import { requireRole, STAFF } from '../auth.ts';
import { sendError } from '../errors.ts';
import { LIMITS } from '../rate-limit.ts';
import { errorBody, errors, orderIdParams } from '../schemas.ts';
import { langParam } from './lang.ts';

const action = z.object({ type: z.enum(ACTION_TYPES), orderId: z.string(), label: z.string(), method: z.enum(['GET', 'POST']), href: z.string() });

const reply = z.object({
  conversationId: z.string().describe('send it back with the next message to keep one conversation'),
  lang: z.enum(['zh-CN', 'en']),
  intent: z.enum(INTENTS),
  confidence: z.number().describe('0-1; below the hand-over threshold the conversation goes to an agent'),
  answer: z.string(),
  actions: z.array(action).describe('steps the page offers; the assistant itself never changes the order'),
  handedOver: z.boolean(),
  ticketId: z.string().nullable(),
});

const ticket = z.object({
  id: z.string(), orderId: z.string(), customerId: z.string(), conversationId: z.string().nullable(), source: z.string(), status: z.enum(TICKET_STATUSES),
  intent: z.string().nullable(), summary: z.string(), assigneeId: z.string().nullable(), createdAt: z.number(), updatedAt: z.number(), closedAt: z.number().nullable(),
  messages: z.array(z.object({ role: z.enum(['customer', 'assistant']), text: z.string(), intent: z.string().nullable(), confidence: z.number().nullable(), at: z.number() })),
});

const TICKET_MOVES = { claim: 'claimed', release: 'open', close: 'closed' } as const satisfies Record<string, TicketStatus>;

export const assistantRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {

  app.post('/api/v1/orders/:id/assistant', {
    onRequest: requireRole('customer'),
    preHandler: app.limiter.guard(LIMITS.assistantMessagesPerCustomer),
    schema: {
      tags: ['assistant'], summary: 'Ask the cancellation assistant about this order (zh-CN or en); low confidence or an ask hands over to an agent',
      params: orderIdParams,
      body: z.object({
        // Longer than the limit passes the schema so that the use case can refuse it with its own code.
        message: z.string().max(64 * MAX_MESSAGE_CHARS).describe(`1-${MAX_MESSAGE_CHARS} characters`),
        lang: langParam,
        conversationId: z.string().min(1).max(64).optional(),
      }),
      response: { 200: reply, 413: errorBody, ...errors },
    },
  }, async (req, reply) => {
    const r = await askAssistant(deps, req.params.id, req.principal!, req.body);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.get('/api/v1/agent/tickets', {
    onRequest: requireRole(...STAFF),
    schema: {
      tags: ['assistant'], summary: 'The agents\' queue of hand-overs, oldest first, each with its conversation',
      querystring: z.object({
        status: z.string().regex(/^(open|claimed|closed)(,(open|claimed|closed))*$/, 'comma-separated: open, claimed, closed').default('open,claimed'),
        orderId: z.string().max(64).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
      response: { 200: z.object({ tickets: z.array(ticket) }), ...errors },
    },
  }, async (req) => {
    const status = [...new Set(req.query.status.split(','))] as TicketStatus[];
    return { tickets: await listTickets(deps, { status, limit: req.query.limit, ...(req.query.orderId ? { orderId: req.query.orderId } : {}) }) };
  });

  app.post('/api/v1/agent/tickets/:id/:move', {
    onRequest: requireRole(...STAFF),
    schema: {
      tags: ['assistant'], summary: 'Claim, release or close a ticket',
      params: z.object({ id: z.string().min(1).max(64), move: z.enum(['claim', 'release', 'close']) }),
      response: { 200: ticket, ...errors },
    },
  }, async (req, reply) => {
    const r = await moveTicket(deps, req.params.id, TICKET_MOVES[req.params.move], req.principal!.sub);
    return isError(r) ? sendError(reply, r) : r;
  });

  app.get('/api/v1/reports/cancellation-reasons', {
    onRequest: requireRole('operator', 'supervisor'),
    schema: {
      tags: ['assistant'], summary: 'Why customers cancel: classified reasons per code over a period (default the last 30 days)',
      querystring: z.object({ from: z.coerce.number().int().min(0).optional(), to: z.coerce.number().int().min(0).optional() }),
      response: {
        200: z.object({ from: z.number(), to: z.number(), total: z.number(), reasons: z.array(z.object({ code: z.string().describe(REASON_CODES.join(' | ')), count: z.number(), meanConfidence: z.number() })) }),
        ...errors,
      },
    },
  }, async (req) => {
    const to = req.query.to ?? deps.clock.now() + 1;
    const from = req.query.from ?? to - 30 * 86_400_000;
    const rows = await deps.store.assistant.reasonSummary(from, to);
    const byCode = new Map(rows.map((r) => [r.code, r]));
    const reasons = REASON_CODES.map((code) => byCode.get(code) ?? { code, count: 0, meanConfidence: 0 });
    return { from, to, total: reasons.reduce((n, r) => n + r.count, 0), reasons };
  });
};
