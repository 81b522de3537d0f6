import { describe, expect, it } from 'vitest';
import {
  canHandle, canRequestMove, decideRequest, openRequest, REQUEST_STATES, REQUEST_TRANSITIONS, validateRequestTransitions,
  type CancellationRequest, type RequestCommand, type RequestState,
} from '../../src/domain/cancellation-request.ts';
import { SYSTEM, type Actor } from '../../src/domain/decide.ts';
import { isError } from '../../src/domain/errors.ts';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.ts';
import { anOrder, T0 } from '../fixtures/builders.ts';

const HOUR = 3_600_000;
const AGENT: Actor = { type: 'agent', id: 'A-agent' };
const CUSTOMER: Actor = { type: 'customer', id: 'C1' };
const paid = anOrder({ state: 'paid', paymentChannel: 'alipay', paidAt: T0 });

function aRequest(over: Partial<CancellationRequest> = {}): CancellationRequest {
  const d = openRequest(paid, { id: 'CR1', reasonCode: 'wrong_plan', reasonText: null, urgent: false, queue: 'standard', express: false }, { now: T0, settings: DEFAULT_SETTINGS });
  if (isError(d)) throw new Error(d.message);
  return { ...d.request, ...over };
}

/** Each command that moves a request, with the target state and a request that meets every other precondition. */
const MOVES: { to: RequestState; command: RequestCommand; ready: Partial<CancellationRequest> }[] = [
  { to: 'approved', command: { type: 'approve', by: AGENT, path: 'review' }, ready: { identityVerifiedAt: T0 } },
  { to: 'rejected', command: { type: 'reject', by: AGENT, reason: '信息不符' }, ready: {} },
  { to: 'withdrawn', command: { type: 'withdraw', by: CUSTOMER }, ready: {} },
  { to: 'completed', command: { type: 'complete', refundSucceeded: true }, ready: { numberReleasedAt: T0 } },
  { to: 'superseded', command: { type: 'supersede', reason: 'parcel shipped' }, ready: {} },
];

describe('the cancellation request state table', () => {
  it('is consistent: every state has an entry and every target is a state', () => {
    expect(validateRequestTransitions()).toEqual([]);
    expect(validateRequestTransitions({ ...REQUEST_TRANSITIONS, approved: ['paid_out'] })).toContain('approved -> paid_out');
  });

  for (const from of REQUEST_STATES) {
    for (const to of REQUEST_STATES) {
      const allowed = REQUEST_TRANSITIONS[from].includes(to);
      it(`${allowed ? 'allows' : 'forbids'} ${from} -> ${to}`, () => {
        expect(canRequestMove(from, to)).toBe(allowed);
        const move = MOVES.find((m) => m.to === to);
        if (!move) return expect(to).toBe('requested'); // nothing moves a request back to `requested`
        const order = to === 'completed' ? { ...paid, state: 'cancelled' as const } : paid;
        const r = decideRequest(aRequest({ state: from, ...move.ready }), order, move.command, { now: T0 + HOUR });
        if (allowed) {
          if (isError(r)) throw new Error(r.message);
          expect(r.request).toMatchObject({ state: to, version: 2, updatedAt: T0 + HOUR });
        } else {
          expect(isError(r) && r.code).toMatch(/^CANCEL_REQUEST\.(NOT_OPEN|INVALID_TRANSITION)$/);
        }
      });
    }
  }

  it('leaves nothing once a request is rejected, withdrawn, completed or superseded', () => {
    for (const s of ['rejected', 'withdrawn', 'completed', 'superseded'] as const) expect(REQUEST_TRANSITIONS[s]).toEqual([]);
  });
});

describe('opening a request', () => {
  it('is due after the review SLA, with timers at 80 % and at breach, and tells the customer', () => {
    const d = openRequest(paid, { id: 'CR1', reasonCode: 'price', reasonText: null, urgent: true, queue: 'priority', express: false }, { now: T0, settings: { ...DEFAULT_SETTINGS, reviewSlaMs: 10 * HOUR } });
    if (isError(d)) throw new Error(d.message);
    expect(d.request).toMatchObject({ state: 'requested', dueAt: T0 + 10 * HOUR, queue: 'priority', urgent: true, escalationLevel: 0 });
    expect(d.effects).toContainEqual({ type: 'schedule', kind: 'review_sla_warning', dueAt: T0 + 8 * HOUR });
    expect(d.effects).toContainEqual({ type: 'schedule', kind: 'review_sla_breach', dueAt: T0 + 10 * HOUR });
    expect(d.effects.some((e) => e.type === 'notify' && e.template === 'cancellation_requested')).toBe(true);
  });

  it('never sets a due time past 48 hours, whatever the setting says', () => {
    const d = openRequest(paid, { id: 'CR1', reasonCode: 'price', reasonText: null, urgent: false, queue: 'standard', express: false }, { now: T0, settings: { ...DEFAULT_SETTINGS, reviewSlaMs: 500 * HOUR } });
    expect(!isError(d) && d.request.dueAt).toBe(T0 + 48 * HOUR);
  });

  it('schedules nothing for an express request, which is decided at once', () => {
    const d = openRequest(paid, { id: 'CR1', reasonCode: 'price', reasonText: null, urgent: false, queue: 'standard', express: true }, { now: T0, settings: DEFAULT_SETTINGS });
    expect(!isError(d) && d.effects).toEqual([]);
  });

  it('approves an express request with its notice alone: it had no review timers to stop', () => {
    const approved = decideRequest(aRequest({ express: true }), paid, { type: 'approve', by: SYSTEM, path: 'express' }, { now: T0 });
    if (isError(approved)) throw new Error(approved.message);
    expect(approved.effects).toEqual([expect.objectContaining({ type: 'notify', template: 'cancellation_express' })]);
    const byAgent = decideRequest(aRequest({ identityVerifiedAt: T0 }), paid, { type: 'approve', by: AGENT, path: 'review' }, { now: T0 });
    if (isError(byAgent)) throw new Error(byAgent.message);
    expect(byAgent.effects).toContainEqual({ type: 'cancel_timers', kinds: ['review_sla_warning', 'review_sla_breach'] });
  });

  it('refuses orders that are not paid, packing or shipped (a shipped one is intercepted at the courier)', () => {
    expect(isError(openRequest(anOrder({ state: 'shipped' }), { id: 'CR1', reasonCode: 'price', reasonText: null, urgent: false, queue: 'standard', express: false }, { now: T0, settings: DEFAULT_SETTINGS }))).toBe(false);
    for (const state of ['pending_payment', 'delivered', 'activated', 'cancelled'] as const) {
      const d = openRequest(anOrder({ state }), { id: 'CR1', reasonCode: 'price', reasonText: null, urgent: false, queue: 'standard', express: false }, { now: T0, settings: DEFAULT_SETTINGS });
      expect(isError(d) && d.code).toBe('ORDER.NOT_CANCELLABLE');
    }
  });
});

describe('deciding a request', () => {
  it('needs the identity check before an agent approves, but not for an express approval', () => {
    const r = decideRequest(aRequest(), paid, { type: 'approve', by: AGENT, path: 'review' }, { now: T0 });
    expect(isError(r) && r.code).toBe('IDENTITY.NOT_VERIFIED');
    expect(isError(decideRequest(aRequest(), paid, { type: 'approve', by: SYSTEM, path: 'express' }, { now: T0 }))).toBe(false);
  });

  it('stops the SLA timers on every decision and sends the interception for a packing order', () => {
    const approved = decideRequest(aRequest({ identityVerifiedAt: T0 }), { ...paid, state: 'packing' }, { type: 'approve', by: AGENT, path: 'interception' }, { now: T0 });
    if (isError(approved)) throw new Error(approved.message);
    expect(approved.request).toMatchObject({ interception: 'pending', decidedBy: 'A-agent', assigneeId: 'A-agent' });
    expect(approved.effects).toContainEqual({ type: 'cancel_timers', kinds: ['review_sla_warning', 'review_sla_breach'] });
    expect(approved.effects).toContainEqual({ type: 'intercept_parcel', requestId: 'CR1' });
  });

  it('needs a reason to reject, and hands it to the customer', () => {
    expect(isError(decideRequest(aRequest(), paid, { type: 'reject', by: AGENT, reason: ' ' }, { now: T0 }))).toBe(true);
    const r = decideRequest(aRequest(), paid, { type: 'reject', by: AGENT, reason: '已开卡' }, { now: T0 });
    expect(!isError(r) && r.effects).toContainEqual({ type: 'notify', template: 'cancellation_rejected', data: { orderId: 'HK1', requestId: 'CR1', reason: '已开卡' } });
  });

  it('completes only after the number is released and the refund arrived', () => {
    const cancelled = { ...paid, state: 'cancelled' as const };
    const approved = aRequest({ state: 'approved' });
    expect(isError(decideRequest(approved, cancelled, { type: 'complete', refundSucceeded: true }, { now: T0 }))).toBe(true);
    expect(isError(decideRequest({ ...approved, numberReleasedAt: T0 }, cancelled, { type: 'complete', refundSucceeded: false }, { now: T0 }))).toBe(true);
    expect(isError(decideRequest({ ...approved, numberReleasedAt: T0 }, cancelled, { type: 'complete', refundSucceeded: true }, { now: T0 }))).toBe(false);
  });

  it('escalates at 80 % and at breach, never early and never twice to the same level', () => {
    const req = aRequest();
    expect(isError(decideRequest(req, paid, { type: 'escalate', level: 1 }, { now: T0 + 19.2 * HOUR - 1 }))).toBe(true);
    const warned = decideRequest(req, paid, { type: 'escalate', level: 1 }, { now: T0 + 19.2 * HOUR });
    if (isError(warned)) throw new Error(warned.message);
    expect(warned.request.escalationLevel).toBe(1);
    expect(warned.effects).toEqual([{ type: 'alert_staff', template: 'review_sla_warning', data: expect.objectContaining({ requestId: 'CR1' }) }]);
    expect(isError(decideRequest(warned.request, paid, { type: 'escalate', level: 1 }, { now: T0 + 20 * HOUR }))).toBe(true);
    expect(isError(decideRequest(warned.request, paid, { type: 'escalate', level: 2 }, { now: T0 + 24 * HOUR - 1 }))).toBe(true);
    const breached = decideRequest(warned.request, paid, { type: 'escalate', level: 2 }, { now: T0 + 24 * HOUR });
    expect(!isError(breached) && breached.request.escalationLevel).toBe(2);
    expect(isError(decideRequest(aRequest({ state: 'rejected' }), paid, { type: 'escalate', level: 2 }, { now: T0 + 30 * HOUR }))).toBe(true);
  });

  it('supersedes the request when the warehouse refuses the interception, and says where the parcel went', () => {
    const r = decideRequest(aRequest({ state: 'approved', interception: 'pending' }), paid, { type: 'interception_answered', accepted: false, detail: 'SF0000000001' }, { now: T0 });
    if (isError(r)) throw new Error(r.message);
    expect(r.request).toMatchObject({ state: 'superseded', interception: 'refused' });
    expect(r.effects).toContainEqual({ type: 'notify', template: 'interception_refused', data: { orderId: 'HK1', requestId: 'CR1', trackingNo: 'SF0000000001' } });
  });
});

describe('who may work on a request', () => {
  const standard = { id: 'A-agent', role: 'agent' as const, group: 'standard' };
  it('keeps the priority queue to the priority group and claims to their holder; supervisors may act on any', () => {
    expect(canHandle(aRequest({ queue: 'priority' }), standard)?.code).toBe('CANCEL_REQUEST.WRONG_QUEUE');
    expect(canHandle(aRequest({ queue: 'priority' }), { id: 'A-p', role: 'agent', group: 'priority' })).toBeNull();
    expect(canHandle(aRequest({ assigneeId: 'A-other' }), standard)?.code).toBe('CANCEL_REQUEST.ASSIGNED_TO_OTHER');
    expect(canHandle(aRequest({ assigneeId: 'A-other', queue: 'priority' }), { id: 'A-sup', role: 'supervisor', group: 'standard' })).toBeNull();
  });
});
