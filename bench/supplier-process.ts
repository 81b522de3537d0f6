// The fake md5kv supplier in a process of its own, on 127.0.0.1: the server under load reserves its numbers over
// HTTP, as it would at a real supplier, and the supplier's work is not counted in the server's CPU time.
import { systemClock } from '../src/adapters/clock.ts';
import { DEMO_PRODUCTS } from '../src/adapters/suppliers/md5kv/fake/demo-catalog.ts';
import { FakeMd5Supplier } from '../src/adapters/suppliers/md5kv/fake/fake-supplier.ts';
import { serveFakeSupplier } from '../src/adapters/suppliers/md5kv/fake/server.ts';
import { childArgs, finish, reply, replyError } from './child.ts';
import { BENCH_SUPPLIER } from './fixtures.ts';

export interface SupplierArgs {
  /** Numbers in the pool of the measured product: one per cycle, as each order keeps its number. */
  pool: number;
}


async function main() {
  const { pool } = childArgs<SupplierArgs>();
  const fake = new FakeMd5Supplier(BENCH_SUPPLIER.appId, BENCH_SUPPLIER.secret, systemClock, 7);
  for (const p of DEMO_PRODUCTS) fake.putProduct(p, p.productId === BENCH_SUPPLIER.product ? pool : 60);
  const server = await serveFakeSupplier(fake, BENCH_SUPPLIER.secret, systemClock);
  process.on('message', (m: { cmd?: string }) => {
    if (m.cmd === 'exit') void server.close().then(() => finish({}), replyError);
  });
  const numbers = [...fake.pool.values()].filter((e) => e.productId === BENCH_SUPPLIER.product).map((e) => e.number);
  reply({ url: server.url, numbers });
}

main().catch(replyError);
