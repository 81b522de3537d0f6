// The FAQ shown on each order page, per order state, in Chinese and English. Answers that depend on
// rules (payment countdown, review SLA, express-refund limit, activation window, trial) carry
// placeholders filled from the live settings and plans, so an operator's change shows at once.
import type { OrderState } from './order.ts';

export const FAQ_LANGS = ['zh-CN', 'en'] as const;
export type FaqLang = (typeof FAQ_LANGS)[number];

export interface Bilingual {
  zh: string;
  en: string;
}

export interface FaqEntry {
  id: string;
  states: readonly OrderState[];
  question: Bilingual;
  answer: Bilingual;
}

/** Values the answers may name; each is already a display string ("30", "7-30"). */
export interface FaqFacts {
  paymentTimeoutMinutes: string;
  reviewSlaHours: string;
  maxReviewHours: string;
  expressRefundMaxYuan: string;
  activationWindowDays: string;
  trialDays: string;
  walletRefundDays: string;
  bankRefundDays: string;
  returnRefundDays: string;
}

export const FAQ_PLACEHOLDERS: readonly (keyof FaqFacts)[] = [
  'paymentTimeoutMinutes', 'reviewSlaHours', 'maxReviewHours', 'expressRefundMaxYuan', 'activationWindowDays', 'trialDays',
  'walletRefundDays', 'bankRefundDays', 'returnRefundDays',
];

const PAID_ON: OrderState[] = ['paid', 'packing', 'shipped', 'delivered', 'activated', 'cancelled'];

export const DEFAULT_FAQ: readonly FaqEntry[] = [
  {
    id: 'unpaid-cancel',
    states: ['pending_payment'],
    question: { zh: '还没付款的订单能取消吗？', en: 'Can I cancel an order I have not paid for?' },
    answer: {
      zh: '可以。支付前在订单页点“取消订单”，确认“取消后订单信息将无法恢复”即可，不收任何费用，号码立即释放。',
      en: 'Yes. Before paying, tap "Cancel order" on the order page and confirm that the order cannot be restored. Nothing is charged and the number is released at once.',
    },
  },
  {
    id: 'unpaid-deadline',
    states: ['pending_payment'],
    question: { zh: '付款有时间限制吗？', en: 'Is there a time limit for paying?' },
    answer: {
      zh: '下单后请在 {paymentTimeoutMinutes} 分钟内完成支付，到期前会提醒您；超时订单自动关闭，记为“超时未支付”，号码释放。',
      en: 'Please pay within {paymentTimeoutMinutes} minutes of ordering; we remind you before the deadline. An unpaid order then closes by itself (recorded as a payment timeout) and the number is released.',
    },
  },
  {
    id: 'unpaid-fix-details',
    states: ['pending_payment'],
    question: { zh: '地址或套餐选错了，一定要取消吗？', en: 'I picked the wrong address or plan. Do I have to cancel?' },
    answer: {
      zh: '不用。支付前可以在订单页修改收货地址，或换成同一运营商的其他套餐（号码保留，按新套餐重新计价）；想换号码可以重新选号。',
      en: 'No. Before paying you can change the delivery address on the order page, or switch to another plan of the same carrier (the number is kept and the order is re-priced). To get another number, pick one from the number search.',
    },
  },
  {
    id: 'paid-cancel',
    states: ['paid'],
    question: { zh: '已付款还没发货，怎么取消？', en: 'I paid but it has not shipped. How do I cancel?' },
    answer: {
      zh: '在订单页点“申请取消”。金额不超过 {expressRefundMaxYuan} 元的低风险订单可立即取消并极速退款；其他订单由客服在 {reviewSlaHours} 小时内审核（最长不超过 {maxReviewHours} 小时），通过后释放号码并原路退款。',
      en: 'Tap "Apply to cancel" on the order page. A low-risk order of at most {expressRefundMaxYuan} yuan is cancelled and refunded at once; any other is reviewed by an agent within {reviewSlaHours} hours (never more than {maxReviewHours}), then the number is released and the money refunded to where it came from.',
    },
  },
  {
    id: 'paid-address',
    states: ['pending_payment', 'paid'],
    question: { zh: '发货前还能改收货地址吗？', en: 'Can I change the delivery address before it ships?' },
    answer: {
      zh: '可以。发货前在订单页修改收货地址即可，无需取消订单。',
      en: 'Yes. Until the order ships, change the delivery address on the order page; there is no need to cancel.',
    },
  },
  {
    id: 'packing-cancel',
    states: ['packing'],
    question: { zh: '订单在打包，还能取消吗？', en: 'My order is being packed. Can I still cancel?' },
    answer: {
      zh: '可以申请取消，客服审核（{reviewSlaHours} 小时内）后通知仓库拦截发货；拦截成功即释放号码并退款，包裹若已出库则转为快递拦截或签收后退货。',
      en: 'You can apply to cancel; after an agent reviews it (within {reviewSlaHours} hours) the warehouse is asked to stop the parcel. If it is stopped, the number is released and the money refunded; if it already left, a courier interception or a return follows.',
    },
  },
  {
    id: 'shipped-cancel',
    states: ['shipped'],
    question: { zh: '已发货如何取消？', en: 'The order has shipped. How do I cancel?' },
    answer: {
      zh: '在订单页申请快递拦截。拦截成功、卡片退回仓库后退款；拦截失败的，签收后 {activationWindowDays} 天内可办理未激活退货。',
      en: 'Apply for a courier interception on the order page. Once the parcel is stopped and the card is back at the warehouse, the money is refunded. If the interception fails, you can return the unactivated card within {activationWindowDays} days of delivery.',
    },
  },
  {
    id: 'delivered-return',
    states: ['delivered', 'shipped'],
    question: { zh: '收到卡不想要了，怎么退？', en: 'I received the card and do not want it. How do I return it?' },
    answer: {
      zh: '签收后 {activationWindowDays} 天内、卡未激活时可申请未激活退货：把卡连同订单号和身份证复印件寄回，并填写退货快递单号。验卡（卡面完好、PIN 区未刮开）通过后 {returnRefundDays} 个工作日内退款。',
      en: 'Within {activationWindowDays} days of delivery, and before activating, apply for a return: send the card back with the order number and a copy of your ID, and enter the return tracking number. Once the card passes inspection (intact, PIN area not scratched), the refund arrives within {returnRefundDays} working days.',
    },
  },
  {
    id: 'delivered-window',
    states: ['delivered'],
    question: { zh: '激活有效期是多久？', en: 'How long is the activation window?' },
    answer: {
      zh: '签收后 {activationWindowDays} 天内需激活。有效期内未激活可申请退货；超过有效期后不能再办理未激活退货。',
      en: 'Activate within {activationWindowDays} days of delivery. Inside that window an unactivated card can be returned; after it, a return is no longer possible.',
    },
  },
  {
    id: 'activated-cancel',
    states: ['activated'],
    question: { zh: '激活后还能取消或退款吗？', en: 'Can I cancel or get a refund after activating?' },
    answer: {
      zh: '已激活的号卡不能取消，只能申请销户；合约期未满需支付违约金，金额会在您确认前显示。有试用期的套餐（{trialDays} 天）在试用期内可免费退订。',
      en: 'An activated card cannot be cancelled; you can apply to close the account. If the contract period is not over, an early-termination penalty applies, shown before you confirm. Plans with a trial ({trialDays} days) can be unsubscribed free during the trial.',
    },
  },
  {
    id: 'activated-penalty',
    states: ['activated'],
    question: { zh: '销户的违约金怎么算？', en: 'How is the early-termination penalty worked out?' },
    answer: {
      zh: '按套餐剩余的合约月数计算。申请销户时先显示金额和号码的去向，您确认后才收取；试用期内退订不收违约金。',
      en: 'From the contract months left on your plan. When you apply to close the account you see the amount and what happens to the number first; nothing is charged until you confirm. Unsubscribing during a trial has no penalty.',
    },
  },
  {
    id: 'refund-when',
    states: PAID_ON,
    question: { zh: '退款多久到账？', en: 'How long does a refund take?' },
    answer: {
      zh: '退款原路返回：支付宝、微信支付 {walletRefundDays} 个工作日，银行转账 {bankRefundDays} 个工作日（按中国大陆工作日计算，节假日顺延）；极速退款即时到账。',
      en: 'Refunds go back the way you paid: Alipay and WeChat Pay in {walletRefundDays} working days, bank transfer in {bankRefundDays} working days (mainland China working days; public holidays do not count). Express refunds arrive at once.',
    },
  },
  {
    id: 'refund-where',
    states: PAID_ON,
    question: { zh: '退款退到哪里？', en: 'Where does the refund go?' },
    answer: {
      zh: '退回您付款时使用的渠道和账户（支付宝、微信支付或银行卡），不能改退到其他账户。',
      en: 'Back to the channel and account you paid with (Alipay, WeChat Pay or bank card); it cannot be sent to another account.',
    },
  },
  {
    id: 'cancelled-what-now',
    states: ['cancelled'],
    question: { zh: '订单取消后还能再下单吗？', en: 'Can I order again after cancelling?' },
    answer: {
      zh: '可以，重新选号下单即可。原号码已释放，可能已被他人选走。',
      en: 'Yes, pick a number and order again. The old number was released and may have been taken by someone else.',
    },
  },
  {
    id: 'closed-number',
    states: ['account_closed'],
    question: { zh: '销户后号码会怎样？', en: 'What happens to the number after the account is closed?' },
    answer: {
      zh: '销户后号码由运营商回收，不能再使用；如需新号码请重新下单。',
      en: 'The carrier takes the number back and it can no longer be used; order again for a new number.',
    },
  },
];

/** An operator's edit of a shipped entry; fields left out keep the shipped text. */
export interface FaqOverride {
  id: string;
  question: Partial<Bilingual>;
  answer: Partial<Bilingual>;
  hidden: boolean;
}

export interface ShownFaqEntry {
  id: string;
  question: string;
  answer: string;
  edited: boolean;
}

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

/** Names in braces that are not known placeholders (an operator's typo would otherwise show raw). */
export function unknownPlaceholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((n) => !(FAQ_PLACEHOLDERS as readonly string[]).includes(n));
}

export function fill(text: string, facts: FaqFacts): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(facts, name) ? facts[name as keyof FaqFacts] : whole));
}

/** Shipped entries with the operator's edits laid over them. */
export function mergeFaq(overrides: readonly FaqOverride[], defaults: readonly FaqEntry[] = DEFAULT_FAQ): (FaqEntry & { edited: boolean; hidden: boolean })[] {
  const byId = new Map(overrides.map((o) => [o.id, o]));
  return defaults.map((d) => {
    const o = byId.get(d.id);
    if (!o) return { ...d, edited: false, hidden: false };
    return { ...d, question: { ...d.question, ...o.question }, answer: { ...d.answer, ...o.answer }, edited: true, hidden: o.hidden };
  });
}

/** The FAQ of one state in one language, filled from the facts in force. */
export function faqFor(state: OrderState, lang: FaqLang, facts: FaqFacts, overrides: readonly FaqOverride[] = []): ShownFaqEntry[] {
  const pick = (b: Bilingual) => (lang === 'en' ? b.en : b.zh);
  return mergeFaq(overrides)
    .filter((e) => !e.hidden && e.states.includes(state))
    .map((e) => ({ id: e.id, question: fill(pick(e.question), facts), answer: fill(pick(e.answer), facts), edited: e.edited }));
}
