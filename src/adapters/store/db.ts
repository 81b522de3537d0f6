// The one place that knows which engine is underneath: connection set-up and the few dialect differences.
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type RawBuilder, type SqliteDialectConfig } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import type { DB } from './schema.ts';

export type Engine = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  engine: Engine;
  /** Row lock for read-modify-write inside a transaction (SQLite serialises writers, so it is a no-op there). */
  forUpdate: boolean;
  close(): Promise<void>;
}

// bigint columns hold UTC milliseconds and counts: read them as numbers, not strings.
pg.types.setTypeParser(20, (v) => Number(v));

function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export function openDatabase(url: string, opts: { poolSize?: number } = {}): Database {
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10 });
    // An idle connection cut by the server (restart, failover) must not crash the process; the pool reconnects.
    pool.on('error', () => {});
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine: 'postgres', forUpdate: true, close: () => db.destroy() };
  }
  if (url !== ':memory:') mkdirSync(dirname(url), { recursive: true });
  const sqlite = new SqliteDatabase(url);
  // WAL lets readers run beside the writer; NORMAL sync keeps every committed transaction across a
  // process crash (only an OS crash can lose the last ones). busy_timeout lets a worker process share the file.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, engine: 'sqlite', forUpdate: false, close: () => db.destroy() };
}

/**
 * Kysely prepares every query afresh, and compiling a statement costs SQLite about as much as running a
 * short one: an order cycle's queries are a few dozen distinct texts, so they are kept, least recently
 * used first out. Batch statements (long IN lists, multi-row inserts) are compiled each time: their texts
 * vary with the batch size, each would hold tens of kilobytes, and the rows they carry dwarf the compile.
 * A statement still being iterated (a streamed select) is busy and not handed out twice.
 */
function withStatementCache(sqlite: SqliteDatabase.Database, max = 500, longest = 1024): SqliteDialectConfig['database'] & object {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      if (text.length > longest) return sqlite.prepare(text);
      const hit = cache.get(text);
      if (hit && !hit.busy) {
        cache.delete(text);
        cache.set(text, hit);
        return hit;
      }
      if (hit) return sqlite.prepare(text);
      const stmt = sqlite.prepare(text);
      cache.set(text, stmt);
      if (cache.size > max) cache.delete(cache.keys().next().value!);
      return stmt;
    },
  };
}

/** An auto-incrementing integer key in either engine. */
export function serialKeyType(engine: Engine): 'integer' | 'bigserial' {
  return engine === 'sqlite' ? 'integer' : 'bigserial';
}

/**
 * A list of texts as one parameter, read as rows with a `value` column in the list's order: the statement's
 * text is the same for any length (compiled once), and a 500-element list costs no 500 placeholders.
 */
export function listRows(engine: Engine, xs: readonly string[] | readonly number[]): RawBuilder<unknown> {
  if (engine === 'sqlite') return sql`json_each(${JSON.stringify(xs)}) as list`;
  return typeof xs[0] === 'number'
    ? sql`unnest(${[...xs]}::bigint[]) with ordinality as list(value, n)`
    : sql`unnest(${[...xs]}::text[]) with ordinality as list(value, n)`;
}

/**
 * A column compared without its index: SQLite, lacking statistics, would otherwise take `orders_state` for
 * `id in (list) and state = ?` and walk every order in that state for each batch (`+col` turns the index off
 * for that term; PostgreSQL plans from its statistics).
 */
export function unindexed(engine: Engine, column: string): RawBuilder<string> {
  return engine === 'sqlite' ? sql<string>`+${sql.ref(column)}` : sql<string>`${sql.ref(column)}`;
}
