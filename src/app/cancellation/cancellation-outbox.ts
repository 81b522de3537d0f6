// Outbox topics of paid-order cancellations. Each is safe to run twice: the carrier and the warehouse get
// the same idempotency key on every attempt, and an alert is keyed by its row and recipient.
import type { OutboxRow } from '../../adapters/store/queue-repo.ts';
import type { Deps } from '../platform/deps.ts';
import { sendInterception } from './intercept-packing.ts';
import { renderNotification } from '../platform/notification-text.ts';
import { releaseNumberAtCarrier } from './release-number.ts';
import { sendCourierInterception } from '../after-sales/fulfilment.ts';
import { syncLine } from '../after-sales/carrier-callback.ts';

type Handler = (deps: Deps, row: OutboxRow, payload: Record<string, unknown>) => Promise<void>;

/** SLA escalations go to every supervisor's console (push); the queue shows the same by its escalation badge. */
const staffAlert: Handler = async (deps, row, p) => {
  const template = p.template as string;
  const { title, body } = renderNotification(template, p.data as Record<string, unknown>);
  for (const s of await deps.store.accounts.listAgentsByRole('supervisor')) {
    await deps.notifier.send({ key: `outbox:${row.id}:${s.id}`, channel: 'push', customerId: s.id, phone: '', orderId: row.order_id, template, title, body });
  }
};

export const CANCELLATION_HANDLERS: Record<string, Handler> = {
  carrier_release: (deps, _row, p) => releaseNumberAtCarrier(deps, p.orderId as string),
  warehouse_intercept: (deps, _row, p) => sendInterception(deps, p.requestId as string),
  staff_alert: staffAlert,
  courier_intercept: (deps, _row, p) => sendCourierInterception(deps, p.requestId as string, p.trackingNo as string),
  carrier_sync: (deps, _row, p) => syncLine(deps, p.orderId as string),
};
