// haoka serve | migrate | seed --demo | seed --orders <n> | worker | token customer <phone> | token agent <username>
//   | backup <file> [--force] | restore <file>
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
import { announceServing, clusterRole, parseProcesses, runCluster, sharedSimStateDir } from './cluster.ts';
import pino from 'pino';
import { logOptions } from '../adapters/log.ts';
import { rotateSecret } from '../app/platform/rotate-secret.ts';
import { backupCommand, restoreCommand } from './backup.ts';
import { reconcileCommand } from './reconcile.ts';
import { doctorCommand } from './doctor.ts';
import { suppliersSyncCommand } from './suppliers.ts';
import { registerDistributorCommands } from './distributors.ts';
import { createChannelSimulators } from '../adapters/payment/channels.ts';
import { systemClock } from '../adapters/clock.ts';
import { partnerKeysOf } from '../main.ts';

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

program.command('serve').description('serve the API and pages (timers and outbox too, unless HAOKA_WORKER=off)')
  .option('--processes <n>', 'server processes sharing the port; timers and the outbox then run in one more process of their own', '1')
  .action(async (o: { processes: string }) => {
    const cfg = config();
    const role = clusterRole();
    if (role === 'worker') return runWorker(cfg);
    const processes = parseProcesses(o.processes);
    if (processes === null) {
      process.stderr.write('haoka serve: --processes must be a whole number from 1 to 64\n');
      process.exit(2);
    }
    if (processes > 1 && role === null) {
      // The demo's simulated partners keep their books where all the processes read them (a channel is one
      // system, whichever process a customer's page lands on).
      if (cfg.mode === 'demo' && !cfg.simStateDir) process.env.HAOKA_SIM_STATE_DIR = sharedSimStateDir(cfg.databaseUrl);
      // Migrate and seed once, before any server process starts.
      const db = openDatabase(cfg.databaseUrl, { sync: cfg.sqliteSync });
      await migrate(db);
      // Only the demo fills an empty store by itself: the demo catalog's staff accounts have published passwords.
      if (cfg.mode === 'demo') await seedDemo(new Store(db), Date.now());
      await db.close();
      return runCluster({ processes, worker: cfg.worker, host: cfg.host, port: cfg.port }, pino(logOptions(cfg.logLevel)));
    }
    const haoka = await compose(cfg, { seed: role === null && cfg.mode === 'demo' });
    const app = await haoka.server();
    await app.listen({ host: cfg.host, port: cfg.port });
    if (cfg.worker) haoka.worker.start();
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : cfg.port;
    haoka.deps.log.info({ mode: cfg.mode, url: `http://${cfg.host}:${port}/`, database: cfg.databaseUrl.replace(/\/\/[^@]*@/, '//***@'), worker: cfg.worker, simulatorRoutes: cfg.simulatorRoutes ? 'mounted at /sim' : 'off' },
      role === 'serve' ? 'haoka server process ready' : 'haoka is serving');
    if (role === 'serve') announceServing(port);
    // Graceful shutdown: stop taking requests, let in-flight ones finish, finish the worker's pass.
    onSignals(haoka.deps.log, () => haoka.close());
  });

async function runWorker(cfg: Config) {
  const haoka = await compose(cfg);
  haoka.worker.start();
  haoka.deps.log.info({ mode: cfg.mode, database: cfg.databaseUrl.replace(/\/\/[^@]*@/, '//***@') }, 'haoka worker running');
  onSignals(haoka.deps.log, () => haoka.close());
}

program.command('worker').description('run timers and the outbox only, beside API processes').action(() => runWorker(config()));

program.command('migrate').description('bring the database schema up to date').action(async () => {
  const db = openDatabase(config().databaseUrl, { sync: config().sqliteSync });
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
    const cfg = config();
    if (cfg.mode === 'production') {
      process.stderr.write('haoka seed: the demo catalog\'s staff accounts have published passwords; production (HAOKA_MODE=production) does not seed it\n');
      process.exit(2);
    }
    const db = openDatabase(cfg.databaseUrl, { sync: cfg.sqliteSync });
    await migrate(db);
    const store = new Store(db);
    const seeded = await seedDemo(store, Date.now(), n);
    process.stdout.write(seeded ? 'demo catalog seeded\n' : 'catalog already present; left as it is\n');
    await store.close();
  });

program.command('doctor').description('check the configuration without moving money: keys, key pairs, addresses, the store, the mode; exit code 1 on any problem')
  .action(async () => {
    process.exit(await doctorCommand(process.env, (line) => process.stdout.write(`${line}\n`)));
  });

program.command('check').description('verify the database invariants; exit code 1 on any violation').action(async () => {
  const cfg = config();
  const db = openDatabase(cfg.databaseUrl, { sync: cfg.sqliteSync });
  const store = new Store(db);
  // The simulated channels are reachable from another process only through their journals.
  const channels = cfg.simStateDir ? { payments: createChannelSimulators(partnerKeysOf(cfg), systemClock, 1, cfg.simStateDir), now: Date.now() } : undefined;
  if (!channels) process.stdout.write('channels not asked: HAOKA_SIM_STATE_DIR is not set\n');
  const { checked, violations } = await checkInvariants(store, channels);
  await store.close();
  for (const v of violations) process.stdout.write(`VIOLATION ${v.invariant}: ${v.subject}: ${v.detail}\n`);
  process.stdout.write(`${checked.length} invariants checked, ${violations.length} violation(s)\n`);
  process.exit(violations.length ? 1 : 0);
});

program.command('rotate-secret').description('seal every sealed value again under the current (first) key of HAOKA_SECRET; then older keys may be dropped')
  .option('--batch <n>', 'rows per transaction', '500')
  .action(async (o: { batch: string }) => {
    const batchSize = Number(o.batch);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
      process.stderr.write('haoka rotate-secret: --batch must be a whole number from 1 to 10000\n');
      process.exit(2);
    }
    const haoka = await compose(config());
    const r = await rotateSecret(haoka.deps, { batchSize });
    const others = haoka.deps.secrets.keyIds().filter((id) => id !== r.currentKeyId);
    await haoka.close();
    process.stdout.write(`sealed again under ${r.currentKeyId}: ${r.resealed.customers} customer phone(s), ${r.resealed.orders} order contact phone(s), ${r.resealed.supplier_orders} supplier order(s)' real-name details${r.hashKeyResealed ? ', the matching key' : ''}\n`);
    process.stdout.write(others.length ? `nothing is sealed under ${others.join(', ')} any more: drop ${others.length > 1 ? 'them' : 'it'} from HAOKA_SECRET once the sign-ins ${others.length > 1 ? 'they' : 'it'} signed may end\n` : 'only one key is configured\n');
  });

program.command('backup <file>').description('copy the embedded store to FILE while it serves (PostgreSQL: pg_dump -Fc)')
  .option('--force', 'replace FILE if it exists')
  .action((file: string, o: { force?: boolean }) => backupCommand(config(), file, o));

program.command('restore <file>').description('bring a backup into an empty store and migrate it to this version')
  .action((file: string) => restoreCommand(config(), file));

program.command('reconcile').description("reconcile a day's channel bills (default: yesterday, Asia/Shanghai); settles what differs, once")
  .option('--date <YYYY-MM-DD>', 'the Beijing day to reconcile').action(async (o: { date?: string }) => reconcileCommand(config(), o.date));
program.command('suppliers').description('upstream suppliers').command('sync').description("sync the suppliers' catalogs now: new plans unpublished, changed terms for new orders, withdrawn plans off sale")
  .option('--supplier <id>', 'one configured supplier').action(async (o: { supplier?: string }) => suppliersSyncCommand(config(), o.supplier));

registerDistributorCommands(program, config);

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
  const cfg = config();
  const haoka = await compose(cfg, { seed: cfg.mode === 'demo' });
  const r = await issueAgentToken(haoka.deps, username);
  await haoka.close();
  if (isError(r)) {
    process.stderr.write(`haoka token: ${r.message}\n`);
    process.exit(2);
  }
  process.stdout.write(`${r.token}\n`);
});

await program.parseAsync(process.argv);
