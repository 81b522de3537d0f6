// Order push-back (订单回传): every state change of an order a distributor sold is posted to its URL, signed like its
// own calls (HMAC-SHA256 with its app secret). The outbox retries a failure with backoff; after five failed
// attempts the push is given up and waits on the operators' list of undelivered pushes, where it can be sent again.
import { fail, type DomainError } from '../../domain/errors.ts';
import type { OutboxRow } from '../../adapters/store/queue-repo.ts';
import { partnerCall } from '../../adapters/partner-http.ts';
import { randomBytes } from 'node:crypto';
import type { Deps } from '../platform/deps.ts';
import { APP_SECRET_PURPOSE, signedHeaders } from './signature.ts';

export const PUSH_MAX_ATTEMPTS = 5;
const PUSH_TIMEOUT_MS = 5_000;

export async function deliverPush(deps: Deps, _row: OutboxRow, payload: Record<string, unknown>): Promise<void> {
  const push = await deps.store.exchanges.getPush(Number(payload.pushId));
  if (!push || push.state !== 'pending') return;
  const d = await deps.store.distribution.getDistributor(push.distributor_id);
  if (!d?.push_url) {
    await deps.store.exchanges.updatePush(push.id, { state: 'undelivered', last_error: 'no push URL' });
    return;
  }
  const url = new URL(d.push_url);
  const headers = signedHeaders(d.app_key, deps.secrets.open(APP_SECRET_PURPOSE, d.app_secret), { method: 'POST', path: url.pathname + url.search, timestamp: deps.clock.now(), nonce: randomBytes(12).toString('base64url'), body: push.body });
  let error: string | null = null;
  try {
    const res = await partnerCall(url.href, { method: 'POST', headers: { ...headers, 'content-type': 'application/json', 'x-haoka-push-id': String(push.id) }, body: push.body, timeoutMs: PUSH_TIMEOUT_MS });
    if (res.status < 200 || res.status > 299) error = `HTTP ${res.status}`;
  } catch (e) {
    error = String((e as Error).message ?? e);
  }
  const attempts = push.attempts + 1;
  if (error === null) {
    await deps.store.exchanges.updatePush(push.id, { state: 'delivered', attempts, last_error: null, delivered_at: deps.clock.now() });
    return;
  }
  if (attempts >= PUSH_MAX_ATTEMPTS) {
    await deps.store.exchanges.updatePush(push.id, { state: 'undelivered', attempts, last_error: error.slice(0, 500) });
    deps.log.warn({ pushId: push.id, orderId: push.order_id, distributorId: d.id, attempts }, 'order push-back given up');
    return;
  }
  await deps.store.exchanges.updatePush(push.id, { attempts, last_error: error.slice(0, 500) });
  // Thrown so that the outbox tries again later, with its backoff.
  throw new Error(`push-back ${push.id} to distributor ${d.id} failed: ${error}`);
}

/** An operator sends an undelivered push again: five more attempts. */
export async function resendPush(deps: Deps, pushId: number): Promise<{ pushId: number; state: string } | DomainError> {
  const now = deps.clock.now();
  return deps.store.tx(async (r) => {
    const push = await r.exchanges.getPush(pushId);
    if (!push) return fail('PUSH.NOT_FOUND', 'No such push.', { pushId });
    if (push.state !== 'undelivered') return { pushId, state: push.state };
    await r.exchanges.updatePush(pushId, { state: 'pending', attempts: 0 });
    await r.queue.insertOutbox([{ order_id: push.order_id, topic: 'distributor_push', payload: JSON.stringify({ pushId }), attempts: 0, next_attempt_at: now, created_at: now }]);
    return { pushId, state: 'pending' };
  });
}
