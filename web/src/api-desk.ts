// The staff desk's calls beyond the review queue: supervisors' escalations and reassignment, operators' plan rules,
// the fulfilment console and the returns desk. Same transport as api.ts (bearer token, idempotency key per action).
import { call, q, type Order, type RequestView } from './api.ts';

export type PenaltyRule = { kind: 'fixed'; fen: number } | { kind: 'remaining_share'; percent: number };
export interface PlanRules { activationWindowDays: number; trialDays: number; penalty: PenaltyRule }
export interface PlanWithRules extends PlanRules { id: string; carrier: string; name: string; monthlyFeeFen: number; contractMonths: number; active: boolean }
export interface RuleChange { id: number; planId: string; rule: 'activationWindowDays' | 'trialDays' | 'penalty' | string; from: unknown; to: unknown; by: string; byName: string | null; at: number }
export interface DeskAgent { id: string; displayName: string; role: string; group: string }
export type ReturnState = 'awaiting_parcel' | 'in_transit' | 'received' | 'passed' | 'refused' | 'closed_unreceived';
export interface ReturnRow { id: string; orderId: string; orderNumber: string | null; kind: 'unactivated' | 'intercepted'; state: ReturnState; returnTrackingNo: string | null; createdAt: number; updatedAt: number; reasonCode: string | null; reasonText: string | null }
export interface Checklist { cardIntact: boolean; pinAreaUnscratched: boolean; idCopyEnclosed: boolean; orderNumberMatches: boolean }
export interface InspectedReturn { state: ReturnState; refund: { earliest: string; latest: string } | null; rejectionReason: string | null }
export interface Closure {
  id: string; orderId: string; state: string; penaltyFen: number; monthsLeft: number; requestedAt: number; completedAt: number | null;
  penalty: { amountFen: number; paid: boolean; paidAt: number | null; paymentNo: string | null };
}
/** The order as the desk reads it: with the card picked for it, once picked. */
export type DeskOrder = Order & { iccid?: string | null; pickedAt?: number | null };
export interface CarrierTask { id: number; orderId: string; kind: string; detail: string; createdAt: number }
export type FulfilmentState = 'paid' | 'packing' | 'shipped';

const id = encodeURIComponent;
const staff = { area: 'staff' as const };

export const desk = {
  escalations: () => call<{ requests: RequestView[] }>('GET', '/api/v1/supervisor/escalations', staff),
  agents: () => call<{ agents: DeskAgent[] }>('GET', '/api/v1/supervisor/agents', staff),
  assign: (requestId: string, agentId: string, key: string) =>
    call<RequestView>('POST', `/api/v1/supervisor/requests/${id(requestId)}/assign`, { ...staff, body: { agentId }, key }),

  plans: () => call<{ plans: PlanWithRules[]; changes: RuleChange[] }>('GET', '/api/v1/operator/plans', staff),
  putPlanRules: (planId: string, rules: PlanRules) => call<PlanWithRules>('PUT', `/api/v1/operator/plans/${id(planId)}/rules`, { ...staff, body: rules }),

  orders: (state: FulfilmentState, page: number) =>
    call<{ orders: DeskOrder[]; page: number; pageSize: number; total: number }>('GET', `/api/v1/agent/orders${q({ state, page })}`, staff),
  pick: (orderId: string, iccid: string, key: string) => call<DeskOrder>('POST', `/api/v1/agent/orders/${id(orderId)}/pick`, { ...staff, body: { iccid }, key }),
  startPacking: (orderId: string, key: string) => call<Order>('POST', `/api/v1/agent/orders/${id(orderId)}/start-packing`, { ...staff, body: {}, key }),
  handToCourier: (orderId: string, key: string) => call<Order>('POST', `/api/v1/agent/orders/${id(orderId)}/hand-to-courier`, { ...staff, body: {}, key }),

  returns: (state: 'open' | 'awaiting_parcel' | 'in_transit' | 'received') => call<{ returns: ReturnRow[] }>('GET', `/api/v1/agent/returns${q({ state })}`, staff),
  inspect: (returnId: string, body: { checklist: Checklist; notes?: string; reason?: string; photos?: { contentType: string; dataBase64: string }[] }, key: string) =>
    call<{ return: InspectedReturn; order: Order }>('POST', `/api/v1/agent/returns/${id(returnId)}/inspect`, { ...staff, body, key }),
  closures: () => call<{ closures: Closure[] }>('GET', '/api/v1/agent/account-closures', staff),
  completeClosure: (closureId: string, key: string) =>
    call<{ closure: Closure; order: Order }>('POST', `/api/v1/agent/account-closures/${id(closureId)}/complete`, { ...staff, body: {}, key }),
  carrierTasks: () => call<{ tasks: CarrierTask[] }>('GET', '/api/v1/agent/carrier-tasks', staff),
  resolveTask: (taskId: number, resolution: 'follow_carrier' | 'keep_ours', note: string, key: string) =>
    call<unknown>('POST', `/api/v1/agent/carrier-tasks/${taskId}/resolve`, { ...staff, body: { resolution, note }, key }),
};
