// Which distributors the operators' desk flags: far above the platform's cancellation rate, on enough orders to tell.
import { describe, expect, it } from 'vitest';
import { farAbovePlatform, FLAG_MIN_PAID } from '../../../src/domain/distribution/flag.ts';

describe('flagging a distributor far above the platform\u2019s cancellation rate', () => {
  it.each<[number, number, number, boolean, string]>([
    // paid, distributor's rate, platform's rate, flagged, why
    [10, 0.5, 0.1, true, 'five times the platform and 40 points above'],
    [FLAG_MIN_PAID, 1, 0.2, true, 'every order cancelled, on just enough orders'],
    [FLAG_MIN_PAID - 1, 1, 0.2, false, 'every order cancelled, but too few orders to tell'],
    [100, 0.3, 0.2, false, 'above the platform, but not twice its rate'],
    [100, 0.4, 0.2, false, 'exactly twice the platform is not more than twice'],
    [100, 0.05, 0.01, false, 'five times the platform, but 4 points: both rates are low'],
    [100, 0.12, 0.02, true, 'six times the platform and 10 points above'],
    [100, 0.1, 0, true, 'a platform where nobody cancels, against 10 %'],
    [100, 0, 0, false, 'nobody cancels anywhere'],
  ])('%i paid at %f against %f: %s (%s)', (paid, rate, platform, flagged) => {
    expect(farAbovePlatform(paid, rate, platform)).toBe(flagged);
  });
});
