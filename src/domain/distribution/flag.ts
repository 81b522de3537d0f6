// When a distributor's customers cancel far more often than the platform's: its promotion likely promises what the
// card does not give, and operators look at it first.

/** Fewer paid orders than this say nothing about a distributor: one cancellation in three would read as 33 %. */
export const FLAG_MIN_PAID = 5;
/** Far above: more than this multiple of the platform's rate ... */
export const FLAG_MULTIPLE = 2;
/** ... and at least this many points above it, so that 2 % against a platform's 0.5 % is not called far above. */
export const FLAG_MIN_GAP = 0.1;

/** Rates are shares of paid orders cancelled or closed after paying (0..1), given to the thousandth. */
export function farAbovePlatform(paid: number, rate: number, platformRate: number): boolean {
  // In thousandths: 0.12 - 0.02 is 0.0999... in binary, and 10 points above must count as 10 points.
  const gap = Math.round((rate - platformRate) * 1000);
  return paid >= FLAG_MIN_PAID && rate > platformRate * FLAG_MULTIPLE && gap >= FLAG_MIN_GAP * 1000;
}
