import { describe, expect, it } from 'vitest';
import { followCarrier, nextCarrierPoll, pollSettles } from '../../src/domain/policies/carrier-sync.ts';
import { canClosureMove, CLOSURE_STATES, CLOSURE_TRANSITIONS, initialClosureState } from '../../src/domain/account-closure.ts';
import { canTransition } from '../../src/domain/transitions.ts';

const HOUR = 3_600_000;

describe('carrier polling', () => {
  it('waits 6 h, then twice as long each time up to a day, and gives up after the set number of polls', () => {
    const waits = [1, 2, 3, 4, 5, 6].map((n) => (nextCarrierPoll(n, 0, 8) as { dueAt: number }).dueAt / HOUR);
    expect(waits).toEqual([6, 12, 24, 24, 24, 24]);
    expect(nextCarrierPoll(8, 0, 8)).toEqual({ giveUp: true });
    expect(nextCarrierPoll(1, 0, 1)).toEqual({ giveUp: true });
  });

  it('is settled by an activation (or any status) for a delivered card, and only by a closed line for a closed account', () => {
    expect(pollSettles('delivered', 'inactive')).toBe(false);
    expect(pollSettles('delivered', 'activated')).toBe(true);
    expect(pollSettles('account_closed', 'activated')).toBe(false);
    expect(pollSettles('account_closed', 'closed')).toBe(true);
    expect(pollSettles('account_closed', 'recycled')).toBe(true);
  });
});

describe('following the carrier', () => {
  it('moves only where the transition table allows', () => {
    expect(followCarrier('activated', 'closed')).toBe('close');
    expect(canTransition('activated', 'account_closed')).toBe(true);
    expect(followCarrier('delivered', 'activated')).toBe('activate');
    expect(followCarrier('activated', 'activated')).toBe('none');
    expect(followCarrier('delivered', 'inactive')).toBe('none');
    // Terminal orders do not come back; a card closed before activation needs a cancellation with its refund.
    expect(followCarrier('cancelled', 'activated')).toBeNull();
    expect(followCarrier('account_closed', 'activated')).toBeNull();
    expect(followCarrier('delivered', 'closed')).toBeNull();
    expect(followCarrier('paid', 'activated')).toBeNull();
  });
});

describe('account closure states', () => {
  it('waits for a penalty above zero, and ends only from an open state', () => {
    expect(initialClosureState(0)).toBe('requested');
    expect(initialClosureState(1)).toBe('awaiting_penalty');
    expect(canClosureMove('awaiting_penalty', 'completed')).toBe(false);
    expect(canClosureMove('awaiting_penalty', 'requested')).toBe(true);
    for (const s of CLOSURE_STATES) for (const to of CLOSURE_TRANSITIONS[s]) expect(CLOSURE_STATES).toContain(to);
    for (const end of ['completed', 'withdrawn', 'refused'] as const) expect(CLOSURE_TRANSITIONS[end]).toEqual([]);
  });
});
