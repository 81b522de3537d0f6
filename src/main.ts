// Composition root: picks the store from configuration and wires the simulators in as the adapters.
import { setFlagsFromString } from 'node:v8';
import { randomBytes } from 'node:crypto';
import { PAYMENT_KEY_FIELDS } from './config-channels.ts';
import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { PARTNER_KEY_VARIABLES, type PartnerKeys } from './config-keys.ts';
import { DEMO_PARTNER_KEYS } from './adapters/sim/demo-keys.ts';
import { openDatabase } from './adapters/store/db.ts';
import { migrate } from './adapters/store/migrations/index.ts';
import { Store } from './adapters/store/store.ts';
import { logOptions } from './adapters/log.ts';
import { systemClock } from './adapters/clock.ts';
import { createChannelSimulators } from './adapters/payment/channels.ts';
import { wechatChannel } from './adapters/payment/wechat/channel.ts';
import { alipayChannel } from './adapters/payment/alipay/channel.ts';
import { bankPort } from './adapters/payment/bank/channel.ts';
import type { PaymentChannelSimulator } from './adapters/payment/simulator.ts';
import { NotifierSimulator } from './adapters/notifier/simulator.ts';
import { SmsNotifier } from './adapters/sms/notifier.ts';
import { wireSms } from './adapters/sms/wiring.ts';
import { wireCarrier } from './adapters/carrier/md5kv/wiring.ts';
import { WarehouseSimulator } from './adapters/warehouse/simulator.ts';
import { CourierSimulator } from './adapters/courier/simulator.ts';
import { KUAIDI100_CALLBACK_PATH, wireKuaidi100 } from './adapters/courier/kuaidi100/wiring.ts';
import { recordShipment } from './app/after-sales/fulfilment.ts';
import { validateRequestTransitions } from './domain/cancellation-request.ts';
import { SettingsService } from './app/platform/settings.ts';
import { Secrets } from './app/platform/secrets.ts';
import type { Deps } from './app/platform/deps.ts';
import type { Clock, CourierPort } from './app/platform/ports.ts';
import { DEFAULT_SETTINGS } from './domain/settings.ts';
import { validateTransitions } from './domain/transitions.ts';
import { buildServer } from './http/server.ts';
import { webPages } from './http/web.ts';
import type { Simulators } from './http/routes/simulators.ts';
import { Worker } from './jobs/worker.ts';
import { seedDemo } from './seed/demo.ts';
import { wireSuppliers, type WiredSuppliers } from './adapters/suppliers/wiring.ts';
import { wireIotCarrier } from './adapters/iot/wiring.ts';
import { loadOneLinkConfig } from './adapters/iot/onelink/config.ts';
import { ensureIotCatalog } from './app/iot/catalog.ts';
import { seedSupplierPlans } from './app/suppliers/catalog-sync.ts';

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
  /**
   * The courier: 'kuaidi100' (the default in demo, through the fake Kuaidi100, and in production when Kuaidi100 is
   * configured) or 'simulator' (the in-process courier simulator that tests drive step by step).
   */
  courier?: 'kuaidi100' | 'simulator';
  /** WeChat Pay: the API v3 adapter (with the in-process fake gateway in demo; the default) or the in-process simulator. */
  wechat?: 'gateway' | 'simulator';
  /** Alipay: the SDK adapter (with the in-process fake gateway in demo; the default) or the in-process simulator. */
  alipay?: 'gateway' | 'simulator';
  /** Text messages: through the configured SMS providers (the default; demo's are the fakes in this process) or the in-process notifier simulator. */
  sms?: 'providers' | 'simulator';
  /**
   * Upstream suppliers: the configured ones; with none configured, 'fake' runs the demo's fake supplier (the default in
   * demo on the system clock, its orders moving on their own every few seconds), 'demo' runs it as the demo's own start
   * does (its catalog synced and on sale beside the platform's plans) and 'none' runs without suppliers.
   */
  suppliers?: 'fake' | 'demo' | 'none';
}

/** The demo's simulated channels and courier sign with these (adapters/sim/demo-keys.ts); production never does. */
export const SIM_CHANNEL_SECRET = DEMO_PARTNER_KEYS.alipay;
export const SIM_COURIER_SECRET = DEMO_PARTNER_KEYS.courier;

/**
 * The keys the partners sign with and we verify with. Production: configuration only (loadConfig made sure all are
 * there). Demo: the built-in keys, unless one is configured.
 */
export function partnerKeysOf(config: Config): PartnerKeys {
  if (config.mode === 'demo') return { ...DEMO_PARTNER_KEYS, wechatApiV3: null, ...config.partnerKeys };
  const k = config.partnerKeys;
  const missing = (Object.keys(PARTNER_KEY_VARIABLES) as (keyof PartnerKeys)[]).filter((f) => !k[f] && !PAYMENT_KEY_FIELDS.has(f));
  if (missing.length) throw new Error(`production without partner keys: ${missing.map((f) => PARTNER_KEY_VARIABLES[f]).join(', ')}`);
  // A channel without its key is not offered: its simulator gets a key nobody holds, so it accepts no notification.
  const unheld = () => randomBytes(24).toString('hex');
  return { ...k, alipay: k.alipay ?? unheld(), wechat: k.wechat ?? unheld(), bank: k.bank ?? unheld(), wechatApiV3: k.wechatApiV3 ?? null } as PartnerKeys;
}

export async function compose(config: Config, opts: ComposeOptions = {}): Promise<Haoka> {
  const problems = [...validateTransitions(), ...validateRequestTransitions().map((p) => `cancellation request: ${p}`)];
  if (problems.length) throw new Error(`transition table is inconsistent: ${problems.join('; ')}`);
  // Collect once the heap has grown by this much past its live data: under load V8's own pacing lets a server's
  // heap reach about four times what it keeps (0 puts V8's pacing back).
  setFlagsFromString(`--heap-growing-percent=${config.heapGrowthPercent ?? 0}`);
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? pino(logOptions(config.logLevel));
  const keys = partnerKeysOf(config);
  const database = openDatabase(config.databaseUrl, { sync: config.sqliteSync, ...(opts.poolSize ? { poolSize: opts.poolSize } : {}) });
  await migrate(database);
  const store = new Store(database);
  if (opts.seed) await seedDemo(store, clock.now(), opts.numbersPerCarrier);
  if (opts.seed) await ensureIotCatalog(store, clock.now());
  // In production the master secret comes from configuration only and is never written to the store.
  const secrets = await Secrets.load(store, config.secret, clock.now(), { keepInStore: config.mode === 'demo' }).catch(async (e: unknown) => {
    await store.close();
    throw e;
  });
  store.protectWith(secrets.phoneVault());
  const settings = new SettingsService(store, clock, { ...DEFAULT_SETTINGS, paymentTimeoutMs: config.paymentTimeoutMs, reminderBeforeMs: config.reminderBeforeMs });
  const seed = opts.simSeed ?? 1;
  const payments = createChannelSimulators(keys, clock, seed, config.simStateDir);
  const wechat = await wechatChannel(config, clock, { use: opts.wechat, demoApiV3Key: keys.wechatApiV3, seed });
  // The demo's "pay in the app" page pays at the fake gateway.
  if (wechat.fake) payments.wechat = wechat.fake.state;
  const alipay = await alipayChannel(config, clock, { use: opts.alipay, seed });
  if (alipay.fake) payments.alipay = alipay.fake.state;
  const bank = bankPort(config, keys.bank, clock);
  const notifierSim = new NotifierSimulator(store, clock);
  const sms = opts.sms !== 'simulator' && config.sms ? await wireSms(config.sms, clock, config.simStateDir) : null;
  const notifier = sms ? new SmsNotifier(notifierSim, store, clock, sms.providers, log) : notifierSim;
  // The carrier through its md5kv interface: the configured one, or the fake carrier on 127.0.0.1.
  const carrierWiring = await wireCarrier({ config: config.carrier ?? null, secret: keys.carrier, clock, seed, ...(opts.clock ? {} : { resendEveryMs: 5000 }) });
  const carrier = carrierWiring.carrier;
  const warehouse = new WarehouseSimulator();
  const courierSim = new CourierSimulator(keys.courier, clock, seed);
  const useKuaidi100 = opts.courier ? opts.courier === 'kuaidi100' : config.mode === 'demo' || Boolean(config.kuaidi100);
  const kuaidi100 = useKuaidi100 ? await wireKuaidi100({ mode: config.mode, config: config.kuaidi100 ?? null, clock, seed, simStateDir: config.simStateDir, port: config.port }) : null;
  const courier: CourierPort = kuaidi100?.courier ?? courierSim;
  // The warehouse's parcels leave under the courier's e-waybill numbers.
  if (kuaidi100) warehouse.waybills = async (orderId) => (await courier.createWaybill({ orderId })).trackingNo;
  const deps: Deps = { store, clock, settings, secrets, payments: { ...payments, ...(wechat.port ? { wechat: wechat.port } : {}), ...(alipay.port ? { alipay: alipay.port } : {}), ...(bank ? { bank } : {}) }, offeredChannels: config.paymentChannels, notifier, carrier, warehouse, courier, log };
  // Business cards reach China Mobile's IoT platform through OneLink (in demo and tests, the fake on 127.0.0.1).
  const onelink = config.onelink === undefined ? (config.mode === 'demo' ? loadOneLinkConfig({}, false) : null) : config.onelink;
  const iot = await wireIotCarrier({ config: onelink, clock, seed, simStateDir: config.simStateDir, instantJobs: Boolean(opts.clock) });
  if (iot.carrier) deps.iotCarrier = iot.carrier;
  const useFakeSupplier = opts.suppliers ? opts.suppliers !== 'none' : config.mode === 'demo' && !opts.clock;
  const suppliers: WiredSuppliers = await wireSuppliers({ configs: config.suppliers ?? [], useFake: useFakeSupplier, clock, seed, ...(opts.clock ? {} : { autopilotMs: 5000 }) });
  deps.suppliers = suppliers.registry;
  // The demo's own start (not a test that asks for the bare fake) brings the fake supplier's catalog in through the
  // sync and puts it on sale; a supplier's new plans otherwise wait for an operator.
  if (opts.seed && suppliers.fake && (opts.suppliers ?? 'demo') === 'demo') await seedSupplierPlans(deps);
  const sims: Simulators = { payments, notifier: notifierSim, ...(sms?.fakes ? { sms: sms.fakes } : {}), ...(carrierWiring.fake ? { carrier: carrierWiring.fake } : {}), warehouse, courier: courierSim, ...(kuaidi100?.fake ? { kuaidi100: kuaidi100.fake } : {}), ...(iot.fake ? { onelink: iot.fake } : {}) };
  if (suppliers.fake) sims.supplier = suppliers.fake;
  // The simulated warehouse reports a parcel that left straight to the use case, as its integration would.
  warehouse.onShipped = async (orderId, trackingNo) => {
    const r = await recordShipment(deps, orderId, trackingNo);
    if ('kind' in r) log.info({ orderId, code: r.code }, 'warehouse shipment report not applied');
  };
  const worker = new Worker(deps);
  let app: FastifyInstance | null = null;
  let resender: NodeJS.Timeout | null = null;
  return {
    deps,
    sims,
    worker,
    async server() {
      if (app) return app;
      const webDir = opts.webDir;
      // The simulators' pages (pay in the channel app, the SMS inbox with sign-in codes) only when configured.
      // Production never mounts them (loadConfig leaves simulatorRoutes off there).
      const mountSims = config.mode === 'demo' && config.simulatorRoutes;
      const built = await buildServer(deps, { mode: config.mode, simulators: mountSims ? sims : undefined, trustProxy: config.trustProxy, extra: webDir === null ? undefined : (a) => webPages(a, webDir) });
      // The simulated channels notify through the real callback route, signature check included.
      wechat.attach(built);
      alipay.attach(built);
      for (const sim of Object.values(payments) as PaymentChannelSimulator[]) {
        if (sim === wechat.fake?.state || sim === alipay.fake?.state) continue;
        sim.deliver = async (d, kind = 'payment') => {
          const url = kind === 'refund' ? `/api/v1/refunds/callback/${sim.channel}` : `/api/v1/payments/callback/${sim.channel}`;
          const res = await built.inject({ method: 'POST', url, headers: d.headers, payload: d.body });
          return res.statusCode === 200;
        };
      }
      // Each channel resends unacknowledged notifications on its own schedule (kept in its journal, so a restart
      // carries on), as a real channel keeps calling until it hears SUCCESS.
      resender = setInterval(() => { for (const sim of Object.values(payments) as PaymentChannelSimulator[]) void sim.resendDue().catch(() => 0); }, 1000);
      resender.unref();
      // The simulated courier and carrier push through the real signed callback routes as well.
      const inject = (url: string) => async (d: { headers: Record<string, string>; body: string }) =>
        (await built.inject({ method: 'POST', url, headers: d.headers, payload: d.body })).statusCode === 200;
      courierSim.deliver = inject('/api/v1/courier/callback');
      // The fake supplier's callbacks reach the real signed route and count only when answered with its word.
      suppliers.attach(async (path, body) => (await built.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/json' }, payload: body })).body);
      // The fake carrier's pushes reach the real signed route and count only when acknowledged.
      carrierWiring.attach(async (path, body) => {
        const res = await built.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/json' }, payload: body });
        return { status: res.statusCode, body: res.body };
      });
      // The fake Kuaidi100 pushes forms and is acknowledged only by Kuaidi100's expected answer.
      if (kuaidi100?.fake) {
        kuaidi100.fake.deliver = async (_url, body) => {
          const res = await built.inject({ method: 'POST', url: KUAIDI100_CALLBACK_PATH, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body });
          const a = res.json<{ result?: unknown; returnCode?: unknown }>();
          return a.result === true && a.returnCode === '200';
        };
      }
      app = built;
      return built;
    },
    async close() {
      // New connections are refused at once; requests already in flight finish, and so does the worker's
      // pass (its claimed timers and outbox rows are completed or given back, never left to their lease).
      if (resender) clearInterval(resender);
      await Promise.all([worker.stop(), app?.close(), wechat.close(), alipay.close()]);
      await kuaidi100?.close();
      await sms?.close();
      await iot.close();
      await suppliers.close();
      await carrierWiring.close();
      await store.close();
    },
  };
}
