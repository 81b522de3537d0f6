// Claims due timers and outbox rows. Runs inside `serve` or as separate `haoka worker` processes.
import { fireDueTimers } from '../app/platform/fire-timers.ts';
import { dispatchOutbox } from '../app/platform/dispatch-outbox.ts';
import { reconcileRefunds } from '../app/refunds/reconcile-refunds.ts';
import type { Deps } from '../app/platform/deps.ts';
import { IDEMPOTENCY_TTL_MS } from '../http/idempotency.ts';
import { reconcileDay } from '../app/reconciliation/reconcile-day.ts';
import { billDayEnd, previousBillDay } from '../domain/policies/bill-day.ts';
import { PAYMENT_CHANNELS, type PaymentChannel } from '../domain/order.ts';
import { SupplierSchedule } from '../app/suppliers/supplier-tick.ts';
import { distributionUpkeep } from '../app/distribution/upkeep.ts';
import { takeYesterdaysUsage } from '../app/iot/pools.ts';

/** Idempotency keys and rate-limit windows that ran out are deleted this often. */
const PURGE_EVERY_MS = 10 * 60_000;
/** Longer than any rate limit's window. */
const RATE_WINDOW_KEPT_MS = 2 * 3_600_000;
/**
 * The previous Beijing day is reconciled from 10:00 (channels publish a day's bill by then: Alipay from 09:00,
 * WeChat Pay from 10:00). Whether it ran is kept per channel and day in the store, so a restart or a second
 * worker does not run it again; a channel whose bill is not there yet is tried again ten minutes later.
 */
export const RECONCILE_FROM_MS = 10 * 3_600_000;

export class Worker {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private nextPurge = 0;
  private nextReconcile = 0;
  /** Upstream suppliers: submissions, holds, polls and catalog syncs (app/suppliers/supplier-tick.ts). */
  readonly suppliers = new SupplierSchedule();

  constructor(private readonly deps: Deps, private readonly pollMs = 100) {}

  /** One pass: what was due is handled. Tests call this after moving the clock. */
  async runOnce(): Promise<{ timers: number; outbox: number; refundChecks: number }> {
    await this.suppliers.tick(this.deps);
    const timers = await fireDueTimers(this.deps);
    const outbox = await dispatchOutbox(this.deps);
    const refundChecks = await reconcileRefunds(this.deps);
    // What became of text messages: asked of the SMS providers when each message's check is due.
    await this.deps.notifier.checkDeliveries?.().catch((e: unknown) => this.deps.log.warn({ err: String(e) }, 'SMS delivery checks failed'));
    await this.purge();
    await this.reconcileYesterday();
    await takeYesterdaysUsage(this.deps);
    return { timers, outbox, refundChecks };
  }

  private async reconcileYesterday(): Promise<void> {
    const now = this.deps.clock.now();
    if (now < this.nextReconcile) return;
    this.nextReconcile = now + PURGE_EVERY_MS;
    const day = previousBillDay(now);
    if (now < billDayEnd(day) + RECONCILE_FROM_MS) return;
    const due: PaymentChannel[] = [];
    for (const channel of this.deps.offeredChannels ?? PAYMENT_CHANNELS) if (!(await this.deps.store.reconciliation.runFinished(channel, day))) due.push(channel);
    if (due.length) await reconcileDay(this.deps, day, due);
  }

  private async purge(): Promise<void> {
    const now = this.deps.clock.now();
    if (now < this.nextPurge) return;
    this.nextPurge = now + PURGE_EVERY_MS;
    await this.deps.store.platform.purgeIdempotencyKeys(now - IDEMPOTENCY_TTL_MS);
    await this.deps.store.platform.purgeRateLimits(now - RATE_WINDOW_KEPT_MS);
    await distributionUpkeep(this.deps);
  }

  /** Passes until nothing is due (a timer's close writes outbox rows that the next pass sends). */
  async drain(maxPasses = 1000): Promise<void> {
    for (let i = 0; i < maxPasses; i++) {
      const { timers, outbox, refundChecks } = await this.runOnce();
      if (timers === 0 && outbox === 0 && refundChecks === 0) return;
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let busy = false;
        try {
          const { timers, outbox, refundChecks } = await this.runOnce();
          busy = timers > 0 || outbox > 0 || refundChecks > 0;
        } catch (e) {
          this.deps.log.error({ err: e }, 'worker pass failed');
        }
        if (!busy && this.running) await new Promise<void>((res) => {
          const t = setTimeout(res, this.pollMs);
          this.wake = () => { clearTimeout(t); res(); };
        });
      }
    })();
  }

  /** Finishes the pass in progress (its claims are completed, not abandoned) and stops. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }
}
