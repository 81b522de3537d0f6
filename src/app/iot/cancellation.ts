// Batch cancellation: the business chooses cards (all of a batch, a filter by state, or a CSV of ICCIDs), sees the
// preview (by state and route, with totals, labels and the pools after), and confirms the totals it saw. The
// cancellation then runs as a job with one outcome per card; above the express-refund amount it first waits in
// the agents' queue as one request listing its cards.
import { fail, type DomainError } from '../../domain/errors.ts';
import type { OrderState } from '../../domain/order.ts';
import { previewCancellation, type CancellationPreview } from '../../domain/iot/cancellation.ts';
import type { PoolMember } from '../../domain/iot/pool.ts';
import { parseIccid } from '../../domain/iccid.ts';
import { iotRepos, toCard, type CancellationRow, type CardRow, type StaffRow } from '../../adapters/store/iot/index.ts';
import type { Repos } from '../../adapters/store/store.ts';
import { inTx, newId, type Deps } from '../platform/deps.ts';
import { createJob } from './jobs.ts';
import { iotOutbox } from './trail.ts';

/** Where delivered cards are sent back to (one parcel per cancellation). */
export const IOT_RETURN_ADDRESS = '上海市浦东新区张江路 100 号 物联卡退货组（收）021-60000000';
/** Cards one cancellation may hold (a batch's largest size). */
export const MAX_CANCEL_CARDS = 10_000;

export type Selection = { batchId: string; states?: OrderState[] } | { iccids: string[] } | { csv: string };

/** The ICCIDs of a CSV (one a line, or the first column; a header line is skipped). */
export function iccidsOfCsv(csv: string): string[] | DomainError {
  const out: string[] = [];
  for (const [i, line] of csv.replace(/^\ufeff/, '').split(/\r?\n/).entries()) {
    const cell = line.split(',')[0]!.trim().replace(/^"|"$/g, '');
    if (!cell || (i === 0 && !/^\d/.test(cell))) continue;
    const iccid = parseIccid(cell);
    if (typeof iccid !== 'string') return fail('REQUEST.INVALID', `Line ${i + 1}: ${iccid.message}`, { line: i + 1, value: cell.slice(0, 30) });
    out.push(iccid);
  }
  return out;
}

async function selectCards(r: Repos, businessId: string, sel: Selection): Promise<CardRow[] | DomainError> {
  const iot = iotRepos(r);
  let cards: CardRow[];
  if ('batchId' in sel) {
    const b = await iot.cards.getBatch(sel.batchId);
    if (!b || b.business_id !== businessId) return fail('IOT.BATCH_NOT_FOUND', 'No such batch.', { batchId: sel.batchId });
    cards = await iot.cards.listCards({ businessId, batchId: sel.batchId, ...(sel.states ? { states: sel.states } : {}) });
  } else {
    const iccids = 'csv' in sel ? iccidsOfCsv(sel.csv) : sel.iccids;
    if (!Array.isArray(iccids)) return iccids;
    const wanted = [...new Set(iccids)];
    cards = await iot.cards.listCards({ businessId, iccids: wanted });
    // Another business's card is as unknown as a card that does not exist.
    const found = new Set(cards.map((c) => c.iccid));
    const missing = wanted.filter((x) => !found.has(x));
    if (missing.length) return fail('IOT.CARD_NOT_FOUND', `${missing.length} of the ICCIDs are not cards of this business.`, { missing: missing.slice(0, 20) });
  }
  if (cards.length === 0) return fail('IOT.NO_CARDS', 'No cards match this choice.');
  if (cards.length > MAX_CANCEL_CARDS) return fail('IOT.NO_CARDS', `A cancellation holds at most ${MAX_CANCEL_CARDS} cards.`, { cards: cards.length });
  return cards;
}

async function preview(deps: Deps, r: Repos, businessId: string, sel: Selection, now: number): Promise<{ preview: CancellationPreview; cards: CardRow[] } | DomainError> {
  const cards = await selectCards(r, businessId, sel);
  if (!Array.isArray(cards)) return cards;
  const iot = iotRepos(r);
  const pools = new Map<string, PoolMember[]>();
  for (const poolId of new Set(cards.map((c) => c.pool_id).filter((p): p is string => p !== null))) pools.set(poolId, await iot.accounts.poolMembers(poolId));
  const settings = await deps.settings.get();
  return { preview: previewCancellation(cards.map(toCard), pools, now, { expressRefundMaxFen: settings.expressRefundMaxFen, returnAddress: IOT_RETURN_ADDRESS }), cards };
}

export type PreviewAnswer = Omit<CancellationPreview, 'plans'> & { busyIccids: string[] };

export async function previewBatchCancellation(deps: Deps, me: StaffRow, sel: Selection): Promise<PreviewAnswer | DomainError> {
  const out = await preview(deps, deps.store, me.business_id, sel, deps.clock.now());
  if ('kind' in out) return out;
  const busy = new Set(await iotRepos(deps.store).jobs.busyCards(out.cards.map((c) => c.id)));
  const { plans: _plans, ...shown } = out.preview;
  return { ...shown, busyIccids: out.cards.filter((c) => busy.has(c.id)).map((c) => c.iccid) };
}

export interface ConfirmInput {
  selection: Selection;
  /** The totals the business saw: a preview that changed since is shown again, never run. */
  expect: { cards: number; refundFen: number; penaltyFen: number };
}

export async function confirmBatchCancellation(deps: Deps, me: StaffRow, input: ConfirmInput): Promise<CancellationView | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    await r.lockKey(`iot-cancel:${me.business_id}`);
    const out = await preview(deps, r, me.business_id, input.selection, now);
    if ('kind' in out) return out;
    const p = out.preview;
    const seen = { cards: p.totals.cards, refundFen: p.totals.refundFen, penaltyFen: p.totals.penaltyFen };
    if (seen.cards !== input.expect.cards || seen.refundFen !== input.expect.refundFen || seen.penaltyFen !== input.expect.penaltyFen) {
      return fail('IOT.PREVIEW_CHANGED', 'The cards changed since the preview; look at the preview again.', { expected: input.expect, now: seen });
    }
    const acting = p.plans.filter((x) => x.route !== 'keep');
    if (acting.length === 0) return fail('IOT.NO_CARDS', 'None of these cards can be cancelled or closed.');
    // An unpaid batch has one price for all its cards: it is released whole or not at all.
    const releasing = new Map<string, number>();
    for (const c of out.cards) if (c.state === 'pending_payment') releasing.set(c.batch_id, (releasing.get(c.batch_id) ?? 0) + 1);
    for (const [batchId, n] of releasing) {
      const pending = (await iotRepos(r).cards.countCards(me.business_id, batchId)).pending_payment ?? 0;
      if (n < pending) return fail('IOT.UNPAID_BATCH_WHOLE', 'An unpaid batch is cancelled whole: choose all its cards, or pay it first.', { batchId, chosen: n, cards: pending });
    }
    const busy = await iotRepos(r).jobs.busyCards(acting.map((x) => x.cardId));
    if (busy.length) return fail('IOT.CARD_BUSY', `${busy.length} of the cards are in another job that has not finished.`, { cards: busy.slice(0, 20) });
    // The cancellation and its job share one id: refunds name it, and the job's items are its cards.
    const id = newId('IC', now);
    const summary = { groups: p.groups.map(({ iccids: _i, ...g }) => g), totals: p.totals, pools: p.pools, returnInstructions: p.returnInstructions };
    await iotRepos(r).jobs.insertCancellation({
      id, business_id: me.business_id, state: p.needsReview ? 'awaiting_review' : 'running', cards: acting.length, refund_fen: p.totals.refundFen,
      penalty_fen: p.totals.penaltyFen, summary: JSON.stringify(summary), job_id: id, requested_by: me.id, reviewed_by: null, reviewed_at: null,
      review_note: null, created_at: now, updated_at: now,
    });
    await createJob(r, { id, businessId: me.business_id, batchId: 'batchId' in input.selection ? input.selection.batchId : null, kind: 'cancellation', createdBy: me.id, start: !p.needsReview },
      acting.map((x, i) => ({ card_id: x.cardId, seq: i + 1, route: x.route, refund_fen: x.refundFen, penalty_fen: x.penaltyFen, outcome: null, detail: null, handled_at: null })), now);
    return cancellationView((await iotRepos(r).jobs.getCancellation(id))!, { state: p.needsReview ? 'awaiting_review' : 'running', total: acting.length, done: 0, failed: 0 });
  });
}

export interface CancellationView {
  id: string;
  state: string;
  cards: number;
  refundFen: number;
  penaltyFen: number;
  summary: unknown;
  job: { state: string; total: number; done: number; failed: number; percent: number };
  reviewedBy: string | null;
  reviewNote: string | null;
  createdAt: number;
}

export function cancellationView(c: CancellationRow, job: { state: string; total: number; done: number; failed: number }): CancellationView {
  return {
    // The cancellation is done once its job has an outcome for every card.
    id: c.id, state: c.state === 'running' && job.state === 'done' ? 'done' : c.state, cards: c.cards, refundFen: c.refund_fen, penaltyFen: c.penalty_fen, summary: JSON.parse(c.summary) as unknown,
    job: { ...job, percent: job.total === 0 ? 100 : Math.floor(((job.done + job.failed) * 100) / job.total) },
    reviewedBy: c.reviewed_by, reviewNote: c.review_note, createdAt: c.created_at,
  };
}

/** An agent approves a cancellation waiting for review: its job starts. Rejected, its cards stay as they are. */
export async function reviewBatchCancellation(deps: Deps, agentId: string, id: string, decision: 'approve' | 'reject', note: string): Promise<CancellationView | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const iot = iotRepos(r);
    const c = await iot.jobs.getCancellation(id, true);
    if (!c) return fail('IOT.CANCELLATION_NOT_FOUND', 'No such cancellation.', { id });
    if (c.state !== 'awaiting_review') return fail('IOT.CANCELLATION_NOT_OPEN', 'This cancellation is not waiting for review.', { state: c.state });
    const to = decision === 'approve' ? 'running' : 'rejected';
    await iot.jobs.updateCancellation(id, 'awaiting_review', { state: to, reviewed_by: agentId, reviewed_at: now, review_note: note, updated_at: now });
    await iot.jobs.setJobState(c.job_id, 'awaiting_review', to, now);
    await r.queue.insertOutbox(decision === 'approve' ? [iotOutbox('iot_job', { jobId: c.job_id }, now)] : [iotOutbox('iot_notify', { businessId: c.business_id, template: 'iot_cancellation_rejected', jobId: c.id, note }, now)]);
    const job = (await iot.jobs.getJob(c.job_id))!;
    return cancellationView((await iot.jobs.getCancellation(id))!, job);
  });
}
