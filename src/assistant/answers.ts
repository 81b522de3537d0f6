// What the assistant says, from the customer's own order: its label (the same one the page shows), its
// deadlines and windows, its plan, its refunds. Pure: the caller loads the facts, this only reads them.
// The branches follow the label's action rather than the bare state, so that when the cancel policy
// changes (an express path, a new window) the answers change with the page instead of contradicting it.
import type { Order, PaymentChannel, Plan } from '../domain/order.ts';
import type { CancellationLabel } from '../domain/policies/cancel-label.ts';
import type { FaqLang } from '../domain/faq.ts';
import type { Intent } from './model.ts';
import type { Bi } from './answer-words.ts';
import { canCancel, howToCancel, cancelNow } from './answer-cancel.ts';
import { refundWhen, refundWhere } from './answer-refunds.ts';
import { changeAddress, switchPlan } from './answer-changes.ts';
import { penalty, returnHow, activationWindow, trial } from './answer-after-sales.ts';

export type Lang = FaqLang;

export const ACTION_TYPES = [
  'open_cancel_preview', 'open_alternatives', 'change_address', 'switch_plan', 'search_numbers', 'open_faq', 'talk_to_agent',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** A step the customer may take; the page opens it and its own confirmation, the assistant never acts. */
export interface AssistantAction {
  type: ActionType;
  orderId: string;
  label: string;
  method: 'GET' | 'POST';
  href: string;
}

export interface RefundFact {
  state: string;
  channel: PaymentChannel;
  amountFen: number;
  createdAt: number;
  succeededAt: number | null;
  express: boolean;
  etaEarliest: string | null;
  etaLatest: string | null;
}

export interface OrderFacts {
  order: Order;
  plan: Plan;
  /** The label and path the cancellation preview shows right now. */
  cancellation: CancellationLabel;
  oneStep: boolean;
  /** The penalty the preview names, when it names one. */
  penaltyFen: number | null;
  /** Other plans of the same carrier the order could switch to, with the price it would then have. */
  switchablePlans: { id: string; name: string; amountFen: number }[];
  refunds: RefundFact[];
  rules: { reviewSlaMs: number; expressRefundMaxFen: number };
  now: number;
}

export interface Answer {
  text: string;
  actions: AssistantAction[];
}

function action(type: ActionType, orderId: string, carrier: string, lang: Lang): AssistantAction {
  const o = encodeURIComponent(orderId);
  const defs: Record<ActionType, { method: 'GET' | 'POST'; href: string; label: Bi }> = {
    open_cancel_preview: { method: 'GET', href: `/api/v1/orders/${o}/cancellation`, label: { zh: '查看取消方式和后果', en: 'See how cancelling works and what it does' } },
    open_alternatives: { method: 'GET', href: `/api/v1/orders/${o}/alternatives`, label: { zh: '看看取消以外的办法', en: 'See options other than cancelling' } },
    change_address: { method: 'POST', href: `/api/v1/orders/${o}/address`, label: { zh: '修改收货地址', en: 'Change the delivery address' } },
    switch_plan: { method: 'POST', href: `/api/v1/orders/${o}/plan`, label: { zh: '换套餐（保留号码）', en: 'Switch plan (keep the number)' } },
    search_numbers: { method: 'GET', href: `/api/v1/numbers?carrier=${encodeURIComponent(carrier)}`, label: { zh: '重新选号', en: 'Pick another number' } },
    open_faq: { method: 'GET', href: `/api/v1/orders/${o}/faq`, label: { zh: '常见问题', en: 'Frequently asked questions' } },
    talk_to_agent: { method: 'POST', href: `/api/v1/orders/${o}/assistant`, label: { zh: '转人工客服', en: 'Talk to an agent' } },
  };
  const d = defs[type];
  return { type, orderId, label: lang === 'en' ? d.label.en : d.label.zh, method: d.method, href: d.href };
}

export function actionsFor(types: ActionType[], order: Pick<Order, 'id' | 'carrier'>, lang: Lang): AssistantAction[] {
  return types.map((t) => action(t, order.id, order.carrier, lang));
}

/** The answer to one intent about one order. `talk_to_agent` is handled by the hand-over, not here. */
export function answer(intent: Intent, f: OrderFacts, lang: Lang): Answer {
  const acts: ActionType[] = [];
  const say = (b: Bi) => (lang === 'en' ? b.en : b.zh);
  const text = say(compose(intent, f, lang, acts));
  const unique = [...new Set(acts)];
  return { text, actions: unique.map((t) => action(t, f.order.id, f.order.carrier, lang)) };
}

function compose(intent: Intent, f: OrderFacts, lang: Lang, acts: ActionType[]): Bi {
  switch (intent) {
    case 'can_cancel': return canCancel(f, lang, acts);
    case 'how_to_cancel': return howToCancel(f, lang, acts);
    case 'cancel_now': return cancelNow(f, lang, acts);
    case 'refund_when': return refundWhen(f, lang, acts);
    case 'refund_where': return refundWhere(f, acts);
    case 'penalty': return penalty(f, lang, acts);
    case 'change_address': return changeAddress(f, acts);
    case 'switch_plan': return switchPlan(f, acts);
    case 'return_how': return returnHow(f, lang, acts);
    case 'activation_window': return activationWindow(f, lang, acts);
    case 'trial': return trial(f, lang, acts);
    case 'talk_to_agent':
    case 'other':
      acts.push('open_faq', 'talk_to_agent');
      return {
        zh: '我可以回答这个订单的取消、退款、退货、改地址、换套餐、激活有效期和试用期等问题，比如“我的订单还能取消吗”“退款多久到账”。其他问题可以转人工客服。',
        en: 'I can answer questions about this order: cancelling, refunds, returns, changing the address or plan, the activation window and the trial, for example "Can I still cancel?" or "When will I get my refund?". For anything else, an agent can help.',
      };
  }
}
