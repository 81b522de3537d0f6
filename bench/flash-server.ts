// The server for the flash sale (bench/flash-sale.ts), on either engine: a few free numbers, many customers
// signed in, each with a resident ID of their own. Afterwards it reads the store to check the outcome.
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { compose } from '../src/main.ts';
import { issueCustomerToken } from '../src/app/platform/sign-in.ts';
import { isError } from '../src/domain/errors.ts';
import { childArgs, finish, reply, replyError } from './child.ts';
import { flashNumberId, residentId } from './fixtures.ts';
import { ProcessMeter } from './stats.ts';
import type { Customer } from './workload.ts';

export interface FlashServerArgs {
  databaseUrl: string;
  customers: number;
  numbers: number;
}

export interface FlashOutcome {
  /** Orders placed on the sale's numbers, and how many numbers had more than one live order. */
  orders: number;
  numbersSoldTwice: number;
  /** Numbers locked by exactly the order that holds them. */
  numbersHeld: number;
  numbersFree: number;
  customersWithOrders: number;
}

async function main() {
  const a = childArgs<FlashServerArgs>();
  const config = loadConfig({ HAOKA_DATABASE_URL: a.databaseUrl, HAOKA_SECRET: 'bench-secret-not-for-production', HAOKA_LOG_LEVEL: 'warn' });
  const haoka = await compose(config, { seed: true, numbersPerCarrier: 10, webDir: null, poolSize: 20 });
  const { deps } = haoka;
  const db = deps.store.database.db as Kysely<any>;
  const now = Date.now();
  const ids = Array.from({ length: a.numbers }, (_, i) => flashNumberId(i));
  await db.insertInto('numbers').values(ids.map((id) => ({ id, carrier: 'china_mobile', number: id.slice(2), vanity_level: 0, price_fen: 0, state: 'free', order_id: null, updated_at: now }))).execute();
  const customers: Customer[] = [];
  for (let i = 0; i < a.customers; i++) {
    const phone = `133${String(i).padStart(8, '0')}`;
    const t = await issueCustomerToken(deps, phone);
    if (isError(t)) throw new Error(t.message);
    customers.push({ ...t, phone, residentId: residentId(500_000 + i) });
  }
  const app = await haoka.server();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const meter = new ProcessMeter();
  process.on('message', (m: any) => {
    (async () => {
      switch (m.cmd) {
        case 'mark':
          meter.mark();
          return reply({});
        case 'stats': {
          const { cpuMs, waitMs, peakRss } = meter.read();
          return reply({ cpuMs, waitMs, peakRss });
        }
        case 'outcome': {
          const orders = await db.selectFrom('orders').select(['id', 'number_id', 'customer_id', 'state']).where('number_id', 'in', ids).execute();
          const live = orders.filter((o) => o.state !== 'cancelled');
          const perNumber = new Map<string, number>();
          for (const o of live) perNumber.set(o.number_id, (perNumber.get(o.number_id) ?? 0) + 1);
          const numbers = await db.selectFrom('numbers').select(['id', 'state', 'order_id']).where('id', 'in', ids).execute();
          const holder = new Map(live.map((o) => [o.number_id as string, o.id as string]));
          return reply({
            orders: orders.length,
            numbersSoldTwice: [...perNumber.values()].filter((n) => n > 1).length,
            numbersHeld: numbers.filter((n) => n.state !== 'free' && n.order_id !== null && holder.get(n.id) === n.order_id).length,
            numbersFree: numbers.filter((n) => n.state === 'free').length,
            customersWithOrders: new Set(orders.map((o) => o.customer_id)).size,
          } satisfies FlashOutcome);
        }
        case 'exit':
          await haoka.close();
          return finish({});
      }
    })().catch(replyError);
  });
  reply({ port: (app.server.address() as AddressInfo).port, customers });
}

main().catch(replyError);
