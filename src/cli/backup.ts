// `haoka backup FILE [--force]` and `haoka restore FILE`: the embedded store's copy while it serves, and that copy
// brought back into an empty store and migrated to this version. A refusal prints its code and exits 2.
import type { Config } from '../config.ts';
import { openDatabase } from '../adapters/store/db.ts';
import { migrate } from '../adapters/store/migrations/index.ts';
import { backupSqlite, isRefusal, restoreSqlite, type BackupRefusal, type StoreSummary } from '../adapters/store/backup.ts';

const mb = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

function refused(command: string, r: BackupRefusal): never {
  process.stderr.write(`haoka ${command}: ${r.refused}: ${r.message}\n`);
  process.exit(2);
}

const describe = (s: StoreSummary) => `${s.orders} orders, schema ${s.schema}, ${mb(s.bytes)}`;

export async function backupCommand(cfg: Config, file: string, opts: { force?: boolean }): Promise<void> {
  const t0 = performance.now();
  const r = await backupSqlite(cfg.databaseUrl, file, { force: opts.force === true });
  if (isRefusal(r)) refused('backup', r);
  process.stdout.write(`backed up ${cfg.databaseUrl} to ${file}: ${describe(r)}, in ${Math.round(performance.now() - t0)} ms\n`);
}

export async function restoreCommand(cfg: Config, file: string): Promise<void> {
  const r = await restoreSqlite(file, cfg.databaseUrl);
  if (isRefusal(r)) refused('restore', r);
  const db = openDatabase(cfg.databaseUrl, { sync: cfg.sqliteSync });
  try {
    const applied = await migrate(db);
    process.stdout.write(`restored ${file} into ${cfg.databaseUrl}: ${describe(r)}; ${applied.length ? `applied: ${applied.join(', ')}` : 'schema is current'}\n`);
  } finally {
    await db.close();
  }
}
