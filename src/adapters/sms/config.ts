// SMS providers from the environment. HAOKA_SMS_PROVIDERS lists them in the order they are tried
// (aliyun,tencent: Tencent Cloud takes over when Aliyun refuses or does not answer). Each provider's keys, sign
// name, endpoint and the codes or ids it gave our templates (name=code,name=code ...; docs/PARTNERS.md lists the
// templates). Unset in production: notices stay with the built-in notifier. In demo, unset values take the fake
// providers' demo account and the demo template codes below.
import { KeyConfigError, readSecretSetting } from '../../config-keys.ts';
import { NOTICE_TEMPLATE_NAMES, isNoticeTemplate, type NoticeTemplateName } from '../../domain/notices/templates.ts';
import { SMS_PROVIDER_NAMES, type SmsProviderName } from './provider.ts';

export interface SmsConfig {
  providers: SmsProviderName[];
  timeoutMs: number;
  aliyun: { accessKeyId: string; accessKeySecret: string; signName: string; endpoint: string; templates: Partial<Record<NoticeTemplateName, string>> } | null;
  tencent: { secretId: string; secretKey: string; smsSdkAppId: string; signName: string; region: string; endpoint: string; templates: Partial<Record<NoticeTemplateName, string>> } | null;
  /** True when the endpoints are the demo's fakes, started in this process. */
  fakes: boolean;
}

export const SMS_VARIABLES = {
  providers: 'HAOKA_SMS_PROVIDERS',
  timeout: 'HAOKA_SMS_TIMEOUT_MS',
  aliyunKeyId: 'HAOKA_SMS_ALIYUN_ACCESS_KEY_ID',
  aliyunSecret: 'HAOKA_SMS_ALIYUN_ACCESS_KEY_SECRET',
  aliyunSign: 'HAOKA_SMS_ALIYUN_SIGN_NAME',
  aliyunEndpoint: 'HAOKA_SMS_ALIYUN_ENDPOINT',
  aliyunTemplates: 'HAOKA_SMS_ALIYUN_TEMPLATES',
  tencentId: 'HAOKA_SMS_TENCENT_SECRET_ID',
  tencentKey: 'HAOKA_SMS_TENCENT_SECRET_KEY',
  tencentApp: 'HAOKA_SMS_TENCENT_SDK_APP_ID',
  tencentSign: 'HAOKA_SMS_TENCENT_SIGN_NAME',
  tencentRegion: 'HAOKA_SMS_TENCENT_REGION',
  tencentEndpoint: 'HAOKA_SMS_TENCENT_ENDPOINT',
  tencentTemplates: 'HAOKA_SMS_TENCENT_TEMPLATES',
} as const;

/** The demo's accounts at the fake providers (printed here; production refuses them). */
export const DEMO_SMS = {
  signName: '号卡',
  aliyun: { accessKeyId: 'LTAI5tDemoHaokaSms0001', accessKeySecret: 'haoka-demo-aliyun-sms-secret-0001' },
  tencent: { secretId: 'AKIDdemoHaokaSms0000000000000000001', secretKey: 'haoka-demo-tencent-sms-key-00001', smsSdkAppId: '1400000001' },
  /** Codes as Aliyun would give them (SMS_ and digits) and ids as Tencent Cloud would, one per template in order. */
  aliyunTemplates: Object.fromEntries(NOTICE_TEMPLATE_NAMES.map((n, i) => [n, `SMS_4650${String(101 + i)}`])) as Record<NoticeTemplateName, string>,
  tencentTemplates: Object.fromEntries(NOTICE_TEMPLATE_NAMES.map((n, i) => [n, String(2150101 + i)])) as Record<NoticeTemplateName, string>,
};

function templates(env: NodeJS.ProcessEnv, name: string, pattern: RegExp, fallback: Record<NoticeTemplateName, string> | null): Partial<Record<NoticeTemplateName, string>> {
  const raw = env[name]?.trim();
  if (!raw) {
    if (fallback) return fallback;
    throw new KeyConfigError(`${name} is required: our template names with the codes the provider gave them (name=code,...; docs/PARTNERS.md).`);
  }
  const out: Partial<Record<NoticeTemplateName, string>> = {};
  for (const entry of raw.split(/[,\n]/).map((e) => e.trim()).filter(Boolean)) {
    const [k, v] = entry.split('=').map((s) => s.trim());
    if (!k || !v || !isNoticeTemplate(k)) throw new KeyConfigError(`${name}: ${JSON.stringify(entry)} is not template=code with one of our templates (${NOTICE_TEMPLATE_NAMES.join(', ')}).`);
    if (!pattern.test(v)) throw new KeyConfigError(`${name}: ${JSON.stringify(v)} is not a code of this provider.`);
    out[k] = v;
  }
  if (!out.sign_in_code) throw new KeyConfigError(`${name} must give sign_in_code its code: customers sign in with it.`);
  return out;
}

function endpoint(env: NodeJS.ProcessEnv, name: string, fallback: string, production: boolean): string {
  const raw = (env[name] ?? fallback).trim().replace(/\/+$/, '');
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new KeyConfigError(`${name}=${JSON.stringify(raw)} is not a URL.`);
  }
  if (u.protocol !== 'https:' && (production || u.protocol !== 'http:')) throw new KeyConfigError(`${name} must be an https:// URL${production ? ' in production' : ''}.`);
  return `${u.protocol}//${u.host}`;
}

const secret = (env: NodeJS.ProcessEnv, name: string) => readSecretSetting(env, name)?.value.trim() || null;

/** The SMS providers, or null when none is chosen (production without HAOKA_SMS_PROVIDERS). */
export function loadSmsConfig(env: NodeJS.ProcessEnv, production: boolean): SmsConfig | null {
  const list = env[SMS_VARIABLES.providers]?.trim();
  if (list === undefined || list === '') {
    if (production) return null;
  } else if (list === 'none') return null;
  const providers = (list || 'aliyun,tencent').split(',').map((p) => p.trim()).filter(Boolean);
  for (const p of providers) if (!(SMS_PROVIDER_NAMES as readonly string[]).includes(p)) throw new KeyConfigError(`${SMS_VARIABLES.providers}: ${JSON.stringify(p)} is not a provider (aliyun, tencent).`);
  if (new Set(providers).size !== providers.length) throw new KeyConfigError(`${SMS_VARIABLES.providers} names a provider twice.`);
  const timeoutMs = Number(env[SMS_VARIABLES.timeout] ?? 5000);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000) throw new KeyConfigError(`${SMS_VARIABLES.timeout} is milliseconds from 100 to 60000.`);
  const demo = !production;
  const need = (v: string | null, name: string, demoValue: string) => {
    if (v) {
      if (production && v === demoValue) throw new KeyConfigError(`${name} is the demo value printed in the source; production needs its own.`);
      return v;
    }
    if (demo) return demoValue;
    throw new KeyConfigError(`${name} is required with ${SMS_VARIABLES.providers}=${providers.join(',')}.`);
  };
  const V = SMS_VARIABLES;
  const aliyun = providers.includes('aliyun') ? {
    accessKeyId: need(env[V.aliyunKeyId]?.trim() || null, V.aliyunKeyId, DEMO_SMS.aliyun.accessKeyId),
    accessKeySecret: need(secret(env, V.aliyunSecret), V.aliyunSecret, DEMO_SMS.aliyun.accessKeySecret),
    signName: need(env[V.aliyunSign]?.trim() || null, V.aliyunSign, production ? '' : DEMO_SMS.signName),
    endpoint: endpoint(env, V.aliyunEndpoint, 'https://dysmsapi.aliyuncs.com', production),
    templates: templates(env, V.aliyunTemplates, /^SMS_\d{4,}$/, demo ? DEMO_SMS.aliyunTemplates : null),
  } : null;
  const tencent = providers.includes('tencent') ? {
    secretId: need(env[V.tencentId]?.trim() || null, V.tencentId, DEMO_SMS.tencent.secretId),
    secretKey: need(secret(env, V.tencentKey), V.tencentKey, DEMO_SMS.tencent.secretKey),
    smsSdkAppId: need(env[V.tencentApp]?.trim() || null, V.tencentApp, DEMO_SMS.tencent.smsSdkAppId),
    signName: need(env[V.tencentSign]?.trim() || null, V.tencentSign, production ? '' : DEMO_SMS.signName),
    region: (env[V.tencentRegion] ?? 'ap-guangzhou').trim(),
    endpoint: endpoint(env, V.tencentEndpoint, 'https://sms.tencentcloudapi.com', production),
    templates: templates(env, V.tencentTemplates, /^\d{1,12}$/, demo ? DEMO_SMS.tencentTemplates : null),
  } : null;
  if (tencent && !/^\d{10}$/.test(tencent.smsSdkAppId)) throw new KeyConfigError(`${V.tencentApp} is the SMS application's 10-digit SdkAppId (1400...).`);
  // Demo without endpoints of its own: the fakes in this process.
  const fakes = demo && env[V.aliyunEndpoint] === undefined && env[V.tencentEndpoint] === undefined;
  return { providers: providers as SmsProviderName[], timeoutMs, aliyun, tencent, fakes };
}
