// The upstream suppliers in configuration, each with its own protocol, address and keys (as the payment channels):
//   HAOKA_SUPPLIERS=acme,beta
//   HAOKA_SUPPLIER_ACME_PROTOCOL=md5kv          (md5kv: MD5 over sorted key=value pairs plus the secret;
//                                                aesecb: HMAC-signed, order numbers AES-256-ECB encrypted in callbacks)
//   HAOKA_SUPPLIER_ACME_URL=https://open.acme.example/api
//   HAOKA_SUPPLIER_ACME_APP_ID=...
//   HAOKA_SUPPLIER_ACME_SECRET=...              (or HAOKA_SUPPLIER_ACME_SECRET_FILE)
//   HAOKA_SUPPLIER_ACME_NOTIFY_URL=https://haoka.example/api/v1/suppliers/acme/callback
import { readSecretSetting } from '../../config-keys.ts';

export const SUPPLIER_PROTOCOLS = ['md5kv', 'aesecb'] as const;
export type SupplierProtocol = (typeof SUPPLIER_PROTOCOLS)[number];

export interface SupplierConfig {
  id: string;
  protocol: SupplierProtocol;
  url: string;
  appId: string;
  secret: string;
  /** Where the supplier sends its callbacks (our public address); null: it is told nothing and we poll. */
  notifyUrl: string | null;
}

export class SupplierConfigError extends Error {}

/** The configured suppliers; an empty list when HAOKA_SUPPLIERS is unset (demo then runs its fake supplier). */
export function loadSupplierConfigs(env: NodeJS.ProcessEnv): SupplierConfig[] {
  const list = (env.HAOKA_SUPPLIERS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const out: SupplierConfig[] = [];
  for (const id of list) {
    if (!/^[a-z][a-z0-9-]{0,31}$/.test(id)) throw new SupplierConfigError(`HAOKA_SUPPLIERS: ${JSON.stringify(id)} is not a supplier id (lower-case letters, digits and dashes).`);
    const key = (k: string) => `HAOKA_SUPPLIER_${id.toUpperCase().replace(/-/g, '_')}_${k}`;
    const protocol = (env[key('PROTOCOL')] ?? 'md5kv').trim();
    if (!(SUPPLIER_PROTOCOLS as readonly string[]).includes(protocol)) throw new SupplierConfigError(`${key('PROTOCOL')} must be one of ${SUPPLIER_PROTOCOLS.join(', ')}, not ${JSON.stringify(protocol)}.`);
    const url = env[key('URL')]?.trim();
    const appId = env[key('APP_ID')]?.trim();
    let secret: string | undefined;
    try {
      secret = readSecretSetting(env, key('SECRET'))?.value.trim();
    } catch (e) {
      throw new SupplierConfigError((e as Error).message);
    }
    const missing = [[key('URL'), url], [key('APP_ID'), appId], [key('SECRET'), secret]].filter(([, v]) => !v).map(([n]) => n);
    if (missing.length) throw new SupplierConfigError(`Supplier ${id} is partly configured: ${missing.join(', ')} missing.`);
    if (!/^https?:\/\//.test(url!)) throw new SupplierConfigError(`${key('URL')} must be an http(s) URL.`);
    if (protocol === 'aesecb' && Buffer.byteLength(secret!, 'utf8') !== 32) throw new SupplierConfigError(`${key('SECRET')}: an aesecb AppSecret is 32 characters (the AES-256 key).`);
    out.push({ id, protocol: protocol as SupplierProtocol, url: url!.replace(/\/$/, ''), appId: appId!, secret: secret!, notifyUrl: env[key('NOTIFY_URL')]?.trim() || null });
  }
  return out;
}
