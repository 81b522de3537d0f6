import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDuration } from '../src/config.ts';

describe('configuration', () => {
  it('has defaults that serve on loopback with an embedded database', () => {
    expect(loadConfig({})).toMatchObject({ host: '127.0.0.1', port: 8080, databaseUrl: './data/haoka.db', paymentTimeoutMs: 1_800_000, reminderBeforeMs: 300_000 });
  });

  it('mounts the simulator routes unless HAOKA_SIMULATOR_ROUTES is off', () => {
    expect(loadConfig({}).simulatorRoutes).toBe(true);
    expect(loadConfig({ HAOKA_SIMULATOR_ROUTES: 'off' }).simulatorRoutes).toBe(false);
    expect(loadConfig({ HAOKA_SIMULATOR_ROUTES: 'ON' }).simulatorRoutes).toBe(true);
  });

  it('lets the heap grow by half its live data between full collections by default; auto leaves the pacing to Node', () => {
    expect(loadConfig({}).heapGrowthPercent).toBe(50);
    expect(loadConfig({ HAOKA_HEAP_GROWTH: '100%' }).heapGrowthPercent).toBe(100);
    expect(loadConfig({ HAOKA_HEAP_GROWTH: 'auto' }).heapGrowthPercent).toBeNull();
  });

  it('believes no proxy unless HAOKA_TRUST_PROXY lists addresses or ranges', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ HAOKA_TRUST_PROXY: 'off' }).trustProxy).toBe(false);
    expect(loadConfig({ HAOKA_TRUST_PROXY: '127.0.0.1' }).trustProxy).toEqual(['127.0.0.1']);
    expect(loadConfig({ HAOKA_TRUST_PROXY: '10.0.0.0/8, ::1, fd00::/8, loopback' }).trustProxy).toEqual(['10.0.0.0/8', '::1', 'fd00::/8', 'loopback']);
  });

  it('keeps every commit on disk before acknowledging it unless HAOKA_SQLITE_SYNC=normal trades that away', () => {
    expect(loadConfig({}).sqliteSync).toBe('full');
    expect(loadConfig({ HAOKA_SQLITE_SYNC: 'normal' }).sqliteSync).toBe('normal');
    expect(loadConfig({ HAOKA_SQLITE_SYNC: 'FULL' }).sqliteSync).toBe('full');
  });

  it('reads durations like 2s, 15m and 1h30m', () => {
    expect(parseDuration('2s')).toBe(2000);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('15 minutes')).toBeNull();
  });

  it('stops start-up with a message that names the bad variable', () => {
    const bad: Record<string, string>[] = [
      { HAOKA_PAYMENT_TIMEOUT: 'soon' },
      { HAOKA_PORT: 'eighty' },
      { HAOKA_REMINDER_BEFORE: '40m' },
      { HAOKA_DATABASE_URL: 'mysql://x' },
      { HAOKA_WORKER: 'maybe' },
      { HAOKA_SIMULATOR_ROUTES: 'sometimes' },
      { HAOKA_HEAP_GROWTH: '50' },
      { HAOKA_HEAP_GROWTH: '5%' },
      { HAOKA_HEAP_GROWTH: '0%' },
      { HAOKA_HEAP_GROWTH: '400%' },
      { HAOKA_TRUST_PROXY: 'on' },
      { HAOKA_TRUST_PROXY: 'proxy.local' },
      { HAOKA_TRUST_PROXY: '10.0.0.0/33' },
      { HAOKA_TRUST_PROXY: '127.0.0.1,,10.0.0.1' },
      { HAOKA_TRUST_PROXY: '10.0.0.0/8/1' },
      { HAOKA_SQLITE_SYNC: 'off' },
      { HAOKA_SQLITE_SYNC: 'extra' },
    ];
    for (const env of bad) {
      const name = Object.keys(env)[0]!;
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(name);
    }
  });
});
