// The carrier from the environment: where its interface is and who we are there. The secret that signs our
// requests and its pushes is a partner key (config-keys.ts: HAOKA_CARRIER_SECRET or HAOKA_CARRIER_SECRET_FILE,
// required in production and never the demo's).
//   HAOKA_CARRIER_URL=https://open.carrier.example/api
//   HAOKA_CARRIER_APP_ID=...
// Unset: the fake carrier runs on 127.0.0.1 in this process, signing with that secret (demo: the printed demo
// key), as the simulated carrier; `haoka doctor` says so in production.
import { KeyConfigError } from '../../../config-keys.ts';

export interface CarrierConfig {
  url: string;
  appId: string;
}

export const CARRIER_VARIABLES = { url: 'HAOKA_CARRIER_URL', appId: 'HAOKA_CARRIER_APP_ID' } as const;

/** The app id the fake carrier knows the demo by (printed here; production refuses it). */
export const DEMO_CARRIER_APP_ID = 'HKCARRIER01';

export function loadCarrierConfig(env: NodeJS.ProcessEnv, production: boolean): CarrierConfig | null {
  const raw = env[CARRIER_VARIABLES.url]?.trim();
  const appId = env[CARRIER_VARIABLES.appId]?.trim();
  if (!raw && !appId) return null;
  if (!raw || !appId) throw new KeyConfigError(`The carrier is partly configured: ${!raw ? CARRIER_VARIABLES.url : CARRIER_VARIABLES.appId} is missing.`);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new KeyConfigError(`${CARRIER_VARIABLES.url}=${JSON.stringify(raw)} is not a URL.`);
  }
  if (u.protocol !== 'https:' && (production || u.protocol !== 'http:')) throw new KeyConfigError(`${CARRIER_VARIABLES.url} must be an https:// URL${production ? ' in production' : ''}.`);
  if (!/^[\x21-\x7e]{1,64}$/.test(appId)) throw new KeyConfigError(`${CARRIER_VARIABLES.appId} is the app id the carrier gave us (printable, no spaces).`);
  if (production && appId === DEMO_CARRIER_APP_ID) throw new KeyConfigError(`${CARRIER_VARIABLES.appId} is the demo's app id, printed in the source; production needs its own.`);
  return { url: raw.replace(/\/+$/, ''), appId };
}
