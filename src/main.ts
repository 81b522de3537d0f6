// Composition root: picks the store from configuration and wires the simulators in as the adapters.
import { setFlagsFromString } from 'node:v8';
import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { openDatabase } from './adapters/store/db.ts';
import { migrate } from './adapters/store/migrations/index.ts';
import { Store } from './adapters/store/store.ts';
import { logOptions } from './adapters/log.ts';
import { systemClock } from './adapters/clock.ts';
import { createChannelSimulators } from './adapters/payment/channels.ts';
import type { PaymentChannelSimulator } from './adapters/payment/simulator.ts';
import { NotifierSimulator } from './adapters/notifier/simulator.ts';
import { CarrierSimulator } from './adapters/carrier/simulator.ts';
import { WarehouseSimulator } from './adapters/warehouse/simulator.ts';
import { CourierSimulator } from './adapters/courier/simulator.ts';
import { recordShipment } from './app/after-sales/fulfilment.ts';
import { validateRequestTransitions } from './domain/cancellation-request.ts';
import { SettingsService } from './app/platform/settings.ts';
import { Secrets } from './app/platform/secrets.ts';
import type { Deps } from './app/platform/deps.ts';
import type { Clock } from './app/platform/ports.ts';
import { DEFAULT_SETTINGS } from './domain/settings.ts';
import { validateTransitions } from './domain/transitions.ts';
import { buildServer } from './http/server.ts';
import { webPages } from './http/web.ts';
import type { Simulators } from './http/routes/simulators.ts';
import { Worker } from './jobs/worker.ts';
import { seedDemo } from './seed/demo.ts';

export interface Haoka {
  deps: Deps;
  sims: Simulators;
  worker: Worker;
  server(): Promise<FastifyInstance>;
  close(): Promise<void>;
}

export interface ComposeOptions {
  clock?: Clock;
  log?: Logger;
  seed?: boolean;
  numbersPerCarrier?: number;
  /** Same seed, same simulator behaviour (nonces, trade numbers). */
  simSeed?: number;
  poolSize?: number;
  /** The built web pages (default dist/web); null serves the API alone. */
  webDir?: string | null;
}

/** The secret the simulated channels sign with; a real channel's key would come from its own configuration. */
export const SIM_CHANNEL_SECRET = 'haoka-simulated-channel-key';
export const SIM_COURIER_SECRET = 'haoka-simulated-courier-key';

export async function compose(config: Config, opts: ComposeOptions = {}): Promise<Haoka> {
  const problems = [...validateTransitions(), ...validateRequestTransitions().map((p) => `cancellation request: ${p}`)];
  if (problems.length) throw new Error(`transition table is inconsistent: ${problems.join('; ')}`);
  // Collect once the heap has grown by this much past its live data: under load V8's own pacing lets a server's
  // heap reach about four times what it keeps (0 puts V8's pacing back).
  setFlagsFromString(`--heap-growing-percent=${config.heapGrowthPercent ?? 0}`);
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? pino(logOptions(config.logLevel));
  const database = openDatabase(config.databaseUrl, opts.poolSize ? { poolSize: opts.poolSize } : {});
  await migrate(database);
  const store = new Store(database);
  if (opts.seed) await seedDemo(store, clock.now(), opts.numbersPerCarrier);
  const secrets = await Secrets.load(store, config.secret, clock.now());
  store.protectWith(secrets.phoneVault());
  const settings = new SettingsService(store, clock, { ...DEFAULT_SETTINGS, paymentTimeoutMs: config.paymentTimeoutMs, reminderBeforeMs: config.reminderBeforeMs });
  const seed = opts.simSeed ?? 1;
  const payments = createChannelSimulators(SIM_CHANNEL_SECRET, clock, seed, config.simStateDir);
  const notifier = new NotifierSimulator(store, clock);
  const carrier = new CarrierSimulator(clock);
  const warehouse = new WarehouseSimulator();
  const courier = new CourierSimulator(SIM_COURIER_SECRET, clock, seed);
  const deps: Deps = { store, clock, settings, secrets, payments, notifier, carrier, warehouse, courier, log };
  const sims: Simulators = { payments, notifier, carrier, warehouse, courier };
  // The simulated warehouse reports a parcel that left straight to the use case, as its integration would.
  warehouse.onShipped = async (orderId, trackingNo) => {
    const r = await recordShipment(deps, orderId, trackingNo);
    if ('kind' in r) log.info({ orderId, code: r.code }, 'warehouse shipment report not applied');
  };
  const worker = new Worker(deps);
  let app: FastifyInstance | null = null;
  return {
    deps,
    sims,
    worker,
    async server() {
      if (app) return app;
      const webDir = opts.webDir;
      // The simulators' pages (pay in the channel app, the SMS inbox with sign-in codes) only when configured.
      const built = await buildServer(deps, { simulators: config.simulatorRoutes ? sims : undefined, extra: webDir === null ? undefined : (a) => webPages(a, webDir) });
      // The simulated channels notify through the real callback route, signature check included.
      for (const sim of Object.values(payments) as PaymentChannelSimulator[]) {
        sim.deliver = async (d, kind = 'payment') => {
          const url = kind === 'refund' ? `/api/v1/refunds/callback/${sim.channel}` : `/api/v1/payments/callback/${sim.channel}`;
          const res = await built.inject({ method: 'POST', url, headers: d.headers, payload: d.body });
          return res.statusCode === 200;
        };
        // What the channel paid before our last stop and never heard acknowledged, it sends again.
        void sim.resendUnacknowledged();
      }
      // The simulated courier and carrier push through the real signed callback routes as well.
      const inject = (url: string) => async (d: { headers: Record<string, string>; body: string }) =>
        (await built.inject({ method: 'POST', url, headers: d.headers, payload: d.body })).statusCode === 200;
      courier.deliver = inject('/api/v1/courier/callback');
      carrier.deliver = inject('/api/v1/carrier/callback');
      app = built;
      return built;
    },
    async close() {
      // New connections are refused at once; requests already in flight finish, and so does the worker's
      // pass (its claimed timers and outbox rows are completed or given back, never left to their lease).
      await Promise.all([worker.stop(), app?.close()]);
      await store.close();
    },
  };
}
