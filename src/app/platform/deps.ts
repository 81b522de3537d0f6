import type { Logger } from 'pino';
import type { PaymentChannel } from '../../domain/order.ts';
import { isError, Rejection, type DomainError } from '../../domain/errors.ts';
import { random32 } from './system-random.ts';
import type { Repos, Store } from '../../adapters/store/store.ts';
import type { CarrierPort, Clock, CourierPort, NotifierPort, PaymentPort, WarehousePort } from './ports.ts';
import type { SettingsService } from './settings.ts';
import type { Secrets } from './secrets.ts';
import type { SupplierRegistry } from '../suppliers/registry.ts';
import type { IotCarrierPort } from '../iot/ports.ts';

/** Everything a use case may touch, handed in by the composition root. */
export interface Deps {
  store: Store;
  clock: Clock;
  settings: SettingsService;
  secrets: Secrets;
  payments: Record<PaymentChannel, PaymentPort>;
  /** The channels this deployment offers (a production channel left unconfigured is not); absent: all. */
  offeredChannels?: readonly PaymentChannel[];
  notifier: NotifierPort;
  carrier: CarrierPort;
  warehouse: WarehousePort;
  courier: CourierPort;
  log: Logger;
  /** Upstream suppliers (app/suppliers/registry.ts); absent: the platform sells only its own catalog. */
  suppliers?: SupplierRegistry;
  /** The carrier's IoT platform (activation, closure, daily usage of business cards). */
  iotCarrier?: IotCarrierPort;
}

/**
 * What a caller writes in the use case's own transaction around its effect: the HTTP layer's Idempotency-Key
 * and the answer to it (built from the result), so that a key and its effect commit or vanish together. The key
 * is taken before the use case (`claim`: a second request with the key waits or stops there) or with the answer
 * (`keep`), in which case a refusal is checked against it (`refused`): a request that finds its key already
 * taken stops there by throwing, and nothing it did is kept.
 */
export interface Receipt<T> {
  claim?(r: Repos): Promise<void>;
  keep(r: Repos, result: T): Promise<void>;
  refused?(r: Repos): Promise<void>;
}

/** Runs a transaction whose expected failures come back as values (the transaction rolled back). */
export async function inTx<T>(store: Store, fn: (r: Repos) => Promise<T | DomainError>, receipt?: Receipt<T>): Promise<T | DomainError> {
  try {
    return await store.tx(async (r) => {
      if (receipt?.claim) await receipt.claim(r);
      let out: T | DomainError;
      try {
        out = await fn(r);
      } catch (e) {
        if (e instanceof Rejection) out = e.error;
        else throw e;
      }
      if (isError(out)) {
        if (receipt?.refused) await receipt.refused(r);
        throw new Rejection(out);
      }
      if (receipt) await receipt.keep(r, out);
      return out;
    });
  } catch (e) {
    if (e instanceof Rejection) return e.error;
    throw e;
  }
}

/** A time-sortable, unguessable identifier with a readable prefix (HK… orders, PAY… payments). */
export function newId(prefix: string, now: number): string {
  return `${prefix}${now.toString(36).toUpperCase().padStart(9, '0')}${random32().toString(36).toUpperCase().padStart(7, '0')}${(random32() % 1296).toString(36).toUpperCase().padStart(2, '0')}`;
}
