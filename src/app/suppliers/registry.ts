// The configured suppliers, by id. Plans synced from a supplier carry its id, so every later call finds its port.
import { fail, type DomainError } from '../../domain/errors.ts';
import type { SupplierPort } from './ports.ts';

export class SupplierRegistry {
  private readonly byId = new Map<string, SupplierPort>();

  constructor(ports: SupplierPort[] = []) {
    for (const p of ports) this.add(p);
  }

  add(port: SupplierPort): void {
    if (this.byId.has(port.id)) throw new Error(`supplier ${port.id} is configured twice`);
    this.byId.set(port.id, port);
  }

  get(id: string): SupplierPort | DomainError {
    return this.byId.get(id) ?? fail('SUPPLIER.NOT_FOUND', 'No such supplier is configured.', { supplierId: id });
  }

  all(): SupplierPort[] {
    return [...this.byId.values()];
  }
}
