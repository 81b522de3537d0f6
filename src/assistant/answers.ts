// What the assistant says, from the customer's own order: its label (the same one the page shows), its
// deadlines and windows, its plan, its refunds. Pure: the caller loads the facts, this only reads them.
// The branches follow the label's action rather than the bare state, so that when the cancel policy
// changes (an express path, a new window) the answers change with the page instead of contradicting it.
import type { Order, PaymentChannel, Plan } from '../domain/order.ts';
import type { CancellationLabel } from '../domain/policies/cancel-label.ts';
import { REFUND_WINDOWS, refundEta } from '../domain/policies/refund-eta.ts';
import type { FaqLang } from '../domain/faq.ts';
import type { Intent } from './model.ts';

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

interface Bi {
  zh: string;
  en: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Brief: refund within 3-7 working days of a passed inspection. */
const RETURN_REFUND_DAYS = '3-7';

const yuan = (fen: number) => (fen / 100).toFixed(2);

/** Times are shown in China time, where the customers are. */
export function chinaTime(t: number, lang: Lang): string {
  const d = new Date(t + 8 * HOUR);
  const p = (n: number) => String(n).padStart(2, '0');
  const [y, m, day, h, min] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()];
  return lang === 'en' ? `${y}-${p(m)}-${p(day)} ${p(h)}:${p(min)} (China time)` : `${y}年${m}月${day}日 ${p(h)}:${p(min)}`;
}

export function timeLeft(ms: number, lang: Lang): string {
  const en = lang === 'en';
  if (ms >= DAY) {
    const d = Math.floor(ms / DAY);
    const h = Math.floor((ms % DAY) / HOUR);
    return en ? `${d} day${d === 1 ? '' : 's'}${h ? ` ${h} h` : ''}` : `${d} 天${h ? ` ${h} 小时` : ''}`;
  }
  if (ms >= HOUR) {
    const h = Math.floor(ms / HOUR);
    const m = Math.floor((ms % HOUR) / 60_000);
    return en ? `${h} h ${m} min` : `${h} 小时 ${m} 分钟`;
  }
  const m = Math.max(1, Math.ceil(ms / 60_000));
  return en ? `${m} min` : `${m} 分钟`;
}

const CHANNEL: Record<PaymentChannel, Bi> = {
  alipay: { zh: '支付宝', en: 'Alipay' },
  wechat: { zh: '微信支付', en: 'WeChat Pay' },
  bank: { zh: '银行卡', en: 'your bank card' },
};

const REFUND_STATE: Record<string, Bi> = {
  pending: { zh: '退款已发起', en: 'the refund has been started' },
  processing: { zh: '退款处理中', en: 'the refund is being processed' },
  succeeded: { zh: '退款已到账', en: 'the refund has arrived' },
  failed: { zh: '退款失败，客服将重新发起', en: 'the refund failed; an agent will start it again' },
  closed: { zh: '退款未成功，客服将重新发起', en: 'the refund did not go through; an agent will start it again' },
};

const CLOSE_REASON: Record<string, Bi> = {
  customer_abandoned: { zh: '您主动取消', en: 'you cancelled it' },
  payment_timeout: { zh: '超时未支付，系统自动关闭', en: 'it was not paid in time and closed by itself' },
  customer_cancelled: { zh: '取消申请已完成', en: 'your cancellation request was completed' },
  intercepted: { zh: '包裹已拦截', en: 'the parcel was intercepted' },
  returned: { zh: '卡片已退回', en: 'the card was returned' },
  trial_unsubscribed: { zh: '试用期内已退订', en: 'you unsubscribed during the trial' },
};

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

const slaHours = (f: OrderFacts) => String(Math.round(f.rules.reviewSlaMs / HOUR));
const expressEligibleAmount = (f: OrderFacts) => f.rules.expressRefundMaxFen > 0 && f.order.amountFen <= f.rules.expressRefundMaxFen;
const isPaidOrder = (f: OrderFacts) => f.order.paidAt !== null;
const endedText = (f: OrderFacts, lang: Lang): Bi => {
  const why = CLOSE_REASON[f.order.closeReason ?? ''];
  const when = f.order.closedAt ? chinaTime(f.order.closedAt, lang) : null;
  if (f.order.state === 'account_closed') return { zh: '这个号码已经销户，订单已结束', en: 'This number has been closed and the order has ended' };
  return {
    zh: `这个订单已经取消${why ? `（${why.zh}${when ? `，${when}` : ''}）` : ''}`,
    en: `This order is already cancelled${why ? ` (${why.en}${when ? `, ${when}` : ''})` : ''}`,
  };
};

function windowLeft(f: OrderFacts): Bi | null {
  const until = f.cancellation.validUntil;
  if (until === null || until <= f.now) return null;
  return { zh: `截止 ${chinaTime(until, 'zh-CN')}，还剩 ${timeLeft(until - f.now, 'zh-CN')}`, en: `until ${chinaTime(until, 'en')}, ${timeLeft(until - f.now, 'en')} left` };
}

function canCancel(f: OrderFacts, lang: Lang, acts: ActionType[]): Bi {
  const c = f.cancellation;
  switch (c.action) {
    case 'cancel': {
      acts.push('open_cancel_preview', 'open_alternatives');
      const left = windowLeft(f);
      return {
        zh: `可以取消。订单还没有支付，可以在订单页一键取消，不收任何费用，号码 ${f.order.number} 会立即释放。${left ? `支付${left.zh}，超时未支付订单会自动关闭。` : ''}`,
        en: `Yes. The order is not paid yet, so you can cancel it in one step on the order page; nothing is charged and the number ${f.order.number} is released at once.${left ? ` Payment is open ${left.en}; after that the order closes by itself.` : ''}`,
      };
    }
    case 'apply_cancel': {
      acts.push('open_cancel_preview', 'open_alternatives');
      if (f.order.state === 'packing') {
        return {
          zh: `可以申请取消，需要审核。订单正在打包，客服会在 ${slaHours(f)} 小时内审核并通知仓库拦截发货；拦截成功后释放号码并原路退款，包裹如已出库则转为快递拦截或签收后退货。`,
          en: `You can apply to cancel; it needs a review. The order is being packed: an agent reviews it within ${slaHours(f)} hours and asks the warehouse to stop the parcel. If it is stopped, the number is released and the money refunded; if it already left, a courier interception or a return follows.`,
        };
      }
      const express = expressEligibleAmount(f);
      return {
        zh: `可以申请取消。订单已支付、还没发货：提交申请后由客服在 ${slaHours(f)} 小时内审核，通过后释放号码，¥${yuan(f.order.amountFen)} 原路退回。${express ? `订单金额不超过 ${yuan(f.rules.expressRefundMaxFen)} 元，符合低风险条件时可立即取消并极速退款，确认页会告诉您走哪种方式。` : ''}`,
        en: `Yes, you can apply to cancel. The order is paid and not shipped: an agent reviews the request within ${slaHours(f)} hours, then the number is released and ¥${yuan(f.order.amountFen)} goes back the way you paid.${express ? ` As the order is at most ¥${yuan(f.rules.expressRefundMaxFen)}, a low-risk order is cancelled and refunded at once; the confirmation page tells you which path yours takes.` : ''}`,
      };
    }
    case 'request_interception':
      acts.push('open_cancel_preview');
      return {
        zh: `可以，但需要审核。订单已经发货，可以申请快递拦截：拦截成功、卡片退回后退款；拦截不成功的，签收后 ${f.plan.activationWindowDays} 天内可以办理未激活退货。`,
        en: `Yes, with a review. The order has shipped, so you can ask for a courier interception: once the card is back, the money is refunded. If the interception fails, you can return the unactivated card within ${f.plan.activationWindowDays} days of delivery.`,
      };
    case 'return_unactivated': {
      acts.push('open_cancel_preview');
      const left = windowLeft(f);
      return {
        zh: `卡已签收、还没激活，可以申请未激活退货（需审核）：在激活有效期内${left ? `（${left.zh}）` : `（签收后 ${f.plan.activationWindowDays} 天内）`}寄回卡片，验卡通过后 ${RETURN_REFUND_DAYS} 个工作日内退款。`,
        en: `The card is delivered and not activated, so you can return it (with a review) inside the activation window${left ? ` (${left.en})` : ` (${f.plan.activationWindowDays} days from delivery)`}. Once the card passes inspection, the refund arrives within ${RETURN_REFUND_DAYS} working days.`,
      };
    }
    case 'unsubscribe_trial': {
      acts.push('open_cancel_preview');
      const left = windowLeft(f);
      return {
        zh: `可以。您还在 ${f.plan.trialDays} 天试用期内${left ? `（${left.zh}）` : ''}，可以免费退订，不收违约金。`,
        en: `Yes. You are still inside the ${f.plan.trialDays}-day trial${left ? ` (${left.en})` : ''}, so you can unsubscribe for free, with no penalty.`,
      };
    }
    case 'close_account':
      acts.push('open_cancel_preview', 'talk_to_agent');
      return {
        zh: `不能取消了：号卡已经激活，只能申请销户。${f.plan.contractMonths > 0 ? `您的套餐合约期 ${f.plan.contractMonths} 个月，未满需支付违约金，金额会在您确认销户前显示。` : '您的套餐没有合约期，销户不收违约金。'}`,
        en: `It can no longer be cancelled: the card is activated, so the only way is to close the account.${f.plan.contractMonths > 0 ? ` Your plan has a ${f.plan.contractMonths}-month contract; closing early costs a penalty, shown before you confirm.` : ' Your plan has no contract period, so closing it has no penalty.'}`,
      };
    case 'none':
      return notPossible(f, lang, acts);
    default:
      acts.push('open_cancel_preview');
      return { zh: f.cancellation.reason, en: `The order is marked "${f.cancellation.label.replace('_', ' ')}"; the cancellation page explains what you can do.` };
  }
}

function notPossible(f: OrderFacts, lang: Lang, acts: ActionType[]): Bi {
  switch (f.order.state) {
    case 'pending_payment':
      return {
        zh: '支付时间已过，订单正在自动关闭，不会扣款，也不需要您再操作。',
        en: 'The payment time is over; the order is closing by itself. Nothing is charged and you need not do anything.',
      };
    case 'delivered':
      acts.push('talk_to_agent');
      return {
        zh: `不能退了：已经超过签收后 ${f.plan.activationWindowDays} 天的激活有效期，无法办理未激活退货。如有特殊情况可以转人工客服。`,
        en: `It can no longer be returned: the ${f.plan.activationWindowDays}-day activation window after delivery is over. If something special happened, an agent can look at it.`,
      };
    case 'cancelled':
    case 'account_closed': {
      const e = endedText(f, lang);
      const r = refundSummary(f, lang);
      return { zh: `${e.zh}，不需要再取消。${r ? r.zh : ''}`, en: `${e.en}; there is nothing left to cancel.${r ? ` ${r.en}` : ''}` };
    }
    default:
      acts.push('talk_to_agent');
      return { zh: f.cancellation.reason, en: 'This order cannot be cancelled right now; an agent can explain why and what else is possible.' };
  }
}

function howToCancel(f: OrderFacts, lang: Lang, acts: ActionType[]): Bi {
  const c = f.cancellation;
  switch (c.action) {
    case 'cancel':
      acts.push('open_cancel_preview', 'open_alternatives');
      return {
        zh: '在订单页点“取消订单”，先看清取消的后果（不收费、号码立即释放），再确认“取消后订单信息将无法恢复”即可。点下面的按钮可以直接打开取消确认页。',
        en: 'On the order page tap "Cancel order", read what it does (nothing charged, the number released at once), then confirm that the order cannot be restored. The button below opens the confirmation page.',
      };
    case 'apply_cancel':
      acts.push('open_cancel_preview', 'open_alternatives');
      return {
        zh: `在订单页点“申请取消”，选择原因后提交。客服会在 ${slaHours(f)} 小时内审核${f.order.state === 'packing' ? '并通知仓库拦截发货' : ''}，结果通过短信和站内信通知您，通过后原路退款。`,
        en: `On the order page tap "Apply to cancel", choose a reason and submit. An agent reviews it within ${slaHours(f)} hours${f.order.state === 'packing' ? ' and asks the warehouse to stop the parcel' : ''}; you are told by SMS and in the app, and the money is refunded once it is approved.`,
      };
    case 'request_interception':
      acts.push('open_cancel_preview');
      return {
        zh: '在订单页点“申请快递拦截”并提交。客服审核后联系快递拦截，卡片退回仓库后退款；拦截失败的，签收后可以申请未激活退货。',
        en: 'On the order page tap "Request interception" and submit. After a review the courier is asked to stop the parcel; once the card is back at the warehouse, the money is refunded. If it cannot be stopped, you can return the card after delivery.',
      };
    case 'return_unactivated': {
      acts.push('open_cancel_preview');
      const left = windowLeft(f);
      return {
        zh: `在订单页点“申请退货”，然后把卡连同订单号和身份证复印件寄回，并填写退货快递单号。请在激活有效期内办理${left ? `（${left.zh}）` : ''}；验卡（卡面完好、PIN 区未刮开）通过后 ${RETURN_REFUND_DAYS} 个工作日内退款。`,
        en: `On the order page tap "Return card", send the card back with the order number and a copy of your ID, and enter the return tracking number. Do it inside the activation window${left ? ` (${left.en})` : ''}; after the card passes inspection (intact, PIN area not scratched) the refund arrives within ${RETURN_REFUND_DAYS} working days.`,
      };
    }
    case 'unsubscribe_trial':
      acts.push('open_cancel_preview');
      return {
        zh: '在订单页点“退订”，确认后运营商会关闭号码；试用期内退订不收违约金。',
        en: 'On the order page tap "Unsubscribe" and confirm; the carrier then closes the line. There is no penalty during the trial.',
      };
    case 'close_account':
      acts.push('open_cancel_preview', 'talk_to_agent');
      return {
        zh: '已激活的号卡只能销户：在订单页点“申请销户”，先查看违约金和号码的去向，确认后由客服与运营商办理。',
        en: 'An activated card can only be closed: on the order page tap "Close account", check the penalty and what happens to the number, then confirm; an agent completes it with the carrier.',
      };
    case 'none':
      return notPossible(f, lang, acts);
    default:
      acts.push('open_cancel_preview');
      return { zh: f.cancellation.reason, en: 'The cancellation page shows the way to cancel this order.' };
  }
}

function cancelNow(f: OrderFacts, lang: Lang, acts: ActionType[]): Bi {
  if (f.cancellation.action === 'none') return notPossible(f, lang, acts);
  // The assistant never cancels by itself: the customer confirms on the same page as everyone else.
  acts.push('open_cancel_preview');
  const keepable = f.order.state === 'pending_payment' || f.order.state === 'paid';
  if (keepable) acts.push('open_alternatives');
  const how = howToCancel(f, lang, []);
  return {
    zh: `我不能替您直接取消，取消需要您在确认页亲自确认。${how.zh}${keepable ? ' 如果是地址或套餐选错了，也可以不取消，直接修改。' : ''}`,
    en: `I cannot cancel for you: you confirm it yourself on the confirmation page. ${how.en}${keepable ? ' If the address or plan is wrong, you can also fix it instead of cancelling.' : ''}`,
  };
}

function refundSummary(f: OrderFacts, lang: Lang): Bi | null {
  const r = f.refunds[f.refunds.length - 1];
  if (!r) return null;
  const state = REFUND_STATE[r.state] ?? { zh: `退款状态：${r.state}`, en: `refund status: ${r.state}` };
  const ch = CHANNEL[r.channel];
  if (r.state === 'succeeded') {
    const when = chinaTime(r.succeededAt ?? r.createdAt, lang);
    return { zh: `¥${yuan(r.amountFen)} 已于 ${when} 退回${ch.zh}。`, en: `¥${yuan(r.amountFen)} was refunded to ${ch.en} on ${when}.` };
  }
  if (r.state === 'pending' || r.state === 'processing') {
    const eta = r.etaEarliest && r.etaLatest ? { e: r.etaEarliest, l: r.etaLatest } : etaOf(r.channel, r.createdAt, r.express);
    return {
      zh: `${state.zh}：¥${yuan(r.amountFen)} 退回${ch.zh}，预计 ${eta.e === eta.l ? eta.e : `${eta.e} 至 ${eta.l}`} 到账。`,
      en: `${cap(state.en)}: ¥${yuan(r.amountFen)} back to ${ch.en}, expected ${eta.e === eta.l ? `on ${eta.e}` : `between ${eta.e} and ${eta.l}`}.`,
    };
  }
  return { zh: `${state.zh}（¥${yuan(r.amountFen)}，${ch.zh}）。`, en: `${cap(state.en)} (¥${yuan(r.amountFen)}, ${ch.en}).` };
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function etaOf(channel: PaymentChannel, from: number, express: boolean): { e: string; l: string } {
  const eta = refundEta(channel, from, { express });
  return { e: eta.earliest, l: eta.latest };
}

function windowText(channel: PaymentChannel | null): Bi {
  if (channel) {
    const [a, b] = REFUND_WINDOWS[channel];
    return { zh: `退回${CHANNEL[channel].zh}一般 ${a}-${b} 个工作日到账`, en: `a refund to ${CHANNEL[channel].en} usually arrives within ${a}-${b} working days` };
  }
  return { zh: '支付宝、微信支付 1-3 个工作日，银行卡 3-5 个工作日到账', en: 'Alipay and WeChat Pay take 1-3 working days, a bank card 3-5' };
}

function refundWhen(f: OrderFacts, lang: Lang, acts: ActionType[]): Bi {
  const summary = refundSummary(f, lang);
  if (summary) {
    if (f.refunds[f.refunds.length - 1]!.state === 'failed' || f.refunds[f.refunds.length - 1]!.state === 'closed') acts.push('talk_to_agent');
    return { zh: `${summary.zh}工作日按中国大陆日历计算，节假日顺延。`, en: `${summary.en} Working days follow the mainland China calendar; public holidays do not count.` };
  }
  if (!isPaidOrder(f)) {
    return f.order.state === 'pending_payment'
      ? { zh: '这个订单还没有支付，没有扣过钱，取消也不需要退款。', en: 'This order is not paid, so nothing was charged and cancelling needs no refund.' }
      : { zh: '这个订单没有支付过，没有产生费用，所以没有退款。', en: 'This order was never paid, so there was no charge and there is no refund.' };
  }
  const w = windowText(f.order.paymentChannel);
  switch (f.order.state) {
    case 'paid':
    case 'packing':
    case 'shipped': {
      acts.push('open_cancel_preview');
      const ch = f.order.paymentChannel;
      const eta = ch ? etaOf(ch, f.now, false) : null;
      const express = f.order.state === 'paid' && expressEligibleAmount(f);
      const after = f.order.state === 'shipped' ? { zh: '卡片退回仓库后发起退款，', en: 'the refund starts once the card is back at the warehouse, and ' } : { zh: '取消审核通过后发起退款，', en: 'the refund starts once the cancellation is approved, and ' };
      return {
        zh: `目前还没有退款。${after.zh}${w.zh}${eta ? `（如果今天发起，预计 ${eta.e} 至 ${eta.l}）` : ''}。${express ? '符合极速退款条件的小额订单即时到账。' : ''}`,
        en: `There is no refund yet. If you cancel, ${after.en}${w.en}${eta ? ` (started today: between ${eta.e} and ${eta.l})` : ''}.${express ? ' Small orders that qualify for an express refund get it at once.' : ''}`,
      };
    }
    case 'delivered':
      acts.push('open_cancel_preview');
      return {
        zh: `目前还没有退款。未激活退货的卡寄回并验卡通过后，${RETURN_REFUND_DAYS} 个工作日内退款到账（${w.zh}）。`,
        en: `There is no refund yet. For a returned unactivated card, the refund arrives within ${RETURN_REFUND_DAYS} working days of passing inspection (${w.en}).`,
      };
    case 'activated':
      acts.push('open_cancel_preview');
      return f.cancellation.action === 'unsubscribe_trial'
        ? { zh: `试用期内退订后按退订页显示的金额原路退款，${w.zh}。`, en: `If you unsubscribe during the trial, the amount shown on the unsubscription page is refunded the way you paid; ${w.en}.` }
        : { zh: '号卡已激活，已激活的订单不退款；销户只结束套餐，合约期未满还需支付违约金。', en: 'The card is activated, and activated orders are not refunded; closing the account ends the plan and may cost a penalty if the contract is not over.' };
    default:
      return { zh: `订单已结束，目前没有退款记录；${w.zh}。如有疑问可以转人工客服。`, en: `The order has ended and there is no refund on record; ${w.en}. An agent can check if something looks wrong.` };
  }
}

function refundWhere(f: OrderFacts, acts: ActionType[]): Bi {
  const last = f.refunds[f.refunds.length - 1];
  const ch = last?.channel ?? f.order.paymentChannel;
  if (!ch) {
    return { zh: '这个订单没有支付过，不涉及退款。', en: 'This order was never paid, so there is nothing to refund.' };
  }
  if (last) acts.push('open_faq');
  return {
    zh: `退款原路返回：退回您付款时用的${CHANNEL[ch].zh}${ch === 'bank' ? '（付款的那张卡）' : '账户'}，不能改退到其他账户。`,
    en: `Refunds go back the way you paid: to the ${CHANNEL[ch].en}${ch === 'bank' ? ' you paid with' : ' account you paid with'}; they cannot be sent to another account.`,
  };
}

function penalty(f: OrderFacts, lang: Lang, acts: ActionType[]): Bi {
  const c = f.cancellation;
  if (f.penaltyFen !== null && f.penaltyFen > 0) {
    acts.push('open_cancel_preview');
    return { zh: `按确认页的计算，现在办理需支付违约金 ¥${yuan(f.penaltyFen)}，确认前不会收取。`, en: `The confirmation page works out a penalty of ¥${yuan(f.penaltyFen)} if you go ahead now; nothing is charged before you confirm.` };
  }
  switch (c.action) {
    case 'cancel':
      acts.push('open_cancel_preview');
      return {
        zh: '不收任何费用：订单还没支付，取消是免费的，也没有违约金。',
        en: 'Nothing at all: the order is not paid, so cancelling is free and there is no penalty.',
      };
    case 'apply_cancel':
    case 'request_interception':
    case 'return_unactivated':
      acts.push('open_cancel_preview');
      return {
        zh: '现在取消没有违约金，违约金只在激活后提前销户时才有。退款金额和可能的费用会在确认页先显示，确认后才办理。',
        en: 'Cancelling now has no penalty; a penalty applies only when an activated line is closed early. The refund amount and any fee are shown on the confirmation page before anything happens.',
      };
    case 'unsubscribe_trial': {
      acts.push('open_cancel_preview');
      const left = windowLeft(f);
      return { zh: `试用期内退订不收违约金${left ? `（${left.zh}）` : ''}。`, en: `Unsubscribing during the trial has no penalty${left ? ` (${left.en})` : ''}.` };
    }
    case 'close_account':
      acts.push('open_cancel_preview');
      return f.plan.contractMonths > 0
        ? {
          zh: `您的套餐合约期 ${f.plan.contractMonths} 个月，合约期未满销户需要支付违约金，按剩余月数计算；申请销户时会先显示具体金额，您确认后才收取。`,
          en: `Your plan has a ${f.plan.contractMonths}-month contract; closing before it ends costs a penalty based on the months left. The exact amount is shown when you apply, and nothing is charged until you confirm.`,
        }
        : { zh: '您的套餐没有合约期，销户不收违约金。', en: 'Your plan has no contract period, so closing it has no penalty.' };
    default:
      if (f.order.state === 'cancelled' || f.order.state === 'account_closed') {
        const e = endedText(f, lang);
        return { zh: `${e.zh}，不会再产生任何费用。`, en: `${e.en}; nothing more will be charged.` };
      }
      return { zh: '现在不会产生费用。', en: 'Nothing is charged now.' };
  }
}

function changeAddress(f: OrderFacts, acts: ActionType[]): Bi {
  const a = f.order.address;
  switch (f.order.state) {
    case 'pending_payment':
    case 'paid':
      acts.push('change_address');
      return {
        zh: `可以改，不用取消订单：订单还没发货，在订单页修改收货地址即可。当前地址是 ${a.province}${a.city}${a.district}${a.detail}。`,
        en: `Yes, no need to cancel: the order has not shipped, so change the delivery address on the order page. It is now ${a.detail}, ${a.district}, ${a.city}, ${a.province}.`,
      };
    case 'packing':
      acts.push('talk_to_agent');
      return {
        zh: '订单已经在打包，不能在线修改地址了；我可以帮您转人工客服，请仓库看看还能不能改。',
        en: 'The order is already being packed, so the address can no longer be changed online; an agent can ask the warehouse whether it is still possible.',
      };
    case 'shipped':
      acts.push('talk_to_agent');
      return {
        zh: '订单已经发货，收货地址不能再改了。可以联系快递改派，或转人工客服帮您处理。',
        en: 'The order has shipped, so the address can no longer be changed. You can ask the courier to redirect it, or an agent can help.',
      };
    case 'delivered':
    case 'activated':
      return { zh: '卡已经签收了，不涉及修改收货地址。', en: 'The card has been delivered, so there is no delivery address left to change.' };
    default:
      return { zh: '这个订单已经结束，不能再修改地址。', en: 'This order has ended; its address can no longer be changed.' };
  }
}

function switchPlan(f: OrderFacts, acts: ActionType[]): Bi {
  switch (f.order.state) {
    case 'pending_payment': {
      if (f.cancellation.action === 'none') return { zh: '支付时间已过，订单正在关闭，不能再换套餐了；可以重新下单。', en: 'The payment time is over and the order is closing, so the plan can no longer be switched; you can order again.' };
      if (f.switchablePlans.length === 0) {
        acts.push('search_numbers');
        return { zh: '这个运营商暂时没有其他可换的套餐。', en: 'This carrier has no other plan to switch to right now.' };
      }
      acts.push('switch_plan');
      const list = (lang: Lang) => f.switchablePlans.map((p) => `${p.name}（¥${yuan(p.amountFen)}）`).join(lang === 'en' ? ', ' : '、');
      return {
        zh: `可以换，号码 ${f.order.number} 保留：支付前可以换成同一运营商的其他套餐，订单按新套餐重新计价。可选：${list('zh-CN')}。`,
        en: `Yes, keeping the number ${f.order.number}: before paying you can switch to another plan of the same carrier, and the order is re-priced. Options: ${list('en').replaceAll('（', ' (').replaceAll('）', ')')}.`,
      };
    }
    case 'paid':
    case 'packing':
      acts.push('talk_to_agent', 'open_cancel_preview');
      return {
        zh: '订单已经支付，不能在线换套餐了。可以转人工客服看看能否在发货前更换，或者申请取消后重新下单。',
        en: 'The order is paid, so the plan can no longer be switched online. An agent can check whether it can still be changed before shipping, or you can apply to cancel and order again.',
      };
    case 'shipped':
    case 'delivered':
    case 'activated':
      acts.push('talk_to_agent');
      return {
        zh: '卡已经发出，订单里的套餐不能再改了；激活后可以通过运营商办理套餐变更，合约期内变更可能受限。',
        en: 'The card has been sent, so the plan on this order can no longer change; after activation the carrier can change the plan, which may be limited during a contract.',
      };
    default:
      acts.push('search_numbers');
      return { zh: '这个订单已经结束，可以重新选号、选套餐下单。', en: 'This order has ended; you can pick a number and plan and order again.' };
  }
}

function returnHow(f: OrderFacts, lang: Lang, acts: ActionType[]): Bi {
  switch (f.order.state) {
    case 'delivered':
      return f.cancellation.action === 'return_unactivated' ? howToCancel(f, lang, acts) : notPossible(f, lang, acts);
    case 'shipped':
      acts.push('open_cancel_preview');
      return {
        zh: `卡还在路上，不用等签收：可以先申请快递拦截；拦截不成功的，签收后 ${f.plan.activationWindowDays} 天内再办理未激活退货。`,
        en: `The card is on its way; you need not wait for it: ask for a courier interception first. If that fails, return the unactivated card within ${f.plan.activationWindowDays} days of delivery.`,
      };
    case 'pending_payment':
    case 'paid':
    case 'packing': {
      const how = howToCancel(f, lang, acts);
      return { zh: `卡还没寄出，不需要退货。${how.zh}`, en: `The card has not been sent, so there is nothing to return. ${how.en}` };
    }
    case 'activated': {
      acts.push('open_cancel_preview');
      const trialNow = f.cancellation.action === 'unsubscribe_trial';
      return {
        zh: `已激活的卡不能退货。${trialNow ? '您还在试用期内，可以免费退订。' : '可以申请销户，合约期未满需支付违约金。'}`,
        en: `An activated card cannot be returned. ${trialNow ? 'You are inside the trial, so you can unsubscribe for free.' : 'You can close the account; a penalty applies if the contract is not over.'}`,
      };
    }
    default: {
      const e = endedText(f, lang);
      return { zh: `${e.zh}，不需要退货。`, en: `${e.en}; there is nothing to return.` };
    }
  }
}

function activationWindow(f: OrderFacts, lang: Lang, acts: ActionType[]): Bi {
  const days = f.plan.activationWindowDays;
  switch (f.order.state) {
    case 'delivered': {
      acts.push('open_cancel_preview');
      const left = windowLeft(f);
      if (f.cancellation.action === 'none') return notPossible(f, lang, acts);
      return {
        zh: `您的套餐激活有效期是签收后 ${days} 天${left ? `，${left.zh}` : ''}。有效期内没激活的卡可以申请退货，过期后就不能退了。`,
        en: `Your plan's activation window is ${days} days from delivery${left ? `: ${left.en}` : ''}. Inside it an unactivated card can be returned; after it, it cannot.`,
      };
    }
    case 'pending_payment':
    case 'paid':
    case 'packing':
    case 'shipped':
      return {
        zh: `您的套餐激活有效期是签收后 ${days} 天，从签收那天开始算。卡到了请在这个期限内激活；有效期内没激活也可以申请退货。`,
        en: `Your plan's activation window is ${days} days, counted from delivery. Please activate the card within it; an unactivated card can also be returned inside it.`,
      };
    case 'activated':
      return { zh: '卡已经激活了，激活有效期已经不再适用。', en: 'The card is already activated, so the activation window no longer applies.' };
    default: {
      const e = endedText(f, lang);
      return { zh: `${e.zh}，激活有效期不再适用。`, en: `${e.en}; the activation window no longer applies.` };
    }
  }
}

function trial(f: OrderFacts, lang: Lang, acts: ActionType[]): Bi {
  const days = f.plan.trialDays;
  if (days <= 0) {
    return {
      zh: `您的套餐（${f.plan.name}）没有试用期。${f.order.state === 'activated' ? '激活后只能申请销户。' : ''}`,
      en: `Your plan (${f.plan.name}) has no trial.${f.order.state === 'activated' ? ' Once activated, the only way out is closing the account.' : ''}`,
    };
  }
  if (f.order.state === 'activated') {
    acts.push('open_cancel_preview');
    if (f.cancellation.action === 'unsubscribe_trial') {
      const left = windowLeft(f);
      return {
        zh: `您的套餐有 ${days} 天试用期，您现在还在试用期内${left ? `（${left.zh}）` : ''}，可以免费退订，不收违约金。`,
        en: `Your plan has a ${days}-day trial and you are still inside it${left ? ` (${left.en})` : ''}: you can unsubscribe for free, with no penalty.`,
      };
    }
    return {
      zh: `您的套餐有 ${days} 天试用期（从激活起算），按订单目前的状态已经不在试用期内，只能申请销户。`,
      en: `Your plan has a ${days}-day trial from activation; by the order's current state you are no longer inside it, so the way out is closing the account.`,
    };
  }
  if (f.order.state === 'cancelled' || f.order.state === 'account_closed') {
    const e = endedText(f, lang);
    return { zh: `${e.zh}，试用期不再适用。`, en: `${e.en}; the trial no longer applies.` };
  }
  return {
    zh: `您的套餐有 ${days} 天试用期，从激活那天开始算；试用期内不满意可以免费退订，不收违约金。`,
    en: `Your plan has a ${days}-day trial, counted from activation; if you are not happy within it, you can unsubscribe for free, with no penalty.`,
  };
}
