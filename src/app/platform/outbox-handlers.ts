// One handler per outbox topic. A handler must be safe to run twice for the same row (the worker may die
// after the call and before the row is marked delivered): it passes an idempotency key to the adapter.
import type { OutboxRow } from '../../adapters/store/queue-repo.ts';
import type { NotificationChannel } from './ports.ts';
import { renderNotification } from './notification-text.ts';
import type { Deps } from './deps.ts';
import { CANCELLATION_HANDLERS } from '../cancellation/cancellation-outbox.ts';
import { sendRefund } from '../refunds/send-refund.ts';
import { subscribeTracking } from '../after-sales/track-parcel.ts';
import { SUPPLIER_HANDLERS } from '../suppliers/outbox.ts';
import { deliverPush } from '../distribution/push-back.ts';
import { IOT_OUTBOX_HANDLERS } from '../iot/outbox.ts';

export type OutboxHandler = (deps: Deps, row: OutboxRow, payload: Record<string, unknown>) => Promise<void>;

/** Which notifier channels each notice goes out on; every notice also lands in the in-app inbox. */
const CHANNELS: Record<string, NotificationChannel[]> = {
  order_placed: ['sms', 'push', 'inapp'],
  payment_reminder: ['sms', 'push', 'inapp'],
  late_payment_refunded: ['sms', 'inapp'],
  refund_started: ['sms', 'push', 'inapp'],
  refund_arrived: ['sms', 'push', 'inapp'],
  refund_failed: ['sms', 'push', 'inapp'],
  // A decision on a paid order's cancellation is worth a text message; progress notices go to the app.
  cancellation_express: ['sms', 'push', 'inapp'],
  cancellation_approved: ['sms', 'push', 'inapp'],
  cancellation_rejected: ['sms', 'push', 'inapp'],
  interception_refused: ['sms', 'push', 'inapp'],
  cancellation_completed: ['sms', 'push', 'inapp'],
  // What the customer must know without opening the app: the order closed, the request taken, where to send the card
  // back, the line closed, a supplier's refusal and what to do instead.
  order_closed_unpaid: ['sms', 'push', 'inapp'],
  cancellation_requested: ['sms', 'push', 'inapp'],
  return_instructions: ['sms', 'push', 'inapp'],
  account_closed: ['sms', 'push', 'inapp'],
  closure_refused: ['sms', 'push', 'inapp'],
  supplier_rejected: ['sms', 'push', 'inapp'],
};

const notify: OutboxHandler = async (deps, row, p) => {
  const template = p.template as string;
  const { title, body } = renderNotification(template, p.data as Record<string, unknown>);
  const channels = CHANNELS[template] ?? ['push', 'inapp'];
  // Rows written before phones were sealed carry the number; newer ones leave it in the order, sealed.
  let phone = typeof p.phone === 'string' ? p.phone : '';
  if (!phone && channels.includes('sms') && row.order_id) phone = (await deps.store.orders.getOrder(row.order_id))?.contactPhone ?? '';
  for (const channel of channels) {
    await deps.notifier.send({ key: `outbox:${row.id}:${channel}`, channel, customerId: p.customerId as string, phone, orderId: row.order_id, template, title, body, data: p.data as Record<string, unknown> });
  }
};

export const OUTBOX_HANDLERS: Record<string, OutboxHandler> = {
  notify,
  refund: sendRefund,
  courier_subscribe: subscribeTracking,
  ...CANCELLATION_HANDLERS,
  ...SUPPLIER_HANDLERS,
  distributor_push: deliverPush,
  ...IOT_OUTBOX_HANDLERS,
};
