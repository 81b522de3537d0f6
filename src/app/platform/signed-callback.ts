// What every signed push from a partner (courier, carrier) goes through before it may touch an order:
// the order it names, its nonce recorded once (a byte-for-byte replay is refused), its event recorded once
// (a resend with a fresh nonce is acknowledged with no effect), then the partner's own rule, all in one
// transaction. The signature and freshness were checked by the adapter before this is called.
import { fail, type DomainError } from '../../domain/errors.ts';
import type { Order } from '../../domain/order.ts';
import type { Settings } from '../../domain/settings.ts';
import type { Repos } from '../../adapters/store/store.ts';
import { inTx, type Deps } from './deps.ts';

export type CallbackOutcome = 'applied' | 'recorded' | 'duplicate';

export interface VerifiedNotice {
  nonce: string;
  eventId: string;
  occurredAt: number;
  detail: string | null;
}

export interface CallbackRule {
  source: 'courier' | 'carrier';
  /** The partner's reference for the order (tracking number, phone number) and the event's kind. */
  ref: string;
  kind: string;
  findOrderId(r: Repos): Promise<string | undefined>;
  notFound(): DomainError;
  /** True when the event changed the order; false when it only joins the history. */
  apply(r: Repos, order: Order, ctx: { now: number; settings: Settings }): Promise<boolean>;
}

export async function applyCallbackOnce(deps: Deps, notice: VerifiedNotice, rule: CallbackRule): Promise<{ outcome: CallbackOutcome; orderId: string } | DomainError> {
  const now = deps.clock.now();
  const settings = await deps.settings.get();
  return inTx(deps.store, async (r) => {
    const orderId = await rule.findOrderId(r);
    if (!orderId) return rule.notFound();
    if (!(await r.afterSales.recordNonce(rule.source, notice.nonce, now))) return fail('CALLBACK.REPLAYED', 'This callback was already received.', { nonce: notice.nonce });
    const order = (await r.orders.getOrder(orderId, true))!;
    const fresh = await r.afterSales.recordEvent({
      source: rule.source, event_id: notice.eventId, order_id: order.id, ref: rule.ref, kind: rule.kind, detail: notice.detail,
      occurred_at: notice.occurredAt, received_at: now, outcome: 'received',
    });
    if (!fresh) return { outcome: 'duplicate' as const, orderId: order.id };
    const applied = await rule.apply(r, order, { now, settings });
    return { outcome: applied ? 'applied' as const : 'recorded' as const, orderId: order.id };
  });
}
