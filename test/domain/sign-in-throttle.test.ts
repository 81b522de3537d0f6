import { describe, expect, it } from 'vitest';
import { decideAttempt, delayAfter, SIGN_IN_THROTTLE as P } from '../../src/domain/policies/sign-in-throttle.ts';

const T = 1_000_000_000;
const MIN = 60_000;

describe('sign-in throttling', () => {
  it('lets five tries through from an address, then waits 30 s doubling per try up to 15 minutes', () => {
    expect([0, 1, 4].map((n) => delayAfter(n))).toEqual([0, 0, 0]);
    expect([5, 6, 7, 8, 9, 10, 11, 60].map((n) => delayAfter(n) / 1000)).toEqual([30, 60, 120, 240, 480, 900, 900, 900]);
  });

  it('refuses a try before the wait is over, says how long is left, and takes nothing', () => {
    const d = decideAttempt({ windowStart: T, hits: 6 }, { windowStart: T, hits: 6 }, T + 20_000);
    expect(d).toEqual({ allowed: false, scope: 'address', retryAfterMs: 40_000 });
    expect(decideAttempt({ windowStart: T, hits: 6 }, { windowStart: T, hits: 6 }, T + 60_000)).toEqual({
      allowed: true, pair: { windowStart: T + 60_000, hits: 7 }, account: { windowStart: T, hits: 7 },
    });
  });

  it('forgets an address that has not tried for an hour', () => {
    expect(decideAttempt({ windowStart: T, hits: 9 }, null, T + 60 * MIN)).toMatchObject({ allowed: true, pair: { hits: 1 } });
  });

  it('stops the account at its ceiling until the window ends, whatever the address', () => {
    const full = { windowStart: T, hits: P.accountCeiling };
    expect(decideAttempt(null, full, T + 5 * MIN)).toEqual({ allowed: false, scope: 'account', retryAfterMs: 10 * MIN });
    expect(decideAttempt(null, full, T + 15 * MIN)).toMatchObject({ allowed: true, account: { windowStart: T + 15 * MIN, hits: 1 } });
  });

  it('keeps one address under the ceiling for any 15 minutes: a few addresses cannot reach it', () => {
    let pair = null as { windowStart: number; hits: number } | null;
    let account = null as { windowStart: number; hits: number } | null;
    const taken: number[] = [];
    // One address trying every second for two hours.
    for (let t = T; t < T + 120 * MIN; t += 1000) {
      const d = decideAttempt(pair, account, t);
      if (d.allowed) { pair = d.pair; account = d.account; taken.push(t); }
    }
    const most = Math.max(...taken.map((t) => taken.filter((u) => u >= t && u < t + P.accountWindowMs).length));
    expect(most).toBeLessThanOrEqual(9);
    expect(most * 11).toBeLessThan(P.accountCeiling);
  });
});
