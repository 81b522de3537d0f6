// Random sequences of commands and clock moves against the pure domain keep its invariants.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decide, type Command } from '../../src/domain/decide.ts';
import { isError } from '../../src/domain/errors.ts';
import { isTerminal } from '../../src/domain/order.ts';
import { canTransition } from '../../src/domain/transitions.ts';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.ts';
import { anOrder, T0 } from '../fixtures/builders.ts';

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ type: fc.constant('cancel_unpaid' as const), confirm: fc.boolean(), reason: fc.option(fc.string(), { nil: undefined }) }).map((c) => (c.reason === undefined ? { type: c.type, confirm: c.confirm } : c) as Command),
  fc.constant({ type: 'close_unpaid' } as Command),
  fc.record({ type: fc.constant('pay' as const), channel: fc.constantFrom('alipay' as const, 'wechat' as const, 'bank' as const), paymentNo: fc.string({ minLength: 1, maxLength: 8 }) }),
);
const step = fc.tuple(command, fc.integer({ min: 0, max: 20 * 60_000 }));

describe('the order domain under random commands', () => {
  it('only ever moves along the table, bumps the version by one per move, and never leaves a closed order', () => {
    fc.assert(fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
      let order = anOrder();
      let now = T0;
      for (const [cmd, dt] of steps) {
        now += dt;
        const r = decide(order, cmd, { now, settings: DEFAULT_SETTINGS });
        if (isError(r)) continue;
        expect(isTerminal(order.state)).toBe(false);
        expect(canTransition(order.state, r.order.state)).toBe(true);
        expect(r.order.version).toBe(order.version + 1);
        expect(r.event.fromState).toBe(order.state);
        expect(r.event.toState).toBe(r.order.state);
        order = r.order;
      }
    }), { numRuns: 500 });
  });

  it('closes an unpaid order only at or after its deadline, and records why it closed', () => {
    fc.assert(fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
      let order = anOrder();
      let now = T0;
      for (const [cmd, dt] of steps) {
        now += dt;
        const r = decide(order, cmd, { now, settings: DEFAULT_SETTINGS });
        if (isError(r)) continue;
        if (r.order.state === 'cancelled') {
          expect(r.order.closeReason).not.toBeNull();
          if (r.order.closeReason === 'payment_timeout') expect(now).toBeGreaterThanOrEqual(order.paymentDeadline);
          if (r.order.closeReason === 'customer_abandoned') expect(cmd).toMatchObject({ type: 'cancel_unpaid', confirm: true });
          expect(r.effects).toContainEqual({ type: 'release_number', numberId: order.numberId });
        }
        if (r.order.state === 'paid') expect(r.effects).toContainEqual({ type: 'sell_number', numberId: order.numberId });
        order = r.order;
      }
    }), { numRuns: 500 });
  });
});
