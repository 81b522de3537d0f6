// What the SMS notifier needs of a provider: send one templated message to one mainland phone, and later tell
// what became of messages it accepted. Each provider adapter speaks its own published protocol through its SDK.
import type { NoticeTemplateName } from '../../domain/notices/templates.ts';

export type SmsProviderName = 'aliyun' | 'tencent';
export const SMS_PROVIDER_NAMES: readonly SmsProviderName[] = ['aliyun', 'tencent'];

export interface SmsSend {
  /** 11-digit mainland mobile number. */
  phone: string;
  template: NoticeTemplateName;
  /** The template's parameter values by name (domain/notices/templates.ts). */
  params: Record<string, string>;
  /** Our message key, handed to the provider where it keeps one (Aliyun OutId, Tencent SessionContext). */
  key: string;
}

/**
 * `accepted`: the provider took it; `bizId` finds it again. `refused`: the provider said no, with its own code;
 * `recipient` when the number itself is the reason (a second provider would refuse it too). `timeout`: no answer
 * in time (the provider may or may not have sent it).
 */
export type SmsSendResult =
  | { outcome: 'accepted'; bizId: string }
  | { outcome: 'refused'; code: string; message: string; recipient: boolean }
  | { outcome: 'timeout'; message: string };

export interface SentSms {
  bizId: string;
  phone: string;
  sentAt: number;
}

/** A delivery report: the phone received it, or the carrier gave up with the provider's code. */
export interface SmsReport {
  bizId: string;
  /** The phone it went to, where messages sent together share their `bizId` (Aliyun's SendBatchSms). */
  phone?: string;
  state: 'delivered' | 'failed';
  code: string;
  at: number | null;
}

export interface SmsProvider {
  readonly name: SmsProviderName;
  send(msg: SmsSend): Promise<SmsSendResult>;
  /** Reports for these messages that the provider has (those still on their way are left out). */
  reports(sent: SentSms[]): Promise<SmsReport[]>;
}

/** Beijing time as both providers print it: `2019-01-08 16:44:10`. */
export function beijingDateTime(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** `2019-01-08 16:44:10` (Beijing) -> UTC ms; null when it does not parse. */
export function parseBeijingDateTime(text: unknown): number | null {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text)) return null;
  const ms = Date.parse(`${text.replace(' ', 'T')}+08:00`);
  return Number.isNaN(ms) ? null : ms;
}
