import { describe, expect, it } from 'vitest';
import { ORDER_STATES } from '../../src/domain/order.ts';
import { canTransition, TRANSITIONS, validateTransitions } from '../../src/domain/transitions.ts';

describe('the transition table', () => {
  it('is consistent: every state has an entry and every target is a known state', () => {
    expect(validateTransitions()).toEqual([]);
  });

  it('reports a table that names an unknown state or a missing one', () => {
    expect(validateTransitions({ ...TRANSITIONS, paid: ['shipped_somewhere'] })).toContain('paid -> unknown state shipped_somewhere');
    const { activated: _a, ...missing } = TRANSITIONS;
    expect(validateTransitions(missing)).toContain('state activated has no entry');
  });

  // Every pair of states, allowed or forbidden, is checked against the table itself.
  for (const from of ORDER_STATES) {
    for (const to of ORDER_STATES) {
      const allowed = TRANSITIONS[from].includes(to);
      it(`${allowed ? 'allows' : 'forbids'} ${from} -> ${to}`, () => {
        expect(canTransition(from, to)).toBe(allowed);
      });
    }
  }

  it('lets every live state reach cancellation, and nothing leave a closed order', () => {
    for (const s of ORDER_STATES) {
      if (s === 'cancelled' || s === 'account_closed') expect(TRANSITIONS[s]).toEqual([]);
      else expect(TRANSITIONS[s]).toContain('cancelled');
    }
  });
});
