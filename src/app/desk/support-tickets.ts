// Support tickets: a customer handed over to an agent, with the conversation that led there. They wait in
// a queue that every staff role can read (GET /api/v1/agent/tickets), oldest first.
import { fail, type DomainError } from '../../domain/errors.ts';
import type { Repos } from '../../adapters/store/store.ts';
import type { TicketRow } from '../../adapters/store/assistant-repo.ts';
import { newId, type Deps } from '../platform/deps.ts';

export const TICKET_STATUSES = ['open', 'claimed', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export type TicketSource = 'assistant_asked' | 'assistant_unsure' | 'alternative_contact_agent';

const MOVES: Record<TicketStatus, readonly TicketStatus[]> = { open: ['claimed', 'closed'], claimed: ['closed', 'open'], closed: [] };

export interface TicketView {
  id: string;
  orderId: string;
  customerId: string;
  conversationId: string | null;
  source: string;
  status: TicketStatus;
  intent: string | null;
  summary: string;
  assigneeId: string | null;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  messages: { role: 'customer' | 'assistant'; text: string; intent: string | null; confidence: number | null; at: number }[];
}

/** Opens a ticket unless one is already open for the same conversation (or order and source); returns it. */
export async function openTicket(
  r: Repos,
  t: { orderId: string; customerId: string; conversationId: string | null; source: TicketSource; intent: string | null; summary: string },
  now: number,
): Promise<{ ticket: TicketRow; created: boolean }> {
  // Two hand-overs of one conversation at once must not open two tickets.
  await r.lockKey(`ticket:${t.conversationId ?? `${t.orderId}:${t.source}`}`);
  const existing = t.conversationId
    ? await r.assistant.openTicketFor({ conversationId: t.conversationId })
    : await r.assistant.openTicketFor({ orderId: t.orderId, source: t.source });
  if (existing) {
    await r.assistant.touchTicket(existing.id, now);
    return { ticket: existing, created: false };
  }
  const ticket: TicketRow = {
    id: newId('TK', now), order_id: t.orderId, customer_id: t.customerId, conversation_id: t.conversationId, source: t.source, status: 'open',
    intent: t.intent, summary: t.summary.slice(0, 200), assignee_id: null, created_at: now, updated_at: now, closed_at: null,
  };
  await r.assistant.insertTicket(ticket);
  return { ticket, created: true };
}

async function withMessages(deps: Deps, rows: TicketRow[]): Promise<TicketView[]> {
  const ids = rows.map((t) => t.conversation_id).filter((x): x is string => x !== null);
  const messages = await deps.store.assistant.listMessages(ids);
  return rows.map((t) => ({
    id: t.id, orderId: t.order_id, customerId: t.customer_id, conversationId: t.conversation_id, source: t.source, status: t.status as TicketStatus,
    intent: t.intent, summary: t.summary, assigneeId: t.assignee_id, createdAt: t.created_at, updatedAt: t.updated_at, closedAt: t.closed_at,
    messages: messages.filter((m) => m.conversation_id === t.conversation_id)
      .map((m) => ({ role: m.role as 'customer' | 'assistant', text: m.text, intent: m.intent, confidence: m.confidence === null ? null : Number(m.confidence), at: m.at })),
  }));
}

export async function listTickets(deps: Deps, q: { status: TicketStatus[]; limit: number; orderId?: string }): Promise<TicketView[]> {
  return withMessages(deps, await deps.store.assistant.listTickets(q.status, q.limit, q.orderId));
}

/** Claim, release or close a ticket; a move from a status it is not in is refused, not repeated. */
export async function moveTicket(deps: Deps, id: string, to: TicketStatus, agentId: string): Promise<TicketView | DomainError> {
  const now = deps.clock.now();
  const t = await deps.store.assistant.getTicket(id);
  if (!t) return fail('TICKET.NOT_FOUND', 'No such ticket.', { ticketId: id });
  const from = (Object.keys(MOVES) as TicketStatus[]).filter((s) => MOVES[s].includes(to));
  const patch = to === 'claimed' ? { assignee_id: agentId } : to === 'open' ? { assignee_id: null } : { closed_at: now };
  if (!(await deps.store.assistant.moveTicket(id, from, to, patch, now))) {
    return fail('TICKET.INVALID_TRANSITION', `A ${t.status} ticket cannot become ${to}.`, { status: t.status, to });
  }
  const [view] = await withMessages(deps, [(await deps.store.assistant.getTicket(id))!]);
  return view!;
}
