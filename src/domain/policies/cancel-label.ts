import type { Order } from '../order.ts';

export type CancelLabel = 'cancellable' | 'review_required' | 'not_cancellable';

/** What the customer may do about cancelling right now, shown on the order itself. */
export type CancelAction =
  | 'cancel' // one click + confirmation
  | 'apply_cancel' // apply, an agent reviews (paid, packing: warehouse interception)
  | 'request_interception' // courier interception of a shipped parcel
  | 'return_unactivated' // unactivated return inside the activation window
  | 'unsubscribe_trial' // free unsubscription inside the trial
  | 'close_account' // 销户, with early-termination penalty
  | 'none';

export interface CancellationLabel {
  label: CancelLabel;
  /** 可取消 / 需审核 / 不可取消 */
  text: string;
  colour: 'green' | 'amber' | 'grey';
  action: CancelAction;
  /** Why, in a sentence the customer can read. */
  reason: string;
  /** Until when the current label holds, where a window applies (UTC ms). */
  validUntil: number | null;
}

const DAY = 86_400_000;

const cancellable = (action: CancelAction, reason: string, validUntil: number | null = null): CancellationLabel => ({
  label: 'cancellable', text: '可取消', colour: 'green', action, reason, validUntil,
});
const review = (action: CancelAction, reason: string, validUntil: number | null = null): CancellationLabel => ({
  label: 'review_required', text: '需审核', colour: 'amber', action, reason, validUntil,
});
const notCancellable = (action: CancelAction, reason: string): CancellationLabel => ({
  label: 'not_cancellable', text: '不可取消', colour: 'grey', action, reason, validUntil: null,
});

export interface LabelFacts {
  /** When the card was delivered, for the activation window. */
  deliveredAt?: number | null;
  /** When the line was activated, for the trial. */
  activatedAt?: number | null;
}

/** Pure: the label of an order in every state, from its state, the terms it was sold with and the time. */
export function cancellationLabel(order: Pick<Order, 'state' | 'paymentDeadline' | 'terms'>, now: number, facts: LabelFacts = {}): CancellationLabel {
  const terms = order.terms;
  switch (order.state) {
    case 'pending_payment':
      return now < order.paymentDeadline
        ? cancellable('cancel', '订单尚未支付，可一键取消，号码将立即释放。', order.paymentDeadline)
        : notCancellable('none', '支付时间已过，订单正在自动关闭。');
    case 'paid':
      return review('apply_cancel', '订单已支付尚未发货，提交取消申请后由客服审核，审核通过后释放号码并原路退款。');
    case 'packing':
      return review('apply_cancel', '订单正在打包，提交取消申请后将通知仓库拦截发货。');
    case 'shipped':
      return review('request_interception', '订单已发货，可申请快递拦截，卡片退回后退款。');
    case 'delivered': {
      const windowEnd = facts.deliveredAt != null ? facts.deliveredAt + terms.activationWindowDays * DAY : null;
      if (windowEnd === null || now < windowEnd) {
        return review('return_unactivated', `已签收未激活，可在签收后 ${terms.activationWindowDays} 天内申请未激活退货，验卡通过后退款。`, windowEnd);
      }
      return notCancellable('none', `已超过 ${terms.activationWindowDays} 天激活有效期，无法退货。`);
    }
    case 'activated': {
      const trialEnd = terms.trialDays > 0 && facts.activatedAt != null ? facts.activatedAt + terms.trialDays * DAY : null;
      if (trialEnd !== null && now < trialEnd) {
        return cancellable('unsubscribe_trial', `在 ${terms.trialDays} 天试用期内，可免费退订，不收违约金。`, trialEnd);
      }
      return notCancellable('close_account', '号卡已激活，不能取消，只能申请销户；合约期未满需支付违约金。');
    }
    case 'cancelled':
      return notCancellable('none', '订单已取消。');
    case 'account_closed':
      return notCancellable('none', '号码已销户。');
  }
}
