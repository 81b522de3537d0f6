// The cancellation assistant (7x24): a customer's message about one of their orders in, an answer grounded
// in that order out, with the steps the page offers. It never changes the order itself. When it is not
// sure, or the customer asks for a person, the conversation goes to the agents' queue as a ticket.
import { fail, type DomainError } from '../../domain/errors.ts';
import type { FaqLang } from '../../domain/faq.ts';
import { actionsFor, answer, type AssistantAction } from '../../assistant/answers.ts';
import { classifyIntent, round, type Intent } from '../../assistant/model.ts';
import { HANDOVER_BELOW } from '../../assistant/thresholds.ts';
import { isMeaningful, looksBinary, looksChinese, printable } from '../../assistant/tokenizer.ts';
import { loadOrderFacts } from './assistant-facts.ts';
import { loadVisibleOrder } from '../ordering/order-view.ts';
import { openTicket, type TicketSource } from '../desk/support-tickets.ts';
import { inTx, newId, type Deps } from '../platform/deps.ts';
import type { Principal } from '../platform/secrets.ts';

/** The brief's bound on one message; longer text is refused with a code, not cut silently. */
export const MAX_MESSAGE_CHARS = 2000;

export interface AskInput {
  message: string;
  lang?: FaqLang;
  conversationId?: string;
}

export interface AssistantReply {
  conversationId: string;
  lang: FaqLang;
  intent: Intent;
  confidence: number;
  answer: string;
  actions: AssistantAction[];
  handedOver: boolean;
  ticketId: string | null;
}

const UNREADABLE: Record<FaqLang, string> = {
  'zh-CN': '抱歉，我没能读懂这条消息。可以用文字告诉我您想问什么，比如“我的订单还能取消吗”“退款多久到账”；也可以转人工客服。',
  en: 'Sorry, I could not read that message. Tell me in words what you would like to know, for example "Can I still cancel?" or "When will I get my refund?", or ask for an agent.',
};

function handoverText(lang: FaqLang, source: TicketSource, ticketId: string, created: boolean): string {
  if (!created) {
    return lang === 'en'
      ? `Your conversation is already with our agents (ticket ${ticketId}); one of them will get back to you soon.`
      : `您的问题已经在人工客服队列中（工单 ${ticketId}），客服会尽快联系您。`;
  }
  if (source === 'assistant_unsure') {
    return lang === 'en'
      ? `Sorry, I am not sure I understood. I have passed our conversation to an agent (ticket ${ticketId}), who will get back to you soon. You can also try asking in other words.`
      : `抱歉，我不太确定您的意思，已把我们的对话转给人工客服（工单 ${ticketId}），客服会尽快联系您。您也可以换个说法再问我。`;
  }
  return lang === 'en'
    ? `I have passed our conversation to an agent (ticket ${ticketId}); they can see what we discussed and will get back to you soon.`
    : `好的，已为您转接人工客服（工单 ${ticketId}），客服能看到我们的对话，会尽快联系您。`;
}

export async function askAssistant(deps: Deps, orderId: string, who: Principal, input: AskInput): Promise<AssistantReply | DomainError> {
  const raw = input.message;
  if (raw.trim() === '') return fail('ASSISTANT.EMPTY_MESSAGE', 'Write a question first.');
  const chars = [...raw].length;
  if (chars > MAX_MESSAGE_CHARS) {
    return fail('ASSISTANT.MESSAGE_TOO_LONG', `Keep a message to ${MAX_MESSAGE_CHARS} characters.`, { maxChars: MAX_MESSAGE_CHARS, chars });
  }
  const found = await loadVisibleOrder(deps, orderId, who);
  if ('kind' in found) return found;
  const { order, plan } = found;
  const now = deps.clock.now();
  if (input.conversationId) {
    const c = await deps.store.assistant.getConversation(input.conversationId);
    if (!c || c.order_id !== order.id || c.customer_id !== who.sub) {
      return fail('ASSISTANT.CONVERSATION_NOT_FOUND', 'No such conversation on this order.', { conversationId: input.conversationId });
    }
  }
  const lang: FaqLang = input.lang ?? (looksChinese(raw) || !/[a-z]/i.test(raw) ? 'zh-CN' : 'en');
  const readable = !looksBinary(raw) && isMeaningful(raw);
  const prediction = readable ? classifyIntent(raw) : null;
  const intent: Intent = prediction?.label ?? 'other';
  const confidence = prediction ? round(prediction.confidence) : 0;
  const handover: TicketSource | null = !prediction ? null
    : intent === 'talk_to_agent' ? 'assistant_asked'
    : confidence < HANDOVER_BELOW ? 'assistant_unsure'
    : null;
  const grounded = prediction && !handover ? answer(intent, await loadOrderFacts(deps, order, plan), lang) : null;
  const stored = readable ? printable(raw) : '[unreadable]';

  return inTx(deps.store, async (r) => {
    let conversationId = input.conversationId;
    if (conversationId) await r.assistant.touchConversation(conversationId, lang, now);
    else {
      conversationId = newId('CV', now);
      await r.assistant.insertConversation({ id: conversationId, order_id: order.id, customer_id: who.sub, lang, created_at: now, updated_at: now });
    }
    let text: string;
    let actions: AssistantAction[];
    let ticketId: string | null = null;
    if (handover) {
      // The customer's message goes in first, so that the ticket's transcript ends with it.
      await r.assistant.insertMessages([{ conversation_id: conversationId, role: 'customer', text: stored, intent, confidence, at: now }]);
      const { ticket, created } = await openTicket(r, {
        orderId: order.id, customerId: order.customerId, conversationId, source: handover, intent, summary: stored,
      }, now);
      ticketId = ticket.id;
      text = handoverText(lang, handover, ticket.id, created);
      actions = [];
      await r.assistant.insertMessages([{ conversation_id: conversationId, role: 'assistant', text, intent: null, confidence: null, at: now }]);
    } else {
      const reply = grounded ?? { text: UNREADABLE[lang], actions: actionsFor(['open_faq', 'talk_to_agent'], order, lang) };
      text = reply.text;
      actions = reply.actions;
      await r.assistant.insertMessages([
        { conversation_id: conversationId, role: 'customer', text: stored, intent, confidence, at: now },
        { conversation_id: conversationId, role: 'assistant', text, intent: null, confidence: null, at: now },
      ]);
    }
    return { conversationId, lang, intent, confidence, answer: text, actions, handedOver: handover !== null, ticketId };
  });
}
