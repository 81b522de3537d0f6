// Sign-in tries, counted in the store per account and client address and per account (policies/sign-in-throttle.ts).
// A try is taken before the code or password is compared, under a lock on the account, so tries made at the same
// moment are counted one after another and never all pass the same count. The counters live in `rate_limits`
// (migration 009), shared by every server process on the store; their keys are keyed hashes (a key holds a phone).
import { fail, type DomainError } from '../../domain/errors.ts';
import { decideAttempt, SIGN_IN_THROTTLE } from '../../domain/policies/sign-in-throttle.ts';
import type { Repos } from '../../adapters/store/store.ts';
import type { Deps } from './deps.ts';

export type SignInKind = 'code' | 'password';

export interface AttemptKeys {
  account: string;
  pair: string;
}

export function attemptKeys(deps: Deps, kind: SignInKind, account: string, address: string): AttemptKeys {
  return {
    account: deps.secrets.hash('rate-limit', `sign-in-account:${kind}:${account}`),
    pair: deps.secrets.hash('rate-limit', `sign-in-address:${kind}:${account}\0${address}`),
  };
}

/** Takes one try inside the caller's transaction; a refusal (429, `AUTH.SIGN_IN_DELAYED`) takes nothing. */
export async function takeAttempt(r: Repos, keys: AttemptKeys, now: number): Promise<DomainError | null> {
  await r.lockKey(keys.account);
  const rows = await r.platform.getRateLimits([keys.pair, keys.account]);
  const d = decideAttempt(rows.get(keys.pair) ?? null, rows.get(keys.account) ?? null, now, SIGN_IN_THROTTLE);
  if (!d.allowed) {
    return fail('AUTH.SIGN_IN_DELAYED', d.scope === 'address'
      ? 'Too many wrong tries for this account from here; wait before trying again.'
      : 'Too many wrong tries for this account; wait before trying again.', { scope: d.scope, retryAfterMs: d.retryAfterMs });
  }
  await r.platform.putRateLimit(keys.pair, d.pair.windowStart, d.pair.hits);
  await r.platform.putRateLimit(keys.account, d.account.windowStart, d.account.hits);
  return null;
}

/** A success forgets the tries from that address; the account's window keeps counting. */
export async function forgetAttempts(r: Repos, keys: AttemptKeys): Promise<void> {
  await r.platform.dropRateLimit(keys.pair);
}
