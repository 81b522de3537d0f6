// The assistant's answers after the card is out: the early-closure penalty, unactivated returns, the activation
// window and the trial.
import type { ActionType, OrderFacts, Lang } from './answers.ts';
import { yuan, endedText, windowLeft, type Bi } from './answer-words.ts';
import { notPossible, howToCancel } from './answer-cancel.ts';

export function penalty(f: OrderFacts, lang: Lang, acts: ActionType[]): Bi {
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

export function returnHow(f: OrderFacts, lang: Lang, acts: ActionType[]): Bi {
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

export function activationWindow(f: OrderFacts, lang: Lang, acts: ActionType[]): Bi {
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

export function trial(f: OrderFacts, lang: Lang, acts: ActionType[]): Bi {
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
