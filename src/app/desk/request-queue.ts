// The agents' queue, the supervisors' escalations and the SLA report. Reads only.
import type { CancellationRequest, RequestQueue, RequestState } from '../../domain/cancellation-request.ts';
import { isError, type DomainError } from '../../domain/errors.ts';
import type { Deps } from '../platform/deps.ts';
import { toRequestView, type RequestView } from './request-view.ts';
import type { Principal } from '../platform/secrets.ts';
import { loadStaff } from './staff.ts';

export interface QueueQuery {
  state?: RequestState | undefined;
  queue?: RequestQueue | undefined;
  urgent?: boolean | undefined;
  escalated?: boolean | undefined;
  assignee?: 'me' | 'unassigned' | undefined;
  limit: number;
}

async function views(deps: Deps, reqs: CancellationRequest[]): Promise<RequestView[]> {
  const now = deps.clock.now();
  const ids = reqs.map((q) => q.id);
  const [orders, shots] = await Promise.all([deps.store.orders.getOrders([...new Set(reqs.map((q) => q.orderId))]), deps.store.requests.attachmentCounts(ids)]);
  const byId = new Map(orders.map((o) => [o.id, o]));
  return reqs.map((q) => toRequestView(q, now, true, { order: byId.get(q.orderId), hasScreenshot: (shots.get(q.id) ?? 0) > 0 }));
}

/**
 * Urgent first, then the nearest due time. Agents see their own group's queue (the priority channel's
 * requests only reach the priority group); supervisors see every queue and may filter by one.
 */
export async function listQueue(deps: Deps, who: Principal, q: QueueQuery): Promise<RequestView[] | DomainError> {
  const staff = await loadStaff(deps.store, who);
  if (isError(staff)) return staff;
  const queues: RequestQueue[] | undefined = staff.role === 'supervisor' ? (q.queue ? [q.queue] : undefined) : [staff.group as RequestQueue];
  if (staff.role !== 'supervisor' && q.queue && q.queue !== staff.group) return [];
  const reqs = await deps.store.requests.queue({
    states: [q.state ?? 'requested'],
    ...(queues ? { queues } : {}),
    ...(q.urgent !== undefined ? { urgent: q.urgent } : {}),
    ...(q.escalated !== undefined ? { escalated: q.escalated } : {}),
    ...(q.assignee === 'me' ? { assignee: { kind: 'agent' as const, id: staff.id } } : q.assignee === 'unassigned' ? { assignee: { kind: 'unassigned' as const } } : {}),
    limit: q.limit,
  });
  return views(deps, reqs);
}

export async function listEscalations(deps: Deps, limit: number): Promise<RequestView[]> {
  return views(deps, await deps.store.requests.escalations(limit));
}

export interface SlaReport {
  from: number;
  to: number;
  opened: number;
  express: number;
  /** Decided by an agent (approved or rejected). */
  reviewed: number;
  reviewedWithinSla: number;
  reviewedLate: number;
  withdrawn: number;
  open: number;
  openOverdue: number;
  escalatedAtWarning: number;
  escalatedAtBreach: number;
  /** Mean time from request to agent decision, ms; null when nothing was reviewed. */
  meanReviewMs: number | null;
  /** Share of reviewed requests decided inside their SLA, 0-1; null when nothing was reviewed. */
  withinSlaRate: number | null;
  byQueue: Record<RequestQueue, { opened: number; reviewed: number; reviewedLate: number; open: number; openOverdue: number }>;
  /** Why customers cancel: reason code -> requests. */
  byReason: Record<string, number>;
}

/** Requests opened in [from, to): how fast agents answered and how many waited past their SLA. */
export async function slaReport(deps: Deps, from: number, to: number): Promise<SlaReport> {
  const now = deps.clock.now();
  const reqs = await deps.store.requests.openedBetween(from, to);
  const blank = () => ({ opened: 0, reviewed: 0, reviewedLate: 0, open: 0, openOverdue: 0 });
  const r: SlaReport = {
    from, to, opened: reqs.length, express: 0, reviewed: 0, reviewedWithinSla: 0, reviewedLate: 0, withdrawn: 0, open: 0, openOverdue: 0,
    escalatedAtWarning: 0, escalatedAtBreach: 0, meanReviewMs: null, withinSlaRate: null, byQueue: { standard: blank(), priority: blank() }, byReason: {},
  };
  let total = 0;
  for (const q of reqs) {
    const b = r.byQueue[q.queue];
    b.opened++;
    r.byReason[q.reasonCode] = (r.byReason[q.reasonCode] ?? 0) + 1;
    if (q.escalationLevel >= 1) r.escalatedAtWarning++;
    if (q.escalationLevel >= 2) r.escalatedAtBreach++;
    if (q.express) { r.express++; continue; }
    if (q.state === 'withdrawn') r.withdrawn++;
    else if (q.state === 'requested') {
      r.open++; b.open++;
      if (now > q.dueAt) { r.openOverdue++; b.openOverdue++; }
    } else if (q.decidedAt !== null && q.decidedBy !== null && q.decidedBy !== 'system') {
      r.reviewed++; b.reviewed++;
      total += q.decidedAt - q.createdAt;
      if (q.decidedAt <= q.dueAt) r.reviewedWithinSla++;
      else { r.reviewedLate++; b.reviewedLate++; }
    }
  }
  if (r.reviewed > 0) {
    r.meanReviewMs = Math.round(total / r.reviewed);
    r.withinSlaRate = r.reviewedWithinSla / r.reviewed;
  }
  return r;
}
