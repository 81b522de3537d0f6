// The daily reconciliation (对账): each channel's bill for one Beijing day, line by line, against our records.
// Every difference is settled once: money the channel took for a payment we do not hold as paid goes through
// the same path as its notification would (the order is paid, or the money is refunded as a late payment); a
// refund the channel paid out that we still wait for is recorded as arrived; anything else (amounts that differ,
// numbers we never issued, a refund we think failed) becomes an item on the operators' desk. A second run over
// the same day finds everything settled and changes nothing: each step is guarded by the state it moves from.
import { SYSTEM } from '../../domain/decide.ts';
import { PAYMENT_CHANNELS, type PaymentChannel } from '../../domain/order.ts';
import type { Settings } from '../../domain/settings.ts';
import type { Repos } from '../../adapters/store/store.ts';
import type { StatementLine } from '../platform/ports.ts';
import type { Deps } from '../platform/deps.ts';
import { applyCapturedPayment } from '../ordering/capture-payment.ts';
import { recordRefundOutcome } from '../refunds/refund-outcome.ts';

export interface DaySummary {
  channel: PaymentChannel;
  day: string;
  status: 'reconciled' | 'not_ready' | 'unavailable';
  lines: number;
  matched: number;
  /** Payments the channel holds that now pay their order, or were refunded as late payments. */
  paymentsApplied: number;
  refundsStarted: number;
  /** Refunds the channel paid out that we had as pending or processing. */
  refundsRecorded: number;
  itemsOpened: number;
  error?: string;
}

type LineResult = 'matched' | 'paid' | 'refunded' | 'refund_recorded' | 'item' | 'item_known';

/** Reconciles one Beijing day with each channel (all by default); runs recorded, so the worker's daily pass is once a day. */
export async function reconcileDay(deps: Deps, day: string, channels: readonly PaymentChannel[] = PAYMENT_CHANNELS): Promise<DaySummary[]> {
  const settings = await deps.settings.get();
  const out: DaySummary[] = [];
  for (const channel of channels) {
    const started = deps.clock.now();
    const s: DaySummary = { channel, day, status: 'reconciled', lines: 0, matched: 0, paymentsApplied: 0, refundsStarted: 0, refundsRecorded: 0, itemsOpened: 0 };
    out.push(s);
    let lines: StatementLine[];
    try {
      const bill = await deps.payments[channel].statement(day);
      if (bill.status === 'not_ready') {
        s.status = 'not_ready';
        continue;
      }
      lines = bill.lines;
    } catch (e) {
      s.status = 'unavailable';
      s.error = String(e);
      deps.log.warn({ channel, day, err: String(e) }, 'channel bill not downloaded; reconciliation waits for the next try');
      continue;
    }
    s.lines = lines.length;
    for (const line of lines) {
      const now = deps.clock.now();
      const result = await deps.store.tx((r) => (line.kind === 'payment' ? settlePayment(r, channel, day, line, now, settings) : settleRefund(r, channel, day, line, now)));
      if (result === 'matched' || result === 'item_known') s.matched++;
      else if (result === 'paid') s.paymentsApplied++;
      else if (result === 'refunded') { s.paymentsApplied++; s.refundsStarted++; }
      else if (result === 'refund_recorded') s.refundsRecorded++;
      else s.itemsOpened++;
    }
    await deps.store.reconciliation.recordRun(channel, day, started, deps.clock.now(), JSON.stringify(s));
    deps.log.info({ ...s }, 'channel bill reconciled');
  }
  return out;
}

async function settlePayment(r: Repos, channel: PaymentChannel, day: string, line: Extract<StatementLine, { kind: 'payment' }>, now: number, settings: Settings): Promise<LineResult> {
  const payment = await r.payments.getPayment(line.paymentNo, true);
  const item = (kind: string, detail: string, extra: { order_id?: string; our_amount_fen?: number | null } = {}) =>
    openItem(r, { channel, day, kind, subject: line.paymentNo, detail, channel_amount_fen: line.amountFen, created_at: now, order_id: extra.order_id ?? null, our_amount_fen: extra.our_amount_fen ?? null });
  if (!payment) return item('unknown_payment', `the channel holds ${line.amountFen} fen (trade ${line.tradeNo}) under a payment number we never recorded`);
  if (payment.channel !== channel) return item('channel_mismatch', `opened at ${payment.channel}, billed by ${channel}`, { order_id: payment.order_id, our_amount_fen: payment.amount_fen });
  if (payment.amount_fen !== line.amountFen) {
    return item('amount_mismatch', `we opened ${payment.amount_fen} fen, the channel took ${line.amountFen} fen (trade ${line.tradeNo})`, { order_id: payment.order_id, our_amount_fen: payment.amount_fen });
  }
  if (payment.state === 'succeeded') return 'matched';
  // Paid there, closed or still open here: what its lost notification would have done.
  if (!(await r.payments.markPaymentSucceeded(payment.id, line.tradeNo, now))) return 'matched';
  const outcome = await applyCapturedPayment(r, payment, now, settings);
  const state = (await r.orders.getOrder(payment.order_id))!.state;
  await r.orders.insertEvents([{
    order_id: payment.order_id, actor_type: SYSTEM.type, actor_id: SYSTEM.id, action: 'payment.found_in_bill', from_state: state, to_state: state,
    reason: `${channel} bill of ${day}: ${payment.id} paid ${line.amountFen} fen (trade ${line.tradeNo}); ${outcome}`, automatic: 1, at: now,
  }]);
  return outcome === 'refunded_late_payment' ? 'refunded' : 'paid';
}

async function settleRefund(r: Repos, channel: PaymentChannel, day: string, line: Extract<StatementLine, { kind: 'refund' }>, now: number): Promise<LineResult> {
  const refund = await r.refunds.getRefund(line.refundNo, true);
  const item = (kind: string, detail: string, extra: { order_id?: string; our_amount_fen?: number | null } = {}) =>
    openItem(r, { channel, day, kind, subject: line.refundNo, detail, channel_amount_fen: line.amountFen, created_at: now, order_id: extra.order_id ?? null, our_amount_fen: extra.our_amount_fen ?? null });
  if (!refund) return item('unknown_refund', `the channel paid out ${line.amountFen} fen for payment ${line.paymentNo} under a refund number we never issued`);
  if (refund.channel !== channel || refund.payment_id !== line.paymentNo || refund.amount_fen !== line.amountFen) {
    return item('refund_mismatch', `we asked ${refund.amount_fen} fen back on ${refund.payment_id} at ${refund.channel}; the ${channel} bill shows ${line.amountFen} fen on ${line.paymentNo}`, { order_id: refund.order_id, our_amount_fen: refund.amount_fen });
  }
  if (refund.state === 'succeeded') return 'matched';
  if (refund.state === 'pending' || refund.state === 'processing') {
    return (await recordRefundOutcome(r, refund.id, { to: 'succeeded', channelRefundNo: line.channelRefundNo }, `${channel} bill of ${day}`, now)) ? 'refund_recorded' : 'matched';
  }
  // We hold it as failed or closed (an agent could redo it): the money did leave, so nobody must pay it twice.
  return item('refund_contradiction', `refund is ${refund.state} here but the channel paid out ${line.amountFen} fen (${line.channelRefundNo})`, { order_id: refund.order_id, our_amount_fen: refund.amount_fen });
}

async function openItem(r: Repos, row: Parameters<Repos['reconciliation']['insertItem']>[0]): Promise<LineResult> {
  const opened = await r.reconciliation.insertItem(row);
  if (opened && row.order_id) {
    const order = await r.orders.getOrder(row.order_id);
    if (order) {
      await r.orders.insertEvents([{
        order_id: order.id, actor_type: SYSTEM.type, actor_id: SYSTEM.id, action: 'reconciliation.item_opened', from_state: order.state, to_state: order.state,
        reason: `${row.channel} ${row.kind}: ${row.detail}`, automatic: 1, at: row.created_at as number,
      }]);
    }
  }
  return opened ? 'item' : 'item_known';
}
