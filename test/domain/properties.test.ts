// Random sequences of commands and clock moves against the pure domain keep its invariants.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decide, type Command, type Decision } from '../../src/domain/decide.ts';
import { isError } from '../../src/domain/errors.ts';
import { isTerminal, ORDER_STATES, type Order } from '../../src/domain/order.ts';
import { canTransition } from '../../src/domain/transitions.ts';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.ts';
import { anOrder, T0 } from '../fixtures/builders.ts';

// Every command of the domain, the forward ones weighted so that random walks reach every state.
const forward = (a: fc.Arbitrary<Command>) => ({ arbitrary: a, weight: 6 });
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ type: fc.constant('cancel_unpaid' as const), confirm: fc.boolean(), reason: fc.option(fc.string(), { nil: undefined }) }).map((c) => (c.reason === undefined ? { type: c.type, confirm: c.confirm } : c) as Command),
  fc.constant({ type: 'close_unpaid' } as Command),
  forward(fc.record({ type: fc.constant('pay' as const), channel: fc.constantFrom('alipay' as const, 'wechat' as const, 'bank' as const), paymentNo: fc.string({ minLength: 1, maxLength: 8 }) })),
  fc.record({ type: fc.constant('cancel_paid' as const), requestId: fc.constant('R1'), express: fc.boolean() }),
  fc.constant({ type: 'intercepted', requestId: 'R1' } as Command),
  forward(fc.record({ type: fc.constant('pick' as const), iccid: fc.constant('89860012345678901238'), openRequestId: fc.constantFrom(null, 'R1') })),
  forward(fc.record({ type: fc.constant('start_packing' as const), openRequestId: fc.constantFrom(null, 'R1') })),
  forward(fc.constant({ type: 'ship', trackingNo: 'SF1' } as Command)),
  forward(fc.integer({ min: T0, max: T0 + 40 * 86_400_000 }).map((at) => ({ type: 'deliver', at }) as Command)),
  forward(fc.integer({ min: T0, max: T0 + 40 * 86_400_000 }).map((at) => ({ type: 'activate', at }) as Command)),
  fc.constant({ type: 'return_passed', returnId: 'RT1', requestId: null } as Command),
  fc.integer({ min: 0, max: 15 }).map((trialDays) => ({ type: 'unsubscribe_trial', trialDays }) as Command),
  forward(fc.integer({ min: 0, max: 50_000 }).map((penaltyFen) => ({ type: 'close_account', closureId: 'CL1', penaltyFen }) as Command)),
  fc.constant({ type: 'carrier_closed', taskId: 1, note: 'line closed at a shop' } as Command),
);
const step = fc.tuple(command, fc.integer({ min: 0, max: 10 * 60_000 }));

type Checked = (before: Order, after: Decision, cmd: Command, now: number) => void;

/** Plays random steps against one order and hands every accepted decision to `check`. */
function play(check: Checked) {
  fc.assert(fc.property(fc.array(step, { minLength: 10, maxLength: 60 }), (steps) => {
    let order = anOrder();
    let now = T0;
    for (const [cmd, dt] of steps) {
      now += dt;
      const r = decide(order, cmd, { now, settings: DEFAULT_SETTINGS });
      if (isError(r)) continue;
      check(order, r, cmd, now);
      order = r.order;
    }
  }), { numRuns: 1000, seed: 20261127 });
}

describe('the order domain under random commands', () => {
  it('only ever moves along the table, bumps the version by one per move, and never leaves a closed order', () => {
    const reached = new Set<string>(['pending_payment']);
    play((order, r, cmd) => {
      reached.add(r.order.state);
      expect(isTerminal(order.state)).toBe(false);
      // Picking the card is the one step that stays inside a state (paid).
      if (r.order.state === order.state) expect([cmd.type, order.state]).toEqual(['pick', 'paid']);
      else expect(canTransition(order.state, r.order.state)).toBe(true);
      expect(r.order.version).toBe(order.version + 1);
      expect(r.event.fromState).toBe(order.state);
      expect(r.event.toState).toBe(r.order.state);
    });
    // The walks are only worth something if they reach every state.
    expect([...reached].sort()).toEqual([...ORDER_STATES].sort());
  });

  it('closes an order only with a recorded reason, an unpaid one only at its deadline or by the customer', () => {
    play((order, r, cmd, now) => {
      if (r.order.state === 'cancelled') {
        expect(r.order.closeReason).not.toBeNull();
        if (r.order.closeReason === 'payment_timeout') expect(now).toBeGreaterThanOrEqual(order.paymentDeadline);
        if (r.order.closeReason === 'customer_abandoned') expect(cmd).toMatchObject({ type: 'cancel_unpaid', confirm: true });
        if (order.state === 'pending_payment') expect(r.effects).toContainEqual({ type: 'release_number', numberId: order.numberId });
      }
      if (r.order.state === 'paid' && order.state !== 'paid') expect(r.effects).toContainEqual({ type: 'sell_number', numberId: order.numberId });
    });
  });

  it('packs only a picked card, and puts a picked card back when the order is cancelled before packing', () => {
    play((order, r, cmd) => {
      if (r.order.state === 'packing') expect(order.iccid).not.toBeNull();
      if (cmd.type === 'cancel_paid' && order.iccid !== null) {
        expect(r.order).toMatchObject({ iccid: null, pickedAt: null });
        expect(r.effects).toContainEqual({ type: 'restock_card', iccid: order.iccid });
      }
    });
  });
});
