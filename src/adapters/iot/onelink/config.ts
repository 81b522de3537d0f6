// China Mobile's IoT open platform (OneLink) from the environment: where it is and who we are there (the appid
// and password the platform gave our customer account; the password may come from HAOKA_IOT_ONELINK_PASSWORD_FILE).
// Unset in production: no IoT platform is reached (`haoka doctor` says so). In demo, unset: the fake platform
// on 127.0.0.1 in this process with the demo account below; with HAOKA_IOT_ONELINK_URL set, that address.
import { KeyConfigError, readSecretSetting } from '../../../config-keys.ts';

export interface OneLinkConfig {
  url: string;
  appid: string;
  password: string;
  timeoutMs: number;
  /** True when the address is the demo's fake, started in this process. */
  fake: boolean;
}

export const ONELINK_VARIABLES = {
  url: 'HAOKA_IOT_ONELINK_URL',
  appid: 'HAOKA_IOT_ONELINK_APP_ID',
  password: 'HAOKA_IOT_ONELINK_PASSWORD',
  timeout: 'HAOKA_IOT_ONELINK_TIMEOUT_MS',
} as const;

/** The demo's account at the fake platform (printed here; production refuses it). */
export const DEMO_ONELINK = { appid: '1000012026', password: 'haoka-demo-onelink-password' } as const;
export const ONELINK_PUBLIC_URL = 'https://api.iot.10086.cn';

export function loadOneLinkConfig(env: NodeJS.ProcessEnv, production: boolean): OneLinkConfig | null {
  const V = ONELINK_VARIABLES;
  const rawUrl = env[V.url]?.trim();
  const appid = env[V.appid]?.trim() || null;
  const password = readSecretSetting(env, V.password)?.value.trim() || null;
  if (production && !rawUrl && !appid && !password) return null;
  const timeoutMs = Number(env[V.timeout] ?? 10_000);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000) throw new KeyConfigError(`${V.timeout} is milliseconds from 100 to 60000.`);
  if (production) {
    if (!appid || !password) throw new KeyConfigError(`${V.appid} and ${V.password} are both required to reach OneLink.`);
    if (appid === DEMO_ONELINK.appid || password === DEMO_ONELINK.password) throw new KeyConfigError(`${V.appid}/${V.password} are the demo values printed in the source; production needs its own.`);
  }
  if (appid !== null && !/^\d{4,32}$/.test(appid)) throw new KeyConfigError(`${V.appid} is the platform's numeric appid.`);
  const url = rawUrl ? parseUrl(rawUrl, production) : production ? ONELINK_PUBLIC_URL : null;
  return { url: url ?? '', appid: appid ?? DEMO_ONELINK.appid, password: password ?? DEMO_ONELINK.password, timeoutMs, fake: url === null };
}

function parseUrl(raw: string, production: boolean): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new KeyConfigError(`${ONELINK_VARIABLES.url}=${JSON.stringify(raw)} is not a URL.`);
  }
  if (u.protocol !== 'https:' && (production || u.protocol !== 'http:')) throw new KeyConfigError(`${ONELINK_VARIABLES.url} must be an https:// URL${production ? ' in production' : ''}.`);
  return `${u.protocol}//${u.host}`;
}
