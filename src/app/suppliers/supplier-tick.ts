// The suppliers' share of each worker pass: paid orders queued for submission at once; every few seconds, holds
// given back, silent orders asked about, returns and closures reported; every few hours, the catalogs synced.
import type { Deps } from '../platform/deps.ts';
import { pollSuppliers } from './apply-report.ts';
import { syncCatalogs } from './catalog-sync.ts';
import { releaseHolds } from './pick-number.ts';
import { queueSubmissions } from './submit-order.ts';
import { reportAfterSales } from './after-sale.ts';

export const SWEEP_EVERY_MS = 10_000;
export const SYNC_EVERY_MS = 6 * 3_600_000;

export class SupplierSchedule {
  private nextSweep = 0;
  private nextSync: number;

  /** `syncFirstAt`: when the first scheduled sync runs (start-up syncs on demand or by `haoka suppliers sync`). */
  constructor(syncFirstAt = 0) {
    this.nextSync = syncFirstAt;
  }

  async tick(deps: Deps): Promise<number> {
    if (!deps.suppliers || deps.suppliers.all().length === 0) return 0;
    const queued = await queueSubmissions(deps);
    const now = deps.clock.now();
    if (now >= this.nextSweep) {
      this.nextSweep = now + SWEEP_EVERY_MS;
      await releaseHolds(deps);
      await pollSuppliers(deps);
      await reportAfterSales(deps);
    }
    if (now >= this.nextSync) {
      this.nextSync = now + SYNC_EVERY_MS;
      await syncCatalogs(deps);
    }
    return queued;
  }
}
