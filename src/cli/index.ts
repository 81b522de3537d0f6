// haoka serve | migrate | seed --demo | seed --orders <n> | worker | token customer <phone> | token agent <username>
import { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { compose } from '../main.ts';
import { openDatabase } from '../adapters/store/db.ts';
import { migrate } from '../adapters/store/migrations/index.ts';
import { Store } from '../adapters/store/store.ts';
import { seedDemo } from '../seed/demo.ts';
import { issueAgentToken, issueCustomerToken } from '../app/platform/sign-in.ts';
import { isError } from '../domain/errors.ts';
import { checkInvariants } from '../app/platform/check-invariants.ts';
import { seedOrdersCommand } from './seed-orders.ts';
import { reconcileCommand } from './reconcile.ts';
import { createChannelSimulators } from '../adapters/payment/channels.ts';
import { systemClock } from '../adapters/clock.ts';
import { SIM_CHANNEL_SECRET } from '../main.ts';

function config(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`haoka: configuration error: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}

function onSignals(log: { info(o: object, msg: string): void }, stop: () => Promise<void>) {
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (stopping) return;
      stopping = true;
      log.info({ signal: sig }, 'haoka is stopping');
      stop().then(() => { log.info({}, 'haoka stopped'); process.exit(0); }, () => process.exit(1));
    });
  }
}

const program = new Command().name('haoka').description('Orders and after-sales for phone-number-card platforms');

program.command('serve').description('serve the API and pages (timers and outbox too, unless HAOKA_WORKER=off)').action(async () => {
  const cfg = config();
  const haoka = await compose(cfg, { seed: true });
  const app = await haoka.server();
  await app.listen({ host: cfg.host, port: cfg.port });
  if (cfg.worker) haoka.worker.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : cfg.port;
  haoka.deps.log.info({ url: `http://${cfg.host}:${port}/`, database: cfg.databaseUrl.replace(/\/\/[^@]*@/, '//***@'), worker: cfg.worker, simulatorRoutes: cfg.simulatorRoutes ? 'mounted at /sim' : 'off' }, 'haoka is serving');
  // Graceful shutdown: stop taking requests, let in-flight ones finish, finish the worker's pass.
  onSignals(haoka.deps.log, () => haoka.close());
});

program.command('worker').description('run timers and the outbox only, beside API processes').action(async () => {
  const cfg = config();
  const haoka = await compose(cfg);
  haoka.worker.start();
  haoka.deps.log.info({ database: cfg.databaseUrl.replace(/\/\/[^@]*@/, '//***@') }, 'haoka worker running');
  onSignals(haoka.deps.log, () => haoka.close());
});

program.command('migrate').description('bring the database schema up to date').action(async () => {
  const db = openDatabase(config().databaseUrl);
  const applied = await migrate(db);
  process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is current\n');
  await db.close();
});

program.command('seed').description('fill the catalog, or the store with bulk orders').option('--demo', 'the demo plans, numbers and staff accounts').option('--numbers <n>', 'numbers per carrier', '200')
  .option('--orders <n>', 'that many orders in every state over many customers (benchmarks)')
  .action(async (o: { demo?: boolean; numbers: string; orders?: string }) => {
    if (o.orders !== undefined) return seedOrdersCommand(config(), o.orders);
    if (!o.demo) {
      process.stderr.write('haoka seed: say what to seed (--demo or --orders <n>)\n');
      process.exit(2);
    }
    const n = Number(o.numbers);
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000) {
      process.stderr.write('haoka seed: --numbers must be a whole number from 1 to 1000000\n');
      process.exit(2);
    }
    const db = openDatabase(config().databaseUrl);
    await migrate(db);
    const store = new Store(db);
    const seeded = await seedDemo(store, Date.now(), n);
    process.stdout.write(seeded ? 'demo catalog seeded\n' : 'catalog already present; left as it is\n');
    await store.close();
  });

program.command('check').description('verify the database invariants; exit code 1 on any violation').action(async () => {
  const cfg = config();
  const db = openDatabase(cfg.databaseUrl);
  const store = new Store(db);
  // The simulated channels are reachable from another process only through their journals.
  const channels = cfg.simStateDir ? { payments: createChannelSimulators(SIM_CHANNEL_SECRET, systemClock, 1, cfg.simStateDir), now: Date.now() } : undefined;
  if (!channels) process.stdout.write('channels not asked: HAOKA_SIM_STATE_DIR is not set\n');
  const { checked, violations } = await checkInvariants(store, channels);
  await store.close();
  for (const v of violations) process.stdout.write(`VIOLATION ${v.invariant}: ${v.subject}: ${v.detail}\n`);
  process.stdout.write(`${checked.length} invariants checked, ${violations.length} violation(s)\n`);
  process.exit(violations.length ? 1 : 0);
});

program.command('reconcile').description("reconcile a day's channel bills (default: yesterday, Asia/Shanghai); settles what differs, once")
  .option('--date <YYYY-MM-DD>', 'the Beijing day to reconcile').action(async (o: { date?: string }) => reconcileCommand(config(), o.date));

const token = program.command('token').description('print a bearer token for scripts');
token.command('customer <phone>').action(async (phone: string) => {
  const haoka = await compose(config());
  const r = await issueCustomerToken(haoka.deps, phone);
  await haoka.close();
  if (isError(r)) {
    process.stderr.write(`haoka token: ${r.message}\n`);
    process.exit(2);
  }
  process.stdout.write(`${r.token}\n`);
});
token.command('agent <username>').action(async (username: string) => {
  const haoka = await compose(config(), { seed: true });
  const r = await issueAgentToken(haoka.deps, username);
  await haoka.close();
  if (isError(r)) {
    process.stderr.write(`haoka token: ${r.message}\n`);
    process.exit(2);
  }
  process.stdout.write(`${r.token}\n`);
});

await program.parseAsync(process.argv);
