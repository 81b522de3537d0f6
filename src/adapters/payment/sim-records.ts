// The records a simulated channel keeps (payments, refunds, resends, bill lines) and the answers it gives from them.
import { timingSafeEqual } from 'node:crypto';
import type { RefundAnswer, RefundStatus } from '../../app/platform/ports.ts';
import type { SimJournal } from '../sim/journal.ts';

export interface SignedDelivery {
  headers: Record<string, string>;
  body: string;
}

/** A notification older than this is refused as a replay even with a fresh nonce. */
export const NOTIFICATION_MAX_AGE_MS = 5 * 60_000;

export interface SimPayment {
  amountFen: number;
  status: 'open' | 'paid' | 'closed';
  tradeNo: string | null;
  /** 015: when the customer paid, or when the trade was closed. */
  paidAt?: number | null;
  closedAt?: number | null;
  expiresAt: number;
  /** Refunded or reserved by refunds in flight: the channel never refunds more than was paid. */
  refundedFen: number;
}

/** The channel's own record of one refund request number. */
export interface SimRefund {
  refundNo: string;
  paymentNo: string;
  amountFen: number;
  status: 'PROCESSING' | 'SUCCESS' | 'FAILED' | 'CLOSED';
  channelRefundNo: string;
  acceptedAt: number;
  /** When a PROCESSING refund settles (WeChat Pay); null when it waits for something else (a bank batch). */
  settleAt: number | null;
  /** How it will end, decided when it is accepted (scripted) and applied when it settles. */
  planned: { status: 'SUCCESS' | 'FAILED' | 'CLOSED'; error: string | null };
  error: string | null;
  settledAt: number | null;
}

/** A paid trade's notification still to be acknowledged: the channel resends it on its own schedule. */
export interface SimResend {
  paymentNo: string;
  attempts: number;
  nextAt: number;
  done: boolean;
}

/**
 * When a channel resends a notification nobody acknowledged, after the first delivery (WeChat Pay's published
 * schedule: 15s, 15s, 30s, 3m, 10m, 20m, 30m, 30m, 30m, 60m, 3h, 3h, 3h, 6h, 6h; then it gives up).
 */
export const RESEND_AFTER_MS = [15e3, 15e3, 30e3, 180e3, 600e3, 1200e3, 1800e3, 1800e3, 1800e3, 3600e3, 3 * 3600e3, 3 * 3600e3, 3 * 3600e3, 6 * 3600e3, 6 * 3600e3];

/** How each channel says no: closing a paid trade, paying a closed one. */
export interface ChannelRefusals {
  closePaid: string;
  payClosed: string;
}

export interface SimulatorOptions {
  seed?: number;
  /** Keeps the channel's state across our restarts (a real channel outlives our process). */
  journal?: SimJournal | null;
  /** Finished refunds kept in full (see retention.ts); older ones are known by request number only. */
  keepFinished?: number;
}

export function answerOf(r: SimRefund): RefundAnswer {
  switch (r.status) {
    case 'SUCCESS': return { status: 'succeeded', channelRefundNo: r.channelRefundNo };
    case 'PROCESSING': return { status: 'processing', channelRefundNo: r.channelRefundNo };
    default: return { status: 'failed', error: r.error ?? r.status, retryable: false };
  }
}

export function statusOf(r: SimRefund): RefundStatus {
  switch (r.status) {
    case 'SUCCESS': return { status: 'succeeded', channelRefundNo: r.channelRefundNo };
    case 'PROCESSING': return { status: 'processing', channelRefundNo: r.channelRefundNo };
    case 'FAILED': return { status: 'failed', error: r.error ?? 'FAILED' };
    case 'CLOSED': return { status: 'closed', error: r.error ?? 'CLOSED' };
  }
}

export function sameText(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
