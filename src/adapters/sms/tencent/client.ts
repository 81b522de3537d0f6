// Tencent Cloud SMS through its official SDK (tencentcloud-sdk-nodejs-sms, API 2021-01-11): SendSms with the SMS
// application, sign name, template id and the parameters in the template's order, to "+86..." numbers; and
// PullSmsSendStatus, which hands out the carriers' reports once each. The SDK signs every request
// (TC3-HMAC-SHA256); the httpProfile's endpoint and protocol point it at Tencent Cloud or at the fake.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import * as tencentcloud from 'tencentcloud-sdk-nodejs-sms';
import { NOTICE_TEMPLATES, type NoticeTemplateName } from '../../../domain/notices/templates.ts';
import { parseBeijingDateTime, type SentSms, type SmsProvider, type SmsReport, type SmsSend, type SmsSendResult } from '../provider.ts';

export interface TencentSmsConfig {
  secretId: string;
  secretKey: string;
  smsSdkAppId: string;
  signName: string;
  region: string;
  /** `https://sms.tencentcloudapi.com`, or the fake's `http://127.0.0.1:port`. */
  endpoint: string;
  /** Our template name -> the TemplateId Tencent Cloud gave it. */
  templates: Partial<Record<NoticeTemplateName, string>>;
  timeoutMs: number;
}

type SendStatus = { SerialNo?: string; PhoneNumber?: string; Code?: string; Message?: string };
type PullStatus = { SerialNo?: string; ReportStatus?: string; Description?: string; UserReceiveTime?: string | number; UserReceiveUnixTime?: number };

const RECIPIENT_CODES = new Set(['InvalidParameterValue.IncorrectPhoneNumber', 'FailedOperation.PhoneNumberInBlacklist', 'FailedOperation.PhoneNumberOnBlacklist', 'UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber']);

const SdkClient = (tencentcloud as unknown as { sms?: typeof tencentcloud.sms }).sms ?? (tencentcloud as unknown as { default: typeof tencentcloud }).default.sms;

export class TencentSms implements SmsProvider {
  readonly name = 'tencent' as const;
  private readonly client: InstanceType<typeof tencentcloud.sms.v20210111.Client>;

  constructor(private readonly config: TencentSmsConfig) {
    const url = new URL(config.endpoint);
    this.client = new SdkClient.v20210111.Client({
      credential: { secretId: config.secretId, secretKey: config.secretKey },
      region: config.region,
      profile: {
        httpProfile: {
          endpoint: url.host, protocol: url.protocol === 'http:' ? 'http://' : 'https://', reqTimeout: config.timeoutMs / 1000,
          // An agent of our own: no proxy from the environment comes between us and the provider.
          agent: url.protocol === 'http:' ? new HttpAgent({ keepAlive: true }) : new HttpsAgent({ keepAlive: true }),
        },
      },
    });
  }

  async send(msg: SmsSend): Promise<SmsSendResult> {
    const id = this.config.templates[msg.template];
    if (!id) return { outcome: 'refused', code: 'FailedOperation.TemplateIncorrectOrUnapproved', message: `no Tencent Cloud template id configured for ${msg.template}`, recipient: false };
    try {
      const res = await this.client.SendSms({
        SmsSdkAppId: this.config.smsSdkAppId, SignName: this.config.signName, TemplateId: id,
        TemplateParamSet: NOTICE_TEMPLATES[msg.template].params.map((p) => msg.params[p] ?? ''),
        PhoneNumberSet: [`+86${msg.phone}`], SessionContext: msg.key.slice(0, 512),
      });
      return sendResult(res.SendStatusSet?.[0]);
    } catch (e) {
      return failure(e);
    }
  }

  /** Every report Tencent Cloud holds for the application (each is handed out once), not only those asked about. */
  async reports(_sent: SentSms[]): Promise<SmsReport[]> {
    const res = await this.client.PullSmsSendStatus({ SmsSdkAppId: this.config.smsSdkAppId, Limit: 100 });
    return pullReports(res.PullSmsSendStatusSet ?? []);
  }
}

/** One number's line of SendStatusSet: Code "Ok" with its SerialNo, or Tencent's code for that number. */
export function sendResult(s: SendStatus | undefined): SmsSendResult {
  if (s?.Code === 'Ok' && s.SerialNo) return { outcome: 'accepted', bizId: s.SerialNo };
  const code = s?.Code ?? 'UNKNOWN';
  return { outcome: 'refused', code, message: s?.Message ?? '', recipient: RECIPIENT_CODES.has(code) };
}

/** PullSmsSendStatusSet: ReportStatus SUCCESS (received) or FAIL, with the carrier's code in Description. */
export function pullReports(set: PullStatus[]): SmsReport[] {
  return set.filter((s) => s.SerialNo && (s.ReportStatus === 'SUCCESS' || s.ReportStatus === 'FAIL')).map((s) => ({
    bizId: s.SerialNo!, state: s.ReportStatus === 'SUCCESS' ? 'delivered' : 'failed', code: s.Description || s.ReportStatus!, at: typeof s.UserReceiveUnixTime === 'number' && s.UserReceiveUnixTime > 0 ? s.UserReceiveUnixTime * 1000 : parseBeijingDateTime(s.UserReceiveTime),
  }));
}

function failure(e: unknown): SmsSendResult {
  const err = e as { code?: string; message?: string };
  const text = String(err?.message ?? e);
  if (!err?.code) {
    // No answer from Tencent Cloud (the SDK wraps network errors without a code).
    if (/timeout|network|ECONN|socket hang up|aborted/i.test(text)) return { outcome: 'timeout', message: text };
    return { outcome: 'refused', code: 'InternalError', message: text, recipient: false };
  }
  return { outcome: 'refused', code: err.code, message: text, recipient: RECIPIENT_CODES.has(err.code) };
}
