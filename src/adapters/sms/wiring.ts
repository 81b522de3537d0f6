// SMS as the composition root wires it. With providers configured: their adapters, in the configured order. In
// demo without endpoints of its own: the fake Aliyun and Tencent Cloud SMS on 127.0.0.1 in this process (their
// texts kept under HAOKA_SIM_STATE_DIR when set), with the demo accounts and every template registered, and the
// same adapters pointed at them, so that production differs only in addresses and keys.
import { join } from 'node:path';
import type { Clock } from '../../app/platform/ports.ts';
import { NOTICE_TEMPLATES, numberedText, type NoticeTemplateName } from '../../domain/notices/templates.ts';
import { AliyunSms } from './aliyun/client.ts';
import { FakeAliyunSms } from './aliyun/fake.ts';
import type { SmsConfig } from './config.ts';
import { FakeSmsBook, type FakeSms } from './fake/book.ts';
import type { SmsProvider } from './provider.ts';
import { TencentSms } from './tencent/client.ts';
import { FakeTencentSms } from './tencent/fake.ts';

export interface SmsFakes {
  aliyun: FakeAliyunSms | null;
  tencent: FakeTencentSms | null;
  /** The texts a phone received from either fake, newest first (the demo's inbox page). */
  inbox(phone: string): (FakeSms & { provider: 'aliyun' | 'tencent' })[];
}

export interface SmsWiring {
  providers: SmsProvider[];
  fakes: SmsFakes | null;
  close(): Promise<void>;
}

const entries = (m: Partial<Record<NoticeTemplateName, string>>) => Object.entries(m) as [NoticeTemplateName, string][];

export async function wireSms(config: SmsConfig, clock: Clock, simStateDir: string | null, fakeOptions: { deliverAfterMs?: number; dailyLimit?: number } = {}): Promise<SmsWiring> {
  let aliyunFake: FakeAliyunSms | null = null;
  let tencentFake: FakeTencentSms | null = null;
  const journal = (name: string) => (simStateDir ? join(simStateDir, name) : null);
  const providers: SmsProvider[] = [];
  try {
    for (const name of config.providers) {
      if (name === 'aliyun' && config.aliyun) {
        let endpoint = config.aliyun.endpoint;
        if (config.fakes) {
          const templates = new Map(entries(config.aliyun.templates).map(([n, code]) => [code, { params: NOTICE_TEMPLATES[n].params, text: NOTICE_TEMPLATES[n].text }]));
          aliyunFake = new FakeAliyunSms({ accessKeyId: config.aliyun.accessKeyId, accessKeySecret: config.aliyun.accessKeySecret, signName: config.aliyun.signName, templates },
            new FakeSmsBook(clock, { journalPath: journal('aliyun-sms.db'), ...fakeOptions }));
          endpoint = await aliyunFake.start();
        }
        providers.push(new AliyunSms({ ...config.aliyun, endpoint, timeoutMs: config.timeoutMs }));
      }
      if (name === 'tencent' && config.tencent) {
        let endpoint = config.tencent.endpoint;
        if (config.fakes) {
          const templates = new Map(entries(config.tencent.templates).map(([n, id]) => [id, { count: NOTICE_TEMPLATES[n].params.length, text: numberedText(NOTICE_TEMPLATES[n]) }]));
          tencentFake = new FakeTencentSms({ secretId: config.tencent.secretId, secretKey: config.tencent.secretKey, smsSdkAppId: config.tencent.smsSdkAppId, signName: config.tencent.signName, templates },
            new FakeSmsBook(clock, { journalPath: journal('tencent-sms.db'), ...fakeOptions }));
          endpoint = await tencentFake.start();
        }
        providers.push(new TencentSms({ ...config.tencent, endpoint, timeoutMs: config.timeoutMs }));
      }
    }
  } catch (e) {
    await aliyunFake?.stop();
    await tencentFake?.stop();
    throw e;
  }
  const fakes: SmsFakes | null = aliyunFake || tencentFake ? {
    aliyun: aliyunFake, tencent: tencentFake,
    inbox: (phone) => [
      ...(aliyunFake?.book.inbox(phone).map((m) => ({ ...m, provider: 'aliyun' as const })) ?? []),
      ...(tencentFake?.book.inbox(phone).map((m) => ({ ...m, provider: 'tencent' as const })) ?? []),
    ].sort((a, b) => b.sentAt - a.sentAt),
  } : null;
  return {
    providers, fakes,
    async close() {
      await aliyunFake?.stop();
      await tencentFake?.stop();
    },
  };
}
