// What the use cases need from the outside world. Each port ships with a deterministic simulator.
import type { DomainError } from '../../domain/errors.ts';
import type { Carrier, PaymentChannel } from '../../domain/order.ts';
import type { CourierEventKind } from '../../domain/policies/partner-push.ts';

export interface Clock {
  now(): number;
}

export interface CreatePaymentRequest {
  paymentNo: string;
  amountFen: number;
  subject: string;
  expiresAt: number;
}

/** A channel notification after its signature has been checked. */
export interface PaymentNotice {
  nonce: string;
  paymentNo: string;
  tradeNo: string;
  amountFen: number;
  status: 'SUCCESS';
}

export interface RefundRequest {
  /** Our refund request number: the channel's idempotency key (Alipay out_request_no, WeChat out_refund_no). */
  refundNo: string;
  paymentNo: string;
  amountFen: number;
  reason: string;
  /**
   * The payment's whole amount as we recorded it when the channel's notification (amount checked) or query
   * confirmed it; a channel whose refund call needs the trade's total (WeChat Pay) then need not ask for it.
   */
  paymentTotalFen?: number;
}

/**
 * A channel's answer to a refund request. `unknown` is a timeout or a garbled answer: the money may or may
 * not have left, so the only safe next step is to ask (`queryRefund`) under the same request number.
 * A `failed` answer that is `retryable` (the channel was busy) may be sent again under the same number;
 * one that is not is the channel refusing this refund for good.
 */
export type RefundAnswer =
  | { status: 'succeeded'; channelRefundNo: string }
  | { status: 'processing'; channelRefundNo: string | null }
  | { status: 'unknown'; error: string }
  | { status: 'failed'; error: string; retryable: boolean };

/** What the channel says it knows of a request number. `not_found`: it never received it, nothing was paid. */
export type RefundStatus =
  | { status: 'succeeded'; channelRefundNo: string }
  | { status: 'processing'; channelRefundNo: string | null }
  | { status: 'failed' | 'closed'; error: string }
  | { status: 'not_found' };

/** A refund-result notification after its signature has been checked and its content decrypted. */
export interface RefundNotice {
  /** The channel's id of this notification: resends carry the same id. */
  notifyId: string;
  refundNo: string;
  paymentNo: string;
  channelRefundNo: string;
  amountFen: number;
  status: 'succeeded' | 'failed' | 'closed';
  error: string | null;
}

/**
 * The channel's view of one trade (alipay.trade.query, WeChat's GET /v3/pay/transactions/out-trade-no/{no}).
 * `waiting`: opened and still payable; `closed`: closed (by us, or lapsed) and no longer payable.
 */
export type TradeStatus =
  | { status: 'not_found' }
  | { status: 'waiting' }
  | { status: 'paid'; tradeNo: string; amountFen: number; paidAt: number }
  | { status: 'closed' };

/**
 * Closing an unpaid trade (alipay.trade.close, WeChat's POST .../out-trade-no/{no}/close): once closed it can no
 * longer be paid. A paid trade refuses to close, with the channel's own refusal (`refused`).
 */
export type CloseTradeAnswer = { status: 'closed' } | { status: 'not_found' } | { status: 'refused'; error: string };

/** One line of a channel's daily bill (对账单): a payment received or a refund paid out on that day. */
export type StatementLine =
  | { kind: 'payment'; paymentNo: string; tradeNo: string; amountFen: number; at: number }
  | { kind: 'refund'; paymentNo: string; refundNo: string; channelRefundNo: string; amountFen: number; at: number };

/** A day's bill; `not_ready` until the channel has closed the day (bills come the next morning). */
export type Statement = { status: 'ready'; day: string; lines: StatementLine[] } | { status: 'not_ready'; day: string };

export interface PaymentPort {
  readonly channel: PaymentChannel;
  /** Opens a payment at the channel; the customer completes it there, the channel notifies us. */
  createPayment(req: CreatePaymentRequest): Promise<{ payUrl: string }>;
  /** Checks a notification's signature and freshness; never trusts an unsigned body. */
  verifyNotification(headers: Record<string, string | string[] | undefined>, rawBody: string, now: number): PaymentNotice | DomainError;
  /** Refunds to the original channel. `refundNo` is the channel's idempotency key: sent again, it pays nothing more. */
  refund(req: RefundRequest): Promise<RefundAnswer>;
  /** Asks the channel about a request number (alipay.trade.fastpay.refund.query, WeChat's GET /refund/domestic/refunds/{no}). */
  queryRefund(req: { refundNo: string; paymentNo: string }): Promise<RefundStatus>;
  /** The channel's view of a trade. Throws when the channel does not answer (a timeout): nothing is known. */
  queryPayment(paymentNo: string): Promise<TradeStatus>;
  /** Closes an unpaid trade so that it can no longer be paid; a paid one is refused. Throws when the channel does not answer. */
  closePayment(paymentNo: string): Promise<CloseTradeAnswer>;
  /** The bill of a day (YYYY-MM-DD, Asia/Shanghai): every payment and refund the channel settled that day. */
  statement(day: string): Promise<Statement>;
  /** Channels that notify refund results (WeChat Pay): checks signature and freshness, decrypts the content. */
  verifyRefundNotification?(headers: Record<string, string | string[] | undefined>, rawBody: string, now: number): RefundNotice | DomainError;
}

export type NotificationChannel = 'sms' | 'push' | 'inapp';

export interface OutgoingMessage {
  /** Same key, same message: a repeated delivery attempt is not a second message. */
  key: string;
  channel: NotificationChannel;
  customerId: string;
  phone: string;
  orderId: string | null;
  template: string;
  title: string;
  body: string;
  /** The notice's data: a text message is its template's parameters (domain/notices/templates.ts). */
  data?: Record<string, unknown>;
}

export interface NotifierPort {
  send(msg: OutgoingMessage): Promise<void>;
  /** Asks the SMS providers what became of messages whose check is due (the worker); the number asked about. */
  checkDeliveries?(): Promise<number>;
}

/** Releasing a sold number back to the carrier's pool. `releaseNo` is the idempotency key the carrier receives. */
export interface NumberReleaseRequest {
  releaseNo: string;
  carrier: Carrier;
  number: string;
}

/** `pending`: accepted, not yet done (carriers release in batches); ask again later with the same releaseNo. */
export type NumberReleaseAnswer = { status: 'released' } | { status: 'pending' } | { status: 'failed'; error: string; retryable: boolean };

export interface CarrierPort {
  releaseNumber(req: NumberReleaseRequest): Promise<NumberReleaseAnswer>;
  /** Checks a carrier status push (activation, real-name failure, suspension, closure, recycling). */
  verifyCallback(headers: Record<string, string | string[] | undefined>, rawBody: string, now: number): CarrierNotice | DomainError;
  /** What the carrier's own system says of a line now (the poll behind status synchronisation). */
  queryLine(number: string): Promise<LineStatus>;
  /** Closes a line (销户); `closeNo` is the idempotency key. */
  closeLine(req: { closeNo: string; number: string }): Promise<{ status: 'closed' } | { status: 'failed'; error: string }>;
}

export type LineStatus = 'inactive' | 'activated' | 'suspended' | 'closed' | 'recycled';

/** A carrier push after its signature has been checked. */
export interface CarrierNotice {
  nonce: string;
  eventId: string;
  number: string;
  status: Exclude<LineStatus, 'inactive'> | 'real_name_failed';
  occurredAt: number;
  detail: string | null;
}

/** The courier's tracking scans, in the order a parcel normally meets them. */
export const TRACKING_KINDS = ['picked_up', 'in_transit', 'out_for_delivery', 'delivered', 'returned_to_sender'] as const;
export type TrackingKind = (typeof TRACKING_KINDS)[number];

/** A courier push after its signature has been checked: a tracking scan or the answer to an interception. */
export interface CourierNotice {
  /** The delivery's nonce (a byte-for-byte replay is refused); null for couriers that sign without one (Kuaidi100). */
  nonce: string | null;
  eventId: string;
  trackingNo: string;
  kind: CourierEventKind;
  occurredAt: number;
  detail: string | null;
  /**
   * The push is the parcel's whole track as the courier sees it now (Kuaidi100 pushes the full track each time):
   * one whose newest scan is older than a scan we already hold is an older view, and is refused.
   */
  wholeTrack?: boolean;
}

/** A signed push the courier needs acknowledged but that tells nothing about the parcel (monitoring stopped, no scan yet). */
export interface CourierAcknowledgement {
  kind: 'acknowledge';
  trackingNo: string;
  reason: string;
}

/** An interception is only received at once; the courier answers it later by callback. */
export type CourierInterceptAnswer = { status: 'received' } | { status: 'failed'; error: string };

/** Subscribing to a waybill's tracking. `retryable: false`: the courier refuses it for good (a waybill it cannot track). */
export type CourierSubscribeAnswer = { status: 'subscribed' } | { status: 'failed'; error: string; retryable: boolean };

export interface CourierPort {
  /** The waybill (e-waybill / the warehouse's label system): the tracking number the parcel leaves under. */
  createWaybill(req: { orderId: string }): Promise<{ trackingNo: string }>;
  /** 快递拦截, idempotent per parcel: one interception per parcel whatever the number of calls. */
  intercept(req: { interceptNo: string; trackingNo: string }): Promise<CourierInterceptAnswer>;
  verifyCallback(headers: Record<string, string | string[] | undefined>, rawBody: string, now: number): CourierNotice | CourierAcknowledgement | DomainError;
  /** Couriers that push only the waybills one subscribed to (Kuaidi100's poll): asked once the parcel has left. */
  subscribe?(req: { trackingNo: string; orderId: string }): Promise<CourierSubscribeAnswer>;
  /**
   * Couriers that can be asked for a waybill's track now (Kuaidi100's poll/query.do): its newest scan as a notice
   * (the answer to our own request, so unsigned), null when the courier has no scan yet. Throws when it does not answer.
   */
  queryTrack?(trackingNo: string): Promise<CourierNotice | CourierAcknowledgement | DomainError | null>;
}

/** Asking the warehouse to hold a packed parcel (拦截发货). `interceptNo` is its idempotency key. */
export interface InterceptionRequest {
  interceptNo: string;
  orderId: string;
}

export type InterceptionAnswer =
  | { status: 'accepted' }
  | { status: 'refused'; reason: 'already_shipped'; trackingNo: string | null }
  | { status: 'failed'; error: string };

export interface WarehousePort {
  intercept(req: InterceptionRequest): Promise<InterceptionAnswer>;
}
