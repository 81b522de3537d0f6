// The IoT carrier port over OneLink (client.ts). OneLink takes no request number of ours, so a repeated request
// is made harmless by asking the card first: a card already active answers with its activation date and nothing
// is sent again, a card stopped is closed already. Activation goes as a batch change (物联卡状态变更批量办理) of one
// card, which the platform carries out later: the job is asked after a few times, and a job not finished yet
// leaves the card for the next pass (retryable), its job remembered so that the pass asks after it again.
import type { IotActivationAnswer, IotCarrierPort, IotUsageLine } from '../../../app/iot/ports.ts';
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

export class OneLinkIotCarrier implements IotCarrierPort {
  /** Jobs submitted and not yet seen finished, by our activation number. */
  private readonly pending = new Map<string, string>();
  private readonly pollAttempts: number;
  private readonly pollIntervalMs: number;

  constructor(readonly client: OneLinkClient, opts: OneLinkCarrierOptions = {}) {
    this.pollAttempts = opts.pollAttempts ?? 4;
    this.pollIntervalMs = opts.pollIntervalMs ?? 500;
  }

  async activate(req: { activationNo: string; iccid: string; msisdn: string }): Promise<IotActivationAnswer> {
    try {
      const status = (await this.client.simStatus(req.iccid)).cardStatus;
      if (status === CARD_STATUS.active) return await this.activated(req.activationNo, req.iccid);
      const operType = ACTIVATION[status];
      if (!operType) return { status: 'failed', error: `LINE_CLOSED: the card is in state ${status} at the carrier`, retryable: false };
      let jobId = this.pending.get(req.activationNo);
      if (!jobId) {
        jobId = await this.client.changeSimStatusBatch([req.iccid], operType, `activation ${req.activationNo}`);
        this.pending.set(req.activationNo, jobId);
      }
      for (let i = 0; i < this.pollAttempts; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, this.pollIntervalMs));
        const job = await this.client.batchResult(jobId);
        if (job.jobStatus === JOB_STATUS.waiting || job.jobStatus === JOB_STATUS.running) continue;
        this.pending.delete(req.activationNo);
        const line = job.resultList.find((l) => l.iccid === req.iccid || l.msisdn === req.msisdn);
        if (line && line.resultCode === ONELINK_CODES.ok) return await this.activated(req.activationNo, req.iccid);
        return { status: 'failed', error: line ? `${line.resultCode} ${line.message ?? ''}`.trim() : `job ${jobId} ended ${job.jobStatus} without the card`, retryable: false };
      }
      return { status: 'failed', error: `ACTIVATION_PENDING: job ${jobId} not finished yet`, retryable: true };
    } catch (e) {
      if (e instanceof OneLinkRefusal) {
        // The same card asked again within the platform's 3 minutes: the first change is still under way.
        if (e.code === ONELINK_CODES.sameCardTooSoon) return { status: 'failed', error: refusal(e), retryable: true };
        return { status: 'failed', error: refusal(e), retryable: false };
      }
      if (e instanceof OneLinkUnavailable) return busy(e, 'activation');
      throw e;
    }
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
