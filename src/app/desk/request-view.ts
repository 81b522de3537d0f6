// What customers and staff see of a cancellation request. Customers see their request's progress and any
// rejection reason; staff also see the queue, the escalation, who holds it and the identity check.
import { requestProgress, type CancellationRequest, type RequestProgressStage } from '../../domain/cancellation-request.ts';
import type { Order } from '../../domain/order.ts';
import { timeLeftMs } from '../../domain/policies/review-sla.ts';

export interface RequestView {
  id: string;
  orderId: string;
  state: CancellationRequest['state'];
  progress: { stage: RequestProgressStage; text: string };
  express: boolean;
  orderStateAtRequest: CancellationRequest['orderStateAtRequest'];
  reasonCode: string;
  reasonText: string | null;
  urgent: boolean;
  dueAt: number;
  /** While the request waits for a decision: ms until it is due, negative once overdue. */
  timeLeftMs: number | null;
  identityVerified: boolean;
  rejectionReason: string | null;
  interception: CancellationRequest['interception'];
  numberReleased: boolean;
  createdAt: number;
  decidedAt: number | null;
  completedAt: number | null;
  staff: {
    customerId: string;
    queue: CancellationRequest['queue'];
    escalationLevel: number;
    escalatedAt: number | null;
    assigneeId: string | null;
    decidedBy: string | null;
    decisionNote: string | null;
    identityMethod: CancellationRequest['identityMethod'];
    identityFailures: number;
    hasScreenshot: boolean;
    order: { state: Order['state']; amountFen: number; number: string; paymentChannel: Order['paymentChannel'] } | null;
  } | null;
}

export function toRequestView(q: CancellationRequest, now: number, forStaff: boolean, extra: { hasScreenshot?: boolean; order?: Order | undefined } = {}): RequestView {
  return {
    id: q.id,
    orderId: q.orderId,
    state: q.state,
    progress: requestProgress(q),
    express: q.express,
    orderStateAtRequest: q.orderStateAtRequest,
    reasonCode: q.reasonCode,
    reasonText: q.reasonText,
    urgent: q.urgent,
    dueAt: q.dueAt,
    timeLeftMs: q.state === 'requested' ? timeLeftMs(q.dueAt, now) : null,
    identityVerified: q.identityVerifiedAt !== null,
    rejectionReason: q.rejectionReason,
    interception: q.interception,
    numberReleased: q.numberReleasedAt !== null,
    createdAt: q.createdAt,
    decidedAt: q.decidedAt,
    completedAt: q.completedAt,
    staff: forStaff
      ? {
          customerId: q.customerId, queue: q.queue, escalationLevel: q.escalationLevel, escalatedAt: q.escalatedAt, assigneeId: q.assigneeId,
          decidedBy: q.decidedBy, decisionNote: q.decisionNote, identityMethod: q.identityMethod, identityFailures: q.identityFailures,
          hasScreenshot: extra.hasScreenshot ?? false,
          order: extra.order ? { state: extra.order.state, amountFen: extra.order.amountFen, number: extra.order.number, paymentChannel: extra.order.paymentChannel } : null,
        }
      : null,
  };
}
