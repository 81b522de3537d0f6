// The pieces every answer is made of: both languages side by side, China time, time left, channel and refund
// names, and the order facts several topics read (the review time, express eligibility, how an order ended).
import type { PaymentChannel } from '../domain/order.ts';
import type { OrderFacts, Lang } from './answers.ts';

export interface Bi {
  zh: string;
  en: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Brief: refund within 3-7 working days of a passed inspection. */
export const RETURN_REFUND_DAYS = '3-7';

export const yuan = (fen: number) => (fen / 100).toFixed(2);

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

export const CHANNEL: Record<PaymentChannel, Bi> = {
  alipay: { zh: '支付宝', en: 'Alipay' },
  wechat: { zh: '微信支付', en: 'WeChat Pay' },
  bank: { zh: '银行卡', en: 'your bank card' },
};

export const REFUND_STATE: Record<string, Bi> = {
  pending: { zh: '退款已发起', en: 'the refund has been started' },
  processing: { zh: '退款处理中', en: 'the refund is being processed' },
  succeeded: { zh: '退款已到账', en: 'the refund has arrived' },
  failed: { zh: '退款失败，客服将重新发起', en: 'the refund failed; an agent will start it again' },
  closed: { zh: '退款未成功，客服将重新发起', en: 'the refund did not go through; an agent will start it again' },
};

export const CLOSE_REASON: Record<string, Bi> = {
  customer_abandoned: { zh: '您主动取消', en: 'you cancelled it' },
  payment_timeout: { zh: '超时未支付，系统自动关闭', en: 'it was not paid in time and closed by itself' },
  customer_cancelled: { zh: '取消申请已完成', en: 'your cancellation request was completed' },
  intercepted: { zh: '包裹已拦截', en: 'the parcel was intercepted' },
  returned: { zh: '卡片已退回', en: 'the card was returned' },
  trial_unsubscribed: { zh: '试用期内已退订', en: 'you unsubscribed during the trial' },
};

export const slaHours = (f: OrderFacts) => String(Math.round(f.rules.reviewSlaMs / HOUR));
export const expressEligibleAmount = (f: OrderFacts) => f.rules.expressRefundMaxFen > 0 && f.order.amountFen <= f.rules.expressRefundMaxFen;
export const isPaidOrder = (f: OrderFacts) => f.order.paidAt !== null;
export const endedText = (f: OrderFacts, lang: Lang): Bi => {
  const why = CLOSE_REASON[f.order.closeReason ?? ''];
  const when = f.order.closedAt ? chinaTime(f.order.closedAt, lang) : null;
  if (f.order.state === 'account_closed') return { zh: '这个号码已经销户，订单已结束', en: 'This number has been closed and the order has ended' };
  return {
    zh: `这个订单已经取消${why ? `（${why.zh}${when ? `，${when}` : ''}）` : ''}`,
    en: `This order is already cancelled${why ? ` (${why.en}${when ? `, ${when}` : ''})` : ''}`,
  };
};

export function windowLeft(f: OrderFacts): Bi | null {
  const until = f.cancellation.validUntil;
  if (until === null || until <= f.now) return null;
  return { zh: `截止 ${chinaTime(until, 'zh-CN')}，还剩 ${timeLeft(until - f.now, 'zh-CN')}`, en: `until ${chinaTime(until, 'en')}, ${timeLeft(until - f.now, 'en')} left` };
}
