// What the use cases need from the outside world. Each port ships with a deterministic simulator.
import type { DomainError } from '../domain/errors.ts';
import type { PaymentChannel } from '../domain/order.ts';

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
  refundNo: string;
  paymentNo: string;
  amountFen: number;
  reason: string;
}

export type RefundAnswer = { status: 'succeeded' } | { status: 'processing' } | { status: 'failed'; error: string };

export interface PaymentPort {
  readonly channel: PaymentChannel;
  /** Opens a payment at the channel; the customer completes it there, the channel notifies us. */
  createPayment(req: CreatePaymentRequest): Promise<{ payUrl: string }>;
  /** Checks a notification's signature and freshness; never trusts an unsigned body. */
  verifyNotification(headers: Record<string, string | string[] | undefined>, rawBody: string, now: number): PaymentNotice | DomainError;
  /** Refunds to the original channel. `refundNo` is the channel's idempotency key (out_refund_no). */
  refund(req: RefundRequest): Promise<RefundAnswer>;
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
}

export interface NotifierPort {
  send(msg: OutgoingMessage): Promise<void>;
}
