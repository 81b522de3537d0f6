// Shapes of the IoT API, named once so the OpenAPI document reads well.
import { z } from 'zod';
import { ORDER_STATES } from '../../../domain/order.ts';
import { OVER_QUOTA_ACTIONS } from '../../../domain/iot/pool.ts';
import { CARD_ROUTES } from '../../../domain/iot/cancellation.ts';

export const iccid = z.string().trim().min(19).max(24).describe('ICCID, 19 or 20 digits starting with 89');

export const staffRole = z.enum(['buyer', 'viewer']).describe('buyer: orders, activates, pools and cancels; viewer: reads');
export const newStaff = z.object({
  username: z.string().trim().min(3).max(40),
  displayName: z.string().trim().min(1).max(40),
  password: z.string().min(10).max(200),
  role: staffRole,
});
export const staffView = z.object({ id: z.string(), username: z.string(), displayName: z.string(), role: staffRole });
export const businessView = z.object({
  id: z.string(), name: z.string(), creditCode: z.string().describe('统一社会信用代码'), contactName: z.string(), contactPhone: z.string(), staff: z.array(staffView),
});

export const batchView = z.object({
  id: z.string(), planId: z.string(), quantity: z.number().int(), grossFen: z.number().int(), discountPercent: z.number().int(), amountFen: z.number().int(),
  paymentMethod: z.enum(['alipay', 'wechat', 'bank', 'bank_transfer']), state: z.string(), paymentDeadline: z.number(), paidAt: z.number().nullable(), createdAt: z.number(),
  cards: z.record(z.string(), z.number()).describe('cards of the batch by state'),
});

export const cardView = z.object({
  id: z.string(), batchId: z.string(), seq: z.number().int(), iccid: z.string(), msisdn: z.string(), state: z.enum(ORDER_STATES), shareFen: z.number().int().describe('the card\u2019s share of the batch payment'),
  quotaMb: z.number().int(), trackingNo: z.string().nullable(), deliveredAt: z.number().nullable(), activatedAt: z.number().nullable(), closedAt: z.number().nullable(),
  closeReason: z.string().nullable(), penaltyFen: z.number().nullable(), pendingReturn: z.string().nullable().describe('intercept | return: on its way back after a cancellation'),
  poolId: z.string().nullable(), dataStopped: z.boolean(),
});

export const jobView = z.object({
  id: z.string(), kind: z.enum(['activation', 'cancellation']), state: z.string(), batchId: z.string().nullable(), total: z.number().int(), done: z.number().int(),
  failed: z.number().int(), percent: z.number().int(), createdAt: z.number(), finishedAt: z.number().nullable(),
});

export const selection = z.union([
  z.object({ batchId: z.string().min(1).max(64), states: z.array(z.enum(ORDER_STATES)).min(1).optional() }).strict(),
  z.object({ iccids: z.array(iccid).min(1).max(10_000) }).strict(),
  z.object({ csv: z.string().min(1).max(300_000).describe('one ICCID a line, or ICCIDs in the first column') }).strict(),
]).describe('all cards of a batch (optionally only some states), a list of ICCIDs, or a CSV of ICCIDs');

const poolFigures = z.object({ members: z.number().int(), quotaMb: z.number().int(), monthlyFeeFen: z.number().int() });
export const previewGroup = z.object({
  state: z.enum(ORDER_STATES), route: z.enum(CARD_ROUTES), label: z.enum(['cancellable', 'review_required', 'not_cancellable']), labelText: z.string().describe('可取消 / 需审核 / 不可取消'),
  cards: z.number().int(), refundFen: z.number().int(), penaltyFen: z.number().int(),
});
export const previewTotals = z.object({
  cards: z.number().int(), affected: z.number().int(), refundNowFen: z.number().int(), refundOnReceiptFen: z.number().int(), refundFen: z.number().int(), penaltyFen: z.number().int(),
});
export const preview = z.object({
  groups: z.array(previewGroup.extend({ iccids: z.array(z.string()) })),
  totals: previewTotals,
  needsReview: z.boolean().describe('refunds above the express-refund amount: an agent reviews the cancellation first'),
  pools: z.array(z.object({ poolId: z.string(), before: poolFigures, after: poolFigures, removed: z.number().int() })),
  returnInstructions: z.string().nullable(),
  busyIccids: z.array(z.string()).describe('cards in another job that has not finished: confirm waits for it'),
});

export const cancellationView = z.object({
  id: z.string(), state: z.string(), cards: z.number().int(), refundFen: z.number().int(), penaltyFen: z.number().int(), summary: z.unknown(),
  job: z.object({ state: z.string(), total: z.number().int(), done: z.number().int(), failed: z.number().int(), percent: z.number().int() }),
  reviewedBy: z.string().nullable(), reviewNote: z.string().nullable(), createdAt: z.number(),
});
export const cancellationDetail = cancellationView.extend({
  refunds: z.array(z.object({ refundNo: z.string(), iccid: z.string(), amountFen: z.number().int(), state: z.string(), channel: z.string() })),
  cardsListed: z.array(z.object({ iccid: z.string(), route: z.string(), outcome: z.string().nullable(), refundFen: z.number().int(), penaltyFen: z.number().int() })),
});

export const poolView = z.object({
  id: z.string(), name: z.string(), overQuota: z.enum(OVER_QUOTA_ACTIONS), overageFeePerGbFen: z.number().int(), month: z.string(), members: z.number().int(),
  quotaMb: z.number().int(), monthlyFeeFen: z.number().int(), usedMb: z.number().int(), percent: z.number().int(),
  overage: z.object({ overMb: z.number().int(), billedGb: z.number().int(), feeFen: z.number().int() }), dataStopped: z.boolean(),
  alerts: z.array(z.object({ month: z.string(), level: z.number().int(), usedMb: z.number().int(), quotaMb: z.number().int(), at: z.number() })),
  daily: z.array(z.object({ day: z.string(), mb: z.number().int() })),
});
