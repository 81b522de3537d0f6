// Writing bulk orders: prepared inserts on SQLite, multi-row inserts on PostgreSQL, one transaction per batch.
import SqliteDatabase from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { BY_ORDER } from './order-templates.ts';

/** Insert order: what a row refers to goes first. */
const TABLES = ['numbers', 'orders', ...BY_ORDER, 'payment_notifications', 'refund_notifications'] as const;

export interface OutRow { table: string; key: string; cols: string[]; values: unknown[] }

export interface Sink { write(tables: Record<string, OutRow[]>): Promise<void>; close(): Promise<void> }

/** SQLite: prepared inserts on a connection of its own, one transaction per batch. */
export function sqliteSink(file: string): Sink {
  const raw = new SqliteDatabase(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('busy_timeout = 5000');
  // A large store's indexes are written at random places (ids, hashes): with them in memory a million orders
  // seed at a steady rate instead of slowing to the disk's (the seeding process alone holds this cache).
  raw.pragma('cache_size = -524288');
  const stmts = new Map<string, SqliteDatabase.Statement>();
  const stmt = (table: string, key: string, cols: string[]) => {
    let s = stmts.get(key);
    if (!s) {
      s = raw.prepare(`insert into ${table} (${cols.join(', ')}) values (${cols.map(() => '?').join(', ')})`);
      stmts.set(key, s);
    }
    return s;
  };
  const write = raw.transaction((tables: Record<string, OutRow[]>) => {
    for (const table of ['customers', ...TABLES]) for (const r of tables[table] ?? []) stmt(table, r.key, r.cols).run(r.values as never);
  });
  return {
    async write(tables) { write(tables); },
    async close() { raw.pragma('wal_checkpoint(TRUNCATE)'); raw.close(); },
  };
}

/** PostgreSQL: multi-row inserts, one transaction per batch. */
export function postgresSink(db: Kysely<any>): Sink {
  return {
    async write(tables) {
      await db.transaction().execute(async (trx) => {
        for (const table of ['customers', ...TABLES]) {
          const rows = tables[table]?.map((r) => Object.fromEntries(r.cols.map((c, i) => [c, r.values[i]])));
          if (!rows?.length) continue;
          const per = Math.max(1, Math.floor(60_000 / Object.keys(rows[0]!).length));
          for (let i = 0; i < rows.length; i += per) await trx.insertInto(table).values(rows.slice(i, i + per)).execute();
        }
      });
    },
    async close() {},
  };
}
