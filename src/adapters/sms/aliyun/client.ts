// Aliyun SMS through its official SDK (@alicloud/dysmsapi20170525 over @alicloud/openapi-core): SendSms with the
// sign name, the template's code and its parameters as JSON, and QuerySendDetails for what the carrier reported.
// Messages of one template handed over in the same turn of the event loop (the worker delivers many orders'
// notices at once) leave together as one SendBatchSms of up to 100 numbers; a message alone, or a sign-in code,
// is a SendSms.
// The SDK signs every request (ACS3-HMAC-SHA256); `endpoint` and `protocol` point it at Aliyun or at the fake.
import * as $dara from '@darabonba/typescript';
import Dysmsapi, { QuerySendDetailsRequest, QuerySendDetailsResponseBody, SendBatchSmsRequest, SendBatchSmsResponseBody, SendSmsRequest, SendSmsResponseBody } from '@alicloud/dysmsapi20170525';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import type { NoticeTemplateName } from '../../../domain/notices/templates.ts';
import { Gathering } from './gathering.ts';
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
/**
 * Refusals of a whole batch that one number may have caused (the number itself, or its own daily limit): each message
 * is then sent alone, so that the others go out and only that number's is refused.
 */
const ONE_NUMBER_CODES = new Set([...RECIPIENT_CODES, 'isv.BUSINESS_LIMIT_CONTROL']);
/** Numbers Aliyun takes in one SendBatchSms. */
export const BATCH_LIMIT = 100;

// The SDK is CommonJS: Node hands its exports object to a default import, bundlers may hand the class itself.
type DysmsClient = typeof Dysmsapi.default;
const Client: DysmsClient = (Dysmsapi as unknown as { default?: DysmsClient }).default ?? (Dysmsapi as unknown as DysmsClient);

/** The SDK's client for these keys, at this endpoint. */
export function dysmsClient(config: Pick<AliyunSmsConfig, 'accessKeyId' | 'accessKeySecret' | 'endpoint' | 'timeoutMs'>): InstanceType<typeof Client> {
  const url = new URL(config.endpoint);
  return new Client(new $OpenApiUtil.Config({
    accessKeyId: config.accessKeyId, accessKeySecret: config.accessKeySecret,
    endpoint: url.host, protocol: url.protocol.replace(':', ''),
    readTimeout: config.timeoutMs, connectTimeout: config.timeoutMs,
  }));
}

export class AliyunSms implements SmsProvider {
  readonly name = 'aliyun' as const;
  private readonly client: InstanceType<typeof Client>;
  private readonly runtime: $dara.RuntimeOptions;
  /** Messages waiting for the end of the turn, by TemplateCode. */
  private readonly gathering = new Gathering<SmsSend, SmsSendResult>(BATCH_LIMIT, (code, msgs) => this.sendGathered(code, msgs));

  constructor(private readonly config: AliyunSmsConfig) {
    this.client = dysmsClient(config);
    // One attempt: a second try is the other provider's (SendSms is not idempotent at Aliyun).
    this.runtime = new $dara.RuntimeOptions({ autoretry: false, maxAttempts: 1, readTimeout: config.timeoutMs, connectTimeout: config.timeoutMs });
    clearReadTimersWhenRead();
  }

  async send(msg: SmsSend): Promise<SmsSendResult> {
    const code = this.config.templates[msg.template];
    if (!code) return { outcome: 'refused', code: 'isv.SMS_TEMPLATE_ILLEGAL', message: `no Aliyun template code configured for ${msg.template}`, recipient: false };
    // Aliyun advises sending verification codes alone: a batch may be delivered later, and a code is wanted now.
    if (msg.template === 'sign_in_code') return this.sendOne(code, msg);
    return this.gathering.add(code, msg, msg.phone);
  }

  /**
   * One template's messages of a turn. Aliyun takes or refuses a batch whole: taken, every message is under the
   * batch's BizId (QuerySendDetails finds each by its phone); refused because of one number (or one number's daily
   * limit), each message is sent alone, so that only that number's is refused; refused for the account's or the
   * template's reasons, or not answered, every message shares the answer.
   */
  private async sendGathered(code: string, msgs: SmsSend[]): Promise<SmsSendResult[]> {
    if (msgs.length === 1) return [await this.sendOne(code, msgs[0]!)];
    let r: SmsSendResult;
    try {
      const res = await this.client.sendBatchSmsWithOptions(new SendBatchSmsRequest({
        phoneNumberJson: JSON.stringify(msgs.map((m) => m.phone)), signNameJson: JSON.stringify(msgs.map(() => this.config.signName)),
        templateCode: code, templateParamJson: JSON.stringify(msgs.map((m) => m.params)),
      }), this.runtime);
      r = sendResult(res.body);
    } catch (e) {
      r = failure(e);
    }
    if (r.outcome === 'refused' && ONE_NUMBER_CODES.has(r.code)) return Promise.all(msgs.map((m) => this.sendOne(code, m)));
    return msgs.map(() => r);
  }

  private async sendOne(code: string, msg: SmsSend): Promise<SmsSendResult> {
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
      // The messages of a batch share its BizId: each report names its phone.
      for (const r of detailReports(res.body, s.bizId)) out.push({ ...r, phone: s.phone });
    }
    return out;
  }
}

/** SendSms's or SendBatchSms's answer: `Code` OK with a BizId, or Aliyun's refusal code. */
export function sendResult(body: SendSmsResponseBody | SendBatchSmsResponseBody | undefined): SmsSendResult {
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

export function sendBatchSmsBody(json: unknown): SendBatchSmsResponseBody {
  return $dara.cast(json, new SendBatchSmsResponseBody({}));
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
