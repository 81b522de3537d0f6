// A simulator's memory, kept where every process can see it. A real payment channel outlives our process
// and is one system for all of our processes: when Haoka crashes and restarts, or runs as several servers
// and workers, the channel still knows each payment and which refund request numbers it has paid.
// Records live in a small SQLite file of the channel's own, one row per record, so that two processes
// touching different records never overwrite each other.
import SqliteDatabase from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface JournalRecord {
  key: string;
  json: string;
  seq: number;
}

export class SimJournal {
  private readonly db: SqliteDatabase.Database;
  private readonly since: SqliteDatabase.Statement<[number], JournalRecord>;
  private readonly upsert: SqliteDatabase.Statement<[string, string]>;
  private readonly bump: SqliteDatabase.Statement<[string], { value: number }>;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new SqliteDatabase(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`create table if not exists records (key text primary key, json text not null, seq integer not null);
      create index if not exists records_seq on records (seq);
      create table if not exists counters (name text primary key, value integer not null);`);
    this.since = this.db.prepare('select key, json, seq from records where seq > ? order by seq');
    this.upsert = this.db.prepare(`insert into records (key, json, seq) values (?, ?, (select coalesce(max(seq), 0) + 1 from records))
      on conflict (key) do update set json = excluded.json, seq = excluded.seq`);
    this.bump = this.db.prepare(`insert into counters (name, value) values (?, 1)
      on conflict (name) do update set value = value + 1 returning value`);
  }

  /** Records written (by any process) after `seq`. */
  changesSince(seq: number): JournalRecord[] {
    return this.since.all(seq);
  }

  /** Written before the simulator answers: once a caller has seen an answer, a kill cannot undo it. */
  write(records: { key: string; json: string }[]): void {
    if (records.length === 0) return;
    this.db.transaction(() => { for (const r of records) this.upsert.run(r.key, r.json); })();
  }

  /** A counter shared by every process (trade and refund numbers never repeat). */
  next(name: string): number {
    return this.bump.get(name)!.value;
  }

  close(): void {
    this.db.close();
  }
}
