// Business accounts (企业客户): the company, its unified social credit code, contacts, and staff logins with roles
// (buyer: orders, activates, pools and cancels; viewer: reads). Staff sign in with a password as the platform's
// staff do: tries counted before comparing, scrypt for unknown names too.
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import { parseCreditCode } from '../../domain/iot/credit-code.ts';
import { isMainlandMobile } from '../../domain/resident-id.ts';
import { iotRepos, type BusinessRow, type StaffRow } from '../../adapters/store/iot/index.ts';
import { inTx, newId, type Deps } from '../platform/deps.ts';
import { checkPassword, DUMMY_PASSWORD_HASH, hashPassword } from '../platform/passwords.ts';
import { attemptKeys, forgetAttempts, takeAttempt } from '../platform/sign-in-attempts.ts';
import { TOKEN_TTL_MS } from '../platform/sign-in.ts';
import type { Principal, Role } from '../platform/secrets.ts';

export const BUSINESS_ROLES = ['buyer', 'viewer'] as const;
export type BusinessRole = (typeof BUSINESS_ROLES)[number];
const TOKEN_ROLE: Record<BusinessRole, Role> = { buyer: 'iot_buyer', viewer: 'iot_viewer' };

export interface NewStaff {
  username: string;
  displayName: string;
  password: string;
  role: BusinessRole;
}

export interface BusinessView {
  id: string;
  name: string;
  creditCode: string;
  contactName: string;
  contactPhone: string;
  staff: { id: string; username: string; displayName: string; role: BusinessRole }[];
}

const staffView = (s: StaffRow) => ({ id: s.id, username: s.username, displayName: s.display_name, role: s.role as BusinessRole });

function checkStaff(s: NewStaff): DomainError | null {
  if (!/^[a-z0-9][a-z0-9._-]{2,39}$/.test(s.username)) return fail('REQUEST.INVALID', 'A username is 3-40 lower-case letters, digits, dots, dashes or underscores.', { field: 'username' });
  if (s.password.length < 10) return fail('REQUEST.INVALID', 'A password has at least 10 characters.', { field: 'password' });
  return null;
}

/** An operator opens a business account with its first staff login (a buyer). */
export async function registerBusiness(deps: Deps, input: { name: string; creditCode: string; contactName: string; contactPhone: string; firstStaff: NewStaff }): Promise<BusinessView | DomainError> {
  const code = parseCreditCode(input.creditCode);
  if (isError(code)) return code;
  if (!isMainlandMobile(input.contactPhone)) return fail('REQUEST.INVALID', 'Enter an 11-digit mainland mobile number.', { field: 'contactPhone' });
  const bad = checkStaff(input.firstStaff);
  if (bad) return bad;
  const now = deps.clock.now();
  const passwordHash = hashPassword(input.firstStaff.password);
  return inTx(deps.store, async (r) => {
    const iot = iotRepos(r);
    await r.lockKey(`iot-business:${code}`);
    if (await iot.accounts.getBusinessByCode(code)) return fail('IOT.BUSINESS_EXISTS', 'A business with this unified social credit code already has an account.', { creditCode: code });
    if (await iot.accounts.getStaffByUsername(input.firstStaff.username)) return fail('IOT.USERNAME_TAKEN', 'This username is taken.', { username: input.firstStaff.username });
    const id = newId('E', now);
    await iot.accounts.insertBusiness({ id, name: input.name.trim(), credit_code: code, contact_name: input.contactName.trim(), contact_phone: input.contactPhone, created_at: now });
    const staffId = newId('ES', now);
    await iot.accounts.insertStaff({ id: staffId, business_id: id, username: input.firstStaff.username, display_name: input.firstStaff.displayName, role: input.firstStaff.role, password_hash: passwordHash, created_at: now });
    return { id, name: input.name.trim(), creditCode: code, contactName: input.contactName.trim(), contactPhone: input.contactPhone, staff: [{ id: staffId, username: input.firstStaff.username, displayName: input.firstStaff.displayName, role: input.firstStaff.role }] };
  });
}

/** A buyer adds a staff login to their own business. */
export async function addStaff(deps: Deps, me: StaffRow, s: NewStaff): Promise<{ id: string; username: string; displayName: string; role: BusinessRole } | DomainError> {
  const bad = checkStaff(s);
  if (bad) return bad;
  const now = deps.clock.now();
  const passwordHash = hashPassword(s.password);
  return inTx(deps.store, async (r) => {
    const iot = iotRepos(r);
    if (await iot.accounts.getStaffByUsername(s.username)) return fail('IOT.USERNAME_TAKEN', 'This username is taken.', { username: s.username });
    const id = newId('ES', now);
    await iot.accounts.insertStaff({ id, business_id: me.business_id, username: s.username, display_name: s.displayName, role: s.role, password_hash: passwordHash, created_at: now });
    return { id, username: s.username, displayName: s.displayName, role: s.role };
  });
}

export async function businessView(deps: Deps, businessId: string): Promise<BusinessView | DomainError> {
  const iot = iotRepos(deps.store);
  const b: BusinessRow | undefined = await iot.accounts.getBusiness(businessId);
  if (!b) return fail('IOT.BUSINESS_NOT_FOUND', 'No such business.', { businessId });
  return { id: b.id, name: b.name, creditCode: b.credit_code, contactName: b.contact_name, contactPhone: b.contact_phone, staff: (await iot.accounts.listStaff(b.id)).map(staffView) };
}

/** Signs a business's staff member in from client address `from`; the token carries the role. */
export async function signInBusinessStaff(deps: Deps, username: string, password: string, from: string): Promise<{ token: string; staff: ReturnType<typeof staffView> & { businessId: string } } | DomainError> {
  const keys = attemptKeys(deps, 'password', `iot:${username}`, from);
  const refused = await deps.store.tx((r) => takeAttempt(r, keys, deps.clock.now()));
  if (refused) return refused;
  const staff = await iotRepos(deps.store).accounts.getStaffByUsername(username);
  const matches = await checkPassword(password, staff?.password_hash ?? DUMMY_PASSWORD_HASH);
  if (!staff || !matches) return fail('AUTH.INVALID_CREDENTIALS', 'Wrong username or password.');
  await deps.store.tx((r) => forgetAttempts(r, keys));
  return issueBusinessToken(deps, staff);
}

export function issueBusinessToken(deps: Deps, staff: StaffRow) {
  const p: Principal = { sub: staff.id, role: TOKEN_ROLE[staff.role as BusinessRole], exp: deps.clock.now() + TOKEN_TTL_MS };
  return { token: deps.secrets.sign(p), staff: { ...staffView(staff), businessId: staff.business_id } };
}

/** The staff member behind a business token (a login removed since is refused). */
export async function staffOf(deps: Deps, p: Principal): Promise<StaffRow | DomainError> {
  const s = await iotRepos(deps.store).accounts.getStaff(p.sub);
  return s ?? fail('AUTH.INVALID_TOKEN', 'The sign-in is no longer valid; sign in again.');
}
