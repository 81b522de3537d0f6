// Who a staff principal is, with the group that decides which queue they serve.
import type { Staff } from '../../domain/cancellation-request.ts';
import { fail, type DomainError } from '../../domain/errors.ts';
import type { Repos } from '../../adapters/store/store.ts';
import type { Principal } from '../platform/secrets.ts';

export async function loadStaff(r: Repos, p: Principal): Promise<Staff | DomainError> {
  if (p.role === 'customer') return fail('AUTH.FORBIDDEN', 'Staff only.', { role: p.role });
  const a = await r.accounts.getAgent(p.sub);
  if (!a) return fail('AUTH.INVALID_TOKEN', 'This staff account no longer exists; sign in again.');
  return { id: a.id, role: a.role as Staff['role'], group: a.agent_group };
}
