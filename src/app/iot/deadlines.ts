// A batch not paid by its deadline is closed, as a card order is: its cards are released (recorded as timed out,
// distinct from a business's own cancellation) and its open trade closed at the channel; money that still arrives
// goes back whole (payment-notice.ts). The deadline is a timer row (`iot_batch_deadline`, keyed by the batch id).
import type { Repos } from '../../adapters/store/store.ts';
import type { TimerRow } from '../../adapters/store/queue-repo.ts';
import { iotRepos } from '../../adapters/store/iot/index.ts';
import { cardEvent, iotOutbox, IOT_SYSTEM } from './trail.ts';

export const IOT_BATCH_DEADLINE = 'iot_batch_deadline';

export async function iotTimers(r: Repos, claimed: readonly TimerRow[], now: number): Promise<void> {
  for (const t of claimed) {
    if (t.kind !== IOT_BATCH_DEADLINE) continue;
    const iot = iotRepos(r);
    const batch = await iot.cards.getBatch(t.order_id, true);
    if (!batch || batch.state !== 'pending_payment' || now < batch.payment_deadline) continue;
    // A bank transfer confirmed or a payment applied meanwhile moved the batch: the guard above leaves it.
    if (!(await iot.cards.setBatchState(batch.id, 'pending_payment', 'cancelled'))) continue;
    const ids = await iot.cards.moveBatchCards(batch.id, 'pending_payment', 'cancelled', now);
    await iot.cards.closeReleased(ids, 'payment_timeout', now);
    await iot.cards.insertEvents(ids.map((id) => cardEvent(id, 'card.payment_timeout', 'pending_payment', 'cancelled', IOT_SYSTEM, now, 'the batch was not paid by its deadline')));
    await r.queue.insertOutbox([iotOutbox('iot_close_payment', { batchId: batch.id }, now)]);
  }
}
