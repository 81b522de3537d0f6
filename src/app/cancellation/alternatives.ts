// Alternatives offered before a cancel: each offer shown is recorded, and so is the customer's answer.
import { availableAlternatives, orderByFit, type AlternativeKind, type ReasonCode } from '../../domain/alternatives.ts';
import { fail, type DomainError } from '../../domain/errors.ts';
import type { FaqLang } from '../../domain/faq.ts';
import type { Order } from '../../domain/order.ts';
import { classifyReason } from '../../assistant/index.ts';
import type { OfferRow } from '../../adapters/store/assistant-repo.ts';
import { switchablePlans } from '../assistant/assistant-facts.ts';
import { loadVisibleOrder } from '../ordering/order-view.ts';
import { openTicket } from '../desk/support-tickets.ts';
import { inTx, newId, type Deps } from '../platform/deps.ts';
import type { Principal } from '../platform/secrets.ts';

export interface NextStep {
  method: 'GET' | 'POST';
  href: string;
}

export interface AlternativeView {
  offerId: string;
  kind: AlternativeKind;
  /** Whether this offer answers the reason the customer gave. */
  fits: boolean;
  status: string;
  title: string;
  description: string;
  next: NextStep;
  plans?: { id: string; name: string; amountFen: number }[];
}

export interface AlternativesView {
  orderId: string;
  state: Order['state'];
  reason: { code: ReasonCode; confidence: number } | null;
  alternatives: AlternativeView[];
  /** Declining is always possible: this is where the cancellation goes on. */
  cancel: NextStep;
}

const TEXT: Record<AlternativeKind, { zh: [string, string]; en: [string, string] }> = {
  change_address: {
    zh: ['修改收货地址', '订单还没发货，改个地址就能继续，不用取消。'],
    en: ['Change the delivery address', 'The order has not shipped: change the address and keep it, no need to cancel.'],
  },
  switch_plan: {
    zh: ['换个套餐，号码不变', '换成同一运营商的其他套餐，号码保留，按新套餐重新计价。'],
    en: ['Switch plan, keep the number', 'Move to another plan of the same carrier; the number stays and the order is re-priced.'],
  },
  choose_number: {
    zh: ['重新选个号码', '不喜欢这个号码可以重新选号，选好后再下单。'],
    en: ['Pick another number', 'Not happy with the number? Search for another one and order it.'],
  },
  contact_agent: {
    zh: ['保留订单，联系客服', '先不取消，让客服联系您，看看问题能不能解决。'],
    en: ['Keep the order and talk to an agent', 'Keep the order for now; an agent gets in touch to see what can be done.'],
  },
};

function nextStep(kind: AlternativeKind, order: Order, offerId: string): NextStep {
  const o = encodeURIComponent(order.id);
  switch (kind) {
    case 'change_address': return { method: 'POST', href: `/api/v1/orders/${o}/address` };
    case 'switch_plan': return { method: 'POST', href: `/api/v1/orders/${o}/plan` };
    case 'choose_number': return { method: 'GET', href: `/api/v1/numbers?carrier=${order.carrier}` };
    case 'contact_agent': return { method: 'POST', href: `/api/v1/orders/${o}/alternatives/${encodeURIComponent(offerId)}` };
  }
}

const cancelStep = (order: Order): NextStep => ({ method: 'GET', href: `/api/v1/orders/${encodeURIComponent(order.id)}/cancellation` });

/** The alternatives possible now, best fit first; each is recorded as offered (an open offer is reused). */
export async function offerAlternatives(deps: Deps, orderId: string, who: Principal, q: { reason?: string; lang: FaqLang }): Promise<AlternativesView | DomainError> {
  const found = await loadVisibleOrder(deps, orderId, who);
  if ('kind' in found) return found;
  const { order, plan } = found;
  const now = deps.clock.now();
  const plans = await switchablePlans(deps, order, plan);
  const reason = q.reason && q.reason.trim() ? classifyReason(q.reason) : null;
  const kinds = orderByFit(availableAlternatives(order, now, plans.length), reason?.code ?? null);
  const offers = await deps.store.tx(async (r) => {
    await r.lockKey(`offers:${order.id}`);
    const open = await r.assistant.listOffers(order.id, ['offered']);
    const fresh: OfferRow[] = [];
    const byKind = new Map<string, OfferRow>();
    for (const o of open) if (!byKind.has(o.kind)) byKind.set(o.kind, o);
    for (const { kind } of kinds) {
      if (byKind.has(kind)) continue;
      const row: OfferRow = { id: newId('AO', now), order_id: order.id, kind, reason_code: reason?.code ?? null, status: 'offered', offered_at: now, answered_at: null, answered_by: null };
      fresh.push(row);
      byKind.set(kind, row);
    }
    await r.assistant.insertOffers(fresh);
    if (reason) await r.assistant.setOfferReason([...byKind.values()].map((o) => o.id), reason.code);
    return byKind;
  });
  const en = q.lang === 'en';
  return {
    orderId: order.id,
    state: order.state,
    reason,
    alternatives: kinds.map(({ kind, fits }) => {
      const o = offers.get(kind)!;
      const [title, description] = en ? TEXT[kind].en : TEXT[kind].zh;
      return { offerId: o.id, kind, fits, status: o.status, title, description, next: nextStep(kind, order, o.id), ...(kind === 'switch_plan' ? { plans } : {}) };
    }),
    cancel: cancelStep(order),
  };
}

export interface OfferAnswer {
  offerId: string;
  kind: AlternativeKind;
  status: 'accepted' | 'declined';
  next: NextStep;
  ticketId: string | null;
}

/** The customer's answer to one offer. Accepting "contact an agent" puts a ticket in the agents' queue. */
export async function answerOffer(deps: Deps, orderId: string, offerId: string, who: Principal, answer: 'accepted' | 'declined'): Promise<OfferAnswer | DomainError> {
  const found = await loadVisibleOrder(deps, orderId, who);
  if ('kind' in found) return found;
  const { order } = found;
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    await r.lockKey(`offers:${order.id}`);
    const offer = (await r.assistant.listOffers(order.id)).find((o) => o.id === offerId);
    if (!offer) return fail('ALTERNATIVE.NOT_FOUND', 'No such offer on this order.', { offerId });
    const kind = offer.kind as AlternativeKind;
    if (offer.status !== 'offered' && offer.status !== answer) {
      return fail('ALTERNATIVE.ALREADY_ANSWERED', `This offer was already ${offer.status}.`, { status: offer.status });
    }
    if (offer.status === 'offered') await r.assistant.answerOffers(order.id, { ids: [offer.id] }, answer, who.sub, now);
    let ticketId: string | null = null;
    if (answer === 'accepted' && kind === 'contact_agent') {
      const { ticket } = await openTicket(r, {
        orderId: order.id, customerId: order.customerId, conversationId: null, source: 'alternative_contact_agent', intent: null,
        summary: offer.reason_code ? `客户选择保留订单并联系客服（取消原因：${offer.reason_code}）` : '客户选择保留订单并联系客服',
      }, now);
      ticketId = ticket.id;
    }
    const next = answer === 'declined' ? cancelStep(order) : kind === 'contact_agent' ? { method: 'GET' as const, href: `/api/v1/orders/${encodeURIComponent(order.id)}` } : nextStep(kind, order, offer.id);
    return { offerId: offer.id, kind, status: answer, next, ticketId };
  });
}

/** "No thanks, cancel": every open offer on the order is declined, and the way to the cancel is returned. */
export async function declineAll(deps: Deps, orderId: string, who: Principal): Promise<{ declined: number; next: NextStep } | DomainError> {
  const found = await loadVisibleOrder(deps, orderId, who);
  if ('kind' in found) return found;
  const declined = await deps.store.assistant.answerOffers(found.order.id, {}, 'declined', who.sub, deps.clock.now());
  return { declined, next: cancelStep(found.order) };
}
