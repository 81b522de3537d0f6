// `haoka seed --orders <n>`: bulk orders in every state (src/seed/orders.ts), with a progress bar on a
// terminal and a line every 10 % otherwise, then the rate.
import type { Config } from '../config.ts';
import { seedOrders, type SeedProgress } from '../seed/orders.ts';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export function progressReporter(out: NodeJS.WriteStream = process.stderr): (p: SeedProgress) => void {
  let lastTenth = -1;
  return (p) => {
    const rate = (p.done * 1000) / p.ms;
    const eta = rate > 0 ? (p.total - p.done) / rate : 0;
    if (out.isTTY) {
      const width = 30;
      const filled = Math.round((width * p.done) / p.total);
      out.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor((100 * p.done) / p.total)).padStart(3)}%  ${fmt(p.done)}/${fmt(p.total)} orders  ${fmt(rate)}/s  ETA ${Math.ceil(eta)} s `);
      if (p.done === p.total) out.write('\n');
      return;
    }
    const tenth = Math.floor((10 * p.done) / p.total);
    if (tenth !== lastTenth) {
      lastTenth = tenth;
      out.write(`seeded ${fmt(p.done)}/${fmt(p.total)} orders (${Math.floor((100 * p.done) / p.total)} %), ${fmt(rate)}/s\n`);
    }
  };
}

export async function seedOrdersCommand(cfg: Config, orders: string): Promise<void> {
  const n = Number(orders);
  if (!Number.isInteger(n) || n < 1 || n > 100_000_000) {
    process.stderr.write('haoka seed: --orders must be a whole number from 1 to 100000000\n');
    process.exit(2);
  }
  const r = await seedOrders(cfg, n, { progress: progressReporter() });
  const states = Object.entries(r.byState).sort((a, b) => b[1] - a[1]).map(([s, c]) => `${s} ${fmt(c)}`).join(', ');
  process.stdout.write(`seeded ${fmt(r.orders)} orders over ${fmt(r.customers)} customers (${fmt(r.rows)} rows, from ${r.templates} recorded flows) in ${(r.ms / 1000).toFixed(1)} s: ${fmt((r.orders * 1000) / r.ms)} orders/s\n${states}\n`);
}
