// A bulk order's own identity: its ids, number, ICCID and customer (phone and resident ID hashed and sealed
// with the store's key), written over a template's rows with its times shifted into the past.
import { luhnCheckDigit } from '../domain/iccid.ts';
import { withCheckDigit } from '../domain/resident-id.ts';
import type { Template } from './order-templates.ts';
import type { OutRow } from './order-sinks.ts';

const DAY = 24 * 60 * 60_000;

/** The seeded customers: phone and resident ID of the c-th, so that a benchmark can sign in as them. */
export const seededCustomerPhone = (c: number): string => `135${String(c).padStart(8, '0')}`;
export function seededResidentId(c: number): string {
  const ymd = new Date(Date.UTC(1970, 0, 1) + Math.floor(c / 1000) * DAY).toISOString().slice(0, 10).replaceAll('-', '');
  return withCheckDigit(`310104${ymd}${String(c % 1000).padStart(3, '0')}`);
}
/** Seeded numbers: a prefix per carrier none of the demo catalog uses, then the order's index. */
export const NUMBER_PREFIX: Record<string, string> = { china_mobile: '182', china_unicom: '175', china_telecom: '181', china_broadnet: '190' };

/** A valid ICCID (China Mobile issuer prefix, Luhn check digit) for the k-th card. */
export function iccidFor(k: number): string {
  const body = `898600${String(k).padStart(12, '0')}`;
  return `${body}${luhnCheckDigit(body)}`;
}

export const b36 = (n: number, width: number) => n.toString(36).toUpperCase().padStart(width, '0');

export interface CustomerValues { id: string; phone: string; masked: string; hash: string; enc: string; idHash: string; idMasked: string }

/** The rows of one copy of template `t`: the k-th bulk order, placed at `placedAt`, for customer `c`. */
export function instantiate(t: Template, k: number, placedAt: number, number: string, c: CustomerValues): OutRow[] {
  const shift = placedAt - t.placedAt;
  const dayShift = Math.round(shift / DAY);
  const stamp = b36(placedAt, 9);
  const values = t.tokens.map((x, j) => {
    switch (x.kind) {
      case 'customer': return c.id;
      case 'number': return number;
      case 'number_id': return `N${number}`;
      case 'phone': return c.phone;
      case 'phone_masked': return c.masked;
      case 'phone_hash': return c.hash;
      case 'phone_enc': return c.enc;
      case 'id_hash': return c.idHash;
      case 'id_masked': return c.idMasked;
      case 'iccid': return iccidFor(k);
      default: {
        const m = /^([A-Z]{1,6})[0-9A-Z]{18}$/.exec(x.old);
        return m ? `${m[1]}${stamp}${b36(j, 1)}${b36(k, 8)}` : `${x.old}.${b36(k, 6)}`;
      }
    }
  });
  return t.rows.map((r) => {
    const row: unknown[] = [];
    for (const cell of r.cells) {
      if (cell.time !== undefined) row.push(cell.time + shift);
      else if (cell.segs) {
        let s = '';
        for (const g of cell.segs) {
          if (g.lit !== undefined) s += g.lit;
          else if (g.tok !== undefined) s += values[g.tok];
          else if (g.time !== undefined) s += String(g.time + shift);
          else if (g.days !== undefined) s += new Date(g.days + dayShift * DAY).toISOString().slice(0, 10);
        }
        row.push(s);
      } else row.push(cell.raw);
    }
    return { table: r.table, key: r.key, cols: r.cols, values: row };
  });
}
