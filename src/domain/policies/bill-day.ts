// Channels close their books by Beijing day: a bill (对账单) covers one Asia/Shanghai calendar day, and the
// reconciliation of a day can run once that day has ended.
import { shanghaiDate } from './working-days.ts';

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** A 'YYYY-MM-DD' that names a real calendar day; null otherwise. */
export function parseBillDay(text: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(ms).toISOString().slice(0, 10) === text ? text : null;
}

/** UTC ms of the day's first instant in Asia/Shanghai. */
export function billDayStart(day: string): number {
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, mo - 1, d) - SHANGHAI_OFFSET_MS;
}

/** UTC ms just after the day's last instant in Asia/Shanghai. */
export function billDayEnd(day: string): number {
  return billDayStart(day) + DAY_MS;
}

/** The Shanghai day of an instant. */
export function billDayOf(epochMs: number): string {
  return shanghaiDate(epochMs);
}

/** The Shanghai day before the one `now` falls in: the newest day whose bill is complete. */
export function previousBillDay(now: number): string {
  return shanghaiDate(billDayStart(shanghaiDate(now)) - 1);
}
