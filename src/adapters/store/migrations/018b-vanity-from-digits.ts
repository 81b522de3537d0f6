import type { Kysely, Migration } from 'kysely';
import { vanityOf } from '../../../domain/suppliers/vanity.ts';

/** The demo seed's former rule: any doubled last digit or a trailing 8 made a number a ¥10 vanity number. */
function formerDemoRule(number: string): { level: number; priceFen: number } {
  const tail = number.slice(-4);
  if (/^(\d)\1{3}$/.test(tail)) return { level: 3, priceFen: 50_000 };
  if (/(\d)\1{2}$/.test(tail) || tail === '1234' || tail === '5678') return { level: 2, priceFen: 10_000 };
  if (/(\d)\1$/.test(tail) || tail.endsWith('8')) return { level: 1, priceFen: 1_000 };
  return { level: 0, priceFen: 0 };
}

/**
 * Free numbers priced by the demo seed's former rule (which sold plain numbers such as 138 6499 7108 as 靓号 +¥10)
 * get their level and price from the digits by the default patterns. A number whose level or price differs from
 * what that rule gave was priced by someone else and is left alone; taken numbers keep what they were sold at.
 */
export function vanityFromDigits(): Migration {
  return {
    async up(db: Kysely<any>) {
      const rows = await db.selectFrom('numbers').select(['id', 'number', 'vanity_level', 'price_fen']).where('state', '=', 'free').execute() as { id: string; number: string; vanity_level: number; price_fen: number }[];
      for (const r of rows) {
        const was = formerDemoRule(r.number);
        if (Number(r.vanity_level) !== was.level || Number(r.price_fen) !== was.priceFen) continue;
        const now = vanityOf(r.number);
        if (now.level === was.level && now.priceFen === was.priceFen) continue;
        await db.updateTable('numbers').set({ vanity_level: now.level, price_fen: now.priceFen }).where('id', '=', r.id).where('state', '=', 'free').execute();
      }
    },
  };
}
