// The IoT carrier port over OneLink (client.ts). OneLink takes no request number of ours, so a repeated request
// is made harmless by asking the card first: a card already active answers with its activation date and nothing
// is sent again, a card stopped is closed already. Activation goes as a batch change (物联卡状态变更批量办理) of one
// card, which the platform carries out later: the job is asked after a few times, and a job not finished yet
// leaves the card for the next pass (retryable), its job remembered so that the pass asks after it again.
import type { ActivationRequest, IotActivationAnswer, IotCarrierPort, IotUsageLine } from '../../../app/iot/ports.ts';
import { OneLinkRefusal, OneLinkUnavailable, type OneLinkClient } from './client.ts';
import { BATCH_MAX, CARD_STATUS, JOB_STATUS, ONELINK_CODES, OPER_TYPE, parseBeijingStamp, toQueryDate } from './protocol.ts';

export interface OneLinkCarrierOptions {
  /** How many times a job is asked after before the card is left for the next pass. */
  pollAttempts?: number;
  /** The wait between two questions (real time). */
  pollIntervalMs?: number;
}

/** The state a card must leave to be active, and the change that does it. */
const ACTIVATION: Record<string, string> = {
  [CARD_STATUS.awaiting]: OPER_TYPE.awaitingToActive,
  [CARD_STATUS.testable]: OPER_TYPE.testableToActive,
  [CARD_STATUS.stock]: OPER_TYPE.stockToActive,
};

const busy = (e: unknown, what: string) => ({ status: 'failed' as const, error: `SYSTEM_BUSY: ${what}: ${(e as Error).message}`, retryable: true });
const refusal = (e: OneLinkRefusal) => `${e.code} ${e.platformMessage}`;
const push = <K>(m: Map<K, number[]>, k: K, i: number) => m.set(k, [...(m.get(k) ?? []), i]);

/**
 * Runs a step for each of the cards `indices` names (or once for all of them, `asGroup`) and turns the platform's
 * refusal or silence into those cards' answers: the same card again within 3 minutes, or a platform that does
 * not answer, leaves them for the next pass; another refusal is the carrier's word on them.
 */
async function settle(reqs: readonly ActivationRequest[], answers: (IotActivationAnswer | null)[], indices: readonly number[], step: (req: ActivationRequest, i: number) => Promise<IotActivationAnswer | void>, asGroup = false): Promise<void> {
  const fail = (i: number, e: unknown) => {
    if (e instanceof OneLinkRefusal) answers[i] = { status: 'failed', error: refusal(e), retryable: e.code === ONELINK_CODES.sameCardTooSoon };
    else if (e instanceof OneLinkUnavailable) answers[i] = busy(e, 'activation');
    else throw e;
  };
  for (const i of asGroup ? indices.slice(0, 1) : indices) {
    try {
      const a = await step(reqs[i]!, i);
      if (a) answers[i] = a;
    } catch (e) {
      for (const j of asGroup ? indices : [i]) fail(j, e);
    }
  }
}

export class OneLinkIotCarrier implements IotCarrierPort {
  /** Jobs submitted and not yet seen finished, by our activation number. */
  private readonly pending = new Map<string, string>();
  private readonly pollAttempts: number;
  private readonly pollIntervalMs: number;

  constructor(readonly client: OneLinkClient, opts: OneLinkCarrierOptions = {}) {
    this.pollAttempts = opts.pollAttempts ?? 4;
    this.pollIntervalMs = opts.pollIntervalMs ?? 500;
  }

  async activate(req: ActivationRequest): Promise<IotActivationAnswer> {
    return (await this.activateMany([req]))[0]!;
  }

  /**
   * Each card is asked about first; the cards still to activate go as batch changes of up to 100 cards (one per
   * kind of change), whose jobs are then asked after together.
   */
  async activateMany(reqs: readonly ActivationRequest[]): Promise<IotActivationAnswer[]> {
    const answers: (IotActivationAnswer | null)[] = reqs.map(() => null);
    const active: number[] = [];
    const toSubmit = new Map<string, number[]>();
    const waiting = new Map<string, number[]>();
    await settle(reqs, answers, reqs.map((_, i) => i), async (req, i) => {
      const status = (await this.client.simStatus(req.iccid)).cardStatus;
      if (status === CARD_STATUS.active) return void active.push(i);
      const operType = ACTIVATION[status];
      if (!operType) return { status: 'failed', error: `LINE_CLOSED: the card is in state ${status} at the carrier`, retryable: false };
      const jobId = this.pending.get(req.activationNo);
      if (jobId) push(waiting, jobId, i);
      else push(toSubmit, operType, i);
    });
    for (const [operType, all] of toSubmit) {
      for (let k = 0; k < all.length; k += BATCH_MAX) {
        const part = all.slice(k, k + BATCH_MAX);
        await settle(reqs, answers, part, async () => {
          const jobId = await this.client.changeSimStatusBatch(part.map((i) => reqs[i]!.iccid), operType, `activation ${reqs[part[0]!]!.activationNo}`);
          for (const i of part) this.pending.set(reqs[i]!.activationNo, jobId);
          waiting.set(jobId, part);
        }, true);
      }
    }
    await this.askAfter(waiting, reqs, answers, active);
    await settle(reqs, answers, active, async (req) => this.activated(req.activationNo, req.iccid));
    return answers.map((a) => a ?? { status: 'failed', error: 'ACTIVATION_PENDING: not finished yet', retryable: true });
  }

  /** Asks after the jobs until each is finished or the attempts are spent; a card whose job went through is active. */
  private async askAfter(waiting: Map<string, number[]>, reqs: readonly ActivationRequest[], answers: (IotActivationAnswer | null)[], active: number[]): Promise<void> {
    for (let attempt = 0; attempt < this.pollAttempts && waiting.size > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, this.pollIntervalMs));
      for (const [jobId, idx] of [...waiting]) {
        await settle(reqs, answers, idx, async () => {
          const job = await this.client.batchResult(jobId);
          if (job.jobStatus === JOB_STATUS.waiting || job.jobStatus === JOB_STATUS.running) return;
          waiting.delete(jobId);
          for (const i of idx) {
            const req = reqs[i]!;
            this.pending.delete(req.activationNo);
            const line = job.resultList.find((l) => l.iccid === req.iccid || l.msisdn === req.msisdn);
            if (line && line.resultCode === ONELINK_CODES.ok) active.push(i);
            else answers[i] = { status: 'failed', error: line ? `${line.resultCode} ${line.message ?? ''}`.trim() : `job ${jobId} ended ${job.jobStatus} without the card`, retryable: false };
          }
        }, true);
      }
    }
    for (const [jobId, idx] of waiting) for (const i of idx) answers[i] ??= { status: 'failed', error: `ACTIVATION_PENDING: job ${jobId} not finished yet`, retryable: true };
  }

  private async activated(activationNo: string, iccid: string): Promise<IotActivationAnswer> {
    this.pending.delete(activationNo);
    const info = await this.client.simBasicInfo(iccid);
    const at = info.activeDate ? parseBeijingStamp(info.activeDate) : null;
    if (at === null) throw new OneLinkUnavailable(`OneLink reports ${iccid} active without an activation date`);
    return { status: 'activated', at };
  }

  /** The line is stopped (停机): a card already stopped, or never activated, has nothing more to stop. */
  async closeLine(req: { closeNo: string; iccid: string; msisdn: string }): Promise<{ status: 'closed' } | { status: 'failed'; error: string }> {
    try {
      const status = (await this.client.simStatus(req.iccid)).cardStatus;
      if (status === CARD_STATUS.active) await this.client.changeSimStatus(req.iccid, OPER_TYPE.stop);
      return { status: 'closed' };
    } catch (e) {
      if (e instanceof OneLinkRefusal) return { status: 'failed', error: refusal(e) };
      if (e instanceof OneLinkUnavailable) return { status: 'failed', error: busy(e, 'closure').error };
      throw e;
    }
  }

  /** The day's usage of the cards asked, 100 a call; KB rounded up to the MB as the platform bills. */
  async dailyUsage(day: string, iccids: readonly string[]): Promise<IotUsageLine[]> {
    const out: IotUsageLine[] = [];
    for (let i = 0; i < iccids.length; i += BATCH_MAX) {
      for (const line of await this.client.dataUsageDaily(iccids.slice(i, i + BATCH_MAX), toQueryDate(day))) {
        out.push({ iccid: line.iccid, usedMb: Math.ceil(line.kb / 1024) });
      }
    }
    return out;
  }
}
