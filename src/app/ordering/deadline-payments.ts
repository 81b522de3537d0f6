// Before an unpaid order closes at its payment deadline, the channel is asked about the payments it opened
// (查单, then 关单): money the customer paid whose notification never reached us pays the order, as the
// notification would have; a trade still open is closed at the channel, so that it can no longer be paid, and
// only then does the order close. The channel is called outside any transaction; what it said is then applied
// under the order's usual guarded update, so a notification that arrives meanwhile wins or is a duplicate.
// Orders that never opened a payment do not come here: they close set-based with no channel call (fire-timers.ts).
import { decide, SYSTEM } from '../../domain/decide.ts';
import { isError } from '../../domain/errors.ts';
import type { PaymentChannel } from '../../domain/order.ts';
import type { Settings } from '../../domain/settings.ts';
import type { PaymentRow } from '../../adapters/store/payment-repo.ts';
import type { DeadlineWithPayment } from '../../adapters/store/reconciliation-repo.ts';
import type { Repos } from '../../adapters/store/store.ts';
import { commitDecisions } from '../platform/commit.ts';
import { eventRow } from '../platform/rows.ts';
import type { Deps } from '../platform/deps.ts';
import { captureFoundTrade, paysOurAmount } from './capture-payment.ts';

/** How long a worker holds a deadline it is asking the channel about: longer than a few channel calls take. */
export const CHANNEL_CHECK_LEASE_MS = 20_000;
/**
 * Unanswered tries before the order closes without the channel's word: waits of 1, 2, 4, 8 and 16 minutes
 * between them, about half an hour in all. Money that reaches the channel after that is still found: its
 * notification is refunded as a late payment, and the daily bill refunds it if the notification is lost.
 */
export const CHANNEL_CHECK_TRIES = 6;
export const channelRetryAfter = (attempts: number) => 60_000 * 2 ** Math.min(attempts - 1, 10);

/** Orders asked about at once. */
export const CHANNEL_CHECK_LANES = 16;

type Answer = { paid: { tradeNo: string } } | 'closed' | 'no_answer';

/** Asks the channels about deadlines due with an open payment; returns how many were handled. */
export async function settleDeadlinePayments(deps: Deps, limit = 100): Promise<number> {
  const now = deps.clock.now();
  const due = await deps.store.tx((r) => r.reconciliation.claimDeadlinesWithOpenPayments(now, limit, CHANNEL_CHECK_LEASE_MS));
  if (due.length === 0) return 0;
  const settings = await deps.settings.get();
  // Several orders at once: their channel calls overlap, and on SQLite their transactions share commits.
  let next = 0;
  const lane = async () => {
    while (next < due.length) {
      const d = due[next++]!;
      try {
        await settleOne(deps, d, settings);
      } catch (e) {
        // The lease keeps it aside for a while; a later pass asks again.
        deps.log.error({ err: e, orderId: d.orderId }, 'payment deadline check failed');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CHANNEL_CHECK_LANES, due.length) }, lane));
  return due.length;
}

async function settleOne(deps: Deps, d: DeadlineWithPayment, settings: Settings): Promise<void> {
  const open = (await deps.store.payments.listPayments(d.orderId)).filter((p) => p.state === 'created');
  const answers = new Map<string, Answer>();
  for (const p of open) answers.set(p.id, await ask(deps, p));
  const unanswered = [...answers.values()].filter((a) => a === 'no_answer').length;
  const paid = [...answers.values()].some((a) => typeof a === 'object');
  const now = deps.clock.now();
  const attempts = d.attempts + 1;
  if (unanswered > 0 && !paid && attempts < CHANNEL_CHECK_TRIES) {
    await deps.store.reconciliation.deferTimer(d.timerId, now + channelRetryAfter(attempts), attempts);
    deps.log.warn({ orderId: d.orderId, attempts }, 'payment channel did not answer; the deadline close waits for the next try');
    return;
  }
  await deps.store.tx(async (r) => {
    for (const p of open) {
      const a = answers.get(p.id)!;
      // Paid at the channel: applied as its notification would be (first one pays the order, any other is refunded).
      if (typeof a === 'object') await captureFoundTrade(r, p.id, a.paid.tradeNo, now, settings);
    }
    const order = await r.orders.getOrder(d.orderId, true);
    if (order && unanswered > 0 && order.state === 'pending_payment') {
      await r.orders.insertEvents([eventRow(order, { event: { action: 'payment.channel_unanswered', fromState: order.state, toState: order.state, reason: `closed after ${attempts} unanswered tries; a late payment is refunded`, automatic: true } }, SYSTEM, now)]);
    }
    // Closed at the channel (or never answered): our record of it closes, and so does the order if it still waits.
    await r.payments.closeOpenPayments([d.orderId]);
    if (order) await closeIfDue(r, order, now, settings);
    await r.reconciliation.deleteTimer(d.timerId);
  });
}

async function closeIfDue(r: Repos, order: NonNullable<Awaited<ReturnType<Repos['orders']['getOrder']>>>, now: number, settings: Settings): Promise<void> {
  const decision = decide(order, { type: 'close_unpaid' }, { now, settings });
  if (!isError(decision)) await commitDecisions(r, [{ before: order, decision, actor: SYSTEM }], now);
}

/** Query first (查单); a trade that is not paid is closed (关单). A refused close means it was paid meanwhile. */
async function ask(deps: Deps, p: PaymentRow): Promise<Answer> {
  const port = deps.payments[p.channel as PaymentChannel];
  try {
    const seen = await port.queryPayment(p.id);
    if (seen.status === 'paid') return paidAs(deps, p, seen);
    if (seen.status === 'closed') return 'closed';
    const closed = await port.closePayment(p.id);
    if (closed.status !== 'refused') return 'closed';
    const again = await port.queryPayment(p.id);
    return again.status === 'paid' ? paidAs(deps, p, again) : 'no_answer';
  } catch (e) {
    deps.log.warn({ paymentNo: p.id, channel: p.channel, err: String(e) }, 'payment channel did not answer');
    return 'no_answer';
  }
}

/** A paid trade for another amount than ours pays nothing here: the order closes (see paysOurAmount). */
function paidAs(deps: Deps, p: PaymentRow, seen: { tradeNo: string; amountFen: number }): Answer {
  return paysOurAmount(deps.log, p, seen.amountFen) ? { paid: { tradeNo: seen.tradeNo } } : 'closed';
}
