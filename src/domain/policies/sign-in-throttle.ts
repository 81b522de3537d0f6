// How hard sign-in guessing is slowed down. Pure: counters and a time in, a decision out.
//
// Two counters decide each attempt, both taken before the code or password is compared:
// - one per account and client address: five tries free, then a wait that doubles with every further try (30 s,
//   1 min, 2 min ... up to 15 min) and is forgotten after an hour without tries or at a success. Failures from one
//   address never slow down the owner at another.
// - one per account across all addresses, a ceiling of 100 tries in 15 minutes. One address cannot make more than
//   ten tries in any 15 minutes (five free, then waits adding up to 15.5 min), so it takes more than ten addresses
//   working together to reach it, and even then the owner waits at most until the window ends.

export interface ThrottlePolicy {
  freeTries: number;
  firstDelayMs: number;
  maxDelayMs: number;
  forgetAfterMs: number;
  accountCeiling: number;
  accountWindowMs: number;
}

export const SIGN_IN_THROTTLE: ThrottlePolicy = {
  freeTries: 5,
  firstDelayMs: 30_000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
  accountCeiling: 100,
  accountWindowMs: 15 * 60_000,
};

/** A stored counter: for an account and address, the time of the last try and the tries since the last reset;
 * for an account, the start of its window and the tries in it. */
export interface Counter {
  windowStart: number;
  hits: number;
}

export type ThrottleDecision =
  | { allowed: true; pair: Counter; account: Counter }
  | { allowed: false; scope: 'address' | 'account'; retryAfterMs: number };

/** The wait before the next try after `tries` tries from one address: none for the free ones, then doubling to the cap. */
export function delayAfter(tries: number, p: ThrottlePolicy = SIGN_IN_THROTTLE): number {
  if (tries < p.freeTries) return 0;
  const doublings = tries - p.freeTries;
  // 2^doublings grows past any cap quickly; stop computing it once it has.
  return doublings >= 30 ? p.maxDelayMs : Math.min(p.maxDelayMs, p.firstDelayMs * 2 ** doublings);
}

/** Whether one more try may be made now, and the counters once it is taken. */
export function decideAttempt(pair: Counter | null, account: Counter | null, now: number, p: ThrottlePolicy = SIGN_IN_THROTTLE): ThrottleDecision {
  const pairTries = pair && now - pair.windowStart < p.forgetAfterMs ? pair.hits : 0;
  if (pair && pairTries > 0) {
    const openAt = pair.windowStart + delayAfter(pairTries, p);
    if (now < openAt) return { allowed: false, scope: 'address', retryAfterMs: openAt - now };
  }
  const fresh = !account || now - account.windowStart >= p.accountWindowMs;
  const acct = fresh ? { windowStart: now, hits: 0 } : account;
  if (acct.hits >= p.accountCeiling) return { allowed: false, scope: 'account', retryAfterMs: acct.windowStart + p.accountWindowMs - now };
  return { allowed: true, pair: { windowStart: now, hits: pairTries + 1 }, account: { windowStart: acct.windowStart, hits: acct.hits + 1 } };
}
