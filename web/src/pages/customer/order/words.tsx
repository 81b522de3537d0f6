// How an order's state, label and reasons read, in the person's language.
import type { CancellationLabel, Channel, Order } from '../../../api.ts';
import { isKey, useI18n, type Key, type T } from '../../../i18n/index.ts';
import { Badge } from '../../../ui/badge.tsx';

export function CancelBadge({ label }: { label: CancellationLabel }) {
  const { t } = useI18n();
  return <Badge tone={label.colour}>{t(`label.${label.label}`)}</Badge>;
}

/** True once the countdown has run out: the order is closing even if the server has not said so yet. */
export const deadlinePassed = (o: Order, now: number) => o.state === 'pending_payment' && now >= o.paymentDeadline;

/** The dictionary's sentence for the label's reason, used where the server's Chinese sentence is not shown. */
export function reasonKey(o: Order): Key {
  const a = o.cancellation.action;
  if (o.state === 'pending_payment') return a === 'cancel' ? 'reason.pending_payment' : 'reason.pending_payment.expired';
  if (o.state === 'delivered') return a === 'none' ? 'reason.delivered.expired' : 'reason.delivered';
  if (o.state === 'activated') return a === 'unsubscribe_trial' ? 'reason.activated.trial' : 'reason.activated';
  return `reason.${o.state}`;
}

export function stateText(t: T, o: Pick<Order, 'state' | 'closeReason'>): string {
  if (o.state === 'cancelled' && o.closeReason) {
    const k = `closeReason.${o.closeReason}`;
    if (isKey(k)) return t(k);
  }
  return t(`state.${o.state}`);
}

/** An audit reason: a close reason or cancel reason code in words, a payment as channel and number, else as written. */
export function auditReason(t: T, reason: string): string {
  for (const k of [`closeReason.${reason}`, `cancelReason.${reason}`, `supplierOrder.state.${reason}`]) if (isKey(k)) return t(k);
  const pay = reason.match(/^(alipay|wechat|bank):(.+)$/);
  if (pay) return `${t(`channel.${pay[1] as Channel}`)} · ${pay[2]}`;
  return reason;
}
