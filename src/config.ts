// Configuration from the environment. A bad value stops start-up with a message naming the variable.
import { isIP } from 'node:net';
import { KeyConfigError, loadMasterKeys, loadPartnerKeys, type MasterKey, type PartnerKeys } from './config-keys.ts';
import { loadKuaidi100Config, type Kuaidi100Config } from './config-kuaidi100.ts';
import { loadWechatConfig, WechatConfigError, type WechatConfig } from './adapters/payment/wechat/config.ts';
import { AlipayConfigError, loadAlipayConfig, type AlipayConfig } from './adapters/payment/alipay/config.ts';
import { BankConfigError, loadBankConfig, type BankConfig } from './adapters/payment/bank/config.ts';
import { NO_CHANNEL_MESSAGE, offeredChannels } from './config-channels.ts';
import type { PaymentChannel } from './domain/order.ts';
import { loadSmsConfig, type SmsConfig } from './adapters/sms/config.ts';
import { loadOneLinkConfig, type OneLinkConfig } from './adapters/iot/onelink/config.ts';
import { loadSupplierConfigs, SupplierConfigError, type SupplierConfig } from './adapters/suppliers/config.ts';
import { loadCarrierConfig, type CarrierConfig } from './adapters/carrier/md5kv/config.ts';

/**
 * demo (the default): simulated partners with the keys printed in the source and their /sim pages, on loopback
 * only. production: no /sim, and every key (master secret, partners') from configuration.
 */
export type Mode = 'demo' | 'production';

export interface Config {
  mode: Mode;
  host: string;
  port: number;
  databaseUrl: string;
  paymentTimeoutMs: number;
  reminderBeforeMs: number;
  /** The master keys, current first (HAOKA_SECRET or HAOKA_SECRET_FILE); null in demo when unset (made once, kept in the store). */
  secret: MasterKey[] | null;
  /** The partners' keys from configuration: all of them in production; in demo, any set replace the built-in ones. */
  partnerKeys: Partial<PartnerKeys>;
  /** The WeChat Pay merchant account (adapters/payment/wechat/config.ts); null: none configured. */
  wechat?: WechatConfig | null;
  /** The Alipay application (adapters/payment/alipay/config.ts); null: none configured. */
  alipay?: AlipayConfig | null;
  /** The bank's interface (adapters/payment/bank/config.ts); null: none configured. */
  bank?: BankConfig | null;
  /** The payment channels offered (config-channels.ts); absent: all of them. */
  paymentChannels?: PaymentChannel[];
  /** Run timers and the outbox inside `serve` (off when separate `haoka worker` processes do it). */
  worker: boolean;
  logLevel: string;
  /** Where the simulated payment channels keep their state across restarts (a real channel outlives us); null: in memory. */
  simStateDir: string | null;
  /** Mount the simulators' own pages under /sim (pay in the channel app, the SMS inbox with sign-in codes). */
  simulatorRoutes: boolean;
  /**
   * How far the JavaScript heap may grow past what a full collection left before the next one, in percent; null:
   * V8's own pacing, which lets a busy server's heap grow to about four times its live data.
   */
  heapGrowthPercent: number | null;
  /**
   * The proxies whose X-Forwarded-For is believed (addresses, CIDR ranges, or loopback / linklocal / uniquelocal);
   * false: none, the client address is the connection's own.
   */
  trustProxy: string[] | false;
  /**
   * The embedded store's synchronous mode: 'full' (the default) acknowledges no commit before its WAL is on disk;
   * 'normal' survives a process crash but may lose the last commits to a power cut or an operating-system crash.
   */
  sqliteSync: SqliteSync;
  /** Kuaidi100 (config-kuaidi100.ts); null: demo runs the fake Kuaidi100 with its demo account, production the simulated courier. */
  kuaidi100?: Kuaidi100Config | null;
  /** SMS providers (adapters/sms/config.ts); null: the built-in notifier (production without HAOKA_SMS_PROVIDERS). */
  sms?: SmsConfig | null;
  /** Upstream suppliers (adapters/suppliers/config.ts); empty: demo runs its fake supplier, production has none. */
  suppliers?: SupplierConfig[];
  /** China Mobile's IoT platform OneLink (adapters/iot/onelink/config.ts); null: none (production unconfigured). */
  onelink?: OneLinkConfig | null;
  /** The carrier's md5kv interface (adapters/carrier/md5kv/config.ts); null: the fake carrier on 127.0.0.1 in this process. */
  carrier?: CarrierConfig | null;
}

export type SqliteSync = 'full' | 'normal';

export class ConfigError extends Error {}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** '30m', '2s', '1h30m', '500ms' -> milliseconds; null when it does not parse. */
export function parseDuration(text: string): number | null {
  const s = text.trim();
  if (!/^(\d+(ms|s|m|h|d))+$/.test(s)) return null;
  let total = 0;
  for (const [, n, u] of s.matchAll(/(\d+)(ms|s|m|h|d)/g)) total += Number(n) * UNITS[u!]!;
  return total;
}

function duration(env: NodeJS.ProcessEnv, name: string, fallback: string, min: number, max: number): number {
  const raw = env[name] ?? fallback;
  const ms = parseDuration(raw);
  if (ms === null) throw new ConfigError(`${name}=${JSON.stringify(raw)} is not a duration; write it like 30m, 90s or 1h.`);
  if (ms < min || ms > max) throw new ConfigError(`${name}=${raw} is out of range (${min / 1000}s to ${max / 3_600_000}h).`);
  return ms;
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** HAOKA_TRUST_PROXY: off (the default), or a comma-separated list of addresses, CIDR ranges and proxy-addr's names. */
function trustProxy(raw: string | undefined): string[] | false {
  const text = (raw ?? 'off').trim();
  if (['', 'off', 'false', '0'].includes(text.toLowerCase())) return false;
  const entries = text.split(',').map((e) => e.trim());
  for (const e of entries) {
    const [addr, prefix, extra] = e.split('/');
    const family = isIP(addr ?? '');
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32));
    if (PROXY_NAMES.includes(e) || (family !== 0 && prefixOk && extra === undefined)) continue;
    throw new ConfigError(`HAOKA_TRUST_PROXY must be off or a comma-separated list of proxy addresses or CIDR ranges (127.0.0.1, 10.0.0.0/8, ::1, loopback); ${JSON.stringify(e)} is not one.`);
  }
  return entries;
}

/** 127.0.0.0/8, ::1 and localhost: where the demo, with its published keys and open /sim pages, may listen. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return m !== null && m.slice(1).every((o) => Number(o) <= 255);
}

function keys<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof KeyConfigError || e instanceof WechatConfigError || e instanceof AlipayConfigError || e instanceof BankConfigError || e instanceof SupplierConfigError) throw new ConfigError(e.message);
    throw e;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const modeRaw = (env.HAOKA_MODE ?? 'demo').trim().toLowerCase();
  if (modeRaw !== 'demo' && modeRaw !== 'production') throw new ConfigError(`HAOKA_MODE must be demo or production, not ${JSON.stringify(env.HAOKA_MODE)}.`);
  const mode: Mode = modeRaw;
  const host = env.HAOKA_HOST ?? '127.0.0.1';
  if (mode === 'demo' && !isLoopbackHost(host)) {
    throw new ConfigError(`HAOKA_HOST=${JSON.stringify(host)} is not a loopback address, and demo mode (HAOKA_MODE=demo, the default) serves simulators whose keys are public: listen on 127.0.0.1, or set HAOKA_MODE=production with its keys.`);
  }
  const portRaw = env.HAOKA_PORT ?? '8080';
  const port = Number(portRaw);
  if (!/^\d+$/.test(portRaw) || port < 0 || port > 65535) throw new ConfigError(`HAOKA_PORT=${JSON.stringify(portRaw)} is not a port number (0-65535).`);
  const databaseUrl = env.HAOKA_DATABASE_URL?.trim() || './data/haoka.db';
  if (/^[a-z]+:\/\//i.test(databaseUrl) && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(`HAOKA_DATABASE_URL must be a file path (SQLite) or a postgres:// URL, not ${JSON.stringify(databaseUrl)}.`);
  }
  const paymentTimeoutMs = duration(env, 'HAOKA_PAYMENT_TIMEOUT', '30m', 1000, 24 * 3_600_000);
  const reminderBeforeMs = duration(env, 'HAOKA_REMINDER_BEFORE', '5m', 0, 24 * 3_600_000);
  if (reminderBeforeMs >= paymentTimeoutMs) {
    throw new ConfigError(`HAOKA_REMINDER_BEFORE (${env.HAOKA_REMINDER_BEFORE ?? '5m'}) must be shorter than HAOKA_PAYMENT_TIMEOUT (${env.HAOKA_PAYMENT_TIMEOUT ?? '30m'}).`);
  }
  const workerRaw = (env.HAOKA_WORKER ?? 'on').toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(workerRaw)) throw new ConfigError(`HAOKA_WORKER must be on or off, not ${JSON.stringify(env.HAOKA_WORKER)}.`);
  const simRaw = (env.HAOKA_SIMULATOR_ROUTES ?? 'on').toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(simRaw)) throw new ConfigError(`HAOKA_SIMULATOR_ROUTES must be on or off, not ${JSON.stringify(env.HAOKA_SIMULATOR_ROUTES)}.`);
  const growthRaw = (env.HAOKA_HEAP_GROWTH ?? '50%').trim();
  const growth = growthRaw === 'auto' ? null : /^\d+%$/.test(growthRaw) ? Number(growthRaw.slice(0, -1)) : NaN;
  if (growth !== null && !(growth >= 10 && growth <= 300)) throw new ConfigError(`HAOKA_HEAP_GROWTH must be a percentage from 10% to 300%, or auto, not ${JSON.stringify(env.HAOKA_HEAP_GROWTH)}.`);
  // Production never mounts /sim: asking for it there is a mistake worth stopping for.
  if (mode === 'production' && ['on', 'true', '1'].includes(simRaw) && env.HAOKA_SIMULATOR_ROUTES !== undefined) {
    throw new ConfigError('HAOKA_SIMULATOR_ROUTES=on is a demo switch; production (HAOKA_MODE=production) never mounts /sim.');
  }
  const secret = keys(() => loadMasterKeys(env, mode === 'production'));
  const partnerKeys = keys(() => loadPartnerKeys(env, mode === 'production'));
  const syncRaw = (env.HAOKA_SQLITE_SYNC ?? 'full').trim().toLowerCase();
  if (syncRaw !== 'full' && syncRaw !== 'normal') throw new ConfigError(`HAOKA_SQLITE_SYNC must be full or normal, not ${JSON.stringify(env.HAOKA_SQLITE_SYNC)}.`);
  const wechat = keys(() => loadWechatConfig(env));
  const alipay = keys(() => loadAlipayConfig(env));
  const bank = keys(() => loadBankConfig(env, partnerKeys.bank));
  const paymentChannels = offeredChannels(mode, partnerKeys, { alipay, wechat, bank });
  if (paymentChannels.length === 0) throw new ConfigError(NO_CHANNEL_MESSAGE);
  return {
    mode,
    host,
    port,
    databaseUrl,
    paymentTimeoutMs,
    reminderBeforeMs,
    secret,
    partnerKeys,
    wechat,
    alipay,
    bank,
    paymentChannels,
    worker: ['on', 'true', '1'].includes(workerRaw),
    logLevel: env.HAOKA_LOG_LEVEL ?? 'info',
    simStateDir: env.HAOKA_SIM_STATE_DIR?.trim() || null,
    simulatorRoutes: mode === 'demo' && ['on', 'true', '1'].includes(simRaw),
    heapGrowthPercent: growth,
    trustProxy: trustProxy(env.HAOKA_TRUST_PROXY),
    sqliteSync: syncRaw,
    kuaidi100: keys(() => loadKuaidi100Config(env, mode === 'production')),
    sms: keys(() => loadSmsConfig(env, mode === 'production')),
    suppliers: keys(() => loadSupplierConfigs(env)),
    onelink: keys(() => loadOneLinkConfig(env, mode === 'production')),
    carrier: keys(() => loadCarrierConfig(env, mode === 'production')),
  };
}
