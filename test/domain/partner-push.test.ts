import { describe, expect, it } from 'vitest';
import { ORDER_STATES, type OrderState } from '../../src/domain/order.ts';
import { TRANSITIONS } from '../../src/domain/transitions.ts';
import {
  CARRIER_EVENT_KINDS, checkPushFits, checkPushText, checkPushTime, COURIER_EVENT_KINDS, PUSH_ACCEPTED_IN, PUSH_CLOCK_SKEW_MS, PUSH_TEXT_MAX, stateSince,
} from '../../src/domain/policies/partner-push.ts';

const NOW = Date.UTC(2026, 11, 7, 4, 0);
const DAY = 86_400_000;
const codeOf = (e: { code: string } | null) => e?.code ?? null;

describe('checkPushTime', () => {
  const since = NOW - 2 * DAY;
  it.each([
    ['the start of the state', since, null],
    ['a moment before the state began', since - 1, 'CALLBACK.TIME_OUT_OF_RANGE'],
    ['three years back', NOW - 3 * 365 * DAY, 'CALLBACK.TIME_OUT_OF_RANGE'],
    ['now', NOW, null],
    ['a partner clock five minutes ahead', NOW + PUSH_CLOCK_SKEW_MS, null],
    ['just past the allowed skew', NOW + PUSH_CLOCK_SKEW_MS + 1, 'CALLBACK.TIME_OUT_OF_RANGE'],
    ['300 days ahead', NOW + 300 * DAY, 'CALLBACK.TIME_OUT_OF_RANGE'],
    ['not a number', Number.NaN, 'CALLBACK.TIME_OUT_OF_RANGE'],
    ['minus infinity', -Infinity, 'CALLBACK.TIME_OUT_OF_RANGE'],
  ] as const)('judges an event dated at %s', (_name, at, code) => {
    expect(codeOf(checkPushTime(since, at, NOW))).toBe(code);
  });
});

describe('stateSince', () => {
  const base = { deliveredAt: NOW - 3 * DAY, activatedAt: NOW - DAY };
  it('dates delivery and activation by the partner that reported them, other states by our record of the move', () => {
    expect(stateSince({ ...base, state: 'delivered' }, NOW - 2 * DAY)).toBe(NOW - 3 * DAY);
    expect(stateSince({ ...base, state: 'activated' }, NOW - 2 * DAY)).toBe(NOW - DAY);
    expect(stateSince({ ...base, state: 'shipped', deliveredAt: null, activatedAt: null }, NOW - 5 * DAY)).toBe(NOW - 5 * DAY);
    expect(stateSince({ ...base, state: 'cancelled' }, NOW - 4 * DAY)).toBe(NOW - 4 * DAY);
  });
});

describe('checkPushFits, from the table itself', () => {
  for (const kind of COURIER_EVENT_KINDS) {
    for (const state of ORDER_STATES) {
      const ok = PUSH_ACCEPTED_IN.courier[kind].includes(state);
      it(`${ok ? 'takes' : 'refuses'} a courier ${kind} for a ${state} order`, () => {
        expect(codeOf(checkPushFits('courier', kind, state))).toBe(ok ? null : 'CALLBACK.OUT_OF_ORDER');
      });
    }
  }
  for (const kind of CARRIER_EVENT_KINDS) {
    for (const state of ORDER_STATES) {
      const ok = PUSH_ACCEPTED_IN.carrier[kind].includes(state);
      it(`${ok ? 'takes' : 'refuses'} a carrier ${kind} for a ${state} order`, () => {
        expect(codeOf(checkPushFits('carrier', kind, state))).toBe(ok ? null : 'CALLBACK.OUT_OF_ORDER');
      });
    }
  }

  it('refuses a kind the partner does not send', () => {
    expect(codeOf(checkPushFits('courier', 'teleported' as never, 'shipped'))).toBe('CALLBACK.UNKNOWN_KIND');
  });

  it('takes a move only where the transition table has the steps it makes, never backwards', () => {
    const reaches = (from: OrderState, to: OrderState, seen = new Set<OrderState>()): boolean =>
      from === to || (!seen.has(from) && TRANSITIONS[from].some((n) => n !== 'cancelled' && reaches(n, to, seen.add(from))));
    // A delivered scan moves a shipped order one step; an activation moves a shipped or delivered one to activated.
    for (const s of PUSH_ACCEPTED_IN.courier.delivered) expect(TRANSITIONS[s]).toContain('delivered');
    for (const s of PUSH_ACCEPTED_IN.carrier.activated.filter((x) => x !== 'cancelled' && x !== 'account_closed')) expect(reaches(s, 'activated')).toBe(true);
    // No scan of the parcel's journey is taken once it was delivered.
    for (const kind of ['picked_up', 'in_transit', 'out_for_delivery', 'delivered'] as const) {
      expect(PUSH_ACCEPTED_IN.courier[kind]).toEqual(['shipped']);
    }
    // An activation is never taken before the card left the warehouse, nor twice.
    for (const s of ['pending_payment', 'paid', 'packing', 'activated'] as const) expect(PUSH_ACCEPTED_IN.carrier.activated).not.toContain(s);
  });
});

describe('checkPushText', () => {
  it('trims, keeps short printable text and turns an empty one into none', () => {
    expect(checkPushText('detail', '  杭州转运中心  ')).toEqual({ text: '杭州转运中心' });
    expect(checkPushText('detail', '   ')).toEqual({ text: null });
    expect(checkPushText('detail', null)).toEqual({ text: null });
    expect(checkPushText('detail', 'x'.repeat(PUSH_TEXT_MAX))).toEqual({ text: 'x'.repeat(PUSH_TEXT_MAX) });
  });

  it('refuses text past the limit and control characters instead of cutting or cleaning a signed claim', () => {
    expect(codeOf(checkPushText('detail', 'x'.repeat(PUSH_TEXT_MAX + 1)) as never)).toBe('CALLBACK.INVALID_FIELD');
    expect(codeOf(checkPushText('detail', 'x'.repeat(100_000)) as never)).toBe('CALLBACK.INVALID_FIELD');
    for (const bad of ['a\u0000b', '派送中\u001b[2J', 'one\nline two', 'tab\there', 'c1\u0085']) {
      expect(codeOf(checkPushText('detail', bad) as never), JSON.stringify(bad)).toBe('CALLBACK.INVALID_FIELD');
    }
  });
});
