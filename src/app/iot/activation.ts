// Batch activation: every delivered card of a batch, or the cards of a CSV list, activated at the carrier by a job
// with one outcome per card and its progress (percentage, done, failed), resumed where it stopped.
import { fail, type DomainError } from '../../domain/errors.ts';
import { iotRepos, type CardRow, type StaffRow } from '../../adapters/store/iot/index.ts';
import { inTx, newId, type Deps } from '../platform/deps.ts';
import { iccidsOfCsv } from './cancellation.ts';
import { createJob, jobView, type JobView } from './jobs.ts';

export type ActivationSelection = { batchId: string } | { iccids: string[] } | { csv: string };

export async function startActivation(deps: Deps, me: StaffRow, sel: ActivationSelection): Promise<JobView | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const iot = iotRepos(r);
    let cards: CardRow[];
    if ('batchId' in sel) {
      const b = await iot.cards.getBatch(sel.batchId);
      if (!b || b.business_id !== me.business_id) return fail('IOT.BATCH_NOT_FOUND', 'No such batch.', { batchId: sel.batchId });
      cards = await iot.cards.listCards({ businessId: me.business_id, batchId: sel.batchId, states: ['delivered'] });
    } else {
      const iccids = 'csv' in sel ? iccidsOfCsv(sel.csv) : sel.iccids;
      if (!Array.isArray(iccids)) return iccids;
      const wanted = [...new Set(iccids)];
      cards = await iot.cards.listCards({ businessId: me.business_id, iccids: wanted });
      const found = new Set(cards.map((c) => c.iccid));
      const missing = wanted.filter((x) => !found.has(x));
      if (missing.length) return fail('IOT.CARD_NOT_FOUND', `${missing.length} of the ICCIDs are not cards of this business.`, { missing: missing.slice(0, 20) });
    }
    cards = cards.filter((c) => c.pending_return === null);
    if (cards.length === 0) return fail('IOT.NO_CARDS', 'No delivered card to activate.');
    const busy = await iot.jobs.busyCards(cards.map((c) => c.id));
    if (busy.length) return fail('IOT.CARD_BUSY', `${busy.length} of the cards are in another job that has not finished.`, { cards: busy.slice(0, 20) });
    const id = newId('IJ', now);
    await createJob(r, { id, businessId: me.business_id, batchId: 'batchId' in sel ? sel.batchId : null, kind: 'activation', createdBy: me.id, start: true },
      cards.map((c, i) => ({ card_id: c.id, seq: i + 1, route: 'activate', refund_fen: 0, penalty_fen: 0, outcome: null, detail: null, handled_at: null })), now);
    return jobView((await iot.jobs.getJob(id))!);
  });
}

export interface JobDetail extends JobView {
  items: { iccid: string; route: string; outcome: string | null; detail: string | null; refundFen: number; penaltyFen: number; handledAt: number | null }[];
}

export async function jobDetail(deps: Deps, me: StaffRow, jobId: string): Promise<JobDetail | DomainError> {
  const iot = iotRepos(deps.store);
  const job = await iot.jobs.getJob(jobId);
  if (!job || job.business_id !== me.business_id) return fail('IOT.JOB_NOT_FOUND', 'No such job.', { jobId });
  const items = await iot.jobs.items(jobId);
  const cards = new Map((await iot.cards.getCards(items.map((i) => i.card_id))).map((c) => [c.id, c]));
  return {
    ...jobView(job),
    items: items.map((i) => ({ iccid: cards.get(i.card_id)?.iccid ?? '', route: i.route, outcome: i.outcome, detail: i.detail, refundFen: i.refund_fen, penaltyFen: i.penalty_fen, handledAt: i.handled_at })),
  };
}
