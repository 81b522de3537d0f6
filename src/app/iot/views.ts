// What a business reads: its batches, its cards with filters (and each card's trail), its jobs and cancellations;
// and the agents' queue of cancellations waiting for review, each one request listing its cards.
import { fail, type DomainError } from '../../domain/errors.ts';
import type { OrderState } from '../../domain/order.ts';
import { planCard } from '../../domain/iot/cancellation.ts';
import { iotRepos, toCard, type CardRow, type StaffRow } from '../../adapters/store/iot/index.ts';
import type { Deps } from '../platform/deps.ts';
import { batchView, type BatchView } from './batches.ts';
import { cancellationView, type CancellationView } from './cancellation.ts';
import { jobView, type JobView } from './jobs.ts';

export interface CardView {
  id: string;
  batchId: string;
  seq: number;
  iccid: string;
  msisdn: string;
  state: OrderState;
  shareFen: number;
  quotaMb: number;
  trackingNo: string | null;
  deliveredAt: number | null;
  activatedAt: number | null;
  closedAt: number | null;
  closeReason: string | null;
  penaltyFen: number | null;
  pendingReturn: string | null;
  poolId: string | null;
  dataStopped: boolean;
}

export const cardView = (c: CardRow): CardView => ({
  id: c.id, batchId: c.batch_id, seq: c.seq, iccid: c.iccid, msisdn: c.msisdn, state: c.state as OrderState, shareFen: c.share_fen, quotaMb: c.quota_mb,
  trackingNo: c.tracking_no, deliveredAt: c.delivered_at, activatedAt: c.activated_at, closedAt: c.closed_at, closeReason: c.close_reason,
  penaltyFen: c.penalty_fen, pendingReturn: c.pending_return, poolId: c.pool_id, dataStopped: c.data_stopped === 1,
});

export async function listBatches(deps: Deps, me: StaffRow): Promise<BatchView[]> {
  const iot = iotRepos(deps.store);
  const batches = await iot.cards.listBatches(me.business_id);
  return Promise.all(batches.map(async (b) => batchView(b, await iot.cards.countCards(me.business_id, b.id))));
}

export async function getBatch(deps: Deps, me: StaffRow, batchId: string): Promise<BatchView | DomainError> {
  const iot = iotRepos(deps.store);
  const b = await iot.cards.getBatch(batchId);
  if (!b || b.business_id !== me.business_id) return fail('IOT.BATCH_NOT_FOUND', 'No such batch.', { batchId });
  return batchView(b, await iot.cards.countCards(me.business_id, b.id));
}

export async function listCards(deps: Deps, me: StaffRow, f: { batchId?: string; state?: OrderState; poolId?: string; limit: number; offset: number }): Promise<{ cards: CardView[]; counts: Record<string, number> }> {
  const iot = iotRepos(deps.store);
  const cards = await iot.cards.listCards({ businessId: me.business_id, ...(f.batchId ? { batchId: f.batchId } : {}), ...(f.state ? { states: [f.state] } : {}), ...(f.poolId ? { poolId: f.poolId } : {}), limit: f.limit, offset: f.offset });
  return { cards: cards.map(cardView), counts: await iot.cards.countCards(me.business_id, f.batchId) };
}

export async function cardDetail(deps: Deps, me: StaffRow, iccid: string) {
  const iot = iotRepos(deps.store);
  const c = await iot.cards.cardByIccid(iccid);
  if (!c || c.business_id !== me.business_id) return fail('IOT.CARD_NOT_FOUND', 'No such card.', { iccid });
  const now = deps.clock.now();
  const plan = planCard(toCard(c), now);
  return {
    ...cardView(c),
    cancellation: { route: plan.route, refundFen: plan.refundFen, penaltyFen: plan.penaltyFen, reason: plan.reason },
    trail: (await iot.cards.events(c.id)).map((e) => ({ action: e.action, fromState: e.from_state, toState: e.to_state, actorType: e.actor_type, actorId: e.actor_id, reason: e.reason, jobId: e.job_id, at: e.at })),
  };
}

export async function listJobs(deps: Deps, me: StaffRow): Promise<JobView[]> {
  return (await iotRepos(deps.store).jobs.listJobs(me.business_id)).map(jobView);
}

export async function getCancellation(deps: Deps, businessId: string | null, id: string): Promise<(CancellationView & { refunds: { refundNo: string; iccid: string; amountFen: number; state: string; channel: string }[]; cardsListed: { iccid: string; route: string; outcome: string | null; refundFen: number; penaltyFen: number }[] }) | DomainError> {
  const iot = iotRepos(deps.store);
  const c = await iot.jobs.getCancellation(id);
  if (!c || (businessId !== null && c.business_id !== businessId)) return fail('IOT.CANCELLATION_NOT_FOUND', 'No such cancellation.', { id });
  const job = (await iot.jobs.getJob(c.job_id))!;
  const items = await iot.jobs.items(c.job_id);
  const refunds = await iot.jobs.refundsOf(c.id);
  const cards = new Map((await iot.cards.getCards(items.map((i) => i.card_id))).map((x) => [x.id, x]));
  return {
    ...cancellationView(c, job),
    refunds: refunds.map((x) => ({ refundNo: x.id, iccid: cards.get(x.card_id)?.iccid ?? '', amountFen: x.amount_fen, state: x.state, channel: x.channel })),
    cardsListed: items.map((i) => ({ iccid: cards.get(i.card_id)?.iccid ?? '', route: i.route, outcome: i.outcome, refundFen: i.refund_fen, penaltyFen: i.penalty_fen })),
  };
}

export async function listCancellations(deps: Deps, f: { businessId?: string; state?: string }): Promise<CancellationView[]> {
  const iot = iotRepos(deps.store);
  const rows = await iot.jobs.listCancellations(f);
  return Promise.all(rows.map(async (c) => cancellationView(c, (await iot.jobs.getJob(c.job_id))!)));
}
