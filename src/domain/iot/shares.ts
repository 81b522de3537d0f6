// One payment for a batch of cards, split into per-card shares. Pure.
// Largest remainder (Hamilton): each card gets the floor of its exact share, and the fen left over go one each
// to the cards with the largest remainders (ties to the earlier card), so the shares always add up to the
// payment exactly: a refund of every card's share gives back the payment, never a fen more or less.

/** Shares of `totalFen` in proportion to `weights` (whole, non-negative, not all zero). */
export function splitByLargestRemainder(totalFen: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(totalFen) || totalFen < 0) throw new RangeError(`total must be whole fen >= 0, got ${totalFen}`);
  if (weights.length === 0) {
    if (totalFen !== 0) throw new RangeError('a total cannot be split over no cards');
    return [];
  }
  const weightSum = weights.reduce((s, w) => {
    if (!Number.isSafeInteger(w) || w < 0) throw new RangeError(`weights must be whole and >= 0, got ${w}`);
    return s + w;
  }, 0);
  if (weightSum === 0) throw new RangeError('weights must not all be zero');
  // Integer arithmetic through BigInt: total x weight can exceed 2^53 for large batches and prices.
  const T = BigInt(totalFen);
  const W = BigInt(weightSum);
  const shares = weights.map((w) => Number((T * BigInt(w)) / W));
  const remainders = weights.map((w, i) => ({ i, r: (T * BigInt(w)) % W }));
  let left = totalFen - shares.reduce((s, x) => s + x, 0);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0) break;
    shares[i]! += 1;
    left -= 1;
  }
  return shares;
}

/** Volume discount of a batch order (percent off the cards' fees), by the number of cards. */
export const VOLUME_DISCOUNTS: readonly { minCards: number; percent: number }[] = [
  { minCards: 1000, percent: 5 },
  { minCards: 100, percent: 3 },
  { minCards: 1, percent: 0 },
];

export const BATCH_MIN_CARDS = 1;
export const BATCH_MAX_CARDS = 10_000;

/** What a batch costs: the cards' fees less the volume discount, rounded half up to the fen. */
export function batchAmount(cardFeeFen: number, quantity: number): { grossFen: number; discountPercent: number; amountFen: number } {
  const grossFen = cardFeeFen * quantity;
  const discountPercent = VOLUME_DISCOUNTS.find((d) => quantity >= d.minCards)?.percent ?? 0;
  return { grossFen, discountPercent, amountFen: Math.floor((grossFen * (100 - discountPercent) + 50) / 100) };
}
