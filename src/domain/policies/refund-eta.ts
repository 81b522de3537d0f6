// Expected arrival of a refund, shown to the customer when a refund starts.
//
// Business rule implemented here: a refund to Alipay or WeChat Pay arrives within
// 1-3 working days, a refund by bank transfer within 3-5 working days, and an
// express refund arrives at once (on the day it starts). Working days follow the
// mainland China calendar in Asia/Shanghai, including public holidays and
// make-up working days (see working-days.ts). Pure: the start time is an input.

import { addWorkingDays, shanghaiDate } from './working-days.ts';

export type RefundChannel = 'alipay' | 'wechat' | 'bank';

/** Arrival window per channel, in working days after the day the refund starts: [earliest, latest]. */
export const REFUND_WINDOWS: Readonly<Record<RefundChannel, readonly [number, number]>> = {
  alipay: [1, 3],
  wechat: [1, 3],
  bank: [3, 5],
};

export interface RefundEta {
  /** Earliest expected arrival, Asia/Shanghai date 'YYYY-MM-DD'. */
  earliest: string;
  /** Latest expected arrival, Asia/Shanghai date 'YYYY-MM-DD'. */
  latest: string;
  /** The window applied, in working days: [earliest, latest]; [0, 0] for an express refund. */
  workingDays: [number, number];
}

/** When a refund started at startedAtMs (UTC epoch ms) is expected to arrive. */
export function refundEta(channel: RefundChannel, startedAtMs: number, opts: { express?: boolean } = {}): RefundEta {
  const window = Object.hasOwn(REFUND_WINDOWS, channel) ? REFUND_WINDOWS[channel] : undefined;
  if (window === undefined) throw new RangeError(`unknown refund channel: ${String(channel)}`);
  if (opts.express) {
    const today = shanghaiDate(startedAtMs);
    return { earliest: today, latest: today, workingDays: [0, 0] };
  }
  const [from, to] = window;
  return {
    earliest: addWorkingDays(startedAtMs, from),
    latest: addWorkingDays(startedAtMs, to),
    workingDays: [from, to],
  };
}
