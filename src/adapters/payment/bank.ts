// Bank-transfer refunds: the bank accepts a transfer order and pays it in its next settlement batch.
// Until the batch runs the transfer is processing; a transfer to a closed or frozen account bounces in the
// batch. The platform learns the outcome by asking (the bank's transfer-status query).
import type { RefundAnswer, RefundRequest } from '../../app/platform/ports.ts';
import type { Clock } from '../../app/platform/ports.ts';
import { PaymentChannelSimulator, type SimRefund, type SimulatorOptions } from './simulator.ts';

export interface BatchLine {
  refundNo: string;
  channelRefundNo: string;
  amountFen: number;
  status: 'SUCCESS' | 'FAILED';
  error: string | null;
}

export class BankTransferSimulator extends PaymentChannelSimulator {
  /** Scripting: the next accepted transfers bounce in their batch with these codes (e.g. ACCOUNT_CLOSED). */
  bounceNext: string[] = [];
  private batches = 0;

  constructor(secret: string, clock: Clock, opts: SimulatorOptions = {}) {
    super('bank', secret, clock, { closePaid: 'TXN_ALREADY_CREDITED: 款项已入账, the transfer was received and cannot be revoked', payClosed: 'TXN_CLOSED: 该笔收款已关闭, the collection was closed' }, opts);
  }

  async refund(req: RefundRequest): Promise<RefundAnswer> {
    const got = this.receive(req, () => {
      const bounce = this.bounceNext.shift();
      return bounce ? { status: 'FAILED', error: bounce } : { status: 'SUCCESS', error: null };
    });
    this.persist();
    if ('answer' in got) return got.answer;
    return { status: 'processing', channelRefundNo: got.refund.channelRefundNo };
  }

  /** Transfers wait for the batch: time alone settles nothing. */
  protected override settleDue(): string[] {
    return [];
  }

  /** Runs the settlement batch: every accepted transfer is paid or bounces. Returns the batch file's lines. */
  settleBatch(): { batchNo: string; lines: BatchLine[] } {
    const lines: BatchLine[] = [];
    this.sync();
    for (const no of this.processing) {
      const r = this.refunds.get(no)!;
      this.settle(r);
      const ended = r.status as SimRefund['status'];
      lines.push({ refundNo: r.refundNo, channelRefundNo: r.channelRefundNo, amountFen: r.amountFen, status: ended === 'SUCCESS' ? 'SUCCESS' : 'FAILED', error: r.error });
    }
    this.persist();
    return { batchNo: `BATCH${String(++this.batches).padStart(6, '0')}`, lines };
  }
}
