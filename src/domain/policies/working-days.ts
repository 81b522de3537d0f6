// Mainland China working-day calendar, evaluated in Asia/Shanghai.
//
// Public holidays and make-up working days (调休) come from the `chinese-days`
// package; nothing here hard-codes a holiday list. Times in are UTC epoch
// milliseconds; dates out are 'YYYY-MM-DD' strings in Asia/Shanghai. Shanghai
// is UTC+8 all year (no DST), so a fixed shift plus UTC date arithmetic is
// exact and avoids Intl.
//
// Pure: no clock reads and no I/O. The only state is a memo of per-day answers,
// which never changes a result.
//
// Host-timezone caveat: `chinese-days` parses 'YYYY-MM-DD' as UTC midnight and
// then reads the weekday with local-time getters. On a host west of UTC (e.g.
// TZ=America/Los_Angeles) its own isWorkday() therefore sees every plain
// weekend one day late (a Saturday counts as a working day, a Monday as a day
// off), while its holiday / make-up tables stay consistent. So we ask the
// package only whether a date is in its official table, via getDayDetail(),
// and compute the weekday ourselves. That gives the same answers on any host
// timezone. Dates outside the package's published years follow the plain
// Monday-Friday rule.

import chineseDays from 'chinese-days';

const DAY_MS = 86_400_000;
/** Asia/Shanghai is UTC+8 with no daylight saving time. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** getDayDetail() names a day by its English weekday when the date is not in the official table. */
const WEEKDAY_NAMES: ReadonlySet<string> = new Set([
  'Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday',
]);

/** Working-day answers, keyed by day number (whole days since 1970-01-01 on the Shanghai calendar). */
const workingDayCache = new Map<number, boolean>();

/** Shanghai calendar day number of an instant. */
function shanghaiDayNumber(epochMs: number): number {
  return Math.floor((epochMs + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** 0 = Sunday ... 6 = Saturday. 1970-01-01 was a Thursday. */
function weekdayOf(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function formatDayNumber(dayNumber: number): string {
  const d = new Date(dayNumber * DAY_MS);
  const y = d.getUTCFullYear();
  if (y < 1000 || y > 9999) throw new RangeError(`date out of supported range: year ${y}`);
  return `${y}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** Day number of a 'YYYY-MM-DD' date; throws RangeError on anything else, including impossible dates. */
function parseDate(date: string): number {
  const m = DATE_RE.exec(date);
  if (m) {
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    // Date.UTC rolls impossible dates over (2025-02-30 -> 2025-03-02); the round trip catches that.
    if (Number.isFinite(ms) && formatDayNumber(ms / DAY_MS) === date) return ms / DAY_MS;
  }
  throw new RangeError(`expected a real calendar date as 'YYYY-MM-DD', got ${JSON.stringify(date)}`);
}

function computeWorkingDay(dayNumber: number): boolean {
  const detail = chineseDays.getDayDetail(formatDayNumber(dayNumber));
  // In the official table: a public holiday (work = false) or a make-up working day (work = true).
  if (!WEEKDAY_NAMES.has(detail.name)) return detail.work;
  const weekday = weekdayOf(dayNumber);
  return weekday >= 1 && weekday <= 5;
}

function isWorkingDayNumber(dayNumber: number): boolean {
  let answer = workingDayCache.get(dayNumber);
  if (answer === undefined) {
    answer = computeWorkingDay(dayNumber);
    workingDayCache.set(dayNumber, answer);
  }
  return answer;
}

function assertEpochMs(epochMs: number): void {
  if (!Number.isFinite(epochMs)) throw new RangeError(`expected epoch milliseconds, got ${epochMs}`);
}

/** The Asia/Shanghai calendar date ('YYYY-MM-DD') of a UTC instant in epoch milliseconds. */
export function shanghaiDate(epochMs: number): string {
  assertEpochMs(epochMs);
  return formatDayNumber(shanghaiDayNumber(epochMs));
}

/**
 * Whether a 'YYYY-MM-DD' date is a working day in mainland China: Monday to Friday
 * unless it is a public holiday, plus weekend days that are official make-up working days.
 */
export function isWorkingDay(date: string): boolean {
  return isWorkingDayNumber(parseDate(date));
}

/**
 * The Shanghai calendar date that is the n-th working day after the Shanghai day of epochMs.
 * The starting day itself never counts, whether or not it is a working day; n = 0 returns it.
 * Example: started on a Friday, n = 1 gives the following Monday when that Monday is a working day.
 */
export function addWorkingDays(epochMs: number, n: number): string {
  assertEpochMs(epochMs);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`expected a non-negative whole number of working days, got ${n}`);
  }
  let day = shanghaiDayNumber(epochMs);
  for (let remaining = n; remaining > 0; ) {
    day += 1;
    if (isWorkingDayNumber(day)) remaining -= 1;
  }
  return formatDayNumber(day);
}
