// What every signed push from a partner (courier, carrier) goes through before it may touch an order:
// the order it names, its nonce recorded once (a byte-for-byte replay is refused), its event recorded once
// (a resend with a fresh nonce is acknowledged with no effect), then the checks of a claim: its text short
// and printable, its move allowed from the order's state (domain/policies/partner-push.ts), its time inside
// [the start of that state, now + 5 min], and only then the partner's own rule, all in one transaction.
// A refusal rolls the transaction back (no nonce, no event, no scan is kept), is logged with the order id
// and counted, and answers 4xx with its code: the claim will not become true by sending it again.
// The signature, freshness and the body's shape were checked by the adapter before this is called.
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import type { Order } from '../../domain/order.ts';
import type { Settings } from '../../domain/settings.ts';
import { checkPushText, checkPushTime, stateSince } from '../../domain/policies/partner-push.ts';
import type { Repos } from '../../adapters/store/store.ts';
import { inTx, type Deps } from './deps.ts';
import { refusePush } from './push-refusals.ts';

export type CallbackOutcome = 'applied' | 'recorded' | 'duplicate';

export interface VerifiedNotice {
  /** Null for partners that sign without a nonce (Kuaidi100): the event id alone makes a resend harmless. */
  nonce: string | null;
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
  /** Null when the push may be applied to an order in this state; the refusal otherwise (backwards, skipping). */
  fits(order: Order): DomainError | null;
  /** The partner's own check against what we already hold of the order (a courier's older view of the track). */
  fitsHistory?(r: Repos, order: Order): Promise<DomainError | null>;
  /** True when the event changed the order; false when it only joins the history. `detail` is the checked text. */
  apply(r: Repos, order: Order, ctx: { now: number; settings: Settings; detail: string | null }): Promise<boolean>;
}

export async function applyCallbackOnce(deps: Deps, notice: VerifiedNotice, rule: CallbackRule): Promise<{ outcome: CallbackOutcome; orderId: string } | DomainError> {
  const now = deps.clock.now();
  const settings = await deps.settings.get();
  let orderId: string | null = null;
  const out = await inTx(deps.store, async (r) => {
    const found = await rule.findOrderId(r);
    if (!found) return rule.notFound();
    orderId = found;
    const detail = checkPushText('detail', notice.detail);
    if (isError(detail)) return detail;
    if (notice.nonce !== null && !(await r.afterSales.recordNonce(rule.source, notice.nonce, now))) return fail('CALLBACK.REPLAYED', 'This callback was already received.', { nonce: notice.nonce });
    const order = (await r.orders.getOrder(found, true))!;
    const fresh = await r.afterSales.recordEvent({
      source: rule.source, event_id: notice.eventId, order_id: order.id, ref: rule.ref, kind: rule.kind, detail: detail.text,
      occurred_at: notice.occurredAt, received_at: now, outcome: 'received',
    });
    // A resend of an event already taken is acknowledged even though the order has moved on since.
    if (!fresh) return { outcome: 'duplicate' as const, orderId: order.id };
    const misfit = rule.fits(order) ?? (await rule.fitsHistory?.(r, order)) ?? null;
    if (misfit) return misfit;
    const entered = (await r.orders.stateEnteredAt(order.id, order.state)) ?? order.createdAt;
    const late = checkPushTime(stateSince(order, entered), notice.occurredAt, now);
    if (late) return late;
    const applied = await rule.apply(r, order, { now, settings, detail: detail.text });
    return { outcome: applied ? 'applied' as const : 'recorded' as const, orderId: order.id };
  });
  return isError(out) ? refusePush(deps.log, rule.source, out, orderId) : out;
}
