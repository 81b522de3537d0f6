// Who works on a request: an agent claims it from their queue; a supervisor reassigns it to anyone who
// serves that queue (the priority channel's requests go to the priority group).
import { decideRequest, type CancellationRequest } from '../../domain/cancellation-request.ts';
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import { inTx, type Deps } from '../platform/deps.ts';
import { commitRequest } from '../cancellation/request-commit.ts';
import { loadForStaff } from '../cancellation/review-request.ts';
import type { Principal } from '../platform/secrets.ts';

export async function claimRequest(deps: Deps, requestId: string, who: Principal): Promise<CancellationRequest | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const loaded = await loadForStaff(r, requestId, who);
    if (isError(loaded)) return loaded;
    const { req, order, actor, staffRole } = loaded;
    const d = decideRequest(req, order, { type: 'claim', by: actor, assignee: actor.id, reassign: staffRole === 'supervisor' }, { now });
    if (isError(d)) return d;
    if (d.request === req) return req;
    await commitRequest(r, req, d, order, actor, now);
    return d.request;
  });
}

export async function assignRequest(deps: Deps, requestId: string, who: Principal, agentId: string): Promise<CancellationRequest | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const loaded = await loadForStaff(r, requestId, who);
    if (isError(loaded)) return loaded;
    const { req, order, actor } = loaded;
    const agent = await r.accounts.getAgent(agentId);
    if (!agent || (agent.role !== 'agent' && agent.role !== 'supervisor')) return fail('AGENT.NOT_FOUND', 'No such agent.', { agentId });
    if (agent.role === 'agent' && agent.agent_group !== req.queue) {
      return fail('CANCEL_REQUEST.WRONG_QUEUE', `${agent.display_name} does not serve the ${req.queue} queue.`, { queue: req.queue, group: agent.agent_group });
    }
    const d = decideRequest(req, order, { type: 'claim', by: actor, assignee: agent.id, reassign: true }, { now });
    if (isError(d)) return d;
    if (d.request === req) return req;
    await commitRequest(r, req, d, order, actor, now);
    return d.request;
  });
}
