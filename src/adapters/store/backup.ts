// Backups of the embedded store with SQLite's online backup API, taken while serve processes keep writing, and
// restores of such a copy into an empty store. PostgreSQL has its own tools (pg_dump -Fc / pg_restore).
import SqliteDatabase from 'better-sqlite3';
import { existsSync, linkSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { migrationNames } from './migrations/index.ts';

export type BackupRefusalCode =
  | 'BACKUP.POSTGRES' | 'BACKUP.NO_STORE' | 'BACKUP.FILE_EXISTS' | 'BACKUP.NO_DIRECTORY'
  | 'RESTORE.POSTGRES' | 'RESTORE.NO_FILE' | 'RESTORE.NOT_A_STORE' | 'RESTORE.NEWER_STORE' | 'RESTORE.DAMAGED' | 'RESTORE.TARGET_NOT_EMPTY';

export interface BackupRefusal {
  refused: BackupRefusalCode;
  message: string;
}

export interface StoreSummary {
  bytes: number;
  orders: number;
  /** The newest migration the copy has. */
  schema: string;
}

const refuse = (refused: BackupRefusalCode, message: string): BackupRefusal => ({ refused, message });
export const isRefusal = (x: unknown): x is BackupRefusal => typeof x === 'object' && x !== null && 'refused' in x;

const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);
const MIGRATIONS_TABLE = 'kysely_migration';
/** Every page in one step: the copy is read in one read transaction, a single moment of the store. */
const ALL_PAGES = 0x7fffffff;

/** A name beside `file` for the copy while it is written, so that a copy cut short never has the final name. */
const partName = (file: string) => join(dirname(file), `.${basename(file)}.part-${process.pid}`);

/**
 * Copies the store at `source` to `file`. SQLite's backup API reads the pages in one read transaction (WAL: the
 * writers go on), so the copy is the store as it was at one moment: every transaction committed before, none
 * after. The copy is written under another name, checked, then given its name; an existing `file` is kept
 * unless `force`.
 */
export async function backupSqlite(source: string, file: string, opts: { force: boolean }): Promise<StoreSummary | BackupRefusal> {
  if (isPostgresUrl(source)) {
    return refuse('BACKUP.POSTGRES', 'the store is PostgreSQL: back it up with pg_dump -Fc (see docs/DEPLOYMENT.md, Backups)');
  }
  if (source === ':memory:' || !existsSync(source)) return refuse('BACKUP.NO_STORE', `there is no store at ${source}`);
  if (!opts.force && existsSync(file)) return refuse('BACKUP.FILE_EXISTS', `${file} exists; give another name, or --force to replace it`);
  if (!existsSync(dirname(file))) return refuse('BACKUP.NO_DIRECTORY', `the directory ${dirname(file)} does not exist`);
  const part = partName(file);
  rmSync(part, { force: true });
  const db = new SqliteDatabase(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('query_only = ON');
    await db.backup(part, { progress: () => ALL_PAGES });
  } finally {
    db.close();
  }
  try {
    selfContained(part);
    const summary = inspect(part);
    if (isRefusal(summary)) {
      if (summary.refused === 'RESTORE.NOT_A_STORE') return refuse('BACKUP.NO_STORE', `${source} is not a Haoka store`);
      throw new Error(`the copy failed its check: ${summary.message}`);
    }
    // link() refuses an existing name, so a file that appeared meanwhile is not replaced without --force either.
    if (opts.force) renameSync(part, file);
    else {
      try {
        linkSync(part, file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return refuse('BACKUP.FILE_EXISTS', `${file} exists; give another name, or --force to replace it`);
        throw e;
      }
    }
    return summary;
  } finally {
    for (const f of [part, `${part}-wal`, `${part}-shm`]) rmSync(f, { force: true });
  }
}

/**
 * The pages copied say WAL, as the store is; a copy in rollback-journal mode is one file that opens, even read-only,
 * without -wal and -shm files beside it. A restored store goes back to WAL when it is opened to serve.
 */
function selfContained(file: string) {
  const db = new SqliteDatabase(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
}

/** Reads a file as a Haoka store: its pages intact, its migrations known to this version. */
function inspect(file: string): StoreSummary | BackupRefusal {
  let db: SqliteDatabase.Database;
  try {
    db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  } catch {
    return refuse('RESTORE.NOT_A_STORE', `${file} cannot be opened as a SQLite database`);
  }
  try {
    let hasMigrations: boolean;
    try {
      hasMigrations = db.prepare(`select 1 from sqlite_master where type = 'table' and name = ?`).get(MIGRATIONS_TABLE) !== undefined;
    } catch {
      return refuse('RESTORE.NOT_A_STORE', `${file} is not a SQLite database`);
    }
    if (!hasMigrations) return refuse('RESTORE.NOT_A_STORE', `${file} is a SQLite database but not a Haoka store (no ${MIGRATIONS_TABLE} table)`);
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') return refuse('RESTORE.DAMAGED', `${file} is damaged: ${String(check)}`);
    const applied = (db.prepare(`select name from ${MIGRATIONS_TABLE} order by name`).all() as { name: string }[]).map((r) => r.name);
    const known = new Set(migrationNames());
    const unknown = applied.filter((n) => !known.has(n));
    if (unknown.length) return refuse('RESTORE.NEWER_STORE', `${file} was written by a newer Haoka (migrations ${unknown.join(', ')} are unknown to this version); restore it with that version`);
    const orders = db.prepare(`select 1 from sqlite_master where type = 'table' and name = 'orders'`).get() === undefined
      ? 0 : Number((db.prepare('select count(*) as n from orders').get() as { n: number }).n);
    return { bytes: statSync(file).size, orders, schema: applied.at(-1) ?? 'none' };
  } finally {
    db.close();
  }
}

/** True when `target` has no store in it: no file, or no table holding a row (a schema alone is empty). */
function isEmptyStore(target: string): boolean {
  if (!existsSync(target)) return true;
  const db = new SqliteDatabase(target, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const tables = (db.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '${MIGRATIONS_TABLE}%'`).all() as { name: string }[]).map((r) => r.name);
    return tables.every((t) => db.prepare(`select 1 from "${t.replace(/"/g, '""')}" limit 1`).get() === undefined);
  } finally {
    db.close();
  }
}

/**
 * Brings the backup `file` into the store at `target`, which must be empty (no serve process may have it open).
 * The copy is checked first and written under another name, so a refused or failed restore leaves the target as
 * it was. Migrating it to this version is the caller's next step.
 */
export async function restoreSqlite(file: string, target: string): Promise<StoreSummary | BackupRefusal> {
  if (isPostgresUrl(target)) {
    return refuse('RESTORE.POSTGRES', 'the store is PostgreSQL: restore a pg_dump -Fc archive with pg_restore (see docs/DEPLOYMENT.md, Backups)');
  }
  if (!existsSync(file)) return refuse('RESTORE.NO_FILE', `there is no backup at ${file}`);
  const summary = inspect(file);
  if (isRefusal(summary)) return summary;
  if (target === ':memory:' || !isEmptyStore(target)) {
    return refuse('RESTORE.TARGET_NOT_EMPTY', `the store at ${target} is not empty; restore into a new file (HAOKA_DATABASE_URL) and switch to it`);
  }
  if (!existsSync(dirname(target))) return refuse('BACKUP.NO_DIRECTORY', `the directory ${dirname(target)} does not exist`);
  const part = partName(target);
  rmSync(part, { force: true });
  const db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    await db.backup(part, { progress: () => ALL_PAGES });
  } finally {
    db.close();
  }
  // The empty store's own WAL and shared-memory files belong to it, not to the copy that replaces it.
  for (const f of [target, `${target}-wal`, `${target}-shm`]) rmSync(f, { force: true });
  renameSync(part, target);
  return summary;
}
