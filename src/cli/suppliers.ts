// haoka suppliers sync [--supplier ID]: the suppliers' catalogs synced now (the worker also syncs every few hours).
import type { Config } from '../config.ts';
import { compose } from '../main.ts';
import { isError } from '../domain/errors.ts';
import { syncCatalogs } from '../app/suppliers/catalog-sync.ts';

export async function suppliersSyncCommand(cfg: Config, supplierId: string | undefined): Promise<void> {
  const haoka = await compose(cfg, { suppliers: cfg.suppliers?.length ? 'none' : cfg.mode === 'demo' ? 'fake' : 'none' });
  const out = await syncCatalogs(haoka.deps, supplierId);
  await haoka.close();
  if (isError(out)) {
    process.stderr.write(`haoka suppliers sync: ${out.message}\n`);
    process.exit(2);
  }
  for (const s of out) {
    process.stdout.write(`${s.supplierId}: ${s.error ? `not reached (${s.error})` : `${s.added.length} new (unpublished), ${s.changed.length} changed, ${s.withdrawn.length} withdrawn, ${s.unchanged} unchanged`}\n`);
    for (const id of s.added) process.stdout.write(`  new        ${id}\n`);
    for (const id of s.changed) process.stdout.write(`  changed    ${id}\n`);
    for (const id of s.withdrawn) process.stdout.write(`  withdrawn  ${id}\n`);
  }
  process.exit(out.some((s) => s.error) ? 1 : 0);
}
