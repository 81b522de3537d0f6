// A customer's request to cancel a paid or packing order (申请取消), with its own lifecycle as data.
// Pure: the use cases load the request, the order and the facts; this module says what happens.
import type { Actor, Effect } from './decide.ts';
import { fail, type DomainError } from './errors.ts';
import type { Order } from './order.ts';
import { refundEta } from './policies/refund-eta.ts';
import { reviewSchedule, warnAtOf } from './policies/review-sla.ts';
import { IDENTITY_MAX_ATTEMPTS, type Settings } from './settings.ts';

export const REQUEST_STATES = ['requested', 'approved', 'rejected', 'withdrawn', 'completed', 'superseded'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

/**
 * Every move a request may make. `approved` is the decision; `completed` follows once the carrier has
 * released the number and the refund has arrived. `superseded`: the parcel left the warehouse before it
 * could be held (interception refused, or shipped while the request waited), so this request can no longer
 * cancel the order; a courier interception or a return takes over.
 */
export const REQUEST_TRANSITIONS: Readonly<Record<RequestState, readonly RequestState[]>> = {
  requested: ['approved', 'rejected', 'withdrawn', 'superseded'],
  approved: ['completed', 'superseded'],
  rejected: [],
  withdrawn: [],
  completed: [],
  superseded: [],
};

/** States in which a request still holds the order: at most one such request per order. */
export const OPEN_REQUEST_STATES: readonly RequestState[] = ['requested', 'approved'];

export const canRequestMove = (from: RequestState, to: RequestState): boolean => REQUEST_TRANSITIONS[from].includes(to);

export function validateRequestTransitions(table: Readonly<Record<string, readonly string[]>> = REQUEST_TRANSITIONS): string[] {
  const problems: string[] = [];
  const states = new Set<string>(REQUEST_STATES);
  for (const s of REQUEST_STATES) if (!(s in table)) problems.push(`state ${s} has no entry`);
  for (const [from, tos] of Object.entries(table)) {
    if (!states.has(from)) problems.push(`unknown state ${from}`);
    for (const to of tos) if (!states.has(to) || to === from) problems.push(`${from} -> ${to}`);
  }
  return problems;
}

/** The priority channel (绿色通道) has its own queue, served by its own agent group. */
export const REQUEST_QUEUES = ['standard', 'priority'] as const;
export type RequestQueue = (typeof REQUEST_QUEUES)[number];

export type InterceptionState = 'pending' | 'accepted' | 'refused';
export type IdentityMethod = 'customer_resident_id' | 'agent_resident_id' | 'agent_screenshot';

export interface CancellationRequest {
  id: string;
  orderId: string;
  customerId: string;
  state: RequestState;
  /** The order's state when the customer applied: paid (direct cancel), packing (warehouse interception) or shipped (courier interception). */
  orderStateAtRequest: 'paid' | 'packing' | 'shipped';
  queue: RequestQueue;
  /** Decided without review by the express-refund policy. */
  express: boolean;
  reasonCode: string;
  reasonText: string | null;
  urgent: boolean;
  dueAt: number;
  /** 0 none, 1 at 80 % of the SLA, 2 at breach. */
  escalationLevel: number;
  escalatedAt: number | null;
  assigneeId: string | null;
  claimedAt: number | null;
  identityVerifiedAt: number | null;
  identityMethod: IdentityMethod | null;
  identityFailures: number;
  decidedBy: string | null;
  decidedAt: number | null;
  /** Shown to the customer when rejected. */
  rejectionReason: string | null;
  decisionNote: string | null;
  interception: InterceptionState | null;
  numberReleasedAt: number | null;
  completedAt: number | null;
  createdAt: number;
  updatedAt: number;
  version: number;
}

/** What a request decision writes to the audit trail (as an order event: the order is what people look up). */
export interface RequestEvent {
  action: string;
  reason: string | null;
  automatic: boolean;
}

export interface RequestDecision {
  request: CancellationRequest;
  event: RequestEvent;
  effects: Effect[];
}

export interface RequestContext {
  now: number;
  settings: Settings;
}

/** The staff member acting on a request, with what the queue rules need to know. */
export interface Staff {
  id: string;
  role: 'agent' | 'supervisor' | 'operator';
  group: string;
}

export type RequestCommand =
  | { type: 'approve'; by: Actor; path: 'review' | 'interception' | 'express'; note?: string }
  | { type: 'reject'; by: Actor; reason: string }
  | { type: 'withdraw'; by: Actor }
  | { type: 'claim'; by: Actor; assignee: string; reassign: boolean }
  | { type: 'mark_urgent'; by: Actor }
  | { type: 'escalate'; level: 1 | 2 }
  | { type: 'identity_verified'; by: Actor; method: IdentityMethod }
  | { type: 'identity_failed'; by: Actor; failuresSoFar: number }
  | { type: 'interception_answered'; accepted: boolean; detail: string | null }
  | { type: 'number_released' }
  | { type: 'complete'; refundSucceeded: boolean }
  | { type: 'supersede'; reason: string };

const SLA_TIMERS = ['review_sla_warning', 'review_sla_breach'] as const;

function moveRequest(req: CancellationRequest, to: RequestState, now: number, patch: Partial<CancellationRequest>): CancellationRequest | DomainError {
  if (!canRequestMove(req.state, to)) {
    return REQUEST_TRANSITIONS[req.state].length === 0
      ? fail('CANCEL_REQUEST.NOT_OPEN', `The request is ${req.state}; it cannot become ${to}.`, { state: req.state, to })
      : fail('CANCEL_REQUEST.INVALID_TRANSITION', `A request cannot go from ${req.state} to ${to}.`, { from: req.state, to });
  }
  return touch(req, now, { ...patch, state: to });
}

const touch = (req: CancellationRequest, now: number, patch: Partial<CancellationRequest>): CancellationRequest => ({ ...req, ...patch, updatedAt: now, version: req.version + 1 });

const notOpen = (req: CancellationRequest) => fail('CANCEL_REQUEST.NOT_OPEN', `The request is already ${req.state}.`, { state: req.state });

export interface NewRequestInput {
  id: string;
  reasonCode: string;
  reasonText: string | null;
  urgent: boolean;
  queue: RequestQueue;
  express: boolean;
}

/** A new request: due by the review SLA, with durable escalation timers, and the customer told when to expect an answer. */
export function openRequest(order: Order, input: NewRequestInput, ctx: RequestContext): RequestDecision | DomainError {
  if (order.state !== 'paid' && order.state !== 'packing' && order.state !== 'shipped') {
    return fail('ORDER.NOT_CANCELLABLE', 'Only a paid, packing or shipped order takes a cancellation request.', { state: order.state });
  }
  const { dueAt, warnAt } = reviewSchedule(ctx.now, ctx.settings);
  const request: CancellationRequest = {
    id: input.id, orderId: order.id, customerId: order.customerId, state: 'requested', orderStateAtRequest: order.state,
    queue: input.queue, express: input.express, reasonCode: input.reasonCode, reasonText: input.reasonText, urgent: input.urgent,
    dueAt, escalationLevel: 0, escalatedAt: null, assigneeId: null, claimedAt: null,
    identityVerifiedAt: null, identityMethod: null, identityFailures: 0, decidedBy: null, decidedAt: null,
    rejectionReason: null, decisionNote: null, interception: null, numberReleasedAt: null, completedAt: null,
    createdAt: ctx.now, updatedAt: ctx.now, version: 1,
  };
  // An express request is decided in the same breath: no review, so no SLA timers and no "we received it" notice.
  const effects: Effect[] = input.express ? [] : [
    { type: 'schedule', kind: 'review_sla_warning', dueAt: warnAt },
    { type: 'schedule', kind: 'review_sla_breach', dueAt },
    { type: 'notify', template: 'cancellation_requested', data: { orderId: order.id, requestId: input.id, dueAt, packing: order.state === 'packing', shipped: order.state === 'shipped', urgent: input.urgent } },
  ];
  return {
    request,
    event: { action: 'request.opened', reason: `${input.id} ${input.reasonCode}${input.reasonText ? `: ${input.reasonText}` : ''}${input.queue === 'priority' ? ' [priority]' : ''}${input.urgent ? ' [urgent]' : ''}`, automatic: false },
    effects,
  };
}

/** Pure queue rule: who may work on a request. Supervisors may act on any; agents on their group's queue and their own claims. */
export function canHandle(req: CancellationRequest, staff: Staff): DomainError | null {
  if (staff.role === 'supervisor') return null;
  if (req.queue !== staff.group) {
    return fail('CANCEL_REQUEST.WRONG_QUEUE', `This request is in the ${req.queue} queue; agents of that group handle it.`, { queue: req.queue, group: staff.group });
  }
  // A claim only reserves the decision; once decided, "already decided" is the answer that matters.
  if (req.state === 'requested' && req.assigneeId && req.assigneeId !== staff.id) {
    return fail('CANCEL_REQUEST.ASSIGNED_TO_OTHER', 'Another agent has claimed this request.', { assigneeId: req.assigneeId });
  }
  return null;
}

/** Pure: what a command does to a request, or why it cannot. */
export function decideRequest(req: CancellationRequest, order: Order, command: RequestCommand, ctx: { now: number }): RequestDecision | DomainError {
  const { now } = ctx;
  const data = { orderId: order.id, requestId: req.id };
  switch (command.type) {
    case 'approve': {
      if (req.state !== 'requested') return notOpen(req);
      // Agent-handled requests need the customer's identity confirmed; express ones are the system's own call.
      if (command.path !== 'express' && req.identityVerifiedAt === null) {
        return fail('IDENTITY.NOT_VERIFIED', 'Confirm the customer\u2019s identity before approving.', { requestId: req.id });
      }
      const interception = command.path === 'interception';
      const next = moveRequest(req, 'approved', now, {
        decidedBy: command.by.id, decidedAt: now, decisionNote: command.note ?? null, assigneeId: req.assigneeId ?? (command.by.type === 'agent' ? command.by.id : null),
        interception: interception ? 'pending' : null,
      });
      if ('kind' in next) return next;
      const eta = order.paymentChannel ? refundEta(order.paymentChannel, now, { express: command.path === 'express' }) : null;
      const notice: Effect = interception
        ? { type: 'notify', template: 'cancellation_intercepting', data }
        : { type: 'notify', template: command.path === 'express' ? 'cancellation_express' : 'cancellation_approved', data: { ...data, amountFen: order.amountFen, channel: order.paymentChannel, eta } };
      // An express request was never given review timers (openRequest): there are none to cancel.
      const effects: Effect[] = req.express ? [notice] : [{ type: 'cancel_timers', kinds: [...SLA_TIMERS] }, notice];
      if (interception) effects.push({ type: 'intercept_parcel', requestId: req.id });
      return { request: next, event: { action: 'request.approved', reason: `${req.id} ${command.path}${command.note ? `: ${command.note}` : ''}`, automatic: command.path === 'express' }, effects };
    }
    case 'reject': {
      if (req.state !== 'requested') return notOpen(req);
      const reason = command.reason.trim();
      if (reason.length < 2) return fail('CANCEL_REQUEST.REASON_REQUIRED', 'Say why the request is rejected; the customer reads it.', { field: 'reason' });
      const next = moveRequest(req, 'rejected', now, { decidedBy: command.by.id, decidedAt: now, rejectionReason: reason, assigneeId: req.assigneeId ?? command.by.id });
      if ('kind' in next) return next;
      return {
        request: next,
        event: { action: 'request.rejected', reason: `${req.id}: ${reason}`, automatic: false },
        effects: [{ type: 'cancel_timers', kinds: [...SLA_TIMERS] }, { type: 'notify', template: 'cancellation_rejected', data: { ...data, reason } }],
      };
    }
    case 'withdraw': {
      if (req.state !== 'requested') return notOpen(req);
      const next = moveRequest(req, 'withdrawn', now, { decidedBy: command.by.id, decidedAt: now });
      if ('kind' in next) return next;
      return {
        request: next,
        event: { action: 'request.withdrawn', reason: req.id, automatic: false },
        effects: [{ type: 'cancel_timers', kinds: [...SLA_TIMERS] }, { type: 'notify', template: 'cancellation_withdrawn', data }],
      };
    }
    case 'claim': {
      if (req.state !== 'requested') return notOpen(req);
      if (req.assigneeId === command.assignee) return { request: req, event: { action: 'request.claimed', reason: req.id, automatic: false }, effects: [] };
      if (req.assigneeId && !command.reassign) {
        return fail('CANCEL_REQUEST.ASSIGNED_TO_OTHER', 'Another agent has claimed this request.', { assigneeId: req.assigneeId });
      }
      return {
        request: touch(req, now, { assigneeId: command.assignee, claimedAt: now }),
        event: { action: command.reassign ? 'request.reassigned' : 'request.claimed', reason: `${req.id} -> ${command.assignee}`, automatic: false },
        effects: [],
      };
    }
    case 'mark_urgent': {
      if (req.state !== 'requested' && !(req.state === 'approved' && req.interception === 'pending')) return notOpen(req);
      if (req.urgent) return { request: req, event: { action: 'request.marked_urgent', reason: req.id, automatic: false }, effects: [] };
      return { request: touch(req, now, { urgent: true }), event: { action: 'request.marked_urgent', reason: req.id, automatic: false }, effects: [] };
    }
    case 'escalate': {
      if (req.state !== 'requested') return notOpen(req);
      if (command.level <= req.escalationLevel) {
        return fail('CANCEL_REQUEST.INVALID_TRANSITION', 'The request is already escalated this far.', { escalationLevel: req.escalationLevel });
      }
      // A timer may fire late, never early: the escalation only happens once its moment has come.
      const at = command.level === 1 ? warnAtOf(req) : req.dueAt;
      if (now < at) return fail('CANCEL_REQUEST.NOT_READY', 'Not yet time to escalate.', { at });
      const template = command.level === 1 ? 'review_sla_warning' : 'review_sla_breach';
      return {
        request: touch(req, now, { escalationLevel: command.level, escalatedAt: now }),
        event: { action: 'request.escalated', reason: `${req.id} ${template}`, automatic: true },
        effects: [{ type: 'alert_staff', template, data: { ...data, queue: req.queue, dueAt: req.dueAt, urgent: req.urgent, assigneeId: req.assigneeId } }],
      };
    }
    case 'identity_verified': {
      if (req.state !== 'requested') return notOpen(req);
      return {
        request: touch(req, now, { identityVerifiedAt: req.identityVerifiedAt ?? now, identityMethod: req.identityMethod ?? command.method }),
        event: { action: 'request.identity_verified', reason: `${req.id} ${command.method}`, automatic: false },
        effects: [],
      };
    }
    case 'identity_failed': {
      if (req.state !== 'requested') return notOpen(req);
      return {
        request: touch(req, now, { identityFailures: req.identityFailures + 1 }),
        event: { action: 'request.identity_failed', reason: `${req.id} attempt ${command.failuresSoFar + 1} of ${IDENTITY_MAX_ATTEMPTS}`, automatic: false },
        effects: [],
      };
    }
    case 'interception_answered': {
      if (req.state !== 'approved' || req.interception !== 'pending') {
        return fail('CANCEL_REQUEST.INTERCEPTION_NOT_PENDING', 'No interception is waiting for an answer on this request.', { state: req.state, interception: req.interception });
      }
      if (command.accepted) {
        return {
          request: touch(req, now, { interception: 'accepted' }),
          event: { action: 'request.intercepted', reason: `${req.id}${command.detail ? ` ${command.detail}` : ''}`, automatic: true },
          effects: [],
        };
      }
      const next = moveRequest(req, 'superseded', now, { interception: 'refused' });
      if ('kind' in next) return next;
      return {
        request: next,
        event: { action: 'request.superseded', reason: `${req.id} interception refused${command.detail ? `: ${command.detail}` : ''}`, automatic: true },
        effects: [{ type: 'notify', template: 'interception_refused', data: { ...data, trackingNo: command.detail } }],
      };
    }
    case 'number_released': {
      if (req.state !== 'approved') return notOpen(req);
      if (req.numberReleasedAt !== null) return { request: req, event: { action: 'request.number_released', reason: req.id, automatic: true }, effects: [] };
      return { request: touch(req, now, { numberReleasedAt: now }), event: { action: 'request.number_released', reason: req.id, automatic: true }, effects: [] };
    }
    case 'complete': {
      if (req.state !== 'approved') return notOpen(req);
      if (req.numberReleasedAt === null || !command.refundSucceeded || order.state !== 'cancelled') {
        return fail('CANCEL_REQUEST.NOT_READY', 'The number release or the refund is still under way.', { numberReleased: req.numberReleasedAt !== null, refundSucceeded: command.refundSucceeded });
      }
      const next = moveRequest(req, 'completed', now, { completedAt: now });
      if ('kind' in next) return next;
      return {
        request: next,
        event: { action: 'request.completed', reason: req.id, automatic: true },
        effects: [{ type: 'notify', template: 'cancellation_completed', data: { ...data, number: order.number, amountFen: order.amountFen } }],
      };
    }
    case 'supersede': {
      const next = moveRequest(req, 'superseded', now, {});
      if ('kind' in next) return next;
      return {
        request: next,
        event: { action: 'request.superseded', reason: `${req.id}: ${command.reason}`, automatic: true },
        effects: [{ type: 'cancel_timers', kinds: [...SLA_TIMERS] }, { type: 'notify', template: 'interception_refused', data: { ...data, trackingNo: null } }],
      };
    }
  }
}

export type RequestProgressStage = 'under_review' | 'intercepting' | 'cancelling' | 'cancelled' | 'rejected' | 'withdrawn' | 'superseded';

/** Where the customer's cancellation stands, in one word and one sentence (shown on the order). */
export function requestProgress(req: CancellationRequest): { stage: RequestProgressStage; text: string } {
  switch (req.state) {
    case 'requested':
      return {
        stage: 'under_review',
        text: req.orderStateAtRequest === 'packing' ? '取消申请审核中，通过后将通知仓库拦截发货。'
          : req.orderStateAtRequest === 'shipped' ? '取消申请审核中，通过后将通知快递拦截包裹。' : '取消申请审核中，客服会在承诺时间内处理。',
      };
    case 'approved':
      if (req.interception === 'pending') {
        return { stage: 'intercepting', text: req.orderStateAtRequest === 'shipped' ? '已通知快递拦截包裹，等待快递公司确认。' : '已通知仓库拦截发货，等待仓库确认。' };
      }
      if (req.interception === 'accepted' && req.orderStateAtRequest === 'shipped') {
        return { stage: 'intercepting', text: '快递已拦截，包裹正在退回仓库；仓库验卡后立即退款。' };
      }
      return { stage: 'cancelling', text: '取消中：等待运营商释放号码、退款到账。' };
    case 'completed':
      return { stage: 'cancelled', text: '取消完成：号码已释放，退款已原路退回。' };
    case 'rejected':
      return { stage: 'rejected', text: `取消申请未通过：${req.rejectionReason ?? ''}` };
    case 'withdrawn':
      return { stage: 'withdrawn', text: '您已撤回取消申请，订单继续处理。' };
    case 'superseded':
      return { stage: 'superseded', text: '包裹已发出，无法在仓库拦截；我们将为您发起快递拦截，或在签收后办理退货。' };
  }
}
