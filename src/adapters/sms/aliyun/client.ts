// Aliyun SMS through its official SDK (@alicloud/dysmsapi20170525 over @alicloud/openapi-core): SendSms with the
// sign name, the template's code and its parameters as JSON, and QuerySendDetails for what the carrier reported.
// The SDK signs every request (ACS3-HMAC-SHA256); `endpoint` and `protocol` point it at Aliyun or at the fake.
import * as $dara from '@darabonba/typescript';
import Dysmsapi, { QuerySendDetailsRequest, QuerySendDetailsResponseBody, SendSmsRequest, SendSmsResponseBody } from '@alicloud/dysmsapi20170525';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import type { NoticeTemplateName } from '../../../domain/notices/templates.ts';
import { clearReadTimersWhenRead } from './read-timers.ts';
import { beijingDateTime, parseBeijingDateTime, type SentSms, type SmsProvider, type SmsReport, type SmsSend, type SmsSendResult } from '../provider.ts';

export interface AliyunSmsConfig {
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  /** `https://dysmsapi.aliyuncs.com`, or the fake's `http://127.0.0.1:port`. */
  endpoint: string;
  /** Our template name -> the TemplateCode Aliyun gave it (SMS_...). */
  templates: Partial<Record<NoticeTemplateName, string>>;
  timeoutMs: number;
}

/** Refusals caused by the number itself: another provider would refuse it as well. */
const RECIPIENT_CODES = new Set(['isv.MOBILE_NUMBER_ILLEGAL', 'isv.MOBILE_COUNT_OVER_LIMIT', 'isv.BLACK_KEY_CONTROL_LIMIT', 'isv.DENY_IP_RANGE']);

// The SDK is CommonJS: Node hands its exports object to a default import, bundlers may hand the class itself.
type DysmsClient = typeof Dysmsapi.default;
const Client: DysmsClient = (Dysmsapi as unknown as { default?: DysmsClient }).default ?? (Dysmsapi as unknown as DysmsClient);

export class AliyunSms implements SmsProvider {
  readonly name = 'aliyun' as const;
  private readonly client: InstanceType<typeof Client>;
  private readonly runtime: $dara.RuntimeOptions;

  constructor(private readonly config: AliyunSmsConfig) {
    const url = new URL(config.endpoint);
    this.client = new Client(new $OpenApiUtil.Config({
      accessKeyId: config.accessKeyId, accessKeySecret: config.accessKeySecret,
      endpoint: url.host, protocol: url.protocol.replace(':', ''),
      readTimeout: config.timeoutMs, connectTimeout: config.timeoutMs,
    }));
    // One attempt: a second try is the other provider's (SendSms is not idempotent at Aliyun).
    this.runtime = new $dara.RuntimeOptions({ autoretry: false, maxAttempts: 1, readTimeout: config.timeoutMs, connectTimeout: config.timeoutMs });
    clearReadTimersWhenRead();
  }

  async send(msg: SmsSend): Promise<SmsSendResult> {
    const code = this.config.templates[msg.template];
    if (!code) return { outcome: 'refused', code: 'isv.SMS_TEMPLATE_ILLEGAL', message: `no Aliyun template code configured for ${msg.template}`, recipient: false };
    try {
      const res = await this.client.sendSmsWithOptions(new SendSmsRequest({
        phoneNumbers: msg.phone, signName: this.config.signName, templateCode: code, templateParam: JSON.stringify(msg.params), outId: msg.key.slice(0, 64),
      }), this.runtime);
      return sendResult(res.body);
    } catch (e) {
      return failure(e);
    }
  }

  async reports(sent: SentSms[]): Promise<SmsReport[]> {
    const out: SmsReport[] = [];
    for (const s of sent) {
      const res = await this.client.querySendDetailsWithOptions(new QuerySendDetailsRequest({
        phoneNumber: s.phone, bizId: s.bizId, sendDate: beijingDateTime(s.sentAt).slice(0, 10).replaceAll('-', ''), pageSize: 10, currentPage: 1,
      }), this.runtime);
      out.push(...detailReports(res.body, s.bizId));
    }
    return out;
  }
}

/** SendSms's answer: `Code` OK with a BizId, or Aliyun's refusal code. */
export function sendResult(body: SendSmsResponseBody | undefined): SmsSendResult {
  if (body?.code === 'OK' && body.bizId) return { outcome: 'accepted', bizId: body.bizId };
  const code = body?.code ?? 'UNKNOWN';
  return { outcome: 'refused', code, message: body?.message ?? '', recipient: RECIPIENT_CODES.has(code) };
}

/** QuerySendDetails's answer for one message: SendStatus 3 received, 2 failed (ErrCode), 1 still on its way. */
export function detailReports(body: QuerySendDetailsResponseBody | undefined, bizId: string): SmsReport[] {
  if (body?.code !== 'OK') return [];
  const out: SmsReport[] = [];
  for (const d of body.smsSendDetailDTOs?.smsSendDetailDTO ?? []) {
    if (d.sendStatus !== 2 && d.sendStatus !== 3) continue;
    out.push({ bizId, state: d.sendStatus === 3 ? 'delivered' : 'failed', code: d.errCode || (d.sendStatus === 3 ? 'DELIVERED' : 'UNKNOWN'), at: parseBeijingDateTime(d.receiveDate) });
  }
  return out.slice(0, 1);
}

/** An answer as Aliyun prints it (PascalCase JSON) read into the SDK's model, as the SDK reads it off the wire. */
export function sendSmsBody(json: unknown): SendSmsResponseBody {
  return $dara.cast(json, new SendSmsResponseBody({}));
}

export function querySendDetailsBody(json: unknown): QuerySendDetailsResponseBody {
  return $dara.cast(json, new QuerySendDetailsResponseBody({}));
}

function failure(e: unknown): SmsSendResult {
  const err = e as { code?: string; message?: string; name?: string; data?: { Code?: string; Message?: string } };
  const text = String(err?.message ?? e);
  if (/timeout|timed out|ETIMEDOUT|ESOCKETTIMEDOUT/i.test(`${err?.name ?? ''} ${err?.code ?? ''} ${text}`) && !err?.data) return { outcome: 'timeout', message: text };
  const code = err?.data?.Code ?? err?.code ?? 'UNKNOWN';
  if (!err?.data && /ECONNREFUSED|ECONNRESET|socket hang up|EAI_AGAIN|ENOTFOUND/i.test(`${code} ${text}`)) return { outcome: 'timeout', message: text };
  return { outcome: 'refused', code, message: err?.data?.Message ?? text, recipient: RECIPIENT_CODES.has(code) };
}
