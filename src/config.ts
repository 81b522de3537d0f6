// Configuration from the environment. A bad value stops start-up with a message naming the variable.

export interface Config {
  host: string;
  port: number;
  databaseUrl: string;
  paymentTimeoutMs: number;
  reminderBeforeMs: number;
  secret: string | null;
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
   * The embedded store's synchronous mode: 'full' (the default) acknowledges no commit before its WAL is on disk;
   * 'normal' survives a process crash but may lose the last commits to a power cut or an operating-system crash.
   */
  sqliteSync: SqliteSync;
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
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
  const syncRaw = (env.HAOKA_SQLITE_SYNC ?? 'full').trim().toLowerCase();
  if (syncRaw !== 'full' && syncRaw !== 'normal') throw new ConfigError(`HAOKA_SQLITE_SYNC must be full or normal, not ${JSON.stringify(env.HAOKA_SQLITE_SYNC)}.`);
  const secret = env.HAOKA_SECRET ?? null;
  if (secret !== null && secret.length < 16) throw new ConfigError('HAOKA_SECRET must be at least 16 characters long.');
  return {
    host: env.HAOKA_HOST ?? '127.0.0.1',
    port,
    databaseUrl,
    paymentTimeoutMs,
    reminderBeforeMs,
    secret,
    worker: ['on', 'true', '1'].includes(workerRaw),
    logLevel: env.HAOKA_LOG_LEVEL ?? 'info',
    simStateDir: env.HAOKA_SIM_STATE_DIR?.trim() || null,
    simulatorRoutes: ['on', 'true', '1'].includes(simRaw),
    heapGrowthPercent: growth,
    sqliteSync: syncRaw,
  };
}
