// Money, times and sizes as people read them. Times are shown in Beijing time wherever the browser is.
export const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

const parts = (ms: number) => {
  const f = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  });
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return p as Record<'year' | 'month' | 'day' | 'hour' | 'minute', string>;
};

/** 2025-04-12 15:30 (Beijing time). */
export function dateTime(ms: number): string {
  const p = parts(ms);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** Time left as 29:59, or 1:02:03 past an hour. */
export function countdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const mmss = `${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

export const dataSize = (mb: number) => (mb >= 1024 && mb % 1024 === 0 ? `${mb / 1024}GB` : mb >= 1024 ? `${(mb / 1024).toFixed(1)}GB` : `${mb}MB`);

/** 138 1234 5678: how a number is read out and remembered. */
export const spacedNumber = (n: string) => (n.length === 11 ? `${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}` : n);

/** Masked as the server masks it, so the check step and the order page show the same. */
export const maskId = (id: string) => (id.length > 7 ? `${id.slice(0, 3)}${'*'.repeat(id.length - 7)}${id.slice(-4)}` : id);

/** A duration setting in minutes, as typed in a form: whole minutes show whole, seconds show two decimals. */
export const minutes = (ms: number) => String(Number((ms / 60_000).toFixed(2)));
