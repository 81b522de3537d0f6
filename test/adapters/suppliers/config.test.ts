import { describe, expect, it } from 'vitest';
import { loadSupplierConfigs } from '../../../src/adapters/suppliers/config.ts';
import { ConfigError, loadConfig } from '../../../src/config.ts';

describe('suppliers in configuration', () => {
  it('reads each supplier with its own protocol, address and keys', () => {
    const got = loadSupplierConfigs({
      HAOKA_SUPPLIERS: 'acme, big-one',
      HAOKA_SUPPLIER_ACME_URL: 'https://open.acme.example/api/', HAOKA_SUPPLIER_ACME_APP_ID: 'A1', HAOKA_SUPPLIER_ACME_SECRET: 's1',
      HAOKA_SUPPLIER_BIG_ONE_PROTOCOL: 'md5kv', HAOKA_SUPPLIER_BIG_ONE_URL: 'http://127.0.0.1:9', HAOKA_SUPPLIER_BIG_ONE_APP_ID: 'B', HAOKA_SUPPLIER_BIG_ONE_SECRET: 's2',
      HAOKA_SUPPLIER_BIG_ONE_NOTIFY_URL: 'https://haoka.example/api/v1/suppliers/big-one/callback',
    });
    expect(got).toEqual([
      { id: 'acme', protocol: 'md5kv', url: 'https://open.acme.example/api', appId: 'A1', secret: 's1', notifyUrl: null },
      { id: 'big-one', protocol: 'md5kv', url: 'http://127.0.0.1:9', appId: 'B', secret: 's2', notifyUrl: 'https://haoka.example/api/v1/suppliers/big-one/callback' },
    ]);
    expect(loadSupplierConfigs({})).toEqual([]);
  });

  it('stops start-up naming what is missing or wrong', () => {
    expect(() => loadConfig({ HAOKA_SUPPLIERS: 'acme', HAOKA_SUPPLIER_ACME_URL: 'https://x' })).toThrow(ConfigError);
    expect(() => loadConfig({ HAOKA_SUPPLIERS: 'acme', HAOKA_SUPPLIER_ACME_URL: 'https://x' })).toThrow(/HAOKA_SUPPLIER_ACME_APP_ID, HAOKA_SUPPLIER_ACME_SECRET missing/);
    expect(() => loadConfig({ HAOKA_SUPPLIERS: 'Acme!' })).toThrow(/not a supplier id/);
    expect(() => loadConfig({ HAOKA_SUPPLIERS: 'acme', HAOKA_SUPPLIER_ACME_PROTOCOL: 'soap' })).toThrow(/must be one of/);
  });
});
