// What else follows when a refund attempt ends (succeeded, failed or closed), inside the same transaction
// that records the ending. The refund itself is complete without it: its state, history, the order's audit
// event and the customer's notice are already written. This is the seam where a cancellation request
// becomes `completed` once its refund has succeeded and its number is released.
import type { Repos } from '../../adapters/store/store.ts';
import type { RefundRow } from '../../adapters/store/refund-repo.ts';
import { settleCancellation } from '../cancellation/release-number.ts';

export async function refundSettled(r: Repos, refund: RefundRow, now: number): Promise<void> {
  // A failed attempt leaves the request `approved` (still cancelling) until a retry under a new number arrives.
  if (refund.state === 'succeeded' && refund.reason.startsWith('cancellation:')) await settleCancellation(r, refund.order_id, now);
}
