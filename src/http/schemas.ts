// Shapes shared by several routes, named once so the OpenAPI document reads well.
import { z } from 'zod';
import { CARRIERS, ORDER_STATES, PAYMENT_CHANNELS } from '../domain/order.ts';

export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) }),
}).describe('Every error: a stable code, a sentence, and details.');

export const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 422: errorBody, 429: errorBody };

export const orderIdParams = z.object({ id: z.string().min(1).max(64) });

export const label = z.object({
  label: z.enum(['cancellable', 'review_required', 'not_cancellable']),
  text: z.string(),
  colour: z.enum(['green', 'amber', 'grey']),
  action: z.string(),
  reason: z.string(),
  validUntil: z.number().nullable(),
});

export const address = z.object({
  province: z.string().trim().min(1).max(50),
  city: z.string().trim().min(1).max(50),
  district: z.string().trim().min(1).max(50),
  detail: z.string().trim().min(1).max(200),
});

/** The promotion code of the distributor's link (?ref=) a customer came through: the order is attributed to it. */
export const promotionRef = z.string().regex(/^[A-Za-z0-9_-]{4,32}$/, 'a promotion code from a ?ref= link').optional().describe('the promotion code of the link the customer came through');

export const penaltyRule = z.union([
  z.object({ kind: z.literal('fixed'), fen: z.number().describe('fen (分)') }),
  z.object({ kind: z.literal('remaining_share'), percent: z.number().describe('share of the monthly fees still due') }),
]).describe('early-termination penalty (违约金) of an account closure inside the contract period');

export const orderTerms = z.object({
  planPriceFen: z.number().int().describe('the plan\u2019s price when the order was placed (fen)'),
  monthlyFeeFen: z.number().int(),
  contractMonths: z.number().int(),
  penaltyRule,
  activationWindowDays: z.number().int().describe('days from delivery inside which an unactivated card can be returned'),
  trialDays: z.number().int().describe('0 = no trial'),
}).describe('the plan\u2019s terms as sold: kept from placement, so a later edit of the plan\u2019s rules does not change them');

export const orderView = z.object({
  id: z.string(),
  state: z.enum(ORDER_STATES),
  number: z.string(),
  carrier: z.enum(CARRIERS),
  plan: z.object({
    id: z.string(), name: z.string(), monthlyFeeFen: z.number(), dataMb: z.number(), voiceMinutes: z.number(),
    contractMonths: z.number(), activationWindowDays: z.number(), trialDays: z.number(),
  }).describe('the plan as sold: name and allowances, with the fee, contract, window and trial from the order\u2019s terms'),
  amountFen: z.number().int().describe('fen (分)'),
  terms: orderTerms,
  contactName: z.string(),
  contactPhone: z.string(),
  residentId: z.string().describe('masked'),
  address,
  paymentDeadline: z.number().describe('UTC epoch ms'),
  paymentChannel: z.enum(PAYMENT_CHANNELS).nullable(),
  closeReason: z.string().nullable(),
  keepsReorderDiscount: z.boolean().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  paidAt: z.number().nullable(),
  closedAt: z.number().nullable(),
  trackingNo: z.string().nullable().describe('courier tracking number of the outgoing parcel'),
  deliveredAt: z.number().nullable().describe('when the courier delivered the card; the activation window counts from here'),
  activatedAt: z.number().nullable().describe('when the carrier activated the line; the trial counts from here'),
  iccid: z.string().nullable().describe('ICCID of the SIM card picked from stock for this order'),
  pickedAt: z.number().nullable().describe('when the card was picked; packing starts from a picked card'),
  cancellation: label.extend({
    progress: z.object({ stage: z.string(), text: z.string() }).nullable().describe('where a cancellation request stands; "cancelling" until the number is released and the refund arrived'),
    requestId: z.string().nullable(),
  }),
});

export const plan = z.object({
  id: z.string(), carrier: z.enum(CARRIERS), name: z.string(), monthlyFeeFen: z.number(), dataMb: z.number(), voiceMinutes: z.number(),
  contractMonths: z.number(), activationWindowDays: z.number(), trialDays: z.number(), priceFen: z.number(), active: z.boolean(),
});

export const numberResource = z.object({
  id: z.string(), carrier: z.enum(CARRIERS), number: z.string(), vanityLevel: z.number(), priceFen: z.number(), state: z.string(), orderId: z.string().nullable(),
});

export const refundView = z.object({
  refundNo: z.string().describe('the refund request number sent to the channel as its idempotency key'),
  paymentNo: z.string(),
  orderId: z.string(),
  channel: z.enum(PAYMENT_CHANNELS),
  attempt: z.number().int(),
  previousRefundNo: z.string().nullable().describe('the failed attempt this one redoes'),
  retriedAs: z.string().nullable().describe('the attempt that redid this one'),
  state: z.enum(['pending', 'processing', 'succeeded', 'failed', 'closed']),
  stateText: z.string(),
  amountFen: z.number().int().describe('fen (分) going back to the customer'),
  feeFen: z.number().int(),
  penaltyFen: z.number().int(),
  reason: z.string(),
  express: z.boolean(),
  expectedArrival: z.object({ earliest: z.string(), latest: z.string() }).nullable().describe('Asia/Shanghai dates, mainland working days'),
  retryable: z.boolean(),
  failureReason: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  succeededAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  history: z.array(z.object({ at: z.number(), action: z.string(), fromState: z.string().nullable(), toState: z.string(), actorType: z.string(), actorId: z.string(), note: z.string().nullable() })),
});

export const requestIdParams = z.object({ id: z.string().min(1).max(64) });

export const requestView = z.object({
  id: z.string(),
  orderId: z.string(),
  state: z.enum(['requested', 'approved', 'rejected', 'withdrawn', 'completed', 'superseded']),
  progress: z.object({ stage: z.enum(['under_review', 'intercepting', 'cancelling', 'cancelled', 'rejected', 'withdrawn', 'superseded']), text: z.string() }),
  express: z.boolean().describe('cancelled at once by the express-refund policy, without review'),
  orderStateAtRequest: z.enum(['paid', 'packing', 'shipped']),
  reasonCode: z.string(),
  reasonText: z.string().nullable(),
  urgent: z.boolean(),
  dueAt: z.number().describe('review due time, UTC epoch ms'),
  timeLeftMs: z.number().nullable().describe('until the due time while awaiting review; negative when overdue'),
  identityVerified: z.boolean(),
  rejectionReason: z.string().nullable().describe('shown to the customer'),
  interception: z.enum(['pending', 'accepted', 'refused']).nullable(),
  numberReleased: z.boolean(),
  createdAt: z.number(),
  decidedAt: z.number().nullable(),
  completedAt: z.number().nullable(),
  staff: z.object({
    customerId: z.string(),
    queue: z.enum(['standard', 'priority']),
    escalationLevel: z.number().int().describe('0 none, 1 at 80 % of the SLA, 2 at breach'),
    escalatedAt: z.number().nullable(),
    assigneeId: z.string().nullable(),
    decidedBy: z.string().nullable(),
    decisionNote: z.string().nullable(),
    identityMethod: z.string().nullable(),
    identityFailures: z.number().int(),
    hasScreenshot: z.boolean(),
    order: z.object({ state: z.enum(ORDER_STATES), amountFen: z.number().int(), number: z.string(), paymentChannel: z.enum(PAYMENT_CHANNELS).nullable() }).nullable(),
  }).nullable().describe('staff only'),
});

export const expressCheck = z.object({
  rule: z.enum(['not_packing', 'amount', 'refund_history', 'not_flagged', 'cancellation_frequency']),
  passed: z.boolean(),
  text: z.string(),
});
