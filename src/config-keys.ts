// Keys from configuration: the master secret (a ring of keys with ids, current first) and each partner's key.
// Each is read from a variable or from a file named by the same variable with _FILE (a mounted secret), never
// both. In production every one is required and none may be a key printed in the source.
import { readFileSync } from 'node:fs';
import { DEMO_PARTNER_KEYS } from './adapters/sim/demo-keys.ts';
import { PAYMENT_KEY_FIELDS } from './config-channels.ts';

/** One master key. Tokens and sealed values record the id of the key they were made with. */
export interface MasterKey {
  id: string;
  secret: string;
}

/** The id of a key given without one: the secret used before key ids were recorded (its tokens and sealed values carry none). */
export const UNLABELLED_KEY_ID = 'k0';

export interface PartnerKeys {
  alipay: string;
  wechat: string;
  /** WeChat Pay's API v3 key (32 characters) that notification contents are encrypted with; null: derived from `wechat` (demo). */
  wechatApiV3: string | null;
  bank: string;
  courier: string;
  carrier: string;
}

/** Each partner key's variable (and NAME_FILE). */
export const PARTNER_KEY_VARIABLES: Record<keyof PartnerKeys, string> = {
  alipay: 'HAOKA_ALIPAY_NOTIFY_KEY',
  wechat: 'HAOKA_WECHAT_NOTIFY_KEY',
  wechatApiV3: 'HAOKA_WECHAT_APIV3_KEY',
  bank: 'HAOKA_BANK_NOTIFY_KEY',
  courier: 'HAOKA_COURIER_CALLBACK_KEY',
  /** The carrier's md5kv secret: signs our requests and its pushes (adapters/carrier/md5kv/config.ts). */
  carrier: 'HAOKA_CARRIER_SECRET',
};

/** Names a key had before: still read when the current name is not set, so an upgrade keeps its environment file. */
export const RENAMED_KEY_VARIABLES: Partial<Record<keyof PartnerKeys, string>> = { carrier: 'HAOKA_CARRIER_CALLBACK_KEY' };

const KEY_ID = /^[A-Za-z0-9-]{1,16}$/;
const MIN_SECRET = 16;

export class KeyConfigError extends Error {}

/** NAME's value, or the content of the file NAME_FILE names (one trailing newline dropped); null when neither is set. */
export function readSecretSetting(env: NodeJS.ProcessEnv, name: string): { value: string; from: string } | null {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  if (direct !== undefined && file !== undefined) throw new KeyConfigError(`${name} and ${name}_FILE are both set; set one of them.`);
  if (direct !== undefined) return { value: direct, from: name };
  if (file === undefined) return null;
  try {
    return { value: readFileSync(file, 'utf8').replace(/\r?\n$/, ''), from: `${name}_FILE` };
  } catch (e) {
    throw new KeyConfigError(`${name}_FILE=${JSON.stringify(file)} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
}

/**
 * The master keys: `k2:<secret>,k1:<secret>` (or one `id:secret` a line in a file), current first; a single
 * secret without an id is key k0. Ids are 1-16 letters, digits or dashes; secrets at least 16 characters.
 */
export function parseMasterKeys(text: string, from: string): MasterKey[] {
  const entries = text.split(/[,\n]/).map((e) => e.trim()).filter((e) => e !== '' && !e.startsWith('#'));
  if (entries.length === 0) throw new KeyConfigError(`${from} is empty; give it a secret of at least ${MIN_SECRET} characters.`);
  const keys: MasterKey[] = [];
  for (const [i, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const labelled = colon > 0 && KEY_ID.test(entry.slice(0, colon));
    if (!labelled && entries.length > 1) throw new KeyConfigError(`${from}: key ${i + 1} has no id; write each key as id:secret (for example k2:…,k1:…).`);
    const key = labelled ? { id: entry.slice(0, colon), secret: entry.slice(colon + 1) } : { id: UNLABELLED_KEY_ID, secret: entry };
    if (key.secret.length < MIN_SECRET || /\s/.test(key.secret)) throw new KeyConfigError(`${from}: the secret of key ${key.id} must be at least ${MIN_SECRET} characters long, without spaces.`);
    if (keys.some((k) => k.id === key.id)) throw new KeyConfigError(`${from}: key id ${key.id} is given twice.`);
    keys.push(key);
  }
  return keys;
}

export function loadMasterKeys(env: NodeJS.ProcessEnv, required: boolean): MasterKey[] | null {
  const s = readSecretSetting(env, 'HAOKA_SECRET');
  if (!s) {
    if (required) throw new KeyConfigError('HAOKA_SECRET (or HAOKA_SECRET_FILE) is required in production (HAOKA_MODE=production): the master secret for tokens and sealed personal data.');
    return null;
  }
  return parseMasterKeys(s.value, s.from);
}

const DEMO_VALUES = new Set<string>(Object.values(DEMO_PARTNER_KEYS));

/** The partner keys set in configuration; in production all of them, none a demo key. */
export function loadPartnerKeys(env: NodeJS.ProcessEnv, required: boolean): Partial<PartnerKeys> {
  const out: Partial<PartnerKeys> = {};
  for (const [field, name] of Object.entries(PARTNER_KEY_VARIABLES) as [keyof PartnerKeys, string][]) {
    const former = RENAMED_KEY_VARIABLES[field];
    const s = readSecretSetting(env, name) ?? (former ? readSecretSetting(env, former) : null);
    if (!s) {
      // A payment channel's key is needed only to offer that channel (config-channels.ts).
      if (required && !PAYMENT_KEY_FIELDS.has(field)) throw new KeyConfigError(`${name} (or ${name}_FILE) is required in production (HAOKA_MODE=production).`);
      continue;
    }
    const v = s.value.trim();
    if (field === 'wechatApiV3') {
      // WeChat Pay's API v3 key is 32 characters, used as the AES-256-GCM key as it is.
      if (!/^[\x21-\x7e]{32}$/.test(v)) throw new KeyConfigError(`${s.from}: WeChat Pay's API v3 key is exactly 32 printable characters.`);
    } else if (v.length < MIN_SECRET || /\s/.test(v)) {
      throw new KeyConfigError(`${s.from} must be at least ${MIN_SECRET} characters long, without spaces.`);
    }
    if (required && DEMO_VALUES.has(v)) throw new KeyConfigError(`${s.from} is the demo's key, printed in the source; production needs the partner's own key.`);
    out[field] = v;
  }
  return out;
}
