// `haoka rotate-secret`: after a new master key is put first in HAOKA_SECRET (the old one kept after it), every
// sealed value (phones, and the real-name details of supplier orders not yet accepted) is sealed again under the new
// key, in batches of bounded size, each batch one transaction; the matching key kept in the store too. Run again, it
// finds nothing left to do; interrupted, it carries on where it stopped. Keyed hashes need nothing: the matching key itself survives rotation (secrets.ts). Afterwards the old
// key can leave the configuration; tokens it signed are refused from then on (they last TOKEN_TTL_MS).
import type { Deps } from './deps.ts';
import { HASH_KEY_SETTING } from './secrets.ts';
import { SEALED_COLUMNS, type SealedTable } from '../../adapters/store/sealed-repo.ts';
import { resealAppSecrets } from '../distribution/manage.ts';
import { REAL_NAME_PURPOSE } from '../suppliers/place-supplier-order.ts';

/** What each sealed column was sealed for: customers' and orders' phones for 'phone' (personal-data.ts). */
const PURPOSE: Record<SealedTable, string> = { customers: 'phone', orders: 'phone', supplier_orders: REAL_NAME_PURPOSE };

export interface RotationReport {
  currentKeyId: string;
  /** Values sealed again under the current key, per table. */
  resealed: Record<SealedTable, number>;
  /** Whether the matching key was sealed again. */
  hashKeyResealed: boolean;
}

export async function rotateSecret(deps: Pick<Deps, 'store' | 'secrets' | 'clock'>, opts: { batchSize?: number } = {}): Promise<RotationReport> {
  const { store, secrets } = deps;
  const batch = opts.batchSize ?? 500;
  const prefix = secrets.currentSealPrefix();
  const resealed = { customers: 0, orders: 0, supplier_orders: 0 } as Record<SealedTable, number>;
  for (const table of Object.keys(SEALED_COLUMNS) as SealedTable[]) {
    let after = '';
    for (;;) {
      const rows = await store.sealed.notUnder(table, prefix, after, batch);
      if (rows.length === 0) break;
      const next = rows.map((r) => ({ ...r, next: secrets.reseal(PURPOSE[table], r.sealed) }));
      resealed[table] += await store.tx(async (r) => {
        let n = 0;
        for (const x of next) if (await r.sealed.replace(table, x.id, x.sealed, x.next)) n++;
        return n;
      });
      after = rows[rows.length - 1]!.id;
      if (rows.length < batch) break;
    }
  }
  await resealAppSecrets(deps);
  const hashKeyResealed = await store.tx(async (r) => {
    const kept = (await r.platform.getSettings())[HASH_KEY_SETTING];
    if (typeof kept !== 'string' || secrets.keyIdOf(kept) === secrets.currentKeyId) return false;
    await r.platform.putSetting(HASH_KEY_SETTING, secrets.sealedHashKey(), 'system', deps.clock.now());
    return true;
  });
  return { currentKeyId: secrets.currentKeyId, resealed, hashKeyResealed };
}
