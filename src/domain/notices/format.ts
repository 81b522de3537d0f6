// How a notice's data reads inside a text message: money in yuan, times and dates on the Shanghai calendar.
const CHANNEL_NAMES: Record<string, string> = { alipay: '支付宝', wechat: '微信支付', bank: '银行卡' };

export const yuan = (fen: unknown): string => (typeof fen === 'number' ? (fen / 100).toFixed(2) : '0.00');

/** `12-07 19:30`, Beijing time. */
export const shanghaiTime = (ms: unknown): string =>
  typeof ms === 'number' ? new Date(ms + 8 * 3_600_000).toISOString().slice(5, 16).replace('T', ' ') : '';

export const monthDay = (date: unknown): string =>
  typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date) ? `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日` : '';

export const channelName = (c: unknown): string => CHANNEL_NAMES[String(c)] ?? '原支付账户';

/** Expected arrival: today for an express refund, else a date or a range on the mainland calendar. */
export const arrival = (d: Record<string, unknown>): string =>
  d.express ? '预计今天到账' : d.etaEarliest === d.etaLatest ? `预计${monthDay(d.etaLatest)}前到账` : `预计${monthDay(d.etaEarliest)}至${monthDay(d.etaLatest)}到账`;

export const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
