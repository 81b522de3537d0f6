import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { planCard, previewCancellation, routeAllowed } from '../../../src/domain/iot/cancellation.ts';
import { ORDER_STATES } from '../../../src/domain/order.ts';
import { iotTerms, type IotCard } from '../../../src/domain/iot/card.ts';
import { batchAmount, splitByLargestRemainder } from '../../../src/domain/iot/shares.ts';
import { alertLevelsReached, dataStopped, overageFen, poolAfterRemovals } from '../../../src/domain/iot/pool.ts';
import { iccidRange, numberRange } from '../../../src/domain/iot/stock.ts';
import { parseIccid } from '../../../src/domain/iccid.ts';
import type { OrderState } from '../../../src/domain/order.ts';

const DAY = 86_400_000;
// 2026-03-10 12:00 Shanghai.
const NOW = Date.UTC(2026, 2, 10, 4);
const TERMS = iotTerms({ cardFeeFen: 1999, monthlyFeeFen: 1000, contractMonths: 12, penaltyRule: { kind: 'remaining_share', percent: 50 }, activationWindowDays: 15 });

let seq = 0;
function card(state: OrderState, over: Partial<IotCard> = {}): IotCard {
  seq += 1;
  return {
    id: `c${seq}`, batchId: 'B1', businessId: 'E1', iccid: `8986${String(seq).padStart(15, '0')}`, msisdn: `1440000${String(seq).padStart(6, '0')}`,
    state, shareFen: 1939, quotaMb: 1024, terms: TERMS, paymentDeadline: NOW + 30 * 60_000, trackingNo: state === 'shipped' ? 'SF1' : null,
    deliveredAt: state === 'delivered' || state === 'activated' ? NOW - 3 * DAY : null,
    activatedAt: state === 'activated' ? Date.UTC(2026, 0, 15, 4) : null, poolId: null, pendingReturn: null, ...over,
  };
}

describe('the route of each card in a batch cancellation', () => {
  it('releases an unpaid card with nothing to refund', () => {
    expect(planCard(card('pending_payment'), NOW)).toMatchObject({ route: 'release', refundFen: 0, refundWhen: null, penaltyFen: 0 });
  });

  it.each(['paid', 'packing'] as const)('cancels a %s card and refunds its share at once', (state) => {
    expect(planCard(card(state, { shareFen: 1940 }), NOW)).toMatchObject({ route: 'refund', refundFen: 1940, refundWhen: 'now', penaltyFen: 0 });
  });

  it('intercepts a shipped card and refunds its share once the parcel is back', () => {
    expect(planCard(card('shipped'), NOW)).toMatchObject({ route: 'intercept', refundFen: 1939, refundWhen: 'on_receipt' });
  });

  it('returns a delivered card inside its activation window, refunded once received', () => {
    expect(planCard(card('delivered'), NOW)).toMatchObject({ route: 'return', refundFen: 1939, refundWhen: 'on_receipt' });
  });

  it('keeps a delivered card whose activation window is over', () => {
    expect(planCard(card('delivered', { deliveredAt: NOW - 16 * DAY }), NOW)).toMatchObject({ route: 'keep', refundFen: 0 });
  });

  it('closes an activated card with its early-termination penalty, from the phone-card rule', () => {
    // Activated in January, closing in March: 3 months served, 9 left, 50 % of 9 x 10.00.
    expect(planCard(card('activated'), NOW)).toMatchObject({ route: 'close', refundFen: 0, penaltyFen: 4500 });
  });

  it.each(['cancelled', 'account_closed'] as const)('keeps a %s card as it is', (state) => {
    expect(planCard(card(state), NOW)).toMatchObject({ route: 'keep', refundFen: 0, penaltyFen: 0 });
  });

  it('keeps a card already on its way back from an earlier cancellation', () => {
    expect(planCard(card('shipped', { pendingReturn: 'intercept' }), NOW)).toMatchObject({ route: 'keep', refundFen: 0 });
  });
});

describe('the routes and the order transition table', () => {
  it.each(ORDER_STATES)('gives a %s card a route whose move the table allows', (state) => {
    const plan = planCard(card(state), NOW);
    expect(routeAllowed(plan.route, state)).toBe(true);
  });
});

describe('the preview of a batch cancellation', () => {
  const settings = { expressRefundMaxFen: 10_000, returnAddress: '上海市浦东新区 物联卡退货仓' };

  it('groups cards by state and route with totals and labels', () => {
    const cards = [card('paid'), card('paid'), card('shipped'), card('delivered'), card('activated'), card('activated')];
    const p = previewCancellation(cards, new Map(), NOW, settings);
    expect(p.groups.map((g) => [g.state, g.route, g.cards, g.refundFen, g.penaltyFen, g.labelText])).toEqual([
      ['paid', 'refund', 2, 3878, 0, '可取消'],
      ['shipped', 'intercept', 1, 1939, 0, '需审核'],
      ['delivered', 'return', 1, 1939, 0, '需审核'],
      ['activated', 'close', 2, 0, 9000, '不可取消'],
    ]);
    expect(p.totals).toEqual({ cards: 6, affected: 6, refundNowFen: 3878, refundOnReceiptFen: 3878, refundFen: 7756, penaltyFen: 9000 });
    expect(p.needsReview).toBe(false);
    expect(p.returnInstructions).toContain('1 张');
  });

  it('needs review once the refunds exceed the express-refund amount, and says so on the refund group', () => {
    const cards = Array.from({ length: 6 }, () => card('paid'));
    const p = previewCancellation(cards, new Map(), NOW, settings);
    expect(p.totals.refundFen).toBe(11_634);
    expect(p.needsReview).toBe(true);
    expect(p.groups[0]).toMatchObject({ label: 'review_required', labelText: '需审核' });
  });

  it('shows each pool\u2019s quota and monthly fee after the cards leave it', () => {
    const inPool = [card('activated', { poolId: 'P1' }), card('activated', { poolId: 'P1' }), card('activated', { poolId: 'P1' })];
    const members = new Map([['P1', inPool.map((c) => ({ cardId: c.id, quotaMb: 1024, monthlyFeeFen: 1000 }))]]);
    const p = previewCancellation([inPool[0]!], members, NOW, settings);
    expect(p.pools).toEqual([{ poolId: 'P1', before: { members: 3, quotaMb: 3072, monthlyFeeFen: 3000 }, after: { members: 2, quotaMb: 2048, monthlyFeeFen: 2000 }, removed: 1 }]);
  });
});

describe('sharing one batch payment between its cards', () => {
  it('never loses or adds a fen, and no share is more than a fen from another of equal weight', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2_000_000_000 }), fc.integer({ min: 1, max: 500 }), (total, n) => {
      const shares = splitByLargestRemainder(total, Array(n).fill(1));
      expect(shares.reduce((s, x) => s + x, 0)).toBe(total);
      expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
    }));
  });

  it('adds up exactly for any weights, each share within a fen of its exact value', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 200 }).filter((w) => w.some((x) => x > 0)), (total, weights) => {
      const shares = splitByLargestRemainder(total, weights);
      const sum = weights.reduce((s, x) => s + x, 0);
      expect(shares.reduce((s, x) => s + x, 0)).toBe(total);
      shares.forEach((s, i) => expect(Math.abs(s - (total * weights[i]!) / sum)).toBeLessThan(1));
    }));
  });

  it('refunds of any subset of cards plus the rest always make the payment', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 100_000 }), fc.integer(), (n, fee, pick) => {
      const { amountFen } = batchAmount(fee, n);
      const shares = splitByLargestRemainder(amountFen, Array(n).fill(1));
      const chosen = shares.filter((_, i) => (i * 2654435761 + pick) % 3 === 0).reduce((s, x) => s + x, 0);
      const rest = shares.filter((_, i) => (i * 2654435761 + pick) % 3 !== 0).reduce((s, x) => s + x, 0);
      expect(chosen + rest).toBe(amountFen);
    }), { numRuns: 50 });
  });

  it('gives the odd fen to the earliest cards', () => {
    expect(splitByLargestRemainder(1000, [1, 1, 1])).toEqual([334, 333, 333]);
    expect(splitByLargestRemainder(2, [1, 1, 1])).toEqual([1, 1, 0]);
  });

  it('discounts large batches', () => {
    expect(batchAmount(1999, 50)).toEqual({ grossFen: 99_950, discountPercent: 0, amountFen: 99_950 });
    expect(batchAmount(1999, 333)).toEqual({ grossFen: 665_667, discountPercent: 3, amountFen: 645_697 });
  });
});

describe('traffic pools', () => {
  const members = [1, 2, 3, 4].map((i) => ({ cardId: `c${i}`, quotaMb: 1024 * i, monthlyFeeFen: 500 * i }));

  it('sums the members\u2019 quotas and fees after removals, whatever is removed', () => {
    fc.assert(fc.property(fc.subarray(members.map((m) => m.cardId)), (gone) => {
      const { before, after, removed } = poolAfterRemovals(members, new Set(gone));
      const left = members.filter((m) => !gone.includes(m.cardId));
      expect(before.quotaMb).toBe(10 * 1024);
      expect(after).toEqual({ members: left.length, quotaMb: left.reduce((s, m) => s + m.quotaMb, 0), monthlyFeeFen: left.reduce((s, m) => s + m.monthlyFeeFen, 0) });
      expect(removed).toBe(gone.length);
    }));
  });

  it('alerts at 80 % and 100 %', () => {
    expect(alertLevelsReached(799, 1000)).toEqual([]);
    expect(alertLevelsReached(800, 1000)).toEqual([80]);
    expect(alertLevelsReached(1000, 1000)).toEqual([80, 100]);
  });

  it('bills every GB started over quota, and stops data only for a pool set to stop', () => {
    expect(overageFen(10_240 + 1, 10_240, 1500)).toEqual({ overMb: 1, billedGb: 1, feeFen: 1500 });
    expect(overageFen(9_000, 10_240, 1500).feeFen).toBe(0);
    expect(dataStopped('stop', 10_240, 10_240)).toBe(true);
    expect(dataStopped('overage_fee', 20_000, 10_240)).toBe(false);
  });
});


describe('cards from stock', () => {
  it('allocates consecutive ICCIDs, each with a valid check digit, and consecutive numbers', () => {
    const iccids = iccidRange('8986041920000000998', 4);
    expect(iccids.map((x) => x.slice(0, 19))).toEqual(['8986041920000000998', '8986041920000000999', '8986041920000001000', '8986041920000001001']);
    for (const x of iccids) expect(parseIccid(x)).toBe(x);
    expect(numberRange('1440000000998', 3)).toEqual(['1440000000998', '1440000000999', '1440000001000']);
  });
});
