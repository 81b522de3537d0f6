// Identity check for agent-handled requests: the resident ID the order was placed with, compared as a
// keyed hash (the number is never stored again), and an optional order screenshot. Failed checks are
// counted per order and limited, so guessing an ID does not pay off.
import { createHash, timingSafeEqual } from 'node:crypto';
import { decideRequest, type CancellationRequest, type IdentityMethod } from '../../domain/cancellation-request.ts';
import type { Actor } from '../../domain/decide.ts';
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import { MAX_SCREENSHOT_BYTES, sniffImage, type ImageType } from '../../domain/image.ts';
import type { Order } from '../../domain/order.ts';
import { normaliseResidentId } from '../../domain/resident-id.ts';
import { IDENTITY_MAX_ATTEMPTS } from '../../domain/settings.ts';
import type { Repos } from '../../adapters/store/store.ts';
import { inTx, type Deps, type Receipt } from '../platform/deps.ts';
import { commitRequest, lockRequest, requestEventRow } from './request-commit.ts';
import { loadForStaff } from './review-request.ts';
import type { Principal } from '../platform/secrets.ts';

export interface ScreenshotInput {
  contentType: ImageType;
  /** The image, base64 (a `data:image/...;base64,` prefix is accepted). */
  dataBase64: string;
}

interface Screenshot {
  contentType: ImageType;
  bytes: Buffer;
  sha256: string;
}

/** Decodes and checks an upload: real base64, at most 2 MB, and bytes that are the declared image type. */
export function parseScreenshot(s: ScreenshotInput): Screenshot | DomainError {
  const clean = s.dataBase64.replace(/^data:[^;,]+;base64,/, '').replace(/\s+/g, '');
  if (clean.length === 0 || clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(clean)) {
    return fail('ATTACHMENT.INVALID', 'The screenshot is not valid base64.', { field: 'screenshot.dataBase64' });
  }
  const bytes = Buffer.from(clean, 'base64');
  if (bytes.length > MAX_SCREENSHOT_BYTES) {
    return fail('ATTACHMENT.TOO_LARGE', 'The screenshot is larger than 2 MB.', { sizeBytes: bytes.length, maxBytes: MAX_SCREENSHOT_BYTES });
  }
  const actual = sniffImage(bytes);
  if (actual !== s.contentType) {
    return fail('ATTACHMENT.TYPE_MISMATCH', actual ? `The file is ${actual}, not ${s.contentType}.` : 'The file is not a PNG, JPEG or WebP image.', { declared: s.contentType, actual });
  }
  return { contentType: actual, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

export type Checked = { request: CancellationRequest; mismatch: false } | { request: CancellationRequest; mismatch: true; attemptsLeft: number };

const sameHash = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Compares a resident ID hash with the order's. A mismatch is written (counted) and reported as a value,
 * so that the transaction commits the count while the caller answers with an error.
 */
async function checkResidentId(r: Repos, req: CancellationRequest, order: Order, idHash: string, method: IdentityMethod, actor: Actor, now: number): Promise<Checked | DomainError> {
  const failures = await r.requests.identityFailures(order.id);
  if (failures >= IDENTITY_MAX_ATTEMPTS) {
    return fail('AUTH.TOO_MANY_ATTEMPTS', 'Too many wrong resident ID numbers for this order; an agent will contact you.', { limit: IDENTITY_MAX_ATTEMPTS });
  }
  if (!sameHash(idHash, order.idHash)) {
    const d = decideRequest(req, order, { type: 'identity_failed', by: actor, failuresSoFar: failures }, { now });
    if (isError(d)) return d;
    await commitRequest(r, req, d, order, actor, now);
    return { request: d.request, mismatch: true, attemptsLeft: IDENTITY_MAX_ATTEMPTS - failures - 1 };
  }
  if (req.identityVerifiedAt !== null) return { request: req, mismatch: false };
  const d = decideRequest(req, order, { type: 'identity_verified', by: actor, method }, { now });
  if (isError(d)) return d;
  await commitRequest(r, req, d, order, actor, now);
  return { request: d.request, mismatch: false };
}

/** A check's answer: the request, or why the ID was refused (the failure is counted all the same). */
export function answer(c: Checked | DomainError): CancellationRequest | DomainError {
  if (isError(c)) return c;
  if (!c.mismatch) return c.request;
  return fail('IDENTITY.MISMATCH', 'The resident ID number does not match the one this order was placed with.', { attemptsLeft: c.attemptsLeft });
}

type IdentityInput = { residentId?: string | undefined; screenshot?: ScreenshotInput | undefined };

/**
 * The customer confirms the resident ID they ordered with, and/or attaches an order screenshot. The check itself is the result (a mismatch is counted and committed, not rolled back; `answer` reads it),
 * and `receipt` is the route's Idempotency-Key, kept in the check's own transaction (see http/idempotency.ts).
 */
export async function checkIdentity(deps: Deps, requestId: string, customerId: string, input: IdentityInput, receipt?: Receipt<Checked>): Promise<Checked | DomainError> {
  if (!input.residentId && !input.screenshot) return fail('REQUEST.INVALID', 'Give the resident ID number, a screenshot, or both.', { field: 'residentId' });
  const shot = input.screenshot ? parseScreenshot(input.screenshot) : null;
  if (shot && isError(shot)) return shot;
  const idHash = input.residentId ? deps.secrets.hash('resident-id', normaliseResidentId(input.residentId)) : null;
  const now = deps.clock.now();
  return inTx(deps.store, async (r): Promise<Checked | DomainError> => {
    const locked = await lockRequest(r, requestId);
    if (!locked || locked.req.customerId !== customerId) return fail('CANCEL_REQUEST.NOT_FOUND', 'No such cancellation request.', { requestId });
    const { req, order } = locked;
    if (req.state !== 'requested') return fail('CANCEL_REQUEST.NOT_OPEN', `The request is already ${req.state}.`, { state: req.state });
    const actor: Actor = { type: 'customer', id: customerId };
    let checked: Checked = { request: req, mismatch: false };
    if (idHash) {
      const c = await checkResidentId(r, req, order, idHash, 'customer_resident_id', actor, now);
      if (isError(c) || c.mismatch) return c;
      checked = c;
    }
    if (shot) {
      await r.requests.insertAttachment({ request_id: req.id, kind: 'order_screenshot', content_type: shot.contentType, size_bytes: shot.bytes.length, sha256: shot.sha256, data: shot.bytes, uploaded_by: customerId, created_at: now });
      await r.orders.insertEvents([requestEventRow(order, { action: 'request.screenshot_attached', reason: `${req.id} ${shot.contentType} ${shot.bytes.length} bytes`, automatic: false }, actor, now)]);
    }
    return checked;
  }, receipt);
}

export type AgentVerification = { method: 'resident_id'; residentId: string } | { method: 'screenshot' };

/** An agent confirms identity: the ID read out on a call (same counter), or the customer's screenshot checked by eye. */
export async function agentVerify(deps: Deps, requestId: string, who: Principal, input: AgentVerification): Promise<CancellationRequest | DomainError> {
  const idHash = input.method === 'resident_id' ? deps.secrets.hash('resident-id', normaliseResidentId(input.residentId)) : null;
  const now = deps.clock.now();
  return answer(await inTx(deps.store, async (r): Promise<Checked | DomainError> => {
    const loaded = await loadForStaff(r, requestId, who);
    if (isError(loaded)) return loaded;
    const { req, order, actor } = loaded;
    if (req.state !== 'requested') return fail('CANCEL_REQUEST.NOT_OPEN', `The request is already ${req.state}.`, { state: req.state });
    if (idHash) return checkResidentId(r, req, order, idHash, 'agent_resident_id', actor, now);
    if (!(await r.requests.latestAttachment(req.id))) return fail('IDENTITY.NO_SCREENSHOT', 'The customer has not attached a screenshot yet.', { requestId });
    const d = decideRequest(req, order, { type: 'identity_verified', by: actor, method: 'agent_screenshot' }, { now });
    if (isError(d)) return d;
    await commitRequest(r, req, d, order, actor, now);
    return { request: d.request, mismatch: false };
  }));
}
