// Batch orders: 1 to 10,000 cards of one plan, taken from stock as one ICCID range, one payment for the batch
// (through a payment channel, or a bank transfer an operator confirms). Each card carries its share of the
// payment (largest remainder: the shares add up to the payment exactly) and the plan's terms as sold.
import type { Insertable } from 'kysely';
import { fail, type DomainError } from '../../domain/errors.ts';
import type { PaymentChannel } from '../../domain/order.ts';
import { iotTerms } from '../../domain/iot/card.ts';
import { batchAmount, BATCH_MAX_CARDS, BATCH_MIN_CARDS, splitByLargestRemainder } from '../../domain/iot/shares.ts';
import { bodyAt, iccidRange, numberRange } from '../../domain/iot/stock.ts';
import { iotRepos, type BatchRow, type StaffRow } from '../../adapters/store/iot/index.ts';
import type { IotCardsTable } from '../../adapters/store/iot/schema.ts';
import { inTx, newId, type Deps } from '../platform/deps.ts';
import { cardEvent, type IotActor } from './trail.ts';
import { IOT_BATCH_DEADLINE } from './deadlines.ts';

export const PAYMENT_METHODS = ['alipay', 'wechat', 'bank', 'bank_transfer'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
/** A bank transfer (对公转账) takes days to arrive: the batch waits a week for the operator's confirmation. */
const BANK_TRANSFER_WAIT_MS = 7 * 86_400_000;

export interface BatchView {
  id: string;
  planId: string;
  quantity: number;
  grossFen: number;
  discountPercent: number;
  amountFen: number;
  paymentMethod: PaymentMethod;
  state: string;
  paymentDeadline: number;
  paidAt: number | null;
  createdAt: number;
  cards: Record<string, number>;
}

export const batchView = (b: BatchRow, cards: Record<string, number>): BatchView => ({
  id: b.id, planId: b.plan_id, quantity: b.quantity, grossFen: b.gross_fen, discountPercent: b.discount_percent, amountFen: b.amount_fen,
  paymentMethod: b.payment_method as PaymentMethod, state: b.state, paymentDeadline: b.payment_deadline, paidAt: b.paid_at, createdAt: b.created_at, cards,
});

export const actorOfStaff = (s: StaffRow): IotActor => ({ type: 'business', id: s.id });

export async function orderBatch(deps: Deps, me: StaffRow, input: { planId: string; quantity: number; paymentMethod: PaymentMethod }): Promise<BatchView | DomainError> {
  if (!Number.isInteger(input.quantity) || input.quantity < BATCH_MIN_CARDS || input.quantity > BATCH_MAX_CARDS) {
    return fail('IOT.INVALID_QUANTITY', `A batch has ${BATCH_MIN_CARDS} to ${BATCH_MAX_CARDS} cards.`, { quantity: input.quantity });
  }
  const now = deps.clock.now();
  const settings = await deps.settings.get();
  return inTx(deps.store, async (r) => {
    const iot = iotRepos(r);
    const plan = await iot.accounts.getPlan(input.planId);
    if (!plan || !plan.active) return fail('IOT.PLAN_NOT_FOUND', 'No such IoT plan.', { planId: input.planId });
    const stock = await iot.accounts.takeStock(plan.carrier, input.quantity);
    if (!stock) return fail('IOT.OUT_OF_STOCK', 'Not enough cards in stock for this batch.', { carrier: plan.carrier, quantity: input.quantity, left: await iot.accounts.stockLeft(plan.carrier) });
    const price = batchAmount(plan.cardFeeFen, input.quantity);
    const shares = splitByLargestRemainder(price.amountFen, Array(input.quantity).fill(1));
    const id = newId('IB', now);
    const deadline = now + (input.paymentMethod === 'bank_transfer' ? BANK_TRANSFER_WAIT_MS : settings.paymentTimeoutMs);
    const batch: BatchRow = {
      id, business_id: me.business_id, plan_id: plan.id, quantity: input.quantity, gross_fen: price.grossFen, discount_percent: price.discountPercent,
      amount_fen: price.amountFen, payment_method: input.paymentMethod, state: 'pending_payment', payment_deadline: deadline, paid_at: null, created_by: me.id, created_at: now,
    };
    await iot.cards.insertBatch(batch);
    await r.queue.insertTimers([{ order_id: id, kind: IOT_BATCH_DEADLINE, due_at: deadline, claimed_until: null, attempts: 0 }]);
    const iccids = iccidRange(bodyAt(stock.firstBody, stock.offset), input.quantity);
    const numbers = numberRange(bodyAt(stock.firstNumber, stock.offset), input.quantity);
    const terms = iotTerms(plan);
    const cards: Insertable<IotCardsTable>[] = iccids.map((iccid, i) => ({
      id: `${id}-${String(i + 1).padStart(5, '0')}`, batch_id: id, business_id: me.business_id, seq: i + 1, iccid, msisdn: numbers[i]!, state: 'pending_payment',
      share_fen: shares[i]!, quota_mb: plan.quotaMb, monthly_fee_fen: terms.monthlyFeeFen, contract_months: terms.contractMonths, penalty_kind: terms.penaltyRule.kind,
      penalty_value: terms.penaltyRule.kind === 'fixed' ? terms.penaltyRule.fen : terms.penaltyRule.percent, activation_window_days: terms.activationWindowDays,
      payment_deadline: deadline, tracking_no: null, delivered_at: null, activated_at: null, closed_at: null, close_reason: null, penalty_fen: null,
      pending_return: null, pool_id: null, updated_at: now,
    }));
    await iot.cards.insertCards(cards);
    const actor = { type: 'business', id: me.id } as const;
    await iot.cards.insertEvents(cards.map((c) => cardEvent(c.id, 'card.ordered', null, 'pending_payment', actor, now, `batch ${id}, share ${c.share_fen} fen`)));
    return batchView(batch, { pending_payment: input.quantity });
  });
}

export interface StartedBatchPayment {
  paymentNo: string;
  batchId: string;
  channel: PaymentChannel;
  amountFen: number;
  payUrl: string;
  expiresAt: number;
}

function payable(b: BatchRow | undefined, businessId: string, batchId: string, now: number): DomainError | null {
  if (!b || b.business_id !== businessId) return fail('IOT.BATCH_NOT_FOUND', 'No such batch.', { batchId });
  if (b.state !== 'pending_payment') return fail('IOT.BATCH_NOT_PAYABLE', 'The batch is not waiting for payment.', { state: b.state });
  if (b.payment_method === 'bank_transfer') return fail('IOT.BATCH_NOT_PAYABLE', 'This batch is paid by bank transfer, confirmed by the platform.', { paymentMethod: b.payment_method });
  if (now >= b.payment_deadline) return fail('IOT.BATCH_NOT_PAYABLE', 'The payment deadline has passed.', { paymentDeadline: b.payment_deadline });
  return null;
}

/** Opens the batch's one payment at its channel (asked first, outside the transaction, as for a card order). */
export async function startBatchPayment(deps: Deps, me: StaffRow, batchId: string): Promise<StartedBatchPayment | DomainError> {
  const now = deps.clock.now();
  const seen = await iotRepos(deps.store).cards.getBatch(batchId);
  const refused = payable(seen, me.business_id, batchId, now);
  if (refused) return refused;
  const channel = seen!.payment_method as PaymentChannel;
  const paymentNo = newId('IOTPAY', now);
  const { payUrl } = await deps.payments[channel].createPayment({ paymentNo, amountFen: seen!.amount_fen, subject: `物联卡批次 ${seen!.id}（${seen!.quantity} 张）`, expiresAt: seen!.payment_deadline });
  return inTx(deps.store, async (r) => {
    const iot = iotRepos(r);
    const b = await iot.cards.getBatch(batchId, true);
    const stale = payable(b, me.business_id, batchId, now);
    if (stale) return stale;
    await iot.cards.insertPayment({ id: paymentNo, batch_id: b!.id, channel, amount_fen: b!.amount_fen, state: 'created', trade_no: null, confirmed_by: null, created_at: now, succeeded_at: null });
    return { paymentNo, batchId: b!.id, channel, amountFen: b!.amount_fen, payUrl, expiresAt: b!.payment_deadline };
  });
}

/** The batch is paid: the payment, the batch and every card of it move together, each card with its own trail. */
export async function markBatchPaid(deps: Deps, r: Parameters<typeof iotRepos>[0], batch: BatchRow, actor: IotActor, now: number, why: string): Promise<void> {
  const iot = iotRepos(r);
  if (!(await iot.cards.setBatchState(batch.id, 'pending_payment', 'paid', { paid_at: now }))) return;
  const ids = await iot.cards.moveBatchCards(batch.id, 'pending_payment', 'paid', now);
  await iot.cards.insertEvents(ids.map((id) => cardEvent(id, 'card.paid', 'pending_payment', 'paid', actor, now, why)));
  deps.log.info({ batchId: batch.id, cards: ids.length }, 'IoT batch paid');
}

/** An operator confirms a bank transfer (对公转账) for a batch: the batch's one payment, recorded as received. */
export async function confirmBankTransfer(deps: Deps, operatorId: string, batchId: string, reference: string): Promise<BatchView | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const iot = iotRepos(r);
    const b = await iot.cards.getBatch(batchId, true);
    if (!b) return fail('IOT.BATCH_NOT_FOUND', 'No such batch.', { batchId });
    if (b.state !== 'pending_payment' || b.payment_method !== 'bank_transfer') return fail('IOT.BATCH_NOT_PAYABLE', 'The batch is not waiting for a bank transfer.', { state: b.state, paymentMethod: b.payment_method });
    const paymentNo = newId('IOTPAY', now);
    await iot.cards.insertPayment({ id: paymentNo, batch_id: b.id, channel: 'bank_transfer', amount_fen: b.amount_fen, state: 'succeeded', trade_no: reference, confirmed_by: operatorId, created_at: now, succeeded_at: now });
    await markBatchPaid(deps, r, b, { type: 'operator', id: operatorId }, now, `bank transfer ${reference} confirmed`);
    return batchView({ ...b, state: 'paid', paid_at: now }, await iot.cards.countCards(b.business_id, b.id));
  });
}

/** The batch's ICCIDs and numbers as CSV (UTF-8 with BOM, so that spreadsheet programs read the Chinese header). */
export async function batchCsv(deps: Deps, me: StaffRow, batchId: string): Promise<string | DomainError> {
  const iot = iotRepos(deps.store);
  const b = await iot.cards.getBatch(batchId);
  if (!b || b.business_id !== me.business_id) return fail('IOT.BATCH_NOT_FOUND', 'No such batch.', { batchId });
  const cards = await iot.cards.listCards({ businessId: me.business_id, batchId });
  const lines = cards.map((c) => [c.seq, c.iccid, c.msisdn, c.state, c.tracking_no ?? '', c.pool_id ?? ''].join(','));
  return `\ufeffseq,iccid,msisdn,state,tracking_no,pool_id\r\n${lines.join('\r\n')}\r\n`;
}
