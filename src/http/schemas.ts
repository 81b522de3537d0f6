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

export const orderView = z.object({
  id: z.string(),
  state: z.enum(ORDER_STATES),
  number: z.string(),
  carrier: z.enum(CARRIERS),
  plan: z.object({
    id: z.string(), name: z.string(), monthlyFeeFen: z.number(), dataMb: z.number(), voiceMinutes: z.number(),
    contractMonths: z.number(), activationWindowDays: z.number(), trialDays: z.number(),
  }),
  amountFen: z.number().int().describe('fen (分)'),
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
  cancellation: label,
});

export const plan = z.object({
  id: z.string(), carrier: z.enum(CARRIERS), name: z.string(), monthlyFeeFen: z.number(), dataMb: z.number(), voiceMinutes: z.number(),
  contractMonths: z.number(), activationWindowDays: z.number(), trialDays: z.number(), priceFen: z.number(), active: z.boolean(),
});

export const numberResource = z.object({
  id: z.string(), carrier: z.enum(CARRIERS), number: z.string(), vanityLevel: z.number(), priceFen: z.number(), state: z.string(), orderId: z.string().nullable(),
});
