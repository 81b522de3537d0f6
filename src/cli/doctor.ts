// `haoka doctor`: the configuration checked without moving money and without writing anything. Keys parse, the
// halves of a pair we hold both of match (and Alipay's or WeChat Pay's public key is not our own by mistake),
// addresses are well formed and, in production, https; the store is reachable and fully migrated; the mode. Each
// check prints ok or PROBLEM, then what a deployment still lacks; the exit code is 1 when something is wrong.
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { openDatabase } from '../adapters/store/db.ts';
import { migrationsCurrent } from '../adapters/store/migrations/index.ts';
import { ALIPAY_VARIABLES, AlipayConfigError, keysMatch, readPrivateKey, readPublicKey } from '../adapters/payment/alipay/config.ts';
import { WECHAT_VARIABLES } from '../adapters/payment/wechat/config.ts';
import { BANK_VARIABLES } from '../adapters/payment/bank/config.ts';
import { BANK_NOTIFY_PATH } from '../adapters/payment/bank/channel.ts';
import { readSecretSetting } from '../config-keys.ts';
import { PAYMENT_CHANNELS } from '../domain/order.ts';

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface DoctorReport {
  checks: DoctorCheck[];
  /** What a production deployment still lacks (not wrong, only not there yet). */
  lacks: string[];
}

const STORE_TIMEOUT_MS = 5000;

export async function diagnose(env: NodeJS.ProcessEnv): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  const lacks: string[] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  let cfg: Config;
  try {
    cfg = loadConfig(env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    check('configuration', false, e.message);
    return { checks, lacks };
  }
  check('configuration', true, 'every setting parses');
  const production = cfg.mode === 'production';
  check('mode', true, production ? 'production' : 'demo: simulated partners signing with keys printed in the source; takes no real money');
  if (!production) lacks.push('HAOKA_MODE=production (and its keys) before taking real money');
  await checkStore(cfg, check);
  const offered = cfg.paymentChannels ?? [...PAYMENT_CHANNELS];
  check('payment channels', offered.length > 0, `offered: ${offered.join(', ') || 'none'}${production ? `; not offered: ${PAYMENT_CHANNELS.filter((c) => !offered.includes(c)).join(', ') || 'none'}` : ''}`);
  checkAlipay(cfg, env, check, lacks);
  checkWechat(cfg, check);
  checkBank(cfg, check);
  if (production) {
    for (const c of offered) {
      if ((c === 'alipay' && !cfg.alipay) || (c === 'wechat' && !cfg.wechat) || (c === 'bank' && !cfg.bank)) lacks.push(`${c}: offered through its notification key only (the built-in simulator); a real ${c} account is not configured`);
    }
    if (!cfg.kuaidi100) lacks.push('Kuaidi100 (HAOKA_KUAIDI100_*): parcels are tracked by the simulated courier');
    if (!cfg.carrier) lacks.push('the carrier (HAOKA_CARRIER_URL, HAOKA_CARRIER_APP_ID): numbers are released and lines closed at the simulated carrier in this process');
    if (!cfg.onelink) lacks.push('OneLink (HAOKA_IOT_ONELINK_*): business cards are neither activated nor metered at China Mobile');
  }
  if (cfg.onelink && !cfg.onelink.fake) url(check, 'OneLink address', cfg.onelink.url, production);
  if (cfg.carrier) url(check, 'carrier address', cfg.carrier.url, production);
  if (cfg.kuaidi100?.callbackUrl) url(check, 'Kuaidi100 callback address', cfg.kuaidi100.callbackUrl, production);
  return { checks, lacks };
}

type Check = (name: string, ok: boolean, detail: string) => void;

async function checkStore(cfg: Config, check: Check): Promise<void> {
  const pg = /^postgres(ql)?:\/\//.test(cfg.databaseUrl);
  const shown = cfg.databaseUrl.replace(/\/\/[^@]*@/, '//***@');
  // An embedded store is a file: the doctor creates none where there is none.
  if (!pg && cfg.databaseUrl !== ':memory:' && !existsSync(cfg.databaseUrl)) {
    check('store', false, `no store at ${shown}: run haoka migrate (or haoka serve) first`);
    return;
  }
  let db: ReturnType<typeof openDatabase> | null = null;
  try {
    db = openDatabase(cfg.databaseUrl, { sync: cfg.sqliteSync, ...(pg ? { poolSize: 1 } : {}) });
    const current = await Promise.race([
      migrationsCurrent(db),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${STORE_TIMEOUT_MS / 1000} s`)), STORE_TIMEOUT_MS).unref()),
    ]);
    check('store', true, `${pg ? 'PostgreSQL' : 'SQLite'} at ${shown} answers`);
    check('store schema', current, current ? 'every migration applied' : 'migrations are pending: run haoka migrate');
  } catch (e) {
    check('store', false, `${shown} does not answer: ${(e as Error).message}`);
  } finally {
    await db?.close().catch(() => undefined);
  }
}

function url(check: Check, name: string, value: string, production: boolean): void {
  let u: URL | null = null;
  try {
    u = new URL(value);
  } catch {
    // reported below
  }
  if (!u) return check(name, false, `${value} is not a URL`);
  if (production && u.protocol !== 'https:') return check(name, false, `${value}: production talks to its partners over https only`);
  check(name, true, value);
}

function checkAlipay(cfg: Config, env: NodeJS.ProcessEnv, check: Check, lacks: string[]): void {
  const a = cfg.alipay;
  if (!a) return;
  const production = cfg.mode === 'production';
  const priv = readPrivateKey(a.privateKeyPem)!;
  check('Alipay application key', true, `app ${a.appId}: ${ALIPAY_VARIABLES.privateKeyPem} is an RSA private key`);
  const alipayPublic = readPublicKey(a.alipayPublicKeyPem)!;
  // The common slip: the application's own public key where Alipay's public key (支付宝公钥) belongs.
  check('Alipay public key', !keysMatch(priv, alipayPublic),
    keysMatch(priv, alipayPublic) ? `${ALIPAY_VARIABLES.alipayPublicKeyPem} is the application's own public key; copy Alipay's public key (支付宝公钥) from the open platform` : `${ALIPAY_VARIABLES.alipayPublicKeyPem} is an RSA public key`);
  let appPublic: string | null = null;
  try {
    appPublic = readSecretSetting(env, ALIPAY_VARIABLES.appPublicKeyPem)?.value ?? null;
  } catch (e) {
    check('Alipay application public key', false, (e as Error).message);
  }
  if (appPublic !== null) {
    const k = readPublicKey(appPublic);
    if (!k) check('Alipay application public key', false, `${ALIPAY_VARIABLES.appPublicKeyPem}: not an RSA public key`);
    else check('Alipay application public key', keysMatch(priv, k), keysMatch(priv, k) ? 'the public key uploaded to Alipay is the private key\u2019s' : `${ALIPAY_VARIABLES.appPublicKeyPem} is not the half of ${ALIPAY_VARIABLES.privateKeyPem}: Alipay would refuse every request (isv.invalid-signature)`);
  } else lacks.push(`${ALIPAY_VARIABLES.appPublicKeyPem} (optional): the application public key uploaded to Alipay, so that doctor can check it is the private key's`);
  url(check, 'Alipay gateway', a.gateway, production);
  if (a.notifyBaseUrl) url(check, 'Alipay notify address', `${a.notifyBaseUrl}/api/v1/payments/alipay/notify`, production);
  else if (production) check('Alipay notify address', false, `${ALIPAY_VARIABLES.notifyBaseUrl} is not set: Alipay has nowhere to notify payments`);
  if (!a.sellerId) lacks.push(`${ALIPAY_VARIABLES.sellerId} (optional): notifications for another seller are then refused`);
}

function checkWechat(cfg: Config, check: Check): void {
  const w = cfg.wechat;
  if (!w) return;
  const production = cfg.mode === 'production';
  const priv = readPrivateKey(w.privateKeyPem);
  const pub = readPublicKey(w.publicKeyPem);
  check('WeChat Pay merchant key', priv !== null, priv ? `merchant ${w.mchId}: ${WECHAT_VARIABLES.privateKeyPem} is an RSA private key` : `${WECHAT_VARIABLES.privateKeyPem} is not an RSA private key`);
  if (priv && pub) {
    check('WeChat Pay public key', !keysMatch(priv, pub), keysMatch(priv, pub) ? `${WECHAT_VARIABLES.publicKeyPem} is the merchant's own public key; download WeChat Pay's public key (pub_key.pem)` : `${WECHAT_VARIABLES.publicKeyPem} is an RSA public key (${w.publicKeyId})`);
  }
  url(check, 'WeChat Pay gateway', w.gateway, production);
  if (w.notifyBaseUrl) url(check, 'WeChat Pay notify address', `${w.notifyBaseUrl}/api/v1/payments/callback/wechat`, production);
  else if (production) check('WeChat Pay notify address', false, `${WECHAT_VARIABLES.notifyBaseUrl} is not set: WeChat Pay has nowhere to notify payments`);
}

function checkBank(cfg: Config, check: Check): void {
  const b = cfg.bank;
  if (!b) return;
  const production = cfg.mode === 'production';
  // loadConfig made sure the key is there; in production it is not the demo's (config-keys.ts).
  check('bank interface', true, `merchant ${b.merchantId}, requests and answers signed with ${BANK_VARIABLES.key}`);
  url(check, 'bank interface address', b.gateway, production);
  if (b.notifyBaseUrl) url(check, 'bank notify address', `${b.notifyBaseUrl}${BANK_NOTIFY_PATH}`, production);
  else if (production) check('bank notify address', false, `${BANK_VARIABLES.notifyBaseUrl} is not set: the bank has nowhere to notify payments`);
}

/** Prints the report; returns the exit code. */
export async function doctorCommand(env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<number> {
  let report: DoctorReport;
  try {
    report = await diagnose(env);
  } catch (e) {
    if (!(e instanceof AlipayConfigError)) throw e;
    report = { checks: [{ name: 'configuration', ok: false, detail: e.message }], lacks: [] };
  }
  for (const c of report.checks) out(`${c.ok ? 'ok     ' : 'PROBLEM'} ${c.name}: ${c.detail}`);
  if (report.lacks.length) {
    out('still lacking:');
    for (const l of report.lacks) out(`  - ${l}`);
  }
  const problems = report.checks.filter((c) => !c.ok).length;
  out(`${report.checks.length} checks, ${problems} problem(s)`);
  return problems ? 1 : 0;
}
