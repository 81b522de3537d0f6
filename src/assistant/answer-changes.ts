// The assistant's answers about changing the order instead of cancelling it: a new address or another plan.
import type { ActionType, OrderFacts, Lang } from './answers.ts';
import { yuan, type Bi } from './answer-words.ts';

export function changeAddress(f: OrderFacts, acts: ActionType[]): Bi {
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

export function switchPlan(f: OrderFacts, acts: ActionType[]): Bi {
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
