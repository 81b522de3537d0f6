// An agent decides a cancellation request. Approving a paid order cancels it now (number release at the
// carrier, refund to the channel); approving a packing order asks the warehouse to hold the parcel first.
// Rejecting tells the customer why. Every decision is an audit event with the agent's id; the request row
// lock and its guarded update make a concurrent approve and reject end with exactly one of them.
import { canHandle, decideRequest, type CancellationRequest } from '../../domain/cancellation-request.ts';
import { decide, type Actor } from '../../domain/decide.ts';
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import type { Order } from '../../domain/order.ts';
import type { Repos } from '../../adapters/store/store.ts';
import { commitDecisions } from '../platform/commit.ts';
import { inTx, type Deps, type Receipt } from '../platform/deps.ts';
import { commitRequest, lockRequest } from './request-commit.ts';
import type { Principal } from '../platform/secrets.ts';
import { loadStaff } from '../desk/staff.ts';

export interface Reviewed {
  request: CancellationRequest;
  order: Order;
}

/** Loads a request and its order for a staff action, and checks the queue rules. */
export async function loadForStaff(r: Repos, requestId: string, who: Principal): Promise<{ req: CancellationRequest; order: Order; actor: Actor; staffRole: string } | DomainError> {
  const staff = await loadStaff(r, who);
  if (isError(staff)) return staff;
  const locked = await lockRequest(r, requestId);
  if (!locked) return fail('CANCEL_REQUEST.NOT_FOUND', 'No such cancellation request.', { requestId });
  const refused = canHandle(locked.req, staff);
  if (refused) return refused;
  return { ...locked, actor: { type: 'agent', id: staff.id }, staffRole: staff.role };
}

/** `receipt`: the route's Idempotency-Key, written in the decision's own transaction (see http/idempotency.ts). */
export async function approveRequest(deps: Deps, requestId: string, who: Principal, note?: string, receipt?: Receipt<Reviewed>): Promise<Reviewed | DomainError> {
  const settings = await deps.settings.get();
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const loaded = await loadForStaff(r, requestId, who);
    if (isError(loaded)) return loaded;
    const { req, order, actor } = loaded;
    const n = note?.trim() || undefined;
    // A parcel in the warehouse or with the courier is held first; the refund follows once it is back.
    if (order.state === 'packing' || order.state === 'shipped') {
      const d = decideRequest(req, order, { type: 'approve', by: actor, path: 'interception', ...(n ? { note: n } : {}) }, { now });
      if (isError(d)) return d;
      await commitRequest(r, req, d, order, actor, now);
      return { request: d.request, order };
    }
    // A paid order: both decisions are computed before either is written.
    const cancel = decide(order, { type: 'cancel_paid', requestId: req.id, express: false }, { now, settings });
    const d = decideRequest(req, isError(cancel) ? order : cancel.order, { type: 'approve', by: actor, path: 'review', ...(n ? { note: n } : {}) }, { now });
    if (isError(d)) return d;
    if (isError(cancel)) return cancel;
    await commitDecisions(r, [{ before: order, decision: cancel, actor }], now);
    await commitRequest(r, req, d, cancel.order, actor, now);
    return { request: d.request, order: cancel.order };
  }, receipt);
}

export async function rejectRequest(deps: Deps, requestId: string, who: Principal, reason: string): Promise<Reviewed | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const loaded = await loadForStaff(r, requestId, who);
    if (isError(loaded)) return loaded;
    const { req, order, actor } = loaded;
    const d = decideRequest(req, order, { type: 'reject', by: actor, reason }, { now });
    if (isError(d)) return d;
    await commitRequest(r, req, d, order, actor, now);
    return { request: d.request, order };
  });
}
