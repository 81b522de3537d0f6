// The assistant's answers about refunds: where the money goes and when it arrives.
import type { PaymentChannel } from '../domain/order.ts';
import { REFUND_WINDOWS, refundEta } from '../domain/policies/refund-eta.ts';
import type { ActionType, OrderFacts, Lang } from './answers.ts';
import { RETURN_REFUND_DAYS, yuan, chinaTime, CHANNEL, REFUND_STATE, expressEligibleAmount, isPaidOrder, type Bi } from './answer-words.ts';

export function refundSummary(f: OrderFacts, lang: Lang): Bi | null {
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

export function refundWhen(f: OrderFacts, lang: Lang, acts: ActionType[]): Bi {
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

export function refundWhere(f: OrderFacts, acts: ActionType[]): Bi {
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
