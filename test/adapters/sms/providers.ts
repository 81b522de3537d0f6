// Both fake SMS providers on 127.0.0.1 with the demo accounts, and the real adapters pointed at them.
import { FakeClock } from '../../../src/adapters/clock.ts';
import { loadSmsConfig } from '../../../src/adapters/sms/config.ts';
import { wireSms, type SmsWiring } from '../../../src/adapters/sms/wiring.ts';
import { AliyunSms } from '../../../src/adapters/sms/aliyun/client.ts';
import { TencentSms } from '../../../src/adapters/sms/tencent/client.ts';

export interface Providers extends SmsWiring {
  clock: FakeClock;
  aliyun: AliyunSms;
  tencent: TencentSms;
  fakeAliyun: NonNullable<SmsWiring['fakes']>['aliyun'] & {};
  fakeTencent: NonNullable<SmsWiring['fakes']>['tencent'] & {};
}

export async function startProviders(env: Record<string, string> = {}, clock = new FakeClock()): Promise<Providers> {
  const config = loadSmsConfig({ HAOKA_SMS_TIMEOUT_MS: '400', ...env }, false)!;
  const w = await wireSms(config, clock, null, { deliverAfterMs: 5000, dailyLimit: 10 });
  const aliyun = w.providers.find((p) => p.name === 'aliyun') as AliyunSms;
  const tencent = w.providers.find((p) => p.name === 'tencent') as TencentSms;
  return { ...w, clock, aliyun, tencent, fakeAliyun: w.fakes!.aliyun!, fakeTencent: w.fakes!.tencent! };
}
