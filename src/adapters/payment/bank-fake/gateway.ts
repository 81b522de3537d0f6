// A fake bank on 127.0.0.1 speaking the bank channel's protocol (adapters/payment/bank/protocol.ts): the batch
// simulator's books behind it (collections, transfer orders paid or bounced only when the bank runs its settlement
// batch, statements), every request's signature checked with the key it issued to the merchant, every answer
// signed; the customer pays at its page (POST /pay/{paymentNo}), and it posts the signed payment notification to the
// notify address given with the collection, resending until acknowledged.
import type { Clock } from '../../../app/platform/ports.ts';
import { BankTransferSimulator } from '../bank.ts';
import { serveLocal, type LocalAnswer, type LocalRequest, type LocalServer } from '../../sim/local-server.ts';
import type { SimulatorOptions } from '../simulator.ts';
import { BANK_PATHS, requestProblem, signAnswer } from '../bank/protocol.ts';

export class FakeBank extends BankTransferSimulator {
  /** Where each collection's notification goes, as its request said. */
  readonly notifyUrls = new Map<string, string>();
  /** Scripting: the next calls to these paths are done but their answer is lost (the connection drops). */
  readonly dropAnswers: string[] = [];
  private server: LocalServer | null = null;

  constructor(readonly merchantId: string, key: string, clock: Clock, opts: SimulatorOptions = {}) {
    super(key, clock, opts);
    this.deliver = async (d) => {
      const url = this.notifyUrls.get(String((JSON.parse(d.body) as { payment_no?: unknown }).payment_no));
      if (!url) return false;
      try {
        const res = await fetch(url, { method: 'POST', headers: d.headers, body: d.body, signal: AbortSignal.timeout(5000) });
        await res.arrayBuffer();
        return res.status === 200;
      } catch {
        return false;
      }
    };
  }

  get url(): string {
    if (!this.server) throw new Error('the fake bank is not listening');
    return this.server.url;
  }

  async start(port = 0): Promise<string> {
    this.server = await serveLocal((req) => this.handle(req), { port });
    return this.server.url;
  }

  async stop(): Promise<void> {
    await this.server?.close();
    this.server = null;
  }

  private async handle(req: LocalRequest): Promise<LocalAnswer> {
    const path = req.url.split('?')[0]!;
    if (req.method === 'POST' && path.startsWith('/pay/')) {
      const r = this.pay(decodeURIComponent(path.slice('/pay/'.length)));
      return 'kind' in r ? { status: 400, body: { paid: false, error: r.code } } : { status: 200, body: { paid: true } };
    }
    if (req.method !== 'POST' || !(Object.values(BANK_PATHS) as string[]).includes(path)) return { status: 404, body: { error: 'NOT_FOUND' } };
    const problem = requestProblem(this.secret, this.merchantId, path, req.headers, req.body, this.clock.now());
    const signed = (data: unknown): LocalAnswer => ({ status: 200, body: signAnswer(this.secret, data, this.clock.now(), this.rnd.hex(16)) });
    if (problem) return signed({ refused: problem });
    const b = JSON.parse(req.body) as Record<string, any>;
    const data = await this.api(path, b);
    const drop = this.dropAnswers.indexOf(path);
    if (drop >= 0) {
      this.dropAnswers.splice(drop, 1);
      return 'hang';
    }
    return signed(data);
  }

  private async api(path: string, b: Record<string, any>): Promise<unknown> {
    switch (path) {
      case BANK_PATHS.collect: {
        await this.createPayment({ paymentNo: b.paymentNo, amountFen: b.amountFen, subject: b.subject, expiresAt: b.expiresAt });
        if (typeof b.notifyUrl === 'string') this.notifyUrls.set(b.paymentNo, b.notifyUrl);
        return { payUrl: `${this.url}/pay/${encodeURIComponent(b.paymentNo)}` };
      }
      case BANK_PATHS.queryCollection: return this.queryPayment(b.paymentNo);
      case BANK_PATHS.closeCollection: return this.closePayment(b.paymentNo);
      case BANK_PATHS.transfer: return this.refund({ refundNo: b.refundNo, paymentNo: b.paymentNo, amountFen: b.amountFen, reason: b.reason });
      case BANK_PATHS.queryTransfer: return this.queryRefund({ refundNo: b.refundNo, paymentNo: b.paymentNo });
      default: return this.statement(b.day);
    }
  }
}
