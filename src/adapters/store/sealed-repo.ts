// The columns that hold values sealed under a master key (secrets.ts), walked in id order by `haoka rotate-secret`
// to seal them again under the current key. Only the sealed copy changes: the keyed hash that finds a phone and
// the masked form stay as they are.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from './schema.ts';

type Executor = Kysely<DB> | Transaction<DB>;

/**
 * Every sealed column, by table, with the table's key: a customer's phone and an order's contact phone, and a supplier
 * order's real-name details (kept sealed until the supplier accepts the order).
 */
export const SEALED_COLUMNS = {
  customers: { column: 'phone_enc', id: 'id' },
  orders: { column: 'contact_phone_enc', id: 'id' },
  supplier_orders: { column: 'real_name_enc', id: 'order_id' },
} as const;
export type SealedTable = keyof typeof SEALED_COLUMNS;

export class SealedRepo {
  constructor(private readonly db: Executor) {}

  /** The next rows after `afterId` whose sealed value does not start with `prefix` (the current key's), in id order. */
  async notUnder(table: SealedTable, prefix: string, afterId: string, limit: number): Promise<{ id: string; sealed: string }[]> {
    const col = sql.ref(SEALED_COLUMNS[table].column);
    const id = sql.ref(SEALED_COLUMNS[table].id);
    const r = await sql<{ id: string; sealed: string }>`select ${id} as id, ${col} as sealed from ${sql.table(table)}
      where ${id} > ${afterId} and ${col} is not null and substr(${col}, 1, ${prefix.length}) <> ${prefix} order by ${id} limit ${limit}`.execute(this.db);
    return r.rows;
  }

  /** Whether any customer or order is stored: hashes made before the matching key was kept would be among them. */
  async anyRows(): Promise<boolean> {
    const c = await this.db.selectFrom('customers').select('id').limit(1).executeTakeFirst();
    const o = c ? c : await this.db.selectFrom('orders').select('id').limit(1).executeTakeFirst();
    return o !== undefined;
  }

  /** Replaces one sealed value, only if it is still the one read (a row sealed again meanwhile is left alone). */
  async replace(table: SealedTable, id: string, old: string, next: string): Promise<boolean> {
    const col = sql.ref(SEALED_COLUMNS[table].column);
    const r = await sql`update ${sql.table(table)} set ${col} = ${next} where ${sql.ref(SEALED_COLUMNS[table].id)} = ${id} and ${col} = ${old}`.execute(this.db);
    return Number(r.numAffectedRows ?? 0) > 0;
  }
}
