// The assistant's answers about cancelling: whether the order can be cancelled, how, and what to do now.
import type { ActionType, OrderFacts, Lang } from './answers.ts';
import { RETURN_REFUND_DAYS, yuan, slaHours, expressEligibleAmount, endedText, windowLeft, type Bi } from './answer-words.ts';
import { refundSummary } from './answer-refunds.ts';

export function canCancel(f: OrderFacts, lang: Lang, acts: ActionType[]): Bi {
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

export function notPossible(f: OrderFacts, lang: Lang, acts: ActionType[]): Bi {
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

export function howToCancel(f: OrderFacts, lang: Lang, acts: ActionType[]): Bi {
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

export function cancelNow(f: OrderFacts, lang: Lang, acts: ActionType[]): Bi {
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
