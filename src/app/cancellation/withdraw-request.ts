// The customer changes their mind before an agent decided: the request is withdrawn and the order goes on.
import { decideRequest, type CancellationRequest } from '../../domain/cancellation-request.ts';
import type { Actor } from '../../domain/decide.ts';
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import { inTx, type Deps } from '../platform/deps.ts';
import { commitRequest, lockRequest } from './request-commit.ts';

export async function withdrawRequest(deps: Deps, requestId: string, customerId: string): Promise<CancellationRequest | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const locked = await lockRequest(r, requestId);
    if (!locked || locked.req.customerId !== customerId) return fail('CANCEL_REQUEST.NOT_FOUND', 'No such cancellation request.', { requestId });
    const { req, order } = locked;
    const actor: Actor = { type: 'customer', id: customerId };
    const d = decideRequest(req, order, { type: 'withdraw', by: actor }, { now });
    if (isError(d)) return d;
    await commitRequest(r, req, d, order, actor, now);
    return d.request;
  });
}

/** The customer flags a request urgent (the parcel may leave soon); urgent requests sort first in the queue. */
export async function markUrgent(deps: Deps, requestId: string, customerId: string): Promise<CancellationRequest | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const locked = await lockRequest(r, requestId);
    if (!locked || locked.req.customerId !== customerId) return fail('CANCEL_REQUEST.NOT_FOUND', 'No such cancellation request.', { requestId });
    const { req, order } = locked;
    if (req.urgent) return req;
    const actor: Actor = { type: 'customer', id: customerId };
    const d = decideRequest(req, order, { type: 'mark_urgent', by: actor }, { now });
    if (isError(d)) return d;
    await commitRequest(r, req, d, order, actor, now);
    return d.request;
  });
}
