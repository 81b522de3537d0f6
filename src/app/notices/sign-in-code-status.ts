// What became of the customer's last sign-in code: on its way, received, or failed (the provider's code). A code
// that failed is shown as such ("未收到验证码?"), with the moment a new one may be asked for.
import { fail, type DomainError } from '../../domain/errors.ts';
import { isMainlandMobile } from '../../domain/resident-id.ts';
import type { Deps } from '../platform/deps.ts';
import { CODE_RESEND_MS } from '../platform/sign-in.ts';

export interface SignInCodeStatus {
  /** none: no live code for this phone; sent: on its way (or sent by the built-in notifier, which has no reports). */
  state: 'none' | 'sent' | 'delivered' | 'failed';
  /** The provider's code when it failed (isv.BUSINESS_LIMIT_CONTROL, MN:0001 ...). */
  failure: string | null;
  /** When a new code may be asked for (UTC ms); null when there is no live code. */
  resendAt: number | null;
}

export async function signInCodeStatus(deps: Deps, phone: string): Promise<SignInCodeStatus | DomainError> {
  if (!isMainlandMobile(phone)) return fail('REQUEST.INVALID', 'Enter an 11-digit mainland mobile number.', { field: 'phone' });
  const key = deps.secrets.hash('phone', phone);
  const otp = await deps.store.accounts.getOtp(key);
  const now = deps.clock.now();
  if (!otp || otp.expires_at <= now) return { state: 'none', failure: null, resendAt: null };
  const resendAt = Number(otp.created_at) + CODE_RESEND_MS;
  const sms = await deps.store.sms.latestTo(key, 'sign_in_code');
  // A message older than the live code belongs to an earlier code.
  if (!sms || sms.createdAt < Number(otp.created_at)) return { state: 'sent', failure: null, resendAt };
  return { state: sms.state, failure: sms.state === 'failed' ? sms.code : null, resendAt };
}
