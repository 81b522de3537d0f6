// Kuaidi100 (快递100) from the environment: who we are there (customer, key), the secret of its label API
// (e-waybills, interception), the salt its pushes to us are signed with, where it is, which courier company
// our parcels travel with, and the callback address we give it. Keys and salt may come from NAME_FILE.
// Unset in production: the courier stays the built-in simulator, as before. In demo, unset values take the
// fake Kuaidi100's published demo values (adapters/courier/kuaidi100/fake/demo-account.ts).
import { KeyConfigError, readSecretSetting } from './config-keys.ts';
import { DEMO_KUAIDI100 } from './adapters/courier/kuaidi100/fake/demo-account.ts';

export interface Kuaidi100Config {
  customer: string;
  key: string;
  salt: string;
  /** The label API's secret; null: waybills and interceptions are not sent through Kuaidi100. */
  secret: string | null;
  pollEndpoint: string;
  apiEndpoint: string;
  company: string;
  /** Our callback as Kuaidi100 reaches it; null in demo (the in-process fake is told where we listen). */
  callbackUrl: string | null;
  partnerId: string | null;
}

export const KUAIDI100_VARIABLES = {
  customer: 'HAOKA_KUAIDI100_CUSTOMER',
  key: 'HAOKA_KUAIDI100_KEY',
  salt: 'HAOKA_KUAIDI100_SALT',
  secret: 'HAOKA_KUAIDI100_SECRET',
  endpoint: 'HAOKA_KUAIDI100_ENDPOINT',
  apiEndpoint: 'HAOKA_KUAIDI100_API_ENDPOINT',
  company: 'HAOKA_KUAIDI100_COMPANY',
  callbackUrl: 'HAOKA_KUAIDI100_CALLBACK_URL',
  partnerId: 'HAOKA_KUAIDI100_PARTNER_ID',
} as const;

function url(env: NodeJS.ProcessEnv, name: string, fallback: string, production: boolean): string {
  const raw = (env[name] ?? fallback).trim().replace(/\/+$/, '');
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new KeyConfigError(`${name}=${JSON.stringify(raw)} is not a URL.`);
  }
  if (u.protocol !== 'https:' && (production || u.protocol !== 'http:')) throw new KeyConfigError(`${name} must be an https:// URL${production ? ' in production' : ''}.`);
  return raw;
}

/** Kuaidi100's settings, or null when none is set (production keeps the simulated courier). */
export function loadKuaidi100Config(env: NodeJS.ProcessEnv, production: boolean): Kuaidi100Config | null {
  const key = readSecretSetting(env, KUAIDI100_VARIABLES.key);
  const salt = readSecretSetting(env, KUAIDI100_VARIABLES.salt);
  const secret = readSecretSetting(env, KUAIDI100_VARIABLES.secret);
  const customer = env[KUAIDI100_VARIABLES.customer]?.trim();
  const any = key || salt || secret || customer || env[KUAIDI100_VARIABLES.callbackUrl] || env[KUAIDI100_VARIABLES.endpoint];
  if (!any) return null;
  if (production) {
    const missing = [[key, 'key'], [salt, 'salt'], [customer, 'customer'], [env[KUAIDI100_VARIABLES.callbackUrl], 'callbackUrl']]
      .filter(([v]) => !v).map(([, f]) => KUAIDI100_VARIABLES[f as keyof typeof KUAIDI100_VARIABLES]);
    if (missing.length) throw new KeyConfigError(`Kuaidi100 is partly configured; production also needs ${missing.join(', ')}.`);
  }
  const k = key?.value.trim() ?? DEMO_KUAIDI100.key;
  const s = salt?.value.trim() ?? DEMO_KUAIDI100.salt;
  const c = customer ?? DEMO_KUAIDI100.customer;
  if (!/^[\x21-\x7e]{8,64}$/.test(k)) throw new KeyConfigError(`${key?.from ?? KUAIDI100_VARIABLES.key}: Kuaidi100's key is 8-64 printable characters.`);
  if (!/^[\x21-\x7e]{8,64}$/.test(s)) throw new KeyConfigError(`${salt?.from ?? KUAIDI100_VARIABLES.salt}: the salt is 8-64 printable characters (Kuaidi100 signs its pushes with it).`);
  if (!/^[A-Za-z0-9]{8,64}$/.test(c)) throw new KeyConfigError(`${KUAIDI100_VARIABLES.customer}: Kuaidi100's customer id is 8-64 letters and digits.`);
  if (production && [k, s, secret?.value.trim()].some((v) => v !== undefined && (Object.values(DEMO_KUAIDI100) as string[]).includes(v))) {
    throw new KeyConfigError('A Kuaidi100 key, salt or secret is the demo value printed in the source; production needs its own.');
  }
  const company = (env[KUAIDI100_VARIABLES.company] ?? 'shunfeng').trim();
  if (!/^[a-z0-9]{2,32}$/.test(company)) throw new KeyConfigError(`${KUAIDI100_VARIABLES.company} is Kuaidi100's company code in lower case (shunfeng, yuantong, zhongtong ...).`);
  const callback = env[KUAIDI100_VARIABLES.callbackUrl];
  return {
    customer: c, key: k, salt: s,
    secret: secret ? secret.value.trim() : production ? null : DEMO_KUAIDI100.secret,
    pollEndpoint: url(env, KUAIDI100_VARIABLES.endpoint, 'https://poll.kuaidi100.com', production),
    apiEndpoint: url(env, KUAIDI100_VARIABLES.apiEndpoint, 'https://api.kuaidi100.com', production),
    company,
    callbackUrl: callback === undefined ? null : url(env, KUAIDI100_VARIABLES.callbackUrl, callback, production),
    partnerId: env[KUAIDI100_VARIABLES.partnerId]?.trim() || null,
  };
}
