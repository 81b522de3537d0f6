import { randomInt, scryptSync, timingSafeEqual, randomBytes } from 'node:crypto';
import { fail, type DomainError } from '../../domain/errors.ts';
import { isMainlandMobile } from '../../domain/resident-id.ts';
import { newId, type Deps } from './deps.ts';
import { renderNotification } from './notification-text.ts';
import type { Principal, Role } from './secrets.ts';

const CODE_TTL_MS = 5 * 60_000;
const CODE_RESEND_MS = 60_000;
const CODE_MAX_ATTEMPTS = 5;
export const TOKEN_TTL_MS = 7 * 86_400_000;

export async function sendSignInCode(deps: Deps, phone: string): Promise<{ sentTo: string; expiresAt: number } | DomainError> {
  if (!isMainlandMobile(phone)) return fail('REQUEST.INVALID', 'Enter an 11-digit mainland mobile number.', { field: 'phone' });
  const now = deps.clock.now();
  // Codes are filed under the phone's keyed hash: the table never holds the number.
  const key = deps.secrets.hash('phone', phone);
  const existing = await deps.store.accounts.getOtp(key);
  if (existing && now - existing.created_at < CODE_RESEND_MS) {
    return fail('AUTH.TOO_MANY_ATTEMPTS', 'A code was sent less than a minute ago.', { retryAfterMs: CODE_RESEND_MS - (now - existing.created_at) });
  }
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await deps.store.accounts.putOtp(key, deps.secrets.hash('otp', `${phone}:${code}`), now + CODE_TTL_MS, now);
  const { title, body } = renderNotification('sign_in_code', { code });
  await deps.notifier.send({ key: `otp:${phone}:${now}`, channel: 'sms', customerId: '', phone, orderId: null, template: 'sign_in_code', title, body });
  return { sentTo: `${phone.slice(0, 3)}****${phone.slice(-4)}`, expiresAt: now + CODE_TTL_MS };
}

export async function signInCustomer(deps: Deps, phone: string, code: string): Promise<{ token: string; customerId: string } | DomainError> {
  const now = deps.clock.now();
  const key = deps.secrets.hash('phone', phone);
  const otp = await deps.store.accounts.getOtp(key);
  if (!otp || otp.expires_at <= now) return fail('AUTH.INVALID_CODE', 'The code has expired; ask for a new one.');
  if (otp.attempts >= CODE_MAX_ATTEMPTS) return fail('AUTH.TOO_MANY_ATTEMPTS', 'Too many wrong codes; ask for a new one.');
  if (otp.code_hash !== deps.secrets.hash('otp', `${phone}:${code}`)) {
    await deps.store.accounts.bumpOtpAttempts(key);
    return fail('AUTH.INVALID_CODE', 'The code is not right.', { attemptsLeft: CODE_MAX_ATTEMPTS - otp.attempts - 1 });
  }
  await deps.store.accounts.deleteOtp(key);
  return issueCustomerToken(deps, phone);
}

/** A token for a customer by phone (sign-in, and the `haoka token customer` command for scripts). */
export async function issueCustomerToken(deps: Deps, phone: string): Promise<{ token: string; customerId: string } | DomainError> {
  if (!isMainlandMobile(phone)) return fail('REQUEST.INVALID', 'Enter an 11-digit mainland mobile number.', { field: 'phone' });
  const now = deps.clock.now();
  const customerId = await deps.store.accounts.ensureCustomer(newId('C', now), phone, now);
  return { token: deps.secrets.sign({ sub: customerId, role: 'customer', exp: now + TOKEN_TTL_MS }), customerId };
}

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64')}$${scryptSync(password, salt, 32).toString('base64')}`;
}

function checkPassword(password: string, stored: string): boolean {
  const [, salt, hash] = stored.split('$');
  if (!salt || !hash) return false;
  const given = scryptSync(password, Buffer.from(salt, 'base64'), 32);
  const expected = Buffer.from(hash, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function signInAgent(deps: Deps, username: string, password: string): Promise<{ token: string; agent: { id: string; username: string; displayName: string; role: Role } } | DomainError> {
  const agent = await deps.store.accounts.getAgentByUsername(username);
  if (!agent || !checkPassword(password, agent.password_hash)) return fail('AUTH.INVALID_CREDENTIALS', 'Wrong username or password.');
  return issueAgentToken(deps, agent.username) as Promise<{ token: string; agent: { id: string; username: string; displayName: string; role: Role } }>;
}

export async function issueAgentToken(deps: Deps, username: string) {
  const agent = await deps.store.accounts.getAgentByUsername(username);
  if (!agent) return fail('AUTH.INVALID_CREDENTIALS', `No agent named ${username}.`);
  const p: Principal = { sub: agent.id, role: agent.role as Role, exp: deps.clock.now() + TOKEN_TTL_MS };
  return { token: deps.secrets.sign(p), agent: { id: agent.id, username: agent.username, displayName: agent.display_name, role: agent.role as Role } };
}
