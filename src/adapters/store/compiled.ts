// Statements of the request path, built and compiled once per engine, then run with new values.
//
// A Kysely query is a tree of frozen nodes built by the calls that describe it, then compiled to SQL text: for a
// short statement that work costs more CPU than SQLite running it. A `Statement` builds its query once, with a
// marker in place of each value, compiles it and remembers where the markers landed among the parameters; a call
// then only puts its values in those places. The text is the same every time, so SQLite's statement cache and
// PostgreSQL's named statements keep it too. The query's shape must not depend on the values (a list of ids of
// varying length is a shape: give it as `shape`, one compiled form per shape).
import { CompiledQuery, type Compilable, type Kysely, type QueryResult, type Transaction } from 'kysely';
import type { CachedConnection } from './db.ts';
import type { DB } from './schema.ts';

type Executor = Kysely<DB> | Transaction<DB>;

const MARK = '\u0000haoka-param:';

/** Stands for a value given when the statement runs. Typed as the value it stands for, so the builder checks it. */
export type Param<P> = <K extends keyof P & string>(name: K) => P[K];

type Slot = { name: string } | { value: unknown };

interface Compiled {
  readonly query: CompiledQuery['query'];
  readonly sql: string;
  readonly slots: readonly Slot[];
}

/**
 * Executors whose statements may run straight on a SQLite connection: a group commit's transaction (group-commit.ts)
 * holds the writer alone, and better-sqlite3 runs a statement synchronously, so Kysely's executor (its connection
 * provider, a handful of promises a statement) adds nothing there but CPU.
 */
const direct = new WeakMap<object, CachedConnection>();

/** Compiled statements run on `db` go straight to `conn` (which must be the connection `db` holds). */
export function runDirectly(db: Executor, conn: CachedConnection): void {
  direct.set(db, conn);
}

export class Statement<P extends Record<string, unknown>, R> {
  /** Per dialect (the adapter object a Kysely instance and its transactions share), per shape. */
  private readonly compiled = new WeakMap<object, Map<string, Compiled>>();

  constructor(private readonly build: (db: Executor, p: Param<P>, shape: string) => Compilable<R>) {}

  async run(db: Executor, values: P, shape = ''): Promise<QueryResult<R>> {
    const c = this.compiledFor(db, shape);
    const parameters = c.slots.map((s) => ('name' in s ? values[s.name] : s.value));
    const conn = direct.get(db);
    if (conn) {
      // As Kysely's SQLite driver answers (sqlite-driver.js), without the executor around it.
      const stmt = conn.prepare(c.sql);
      if (stmt.reader) return { rows: stmt.all(parameters) as R[] };
      const { changes, lastInsertRowid } = stmt.run(parameters);
      return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
    }
    return db.executeQuery<R>({ ...CompiledQuery.raw(c.sql, parameters), query: c.query });
  }

  async rows(db: Executor, values: P, shape = ''): Promise<R[]> {
    return (await this.run(db, values, shape)).rows;
  }

  async first(db: Executor, values: P, shape = ''): Promise<R | undefined> {
    return (await this.run(db, values, shape)).rows[0];
  }

  /** Rows an update or delete changed. */
  async changed(db: Executor, values: P, shape = ''): Promise<number> {
    return Number((await this.run(db, values, shape)).numAffectedRows ?? 0n);
  }

  private compiledFor(db: Executor, shape: string): Compiled {
    const dialect = db.getExecutor().adapter as object;
    let byShape = this.compiled.get(dialect);
    if (!byShape) this.compiled.set(dialect, (byShape = new Map()));
    let c = byShape.get(shape);
    if (!c) {
      const q = this.build(db, ((name: string) => `${MARK}${name}`) as Param<P>, shape).compile();
      const slots = q.parameters.map((v): Slot => (typeof v === 'string' && v.startsWith(MARK) ? { name: v.slice(MARK.length) } : { value: v }));
      c = { query: q.query, sql: q.sql, slots };
      byShape.set(shape, c);
    }
    return c;
  }
}

/** A statement compiled once per engine (and per shape): see the top of this file. */
export const statement = <P extends Record<string, unknown>, R>(build: (db: Executor, p: Param<P>, shape: string) => Compilable<R>): Statement<P, R> =>
  new Statement(build);

/** Longer inserts (bulk loads) are rare and would each keep a text of their own: Kysely builds them. */
const COMPILED_ROWS_MAX = 16;
const insertsByTable = new Map<string, Statement<Record<string, unknown>, unknown>>();

/**
 * Inserts rows that all set the same columns (undefined leaves a column out, as Kysely does) through a statement
 * compiled once per table, column list and row count; with `ignoreConflictOn`, rows that meet an existing one on
 * those columns are left out (ON CONFLICT DO NOTHING), with `'any'` rows that meet one on any unique key. Rows
 * that set different columns go through Kysely as built.
 * Returns the number of rows inserted.
 */
export async function insertRows<T extends keyof DB & string>(db: Executor, table: T, rows: readonly Record<string, unknown>[], opts: { ignoreConflictOn?: readonly string[] | 'any' } = {}): Promise<number> {
  if (rows.length === 0) return 0;
  const conflict = opts.ignoreConflictOn === 'any' ? ['*'] : (opts.ignoreConflictOn ?? []);
  const cols = Object.keys(rows[0]!).filter((k) => rows[0]![k] !== undefined);
  const same = rows.every((r) => Object.keys(r).filter((k) => r[k] !== undefined).length === cols.length && cols.every((c) => r[c] !== undefined));
  if (!same || rows.length > COMPILED_ROWS_MAX) {
    let q = db.insertInto(table).values(rows as never);
    if (conflict.length) q = conflict[0] === '*' ? q.onConflict((oc) => oc.doNothing()) : q.onConflict((oc) => oc.columns(conflict as never).doNothing());
    return Number((await q.executeTakeFirst()).numInsertedOrUpdatedRows ?? 0n);
  }
  let ins = insertsByTable.get(table);
  if (!ins) {
    ins = statement<Record<string, unknown>, unknown>((d, p, shape) => {
      const [n, list, onConflict] = shape.split(':') as [string, string, string];
      const values = Array.from({ length: Number(n) }, (_, i) => Object.fromEntries(list.split(',').map((c) => [c, p(`${i}.${c}`)])));
      const q = d.insertInto(table).values(values as never);
      if (!onConflict) return q;
      return onConflict === '*' ? q.onConflict((oc) => oc.doNothing()) : q.onConflict((oc) => oc.columns(onConflict.split(',') as never).doNothing());
    });
    insertsByTable.set(table, ins);
  }
  const values: Record<string, unknown> = {};
  rows.forEach((r, i) => { for (const c of cols) values[`${i}.${c}`] = r[c]; });
  const r = await ins.run(db, values, `${rows.length}:${cols.join(',')}:${conflict.join(',')}`);
  return Number(r.numAffectedRows ?? 0n);
}
