// Jobs over many cards (batch activation, batch cancellation). A job is a row with one item per card; its outbox
// row (topic `iot_job`) runs it. Cards are handled in chunks: a chunk's partner calls first (each with the idempotency
// key `<job>:<card>`, so a call repeated after a crash does nothing more at the partner), then one transaction that
// writes the items' outcomes (only where an item had none), the cards' changes and trails, and their outbox rows: a
// statement per kind of change for the whole chunk, not per card (on PostgreSQL each statement is a round trip). A
// job stopped at any point (the process killed, the worker stopped) is taken again from its outbox row after the
// lease and goes on with the cards that have no outcome: each card is handled exactly once.
import type { Insertable } from 'kysely';
import { iotRepos, type CardRow, type JobItemRow, type JobRow } from '../../adapters/store/iot/index.ts';
import type { IotJobItemsTable } from '../../adapters/store/iot/schema.ts';
import type { Repos } from '../../adapters/store/store.ts';
import type { Deps } from '../platform/deps.ts';
import type { IotActivationAnswer } from './ports.ts';
import { iotOutbox } from './trail.ts';
import { activationStep, cancellationStep, ChunkRows, type StepResult } from './job-steps.ts';

export const JOB_KINDS = ['activation', 'cancellation'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
/** Cards per transaction: large enough that 1,000 cards a second hold the writer briefly, small enough to resume close to where it stopped. */
export const IOT_JOB_CHUNK = 250;

export interface JobView {
  id: string;
  kind: JobKind;
  state: string;
  batchId: string | null;
  total: number;
  done: number;
  failed: number;
  /** Handled (done or failed) out of total, whole percent. */
  percent: number;
  createdAt: number;
  finishedAt: number | null;
}

export const jobView = (j: JobRow): JobView => ({
  id: j.id, kind: j.kind as JobKind, state: j.state, batchId: j.batch_id, total: j.total, done: j.done, failed: j.failed,
  percent: j.total === 0 ? 100 : Math.floor(((j.done + j.failed) * 100) / j.total), createdAt: j.created_at, finishedAt: j.finished_at,
});

/** Writes a job, its items and (when it may start) the outbox row that runs it, in the caller's transaction. */
export async function createJob(r: Repos, job: { id: string; businessId: string; batchId: string | null; kind: JobKind; createdBy: string; start: boolean }, items: Omit<Insertable<IotJobItemsTable>, 'job_id'>[], now: number): Promise<void> {
  await iotRepos(r).jobs.insertJob({
    id: job.id, business_id: job.businessId, batch_id: job.batchId, kind: job.kind, state: job.start ? 'running' : 'awaiting_review',
    total: items.length, done: 0, failed: 0, created_by: job.createdBy, created_at: now, updated_at: now, finished_at: null,
  }, items.map((i) => ({ ...i, job_id: job.id })));
  if (job.start) await r.queue.insertOutbox([iotOutbox('iot_job', { jobId: job.id }, now)]);
}

export interface RunOptions {
  chunkSize?: number;
  /** Stop after this many chunks, as a process stopped between two steps would (tests; the outbox row stays due). */
  maxChunks?: number;
}

/** Runs a job until every card has an outcome (or `maxChunks`); safe to run again, and concurrently, at any point. */
export async function runIotJob(deps: Deps, jobId: string, opts: RunOptions = {}): Promise<{ handled: number; finished: boolean }> {
  const chunkSize = opts.chunkSize ?? IOT_JOB_CHUNK;
  let handled = 0;
  for (let chunk = 0; opts.maxChunks === undefined || chunk < opts.maxChunks; chunk++) {
    const job = await iotRepos(deps.store).jobs.getJob(jobId);
    if (!job || job.state !== 'running') return { handled, finished: job?.state === 'done' };
    const items = await iotRepos(deps.store).jobs.openItems(jobId, chunkSize);
    if (items.length === 0) {
      await deps.store.tx(async (r) => {
        if (await iotRepos(r).jobs.countProgress(jobId, 0, 0, deps.clock.now())) await r.queue.insertOutbox([jobFinishedNotice(job, deps.clock.now())]);
      });
      return { handled, finished: true };
    }
    const cards = new Map((await iotRepos(deps.store).cards.getCards(items.map((i) => i.card_id))).map((c) => [c.id, c]));
    const answers = job.kind === 'activation' ? await activateAtCarrier(deps, job, items, cards) : new Map<string, IotActivationAnswer>();
    const busy = [...answers.values()].some((a) => a.status === 'failed' && a.retryable);
    const now = deps.clock.now();
    handled += await deps.store.tx(async (r) => {
      const iot = iotRepos(r);
      // Read again under the transaction: what another runner or a request did meanwhile counts.
      const fresh = new Map((await iot.cards.getCards(items.map((i) => i.card_id), true)).map((c) => [c.id, c]));
      let done = 0;
      let failed = 0;
      const rows = new ChunkRows(r);
      const steps: { cardId: string; state: string | undefined; step: StepResult }[] = [];
      for (const item of items) {
        const card = fresh.get(item.card_id);
        const answer = answers.get(item.card_id);
        // A busy carrier: the card stays without outcome and is asked again on the next run.
        if (answer?.status === 'failed' && answer.retryable) continue;
        const step: StepResult = !card
          ? { outcome: 'failed', detail: 'card not found' }
          : job.kind === 'activation' ? activationStep(card, answer, job, now) : await cancellationStep(rows, card, item, job, now);
        steps.push({ cardId: item.card_id, state: card?.state, step });
      }
      // The outcome is written only where the card had none: a card handled by an earlier run is left alone.
      const mine = await iot.jobs.finishItems(jobId, steps.map((s) => ({ cardId: s.cardId, outcome: s.step.outcome, detail: s.step.detail })), now);
      const ours = steps.filter((s) => mine.has(s.cardId));
      const moved = await iot.cards.moveCards(ours.flatMap((s) => (s.step.outcome === 'done' && s.step.move ? [{ id: s.cardId, ...s.step.move }] : [])), now);
      for (const { cardId, state, step } of ours) {
        if (step.outcome === 'done' && step.move && !moved.has(cardId)) {
          await iot.jobs.setOutcome(jobId, cardId, 'failed', `the card changed meanwhile (${state}); nothing was done`, now);
          failed += 1;
          continue;
        }
        if (step.outcome === 'done') {
          step.after?.(rows);
          done += 1;
        } else failed += 1;
      }
      await rows.write(now);
      if (await iot.jobs.countProgress(jobId, done, failed, now)) await r.queue.insertOutbox([jobFinishedNotice(job, now)]);
      return done + failed;
    });
    if (busy) throw new Error(`job ${jobId}: the carrier was busy; the cards left are asked again later`);
  }
  return { handled, finished: false };
}

/** The business's contact is told once a job has an outcome for every card (written with the change that finished it). */
const jobFinishedNotice = (job: JobRow, now: number) => iotOutbox('iot_notify', { businessId: job.business_id, template: `iot_${job.kind}_done`, jobId: job.id }, now);

async function activateAtCarrier(deps: Deps, job: JobRow, items: JobItemRow[], cards: Map<string, CardRow>): Promise<Map<string, IotActivationAnswer>> {
  const out = new Map<string, IotActivationAnswer>();
  const carrier = deps.iotCarrier;
  if (!carrier) throw new Error('no IoT carrier platform configured');
  // Only a card that arrived is activated; the step records why another is not. The chunk goes as one batch.
  const asked = items.flatMap((item) => {
    const c = cards.get(item.card_id);
    return !c || (c.state !== 'delivered' && c.state !== 'shipped') || c.pending_return ? [] : [{ cardId: c.id, req: { activationNo: `${job.id}:${c.id}`, iccid: c.iccid, msisdn: c.msisdn } }];
  });
  const answers = asked.length ? await carrier.activateMany(asked.map((a) => a.req)) : [];
  asked.forEach((a, i) => out.set(a.cardId, answers[i]!));
  return out;
}

