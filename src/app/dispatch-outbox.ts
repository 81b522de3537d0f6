import type { OutboxRow } from '../adapters/store/queue-repo.ts';
import type { NotificationChannel } from './ports.ts';
import { renderNotification } from './notification-text.ts';
import type { Deps } from './deps.ts';

export const OUTBOX_LEASE_MS = 60_000;
/** After this many failed attempts a row stops being retried and waits for a person (it stays visible). */
export const MAX_ATTEMPTS = 12;

/** Exponential backoff with a ceiling: 1s, 2s, 4s ... 10 min. */
export const backoffMs = (attempts: number) => Math.min(1000 * 2 ** Math.max(0, attempts - 1), 600_000);

/** Which notifier channels each notice goes out on; every notice also lands in the in-app inbox. */
const CHANNELS: Record<string, NotificationChannel[]> = {
  order_placed: ['sms', 'push', 'inapp'],
  payment_reminder: ['sms', 'push', 'inapp'],
  late_payment_refunded: ['sms', 'inapp'],
};

async function deliver(deps: Deps, row: OutboxRow): Promise<void> {
  const p = JSON.parse(row.payload) as Record<string, unknown>;
  if (row.topic === 'notify') {
    const { title, body } = renderNotification(p.template as string, p.data as Record<string, unknown>);
    for (const channel of CHANNELS[p.template as string] ?? ['push', 'inapp']) {
      await deps.notifier.send({ key: `outbox:${row.id}:${channel}`, channel, customerId: p.customerId as string, phone: p.phone as string, orderId: row.order_id, template: p.template as string, title, body });
    }
    return;
  }
  if (row.topic === 'refund') {
    const refund = await deps.store.payments.getRefund(p.refundNo as string);
    if (!refund || refund.state === 'succeeded') return;
    const answer = await deps.payments[refund.channel as keyof Deps['payments']].refund({ refundNo: refund.id, paymentNo: refund.payment_id, amountFen: refund.amount_fen, reason: refund.reason });
    const now = deps.clock.now();
    if (answer.status === 'succeeded') await deps.store.payments.setRefundState(refund.id, ['pending', 'processing'], 'succeeded', now);
    else if (answer.status === 'processing') await deps.store.payments.setRefundState(refund.id, ['pending'], 'processing', now);
    else throw new Error(`refund ${refund.id} refused: ${answer.error}`);
    return;
  }
  throw new Error(`unknown outbox topic ${row.topic}`);
}

/** Delivers due outbox rows; a failure is retried later with backoff, a success is never repeated. */
export async function dispatchOutbox(deps: Deps, limit = 100): Promise<number> {
  const now = deps.clock.now();
  const rows = await deps.store.queue.claimOutbox(now, limit, OUTBOX_LEASE_MS);
  const delivered: number[] = [];
  for (const row of rows) {
    try {
      await deliver(deps, row);
      delivered.push(row.id);
    } catch (e) {
      const next = row.attempts >= MAX_ATTEMPTS ? Number.MAX_SAFE_INTEGER : deps.clock.now() + backoffMs(row.attempts);
      deps.log.warn({ outboxId: row.id, orderId: row.order_id, attempts: row.attempts, err: String(e) }, 'outbox delivery failed');
      await deps.store.queue.markFailed(row.id, String(e), next);
    }
  }
  if (delivered.length) await deps.store.queue.markDelivered(delivered, deps.clock.now());
  return rows.length;
}
