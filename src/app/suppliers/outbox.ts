// Outbox topics of the suppliers.
import type { OutboxRow } from '../../adapters/store/queue-repo.ts';
import type { Deps } from '../platform/deps.ts';
import { submitToSupplier } from './submit-order.ts';

export const SUPPLIER_HANDLERS: Record<string, (deps: Deps, row: OutboxRow, payload: Record<string, unknown>) => Promise<void>> = {
  supplier_submit: submitToSupplier,
};
