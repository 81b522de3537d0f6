import { randomInt } from 'node:crypto';
import { fail, type DomainError } from '../../domain/errors.ts';
import { isMainlandMobile } from '../../domain/resident-id.ts';
import { newId, type Deps } from './deps.ts';
import { renderNotification } from './notification-text.ts';
import type { Principal, Role } from './secrets.ts';
import { checkPassword, DUMMY_PASSWORD_HASH } from './passwords.ts';
import { attemptKeys, forgetAttempts, takeAttempt } from './sign-in-attempts.ts';

export { hashPassword } from './passwords.ts';

const CODE_TTL_MS = 5 * 60_000;
export const CODE_RESEND_MS = 60_000;
const CODE_MAX_ATTEMPTS = 5;
export const TOKEN_TTL_MS = 7 * 86_400_000;

export async function sendSignInCode(deps: Deps, phone: string): Promise<{ sentTo: string; expiresAt: number } | DomainError> {
  if (!isMainlandMobile(phone)) return fail('REQUEST.INVALID', 'Enter an 11-digit mainland mobile number.', { field: 'phone' });
  const now = deps.clock.now();
  // Codes are filed under the phone's keyed hash: the table never holds the number.
  const key = deps.secrets.hash('phone', phone);
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  // Filed only if no code was made in the last minute, in one statement: requests at the same moment send one text.
  if (!(await deps.store.accounts.putOtp(key, deps.secrets.hash('otp', `${phone}:${code}`), now + CODE_TTL_MS, now, now - CODE_RESEND_MS))) {
    const existing = await deps.store.accounts.getOtp(key);
    const waitMs = existing ? CODE_RESEND_MS - (now - existing.created_at) : CODE_RESEND_MS;
    return fail('AUTH.TOO_MANY_ATTEMPTS', 'A code was sent less than a minute ago.', { retryAfterMs: Math.max(1, waitMs) });
  }
  const { title, body } = renderNotification('sign_in_code', { code });
  await deps.notifier.send({ key: `otp:${phone}:${now}`, channel: 'sms', customerId: '', phone, orderId: null, template: 'sign_in_code', title, body, data: { code } });
  return { sentTo: `${phone.slice(0, 3)}****${phone.slice(-4)}`, expiresAt: now + CODE_TTL_MS };
}

/**
 * Signs a customer in with the code sent to their phone, from client address `from`. The try is taken in the store
 * before the code is compared: from the account-and-address counters (sign-in-attempts.ts) and from the code's own
 * five tries, in one transaction, so tries made at the same moment are evaluated one by one up to the limits.
 */
export async function signInCustomer(deps: Deps, phone: string, code: string, from: string): Promise<{ token: string; customerId: string } | DomainError> {
  const now = deps.clock.now();
  const key = deps.secrets.hash('phone', phone);
  const given = deps.secrets.hash('otp', `${phone}:${code}`);
  const keys = attemptKeys(deps, 'code', phone, from);
  const checked = await deps.store.tx(async (r): Promise<DomainError | null> => {
    const refused = await takeAttempt(r, keys, now);
    if (refused) return refused;
    const otp = await r.accounts.takeOtpAttempt(key, now, CODE_MAX_ATTEMPTS);
    if (!otp) {
      const live = await r.accounts.getOtp(key);
      return live && live.expires_at > now
        ? fail('AUTH.TOO_MANY_ATTEMPTS', 'Too many wrong codes; ask for a new one.')
        : fail('AUTH.INVALID_CODE', 'The code has expired; ask for a new one.');
    }
    if (otp.code_hash !== given) return fail('AUTH.INVALID_CODE', 'The code is not right.', { attemptsLeft: CODE_MAX_ATTEMPTS - otp.attempts });
    await r.accounts.deleteOtpIf(key, otp.code_hash);
    await forgetAttempts(r, keys);
    return null;
  });
  return checked ?? issueCustomerToken(deps, phone);
}

/** A token for a customer by phone (sign-in, and the `haoka token customer` command for scripts). */
export async function issueCustomerToken(deps: Deps, phone: string): Promise<{ token: string; customerId: string } | DomainError> {
  if (!isMainlandMobile(phone)) return fail('REQUEST.INVALID', 'Enter an 11-digit mainland mobile number.', { field: 'phone' });
  const now = deps.clock.now();
  const customerId = await deps.store.accounts.ensureCustomer(newId('C', now), phone, now);
  return { token: deps.secrets.sign({ sub: customerId, role: 'customer', exp: now + TOKEN_TTL_MS }), customerId };
}

/**
 * Signs staff in from client address `from`. The try is taken before the password is compared; an unknown username
 * runs the same scrypt against a dummy hash, so its answer takes as long as a known one's.
 */
export async function signInAgent(deps: Deps, username: string, password: string, from: string): Promise<{ token: string; agent: { id: string; username: string; displayName: string; role: Role } } | DomainError> {
  const keys = attemptKeys(deps, 'password', username, from);
  const refused = await deps.store.tx((r) => takeAttempt(r, keys, deps.clock.now()));
  if (refused) return refused;
  const agent = await deps.store.accounts.getAgentByUsername(username);
  const matches = await checkPassword(password, agent?.password_hash ?? DUMMY_PASSWORD_HASH);
  if (!agent || !matches) return fail('AUTH.INVALID_CREDENTIALS', 'Wrong username or password.');
  await deps.store.tx((r) => forgetAttempts(r, keys));
  return issueAgentToken(deps, agent.username) as Promise<{ token: string; agent: { id: string; username: string; displayName: string; role: Role } }>;
}

export async function issueAgentToken(deps: Deps, username: string) {
  const agent = await deps.store.accounts.getAgentByUsername(username);
  if (!agent) return fail('AUTH.INVALID_CREDENTIALS', `No agent named ${username}.`);
  const p: Principal = { sub: agent.id, role: agent.role as Role, exp: deps.clock.now() + TOKEN_TTL_MS };
  return { token: deps.secrets.sign(p), agent: { id: agent.id, username: agent.username, displayName: agent.display_name, role: agent.role as Role } };
}
