// One handler per outbox topic. A handler must be safe to run twice for the same row (the worker may die
// after the call and before the row is marked delivered): it passes an idempotency key to the adapter.
import type { OutboxRow } from '../adapters/store/queue-repo.ts';
import type { NotificationChannel } from './ports.ts';
import { renderNotification } from './notification-text.ts';
import type { Deps } from './deps.ts';

export type OutboxHandler = (deps: Deps, row: OutboxRow, payload: Record<string, unknown>) => Promise<void>;

/** Which notifier channels each notice goes out on; every notice also lands in the in-app inbox. */
const CHANNELS: Record<string, NotificationChannel[]> = {
  order_placed: ['sms', 'push', 'inapp'],
  payment_reminder: ['sms', 'push', 'inapp'],
  late_payment_refunded: ['sms', 'inapp'],
};

const notify: OutboxHandler = async (deps, row, p) => {
  const template = p.template as string;
  const { title, body } = renderNotification(template, p.data as Record<string, unknown>);
  for (const channel of CHANNELS[template] ?? ['push', 'inapp']) {
    await deps.notifier.send({ key: `outbox:${row.id}:${channel}`, channel, customerId: p.customerId as string, phone: p.phone as string, orderId: row.order_id, template, title, body });
  }
};

const refund: OutboxHandler = async (deps, _row, p) => {
  const r = await deps.store.payments.getRefund(p.refundNo as string);
  if (!r || r.state === 'succeeded') return;
  const answer = await deps.payments[r.channel as keyof Deps['payments']].refund({ refundNo: r.id, paymentNo: r.payment_id, amountFen: r.amount_fen, reason: r.reason });
  const now = deps.clock.now();
  if (answer.status === 'succeeded') await deps.store.payments.setRefundState(r.id, ['pending', 'processing'], 'succeeded', now);
  else if (answer.status === 'processing') await deps.store.payments.setRefundState(r.id, ['pending'], 'processing', now);
  else throw new Error(`refund ${r.id} refused: ${answer.error}`);
};

export const OUTBOX_HANDLERS: Record<string, OutboxHandler> = {
  notify,
  refund,
};
