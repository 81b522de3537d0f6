// Expected failures are values with stable codes; the HTTP layer maps codes to statuses in one place.

export const ERROR_CODES = {
  'ORDER.NOT_FOUND': 404,
  'ORDER.NOT_CANCELLABLE': 409,
  'ORDER.INVALID_TRANSITION': 409,
  'ORDER.CONFIRMATION_REQUIRED': 422,
  'ORDER.CONCURRENT_UPDATE': 409,
  'ORDER.NOT_PAYABLE': 409,
  'PLAN.NOT_FOUND': 404,
  'PLAN.CARRIER_MISMATCH': 422,
  'NUMBER.NOT_FOUND': 404,
  'NUMBER.UNAVAILABLE': 409,
  'CUSTOMER.INVALID_RESIDENT_ID': 422,
  'CUSTOMER.REAL_NAME_LIMIT': 409,
  'PAYMENT.NOT_FOUND': 404,
  'PAYMENT.BAD_SIGNATURE': 401,
  'PAYMENT.REPLAYED': 409,
  'PAYMENT.AMOUNT_MISMATCH': 422,
  'PAYMENT.CHANNEL_MISMATCH': 422,
  'REFUND.NOT_FOUND': 404,
  'REFUND.NOT_RETRYABLE': 409,
  'REFUND.ALREADY_RETRIED': 409,
  'REFUND.NOT_REFUNDABLE': 409,
  'REFUND.INVALID_AMOUNT': 422,
  'CANCEL_REQUEST.NOT_FOUND': 404,
  'CANCEL_REQUEST.ALREADY_OPEN': 409,
  'CANCEL_REQUEST.NOT_OPEN': 409,
  'CANCEL_REQUEST.INVALID_TRANSITION': 409,
  'CANCEL_REQUEST.ASSIGNED_TO_OTHER': 409,
  'CANCEL_REQUEST.WRONG_QUEUE': 403,
  'CANCEL_REQUEST.UNKNOWN_REASON': 422,
  'CANCEL_REQUEST.REASON_REQUIRED': 422,
  'CANCEL_REQUEST.INTERCEPTION_NOT_PENDING': 409,
  'CANCEL_REQUEST.NOT_READY': 409,
  'ORDER.OPEN_CANCELLATION_REQUEST': 409,
  'IDENTITY.MISMATCH': 422,
  'IDENTITY.NOT_VERIFIED': 409,
  'IDENTITY.NO_SCREENSHOT': 409,
  'ATTACHMENT.INVALID': 400,
  'ATTACHMENT.TOO_LARGE': 413,
  'ATTACHMENT.TYPE_MISMATCH': 415,
  'AGENT.NOT_FOUND': 404,
  'AUTH.REQUIRED': 401,
  'AUTH.INVALID_TOKEN': 401,
  'AUTH.INVALID_CODE': 401,
  'AUTH.INVALID_CREDENTIALS': 401,
  'AUTH.FORBIDDEN': 403,
  'AUTH.TOO_MANY_ATTEMPTS': 429,
  'REQUEST.INVALID': 400,
  'REQUEST.MALFORMED_JSON': 400,
  'REQUEST.NOT_FOUND': 404,
  'REQUEST.TOO_LARGE': 413,
  'REQUEST.URI_TOO_LONG': 414,
  'REQUEST.UNSUPPORTED_MEDIA_TYPE': 415,
  'IDEMPOTENCY.KEY_REUSED': 422,
  'IDEMPOTENCY.IN_PROGRESS': 409,
  'SETTINGS.INVALID': 422,
  'INTERNAL': 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface DomainError {
  readonly kind: 'error';
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: Record<string, unknown>;
}

export const fail = (code: ErrorCode, message: string, details?: Record<string, unknown>): DomainError => ({
  kind: 'error',
  code,
  message,
  ...(details ? { details } : {}),
});

export const isError = (x: unknown): x is DomainError =>
  typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'error';

/** Thrown only to unwind a transaction that must roll back for an expected reason; carries the value. */
export class Rejection extends Error {
  constructor(readonly error: DomainError) {
    super(error.message);
  }
}
