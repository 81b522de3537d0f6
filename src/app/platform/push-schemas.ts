// The bodies partners push, as zod schemas: the routes declare them (so the API documents them and a body
// that breaks them is refused before its signature is even computed) and the adapters parse the verified
// bytes with them (so a use case never sees an unknown kind, a time of -1e300 or a 100 kB detail).
// A refusal names its field and carries a stable code: an unknown kind or state is CALLBACK.UNKNOWN_KIND,
// anything else CALLBACK.INVALID_FIELD.
import { z } from 'zod';
import { fail, type DomainError } from '../../domain/errors.ts';
import {
  CARRIER_EVENT_KINDS, COURIER_EVENT_KINDS, isPushText, PAYMENT_TRADE_STATES, PUSH_MAX_FEN, PUSH_REF_MAX, PUSH_TEXT_MAX,
  PUSH_TIME_MAX_MS, PUSH_TIME_MIN_MS, REFUND_NOTICE_STATES,
} from '../../domain/policies/partner-push.ts';

/** An id or reference: printable ASCII, no spaces. */
const ref = z.string().min(1).max(PUSH_REF_MAX).regex(/^[\x21-\x7e]+$/, 'printable characters without spaces');
/** A time in UTC milliseconds that could be a real one (JSON's 1e400 is Infinity, -1e300 is no date). */
const eventTime = z.number().int().min(PUSH_TIME_MIN_MS).max(PUSH_TIME_MAX_MS);
/** Free text: trimmed, at most PUSH_TEXT_MAX characters, no control characters; empty is none. */
const text = z.string()
  .refine((s) => isPushText(s), `at most ${PUSH_TEXT_MAX} characters of one line, without control characters`)
  .transform((s) => s.trim() || null);
const fen = z.number().int().min(0).max(PUSH_MAX_FEN);

export const courierPushBody = z.object({
  event_id: ref,
  tracking_no: z.string().regex(/^[A-Za-z0-9]{6,32}$/, 'a tracking number'),
  kind: z.enum(COURIER_EVENT_KINDS),
  occurred_at: eventTime,
  detail: text.nullish().transform((d) => d ?? null),
});

/**
 * The carrier's status push on the md5kv wire (adapters/carrier/md5kv/protocol.ts): the event, and the envelope
 * fields its signature covers (app id, timestamp in unix seconds, nonce, sign), which the adapter checks itself:
 * a push without them is refused as unsigned, not as misshapen.
 */
export const carrierPushBody = z.object({
  appId: z.string().max(PUSH_REF_MAX).optional(),
  eventId: ref,
  number: z.string().regex(/^1\d{10}$/, 'an 11-digit mainland mobile number'),
  status: z.enum(CARRIER_EVENT_KINDS),
  occurTime: eventTime,
  reason: text.nullish().transform((d) => d ?? null),
  timestamp: z.union([z.string().max(PUSH_REF_MAX), z.number()]).optional(),
  nonce: z.string().max(PUSH_REF_MAX).optional(),
  sign: z.string().max(PUSH_REF_MAX).optional(),
});

export const paymentNoticeBody = z.object({
  event_type: z.string().max(PUSH_REF_MAX).optional(),
  payment_no: ref,
  trade_no: ref,
  amount_fen: fen,
  trade_state: z.enum(PAYMENT_TRADE_STATES),
});

/** WeChat Pay's refund-result envelope (the content is encrypted; see refundNoticeContent). */
export const refundNoticeBody = z.object({
  id: ref,
  event_type: z.string().max(PUSH_REF_MAX),
  resource: z.object({ ciphertext: z.string().max(8_192), nonce: z.string().max(PUSH_REF_MAX), associated_data: z.string().max(PUSH_REF_MAX) }),
});

export const refundNoticeContent = z.object({
  out_refund_no: ref,
  out_trade_no: ref,
  refund_id: ref,
  refund_status: z.enum(REFUND_NOTICE_STATES),
  amount: z.object({ refund: fen }),
});

/** The field names that carry a push's kind or state: an unknown value there is an unknown kind. */
const KIND_FIELDS = new Set(['kind', 'status', 'trade_state', 'refund_status']);

/** The zod issues of a refused push as one error with a stable code. */
export function pushRefusal(issues: readonly { path: readonly PropertyKey[]; message: string; code?: string }[]): DomainError {
  const list = issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  const unknownKind = issues.find((i) => i.code === 'invalid_value' && i.path.length === 1 && KIND_FIELDS.has(String(i.path[0])));
  if (unknownKind) return fail('CALLBACK.UNKNOWN_KIND', `The push's ${String(unknownKind.path[0])} is not one this partner sends.`, { issues: list });
  return fail('CALLBACK.INVALID_FIELD', `The push is not valid: ${list.map((i) => `${i.path} ${i.message}`).join('; ')}`, { issues: list });
}

export function parsePush<S extends z.ZodType>(schema: S, body: unknown): z.output<S> | DomainError {
  const r = schema.safeParse(body);
  return r.success ? r.data : pushRefusal(r.error.issues);
}
