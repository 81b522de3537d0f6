// Group commit on SQLite: transactions that arrive while one is running share its commit.
//
// SQLite has one writer, so transactions take turns anyway; what each turn costs is mostly its commit (every
// page it changed appended to the WAL). Transactions that queue up behind a running one join it: each runs
// inside a savepoint of the open transaction, in arrival order, and all of them commit together. A transaction
// that throws is rolled back to its savepoint alone and rejects at once; the others are unaffected. None
// resolves before the commit that makes it durable, so a caller never acts on an effect a crash could undo.
// When the queue is empty the group waits one turn of the event loop for requests already read from their
// sockets, then commits. A group closes after MAX_GROUP transactions or MAX_GROUP_MS, so that another process
// waiting for the file gets its turn.
//
// With synchronous=FULL, SQLite would fdatasync the WAL inside COMMIT, and better-sqlite3 runs COMMIT on the main
// thread: every request would stand still for the disk. The group therefore commits at NORMAL (its pages are
// written to the WAL, not yet forced to disk) and the WAL is fdatasynced on a thread of libuv's pool (db.ts,
// WalSync) before any transaction of the group is answered; meanwhile the next group gathers, runs and commits,
// and the next sync covers every group committed during the one before. So nothing is answered that a power cut
// can take back, as with FULL, and one disk flush serves as many transactions as arrive while it runs. The
// connection is at FULL outside groups, so a statement run straight on it (migrations) is synced by SQLite.
// What other connections read may include a group whose sync is still running; no writer has been answered then.
//
// Statements outside transactions go through `outsideTransactions()`: reads run on the writer between groups
// and on a second connection while a group is open, which sees only what was committed (never a group's work
// in progress) and never waits for it; writes join a group as a transaction of one statement.
import type SqliteDatabase from 'better-sqlite3';
import { Kysely, SelectQueryNode, SqliteDialect, type CompiledQuery, type DatabaseConnection, type Driver, type QueryResult } from 'kysely';
import type { CachedConnection, SqliteConnections, WalSync } from './db.ts';
import type { DB } from './schema.ts';
import { runDirectly } from './compiled.ts';

const MAX_GROUP = 64;
const MAX_GROUP_MS = 10;

interface Waiting {
  run: (conn: Kysely<DB>) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

const nextTurn = () => new Promise<void>((res) => setImmediate(res));

export class GroupCommit {
  private readonly queue: Waiting[] = [];
  private draining = false;
  private readonly sqlite: SqliteDatabase.Database;
  private readonly begin: SqliteDatabase.Statement;
  private readonly savepoint: SqliteDatabase.Statement;
  private readonly release: SqliteDatabase.Statement;
  private readonly rollbackTo: SqliteDatabase.Statement;
  private readonly commit: SqliteDatabase.Statement;
  private readonly rollback: SqliteDatabase.Statement;
  private readonly atNormal: SqliteDatabase.Statement;
  private readonly atFull: SqliteDatabase.Statement;
  /** Transactions committed but not yet on disk: they are answered after the next WAL sync. */
  private unsynced: { w: Waiting; out: unknown }[] = [];
  private syncing = false;

  constructor(private readonly db: Kysely<DB>, private readonly writer: CachedConnection, private readonly walSync: WalSync | null = null) {
    this.sqlite = writer.raw;
    // IMMEDIATE: a second process waits for the write lock here (busy_timeout) instead of failing mid-way.
    this.begin = this.sqlite.prepare('begin immediate');
    this.savepoint = this.sqlite.prepare('savepoint one_tx');
    this.release = this.sqlite.prepare('release one_tx');
    this.rollbackTo = this.sqlite.prepare('rollback to one_tx');
    this.commit = this.sqlite.prepare('commit');
    this.rollback = this.sqlite.prepare('rollback');
    this.atNormal = this.sqlite.prepare('pragma synchronous = normal');
    this.atFull = this.sqlite.prepare('pragma synchronous = full');
  }

  run<T>(fn: (conn: Kysely<DB>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      // Kysely's own connection, behind its mutex: statements run straight on `db` (migrations, health) take turns with groups.
      while (this.queue.length > 0) await this.db.connection().execute((conn) => this.group(conn));
    } finally {
      this.draining = false;
    }
  }

  private async group(conn: Kysely<DB>): Promise<void> {
    // `conn` holds the writer for the group: compiled statements (compiled.ts) run on it without Kysely's executor.
    runDirectly(conn, this.writer);
    // SQLite refuses to change the level inside a transaction: it is set before BEGIN and put back after COMMIT.
    if (this.walSync) this.atNormal.run();
    try {
      await this.runGroup(conn);
    } finally {
      if (this.walSync && !this.sqlite.inTransaction) this.atFull.run();
    }
  }

  private async runGroup(conn: Kysely<DB>): Promise<void> {
    const first = this.queue.shift()!;
    const done: { w: Waiting; out: unknown }[] = [];
    try {
      this.begin.run();
      // The first needs no savepoint: when it fails, the transaction holds nothing else and is rolled back whole.
      done.push({ w: first, out: await first.run(conn) });
    } catch (e) {
      if (this.sqlite.inTransaction) this.rollback.run();
      first.reject(e);
      return;
    }
    const started = performance.now();
    for (let count = 1, w = await this.next(count, started); w; w = await this.next(++count, started)) {
      this.savepoint.run();
      try {
        const out = await w.run(conn);
        this.release.run();
        done.push({ w, out });
      } catch (e) {
        if (!this.sqlite.inTransaction) {
          // SQLite gave the whole transaction up (an I/O error, a full disk): every effect of the group is gone.
          w.reject(e);
          for (const d of done) d.w.reject(e);
          return;
        }
        this.rollbackTo.run();
        this.release.run();
        w.reject(e);
      }
    }
    try {
      this.commit.run();
    } catch (e) {
      if (this.sqlite.inTransaction) this.rollback.run();
      for (const d of done) d.w.reject(e);
      return;
    }
    if (!this.walSync) {
      for (const d of done) d.w.resolve(d.out);
      return;
    }
    this.unsynced.push(...done);
    if (!this.syncing) void this.syncLoop(this.walSync);
  }

  /** One WAL sync at a time; each answers the transactions committed before it began. */
  private async syncLoop(wal: WalSync): Promise<void> {
    this.syncing = true;
    try {
      while (this.unsynced.length > 0) {
        const batch = this.unsynced;
        this.unsynced = [];
        try {
          await wal.sync();
        } catch (e) {
          // The disk refused: whether these commits survive a power cut is unknown, so none is answered as done.
          for (const d of batch) d.w.reject(e);
          continue;
        }
        for (const d of batch) d.w.resolve(d.out);
      }
    } finally {
      this.syncing = false;
    }
  }

  private async next(count: number, started: number): Promise<Waiting | undefined> {
    if (count >= MAX_GROUP || performance.now() - started >= MAX_GROUP_MS) return undefined;
    if (this.queue.length === 0) await nextTurn();
    return this.queue.shift();
  }
}

/** An executor for statements outside transactions: reads beside the groups, each write a transaction of its own. */
export function outsideTransactions(sqlite: SqliteConnections & { reader: CachedConnection }, groups: GroupCommit): Kysely<DB> {
  const execute = (on: CachedConnection, q: CompiledQuery): QueryResult<any> => {
    const stmt = on.prepare(q.sql);
    if (stmt.reader) return { rows: stmt.all(q.parameters) };
    const { changes, lastInsertRowid } = stmt.run(q.parameters);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  };
  // Between groups the writer holds only committed data, and its cache is the warm one.
  const readOn = () => (sqlite.writer.raw.inTransaction ? sqlite.reader : sqlite.writer);
  const connection: DatabaseConnection = {
    executeQuery: async (q) => (SelectQueryNode.is(q.query) ? execute(readOn(), q) : groups.run(async () => execute(sqlite.writer, q))),
    async *streamQuery(q) {
      if (!SelectQueryNode.is(q.query)) throw new Error('only selects are streamed');
      // A streamed select spans turns of the event loop, in which a group may begin: it reads apart.
      for (const row of sqlite.reader.prepare(q.sql).iterate(q.parameters)) yield { rows: [row as any] };
    },
  };
  const refuse = () => Promise.reject(new Error('transactions go through Store.tx'));
  const driver: Driver = {
    init: async () => {},
    acquireConnection: async () => connection,
    beginTransaction: refuse,
    commitTransaction: refuse,
    rollbackTransaction: refuse,
    releaseConnection: async () => {},
    destroy: async () => {},
  };
  return new Kysely<DB>({ dialect: new (class extends SqliteDialect { override createDriver() { return driver; } })({ database: sqlite.reader }) });
}
