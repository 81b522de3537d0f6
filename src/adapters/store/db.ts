// The one place that knows which engine is underneath: connection set-up and the few dialect differences.
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type PostgresPool, type PostgresPoolClient, type RawBuilder } from 'kysely';
import { closeSync, fdatasync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { dirname } from 'node:path';
import pg from 'pg';
import type { DB } from './schema.ts';

export type Engine = 'sqlite' | 'postgres';
/** SQLite's synchronous mode for the store (HAOKA_SQLITE_SYNC). */
export type SqliteSync = 'full' | 'normal';

/** A SQLite connection with its statement cache. */
export interface CachedConnection {
  prepare(text: string): SqliteDatabase.Statement;
  close(): void;
  raw: SqliteDatabase.Database;
}

export interface SqliteConnections {
  /** The one connection that writes; `db` runs on it. */
  writer: CachedConnection;
  /** A second connection for reads outside transactions: it sees only committed data. None for `:memory:`. */
  reader: CachedConnection | null;
  /** With synchronous=FULL on a file: puts the WAL on disk off the main thread, for group commit (see group-commit.ts). */
  walSync: WalSync | null;
}

/** Writes what the WAL holds so far to disk (fdatasync on a thread of libuv's pool). */
export interface WalSync {
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface Database {
  db: Kysely<DB>;
  engine: Engine;
  /** Row lock for read-modify-write inside a transaction (SQLite serialises writers, so it is a no-op there). */
  forUpdate: boolean;
  /** SQLite only: its connections, for group commit (see group-commit.ts). */
  sqlite?: SqliteConnections;
  /** PostgreSQL only: the statements each connection keeps parsed (see NamedStatements). */
  statements?: NamedStatements;
  close(): Promise<void>;
}

// bigint columns hold UTC milliseconds and counts: read them as numbers, not strings.
pg.types.setTypeParser(20, (v) => Number(v));

function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export interface OpenOptions {
  poolSize?: number;
  /** SQLite: FULL (default) or NORMAL, see HAOKA_SQLITE_SYNC. */
  sync?: SqliteSync;
}

export function openDatabase(url: string, opts: OpenOptions = {}): Database {
  if (isPostgresUrl(url)) {
    // A connection lives a minute at most: the plans it keeps for its named statements (see NamedStatements)
    // are made again on the next, so none outlives the table sizes it was chosen for.
    const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10, maxLifetimeSeconds: 60 });
    // An idle connection cut by the server (restart, failover) must not crash the process; the pool reconnects.
    pool.on('error', () => {});
    const statements = new NamedStatements();
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: preparing(pool, statements) }) });
    return { db, engine: 'postgres', forUpdate: true, statements, close: () => db.destroy() };
  }
  if (url !== ':memory:') mkdirSync(dirname(url), { recursive: true });
  const sqlite = new SqliteDatabase(url);
  // WAL lets readers run beside the writer. FULL puts each commit's WAL on disk before the commit returns, so
  // nothing acknowledged (a payment notification answered 200, after which the channel stops resending) is taken
  // back by a power cut; NORMAL only survives a process crash. busy_timeout lets a worker process share the file.
  const sync = opts.sync ?? 'full';
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${SYNC_PRAGMA[sync]}`);
  sqlite.pragma('busy_timeout = 5000');
  // Deleted rows (expired idempotency answers, sign-in codes) are overwritten with zeros, not left in free space.
  sqlite.pragma('secure_delete = ON');
  sqlite.pragma('foreign_keys = ON');
  // Each transaction of a shared commit runs in a savepoint, whose undo pages go to temporary storage: memory.
  sqlite.pragma('temp_store = MEMORY');
  const checkpointer = url === ':memory:' ? null : startCheckpointer(url, sync);
  if (checkpointer) sqlite.pragma(`wal_autocheckpoint = ${CHECKPOINT_BACKSTOP_PAGES}`);
  const writer = withStatementCache(sqlite);
  const reader = url === ':memory:' ? null : withStatementCache(openReader(url));
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: writer }) });
  const walSync = url !== ':memory:' && sync === 'full' ? syncingWal(`${url}-wal`) : null;
  return {
    db, engine: 'sqlite', forUpdate: false, sqlite: { writer, reader, walSync },
    close: async () => { await checkpointer?.stop(); await db.destroy(); await walSync?.close(); reader?.close(); },
  };
}

/**
 * The WAL's fdatasync, as SQLite's FULL does it at each commit, but on a thread of libuv's pool, so that the main
 * thread goes on serving while the disk works. The file is opened at the first sync (SQLite creates it at the
 * first write) and stays open: SQLite keeps the same file while a connection is open, truncating and rewriting
 * it, never replacing it. fdatasync covers every page written to the file before it was called, by any process.
 */
function syncingWal(walFile: string): WalSync {
  let fd: number | null = null;
  let inFlight: Promise<void> = Promise.resolve();
  return {
    sync() {
      if (fd === null) {
        try {
          fd = openSync(walFile, 'r');
        } catch (e) {
          // No WAL yet: nothing was ever written through it, so there is nothing to put on disk.
          if ((e as { code?: string }).code === 'ENOENT') return Promise.resolve();
          throw e;
        }
      }
      const f = fd;
      const done = new Promise<void>((res, rej) => fdatasync(f, (e) => (e ? rej(e) : res())));
      inFlight = done.catch(() => {});
      return done;
    },
    async close() {
      await inFlight;
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

function openReader(file: string): SqliteDatabase.Database {
  const reader = new SqliteDatabase(file, { readonly: true });
  reader.pragma('busy_timeout = 5000');
  return reader;
}

const SYNC_PRAGMA: Record<SqliteSync, string> = { full: 'FULL', normal: 'NORMAL' };

/** The writer itself copies the WAL into the database only once it holds this many pages (16 MB). */
const CHECKPOINT_BACKSTOP_PAGES = 4000;
/** How often the checkpointer copies what was committed since into the database file. */
const CHECKPOINT_EVERY_MS = 50;

/**
 * WAL checkpoints off the request path. A commit appends its pages to the WAL; copying them into the database
 * file (with two fsyncs) is a checkpoint, which SQLite otherwise runs inside whichever commit crosses 1,000
 * pages, stalling that request and every one queued behind it for milliseconds. A thread with its own
 * connection copies what was committed every 50 ms (PASSIVE: it never blocks the writer or readers); the
 * writer still checkpoints at 4,000 pages, so the WAL stays bounded if the thread falls behind.
 */
function startCheckpointer(file: string, sync: SqliteSync): { stop(): Promise<void> } {
  // Plain JavaScript in a thread of its own: no loader flags (execArgv) carried over from the process.
  const worker = new Worker(CHECKPOINTER, { eval: true, execArgv: [], workerData: { module: createRequire(import.meta.url).resolve('better-sqlite3'), file, everyMs: CHECKPOINT_EVERY_MS, sync: SYNC_PRAGMA[sync] } });
  worker.unref();
  const exited = new Promise<void>((res) => worker.once('exit', () => res()));
  // A checkpointer that cannot start (the file vanished) leaves checkpoints to the writer, as SQLite does by default.
  worker.on('error', () => {});
  // Unreferenced so that it never keeps a process alive; referenced again while it closes, so that closing waits for it.
  return { stop: async () => { worker.ref(); worker.postMessage('stop'); await exited; } };
}

const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = ' + workerData.sync);
db.pragma('busy_timeout = 50');
const pass = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} };
const timer = setInterval(pass, workerData.everyMs);
parentPort.once('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/** How many statement texts a connection keeps compiled (SQLite) or parsed (PostgreSQL), and the longest kept. */
const KEPT_STATEMENTS = { max: 500, longest: 1024 };

/**
 * Kysely prepares every query afresh, and compiling a statement costs SQLite about as much as running a
 * short one: an order cycle's queries are a few dozen distinct texts, so they are kept, least recently
 * used first out. Batch statements (long IN lists, multi-row inserts) are compiled each time: their texts
 * vary with the batch size, each would hold tens of kilobytes, and the rows they carry dwarf the compile.
 * A statement still being iterated (a streamed select) is busy and not handed out twice.
 */
function withStatementCache(sqlite: SqliteDatabase.Database, { max, longest } = KEPT_STATEMENTS): CachedConnection {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    raw: sqlite,
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

/**
 * PostgreSQL parses and plans an unnamed statement afresh each time it is sent. A statement with parameters gets
 * a name for its text (the first 500 texts of up to 1,024 characters, KEPT_STATEMENTS), so each
 * connection parses it once and afterwards only binds and runs it. After five runs PostgreSQL may keep one
 * generic plan for it, chosen for the table sizes of that moment and made again only after an ANALYZE: a plan
 * made while `orders` was nearly empty went on reading a state's whole index range for each guarded update
 * where the primary key reads one row. Connections are therefore replaced every minute (openDatabase).
 * A named `select *` refuses to run once its table's columns change under it (0A000, "cached plan must not
 * change result type"): migrations run unnamed and are followed by fresh names, and that error, met after another
 * process's migration, moves every connection to fresh names (a statement outside a transaction is run again).
 */
export class NamedStatements {
  private readonly names = new Map<string, string>();
  private generation = 0;
  private paused = 0;

  name(text: string): string | undefined {
    if (this.paused > 0 || text.length > KEPT_STATEMENTS.longest) return undefined;
    let name = this.names.get(text);
    if (name === undefined && this.names.size < KEPT_STATEMENTS.max) {
      name = `h${this.generation}_${this.names.size}`;
      this.names.set(text, name);
    }
    return name;
  }

  /** Later statements get new names: what connections parsed before is no longer used. */
  renew(): void {
    this.generation++;
    this.names.clear();
  }

  /** Runs `fn` (a schema change) with every statement unnamed, then renews the names. */
  async unnamed<T>(fn: () => Promise<T>): Promise<T> {
    this.paused++;
    try {
      return await fn();
    } finally {
      this.paused--;
      this.renew();
    }
  }
}

function preparing(pool: pg.Pool, statements: NamedStatements): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    // Kysely hands over a text with its values, or a cursor: either goes to pg as it came.
    const send = client.query.bind(client) as (text: unknown, values?: unknown[]) => unknown;
    const query = (text: unknown, values?: unknown[]): unknown => {
      const name = typeof text === 'string' && values && values.length > 0 ? statements.name(text) : undefined;
      if (name === undefined) return send(text, values);
      return client.query({ name, text: text as string, values }).catch((e: unknown) => {
        if ((e as { code?: string }).code !== '0A000') throw e;
        statements.renew();
        // Outside a transaction the statement failed alone: it runs again, parsed afresh. Inside one, the
        // transaction is lost and its caller sees the error.
        if ((client as unknown as { _txStatus?: string })._txStatus !== 'I') throw e;
        return send(text, values);
      });
    };
    return { query: query as PostgresPoolClient['query'], release: (destroy?: boolean) => client.release(destroy) };
  };
  return {
    // Kysely keeps one connection object per client: the same client is handed back wrapped the same way.
    connect: async () => {
      const client = await pool.connect();
      let w = wrapped.get(client);
      if (!w) wrapped.set(client, (w = wrap(client)));
      return w;
    },
    end: () => pool.end(),
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
