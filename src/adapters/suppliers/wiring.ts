// The suppliers a Haoka runs with: the configured ones (each through its protocol's client), or, in demo, the fake
// md5kv supplier on 127.0.0.1 with published demo keys, whose callbacks reach the real signed callback route.
import type { Clock } from '../../app/platform/ports.ts';
import { SupplierRegistry } from '../../app/suppliers/registry.ts';
import type { SupplierConfig } from './config.ts';
import { Md5kvSupplier } from './md5kv/client.ts';
import { AesecbSupplier } from './aesecb/client.ts';
import { DEMO_PRODUCTS } from './md5kv/fake/demo-catalog.ts';
import { FakeMd5Supplier } from './md5kv/fake/fake-supplier.ts';
import { serveFakeSupplier, type FakeSupplierServer } from './md5kv/fake/server.ts';

export const DEMO_SUPPLIER = { id: 'demo', appId: 'HKDEMO01', secret: 'haoka-demo-md5kv-secret-not-for-production' } as const;
export const supplierCallbackPath = (id: string): string => `/api/v1/suppliers/${id}/callback`;

export interface WiredSuppliers {
  registry: SupplierRegistry;
  /** The demo's fake supplier (tests drive its review, shipping and callbacks); null with configured suppliers. */
  fake: FakeMd5Supplier | null;
  /** Sends the fake's callbacks to our route (set once the server is built). */
  attach(post: (path: string, body: string) => Promise<string>): void;
  close(): Promise<void>;
}

export async function wireSuppliers(opts: { configs: SupplierConfig[]; useFake: boolean; clock: Clock; seed: number; autopilotMs?: number }): Promise<WiredSuppliers> {
  const registry = new SupplierRegistry();
  for (const c of opts.configs) {
    registry.add(c.protocol === 'aesecb'
      ? new AesecbSupplier({ id: c.id, url: c.url, appKey: c.appId, appSecret: c.secret, notifyUrl: c.notifyUrl, clock: opts.clock })
      : new Md5kvSupplier({ id: c.id, url: c.url, appId: c.appId, secret: c.secret, notifyUrl: c.notifyUrl, clock: opts.clock }));
  }
  if (!opts.useFake || opts.configs.length > 0) return { registry, fake: null, attach: () => undefined, close: async () => undefined };
  const fake = new FakeMd5Supplier(DEMO_SUPPLIER.appId, DEMO_SUPPLIER.secret, opts.clock, opts.seed);
  for (const p of DEMO_PRODUCTS) fake.putProduct(p);
  const server: FakeSupplierServer = await serveFakeSupplier(fake, DEMO_SUPPLIER.secret, opts.clock);
  registry.add(new Md5kvSupplier({ id: DEMO_SUPPLIER.id, url: server.url, appId: DEMO_SUPPLIER.appId, secret: DEMO_SUPPLIER.secret, notifyUrl: `http://127.0.0.1${supplierCallbackPath(DEMO_SUPPLIER.id)}`, clock: opts.clock }));
  // The demo's supplier works on its own: each order moves one step (review, shipping, activation) per beat.
  const beat = opts.autopilotMs ? setInterval(() => {
    if (fake.manual) return;
    for (const o of fake.orders.values()) {
      if (o.state === 'submitted') fake.review(o.outOrderNo);
      else if (o.state === 'awaiting_shipment') fake.ship(o.outOrderNo);
      else if (o.state === 'shipped') fake.activate(o.outOrderNo);
    }
  }, opts.autopilotMs) : null;
  beat?.unref();
  return {
    registry,
    fake,
    attach(post) {
      fake.deliver = async (url, body) => (await post(new URL(url).pathname, body)) === 'success';
    },
    async close() {
      if (beat) clearInterval(beat);
      await server.close();
    },
  };
}
