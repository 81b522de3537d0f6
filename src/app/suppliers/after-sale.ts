// Returns and closures reported to the supplier: an order the supplier took that ended here by a card sent back
// (an unactivated return, an intercepted parcel, a trial unsubscription) or a closed line is reported once.
import { isError } from '../../domain/errors.ts';
import type { Deps } from '../platform/deps.ts';

export async function reportAfterSales(deps: Deps, limit = 50): Promise<number> {
  if (!deps.suppliers) return 0;
  let reported = 0;
  for (const x of await deps.store.suppliers.afterSalesToReport(limit)) {
    const port = deps.suppliers.get(x.supplier_id);
    if (isError(port)) continue;
    const a = await port.reportAfterSale({ orderId: x.order_id, kind: x.kind, at: x.at }).catch((e: unknown) => ({ status: 'failed' as const, error: String(e) }));
    if (a.status !== 'accepted') {
      deps.log.warn({ orderId: x.order_id, supplierId: x.supplier_id, error: a.error }, 'after-sale report not taken; tried again later');
      continue;
    }
    await deps.store.tx((r) => r.suppliers.updateOrder(x.order_id, { after_sale: x.kind }));
    reported++;
  }
  return reported;
}
